// The server's live event stream (`GET /api/events`): one connection for the console;
// lists listen and re-read what changed. A broken stream is reopened with growing waits,
// and listeners are told to re-read everything after a break (they may have missed events).
import { defineStore } from "pinia";
import { ref } from "vue";
import { api, openEventStream, type ChangedDocument } from "../api";

export type LiveState = "off" | "connecting" | "live" | "broken";
/** `documents` changed; or (`resync`) the stream was broken and everything may have. */
export type LiveListener = (news: { documents: ChangedDocument[]; resync: boolean }) => void;

const FIRST_WAIT_MS = 2_000;
const LONGEST_WAIT_MS = 60_000;

export const useLive = defineStore("live", () => {
  const state = ref<LiveState>("off");
  const listeners = new Set<LiveListener>();
  let close: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let wait = FIRST_WAIT_MS;
  let token = "";
  /** The stream was broken since it was last open: tell listeners to re-read on reopening. */
  let missed = false;

  function tell(documents: ChangedDocument[], resync: boolean): void {
    for (const listener of listeners) listener({ documents, resync });
  }

  function open(): void {
    close?.();
    state.value = "connecting";
    close = openEventStream(token, {
      open() {
        state.value = "live";
        wait = FIRST_WAIT_MS;
        if (missed) tell([], true);
        missed = false;
      },
      changed: (documents) => tell(documents, false),
      resync: () => tell([], true),
      error(closed) {
        state.value = "broken";
        missed = true;
        // The browser retries by itself unless the server answered with an error; then
        // we wait, ask whether the sign-in still holds (a 401 signs out), and try again.
        if (!closed) return;
        close?.();
        close = null;
        timer = setTimeout(() => {
          timer = null;
          void api.session().then(open, () => (token ? open() : undefined));
        }, wait);
        wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      },
    });
  }

  function start(withToken: string): void {
    stop();
    token = withToken;
    open();
  }

  function stop(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    close?.();
    close = null;
    token = "";
    state.value = "off";
    wait = FIRST_WAIT_MS;
    missed = false;
  }

  /** Listens until the returned function is called. */
  function listen(listener: LiveListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return { state, start, stop, listen };
});
