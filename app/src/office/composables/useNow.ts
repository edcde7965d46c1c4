// The time, ticking: clocks on screen run without asking the server anything.
import { onUnmounted, ref, type Ref } from "vue";

/** `Date.now()`, updated every `everyMs` while the component lives. */
export function useNow(everyMs: number): Ref<number> {
  const now = ref(Date.now());
  const timer = setInterval(() => (now.value = Date.now()), everyMs);
  onUnmounted(() => clearInterval(timer));
  return now;
}
