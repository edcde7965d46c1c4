// Independent automerge-repo clients (the JS reference implementation), used to check
// that our server and our client speak the protocol exactly as automerge-repo does.
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { waitFor } from "./server.mjs";

/** A fresh in-memory Repo with its own WebSocket connection. */
export function connect(wsUrl) {
  return new Repo({ network: [new WebSocketClientAdapter(wsUrl)], sharePolicy: async () => true });
}

/** Finds a document, retrying while the server says it is unavailable. */
export async function findWithRetry(repo, url, timeoutMs = 20_000) {
  return waitFor(`document ${url}`, async () => {
    try {
      return await repo.find(url, { signal: AbortSignal.timeout(5_000) });
    } catch {
      return null;
    }
  }, timeoutMs);
}

/** Plain JSON of a document (Automerge strings, counters and dates included). */
export function plain(doc) {
  return JSON.parse(JSON.stringify(doc, (_k, v) => (v && typeof v === "object" && "val" in v && Object.keys(v).length === 1 ? v.val : v)));
}
