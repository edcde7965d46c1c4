// Independent automerge-repo clients (the JS reference implementation), used to check
// that a sync server speaks the automerge-repo network protocol exactly as automerge-repo
// itself does.
import { randomBytes, randomUUID } from "node:crypto";
import * as A from "@automerge/automerge";
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const POLL_MS = 50;
const connections = new WeakMap();

/**
 * A fresh in-memory Repo (no storage, random peer id) with its own WebSocket connection
 * to `wsUrl`. It shares what it creates with the server (`sharePolicy` true).
 */
export function connect(wsUrl) {
  const adapter = new WebSocketClientAdapter(wsUrl);
  const state = { url: wsUrl, connected: false, everConnected: false, disconnects: 0, received: 0 };
  adapter.on("message", () => {
    state.received += 1;
  });
  const watched = new WeakSet();
  adapter.on("peer-candidate", () => {
    state.connected = true;
    state.everConnected = true;
    // Remember how each socket ends; 1006 means dropped without a close frame.
    const socket = adapter.socket;
    if (socket && !watched.has(socket)) {
      watched.add(socket);
      socket.addEventListener("close", (e) => {
        state.lastClose = { code: e.code, reason: String(e.reason ?? "") };
      });
    }
  });
  adapter.on("peer-disconnected", () => {
    state.connected = false;
    state.disconnects += 1;
  });
  const repo = new Repo({
    network: [adapter],
    peerId: `js-${randomUUID()}`,
    sharePolicy: async () => true,
  });
  connections.set(repo, { adapter, state });
  return repo;
}

/**
 * The device a sync URL signs in as: `?token=…` is looked up at the server's
 * `/api/session`. Null for a URL without a token (a server that needs none).
 */
export async function deviceOf(wsUrl) {
  const url = new URL(wsUrl);
  const token = url.searchParams.get("token");
  if (!token) return null;
  const session = new URL("/api/session", url);
  session.protocol = url.protocol === "wss:" ? "https:" : "http:";
  const response = await fetch(session, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${session} answered ${response.status}: ${await response.text()}`);
  return (await response.json()).device;
}

/** A fresh actor for `device` (its ID, then 8 random bytes); Automerge's own without one. */
export function actorFor(device) {
  return device ? device + randomBytes(8).toString("hex") : undefined;
}

/** Creates a document whose every change carries `device`'s actor (any actor without one). */
export function createAs(repo, content, device) {
  if (!device) return repo.create(content);
  const handle = repo.create();
  handle.update(() => A.from(content, { actor: actorFor(device) }));
  return handle;
}

/** Makes the changes made on `handle` from now on carry `device`'s actor. */
export function writeAs(handle, device) {
  if (device) handle.update((doc) => A.clone(doc, { actor: actorFor(device) }));
  return handle;
}

/** `{connected, everConnected, disconnects, received}` (messages) of a Repo made by `connect`. */
export function connectionState(repo) {
  return connections.get(repo)?.state;
}

/** Calls `listener(message)` for every protocol message the server sends a Repo made by `connect`. */
export function onServerMessage(repo, listener) {
  const entry = connections.get(repo);
  if (!entry) throw new Error("onServerMessage needs a Repo made by connect()");
  entry.adapter.on("message", listener);
}

/** Calls `onLost(reason)` once if the server closes the connection of a Repo made by `connect`. */
export function onConnectionLost(repo, onLost) {
  const entry = connections.get(repo);
  if (!entry) throw new Error("onConnectionLost needs a Repo made by connect()");
  let fired = false;
  entry.adapter.on("peer-disconnected", () => {
    if (fired) return;
    fired = true;
    // After the socket's other close listeners, so that the close code is known.
    setImmediate(() => {
      const close = entry.state.lastClose;
      const how = close ? ` (close code ${close.code}${close.reason ? `, ${close.reason}` : ""})` : "";
      onLost(`the server closed the WebSocket connection to ${entry.state.url}${how}`);
    });
  });
}

/** A connected Repo that fails the run as soon as the server drops it. */
export async function connected(wsUrl, who, deadline, failWith) {
  const repo = connect(wsUrl);
  onConnectionLost(repo, (reason) => failWith(`${who}: ${reason}`));
  await waitFor(() => connectionState(repo).connected, {
    timeoutMs: Math.max(0, Math.min(10_000, deadline - performance.now())),
    what: `${who} to connect to ${wsUrl}`,
  });
  return repo;
}

/** A short description of a Repo's connection, for error messages. */
export function describeConnection(repo) {
  const s = connectionState(repo);
  if (!s) return "";
  if (s.connected) return `connected to ${s.url}`;
  if (s.everConnected) return `connection to ${s.url} lost (${s.disconnects} disconnect(s))`;
  return `never connected to ${s.url}`;
}

/**
 * Polls `predicate` (sync or async) until it returns a truthy value, which is returned.
 * Throws `timed out after N ms waiting for <what>` at the deadline; the last error the
 * predicate threw, if any, is appended.
 */
export async function waitFor(predicate, { timeoutMs = 20_000, what = "a condition" } = {}) {
  const deadline = performance.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
      last = undefined;
    } catch (e) {
      last = e;
    }
    if (performance.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - performance.now()))));
  }
  throw new Error(`timed out after ${Math.round(timeoutMs)} ms waiting for ${what}${last ? `: ${last.message ?? last}` : ""}`);
}

/**
 * Finds `url` in `repo`, trying again while the document is reported unavailable (the
 * server may not have it yet), until `deadline` (a `performance.now()` value). Between
 * tries the unavailable handle is dropped locally (`repo.delete` sends nothing) so that
 * the next `find` sends a fresh request; the pause grows from 100 ms to 2 s, and while a
 * Repo made by `connect` is disconnected it waits for the connection instead of asking.
 * Resolves to the ready DocHandle.
 */
export async function findWithRetry(repo, url, deadline = performance.now() + 20_000) {
  let tries = 0;
  let last;
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    tries += 1;
    try {
      return await repo.find(url, { signal: AbortSignal.timeout(Math.ceil(left)) });
    } catch (e) {
      last = e;
      if (!/unavailable/i.test(String(e?.message))) {
        if (e?.name === "AbortError" || e?.name === "TimeoutError") break;
        throw e;
      }
      try {
        repo.delete(url);
      } catch {
        // Nothing to forget.
      }
      const pause = Math.min(100 * 2 ** Math.min(tries - 1, 5), 2_000);
      const state = connectionState(repo);
      const until = performance.now() + pause;
      do {
        const wait = Math.min(POLL_MS * 2, until - performance.now(), deadline - performance.now());
        if (wait <= 0) break;
        await new Promise((r) => setTimeout(r, wait));
      } while (performance.now() < until || (state && !state.connected && performance.now() < deadline));
    }
  }
  const conn = describeConnection(repo);
  throw new Error(
    `document ${url} not found before the deadline after ${tries} tries` +
      `${last ? ` (last: ${last.message ?? last})` : ""}${conn ? `; ${conn}` : ""}`,
  );
}

/**
 * Plain JSON of an Automerge document or value: Text and strings → string,
 * ImmutableString → string, Counter → number, Date → ISO string, bytes → {"$bytes": hex}.
 */
export function plain(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  if (A.isImmutableString(value)) return value.val;
  if (A.isCounter(value)) return value.value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString("hex") };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  throw new Error(`cannot make plain JSON of ${typeof value}`);
}

/** Deep equality of plain JSON values, key order ignored. */
export function sameJson(a, b) {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}
