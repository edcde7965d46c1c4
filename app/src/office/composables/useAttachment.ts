// A photo or signature on screen: fetched with the bearer header (an <img> cannot send
// one), shown through an object URL that is let go when the component goes.
import { onUnmounted, ref, watch, type Ref } from "vue";
import { api } from "../api";

export function useAttachment(hash: Ref<string>) {
  const url = ref<string | null>(null);
  const failed = ref(false);
  let made: string | null = null;

  function release(): void {
    if (made) URL.revokeObjectURL(made);
    made = null;
  }

  watch(
    hash,
    async (sha) => {
      release();
      url.value = null;
      failed.value = false;
      try {
        const blob = await api.attachment(sha);
        if (sha !== hash.value) return;
        made = URL.createObjectURL(blob);
        url.value = made;
      } catch {
        failed.value = true;
      }
    },
    { immediate: true },
  );
  onUnmounted(release);
  return { url, failed };
}
