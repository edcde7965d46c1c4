// Carries out the core's effects strictly in order, one batch at a time — storage
// (awaited until durable), loads, frames, close — and keeps a WebSocket to the server
// open whenever the network allows.
import type { Effects, Replica } from "./core";
import { remark } from "./hooks";
import type { ChunkStore } from "./storage";

export interface SyncStatus {
  online: boolean;
  pending: number;
  /** Records the server refused: they will not be sent again as they are. */
  refused: { id: string; reason: string }[];
  missing: number;
  /** The last failure carrying out effects (storage), if any. */
  failure: string | null;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 10_000;

export class Sync {
  /** The socket being opened or open. */
  private socket: WebSocket | null = null;
  /** Asking the server for the address to open (a one-time ticket). */
  private opening = false;
  /** The socket the replica currently knows as connected; changes only inside the queue, so frames
   * produced for one connection never go out on the next. */
  private linked: WebSocket | null = null;
  private inputs: { input: () => void; connectionChange: boolean; done: (ok: boolean) => void }[] = [];
  private working = false;
  /** Counters for tests and benchmarks. */
  readonly stats = { inputs: 0, batches: 0, coreMs: 0, storageMs: 0, readMs: 0, framesIn: 0, framesOut: 0 };
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failure: string | null = null;
  online = false;

  /** `onChange(changed)` runs after every batch with the IDs of the documents that changed. */
  constructor(
    private replica: Replica,
    private store: ChunkStore,
    /** The address to open, asked afresh for every connection; `refused` when the server
     * no longer takes the device's sign-in, `null` when it cannot be reached. */
    private openUrl: () => Promise<string | "refused" | null>,
    private onChange: (changed: Set<string>) => void,
    /** The server refused the device's sign-in (or a socket closed without ever opening). */
    private onRefused: () => void = () => {},
  ) {
    addEventListener("online", () => this.connectNow());
    addEventListener("offline", () => this.drop());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") this.connectNow();
    });
  }

  /** Nothing queued or being carried out: everything received so far is in IndexedDB. */
  get idle(): boolean {
    return !this.working && this.inputs.length === 0;
  }

  /** Nothing is queued behind the batch being carried out (a burst of frames is over). */
  get quiet(): boolean {
    return this.inputs.length === 0;
  }

  status(): SyncStatus {
    return {
      online: this.online,
      pending: this.replica.pendingCount(),
      refused: this.replica.refusedRecords(),
      missing: this.replica.missingCount(),
      failure: this.failure,
    };
  }

  /**
   * Runs `input` on the replica in turn with everything queued before it, then carries
   * out what the core produced. Inputs that pile up while storage is busy (a burst of
   * frames) share one flush and one IndexedDB transaction; a connection change always
   * ends a batch, so frames meant for one connection never go out on the next. A failure
   * is reported and does not stop later batches. Resolves once the batch is carried out:
   * true if its storage writes are durable, false if something failed.
   */
  run(input: () => void = () => {}, connectionChange = false): Promise<boolean> {
    return new Promise((done) => {
      this.inputs.push({ input, connectionChange, done });
      if (!this.working) void this.work();
    });
  }

  private async work(): Promise<void> {
    this.working = true;
    while (this.inputs.length > 0) {
      const batch = [this.inputs.shift()!];
      if (!batch[0].connectionChange)
        while (this.inputs.length > 0 && !this.inputs[0].connectionChange) batch.push(this.inputs.shift()!);
      const changed = new Set<string>();
      let ok = true;
      try {
        const started = performance.now();
        for (const { input } of batch) input();
        this.stats.inputs += batch.length;
        this.stats.batches += 1;
        this.stats.coreMs += performance.now() - started;
        await this.drain(changed);
      } catch (e) {
        ok = false;
        this.failure = e instanceof Error ? e.message : String(e);
        console.error("同步处理失败", e);
        // Frames the core believes sent may not have gone out: start the session afresh.
        this.drop();
      }
      this.onChange(changed);
      for (const { done } of batch) done(ok);
    }
    this.working = false;
  }

  /** Flushes until the core has nothing left to load, noting the documents that changed. */
  private async drain(changed: Set<string>): Promise<void> {
    for (;;) {
      let started = performance.now();
      const effects: Effects = this.replica.flush();
      this.stats.coreMs += performance.now() - started;
      for (const id of effects.changed) changed.add(id);
      for (const e of effects.errors) console.warn("同步错误", e);
      // Nothing leaves the phone before the writes behind it are committed, and whatever this
      // phone made waits for the disk. What the server already holds alone (a first sync,
      // others' edits) can be fetched again after a power cut, so it is not held up by a
      // flush to disk per batch.
      started = performance.now();
      await this.store.apply(effects.storage, this.replica.holdsUnsent() ? "strict" : "relaxed").catch((e: unknown) => {
        this.replica.storageFailed([...new Set(effects.storage.map((op) => op.key[0]))]);
        throw e;
      });
      const written = performance.now();
      const loaded = await this.store.of(effects.loads);
      this.stats.readMs += performance.now() - written;
      this.stats.storageMs += performance.now() - started;
      effects.loads.forEach((docId, i) => this.replica.loadChunks(docId, loaded[i]));
      const socket = this.linked;
      if (socket?.readyState === WebSocket.OPEN) {
        for (const frame of effects.sends) socket.send(frame);
        this.stats.framesOut += effects.sends.length;
      }
      if (effects.close && socket && socket === this.socket) this.drop();
      if (effects.loads.length === 0) return;
    }
  }

  /** Opens the socket unless one is open or opening. */
  connect(): void {
    if (this.socket || this.opening) return;
    this.clearRetry();
    this.opening = true;
    void this.openUrl()
      .catch(() => null)
      .then((url) => {
        this.opening = false;
        if (this.socket) return;
        if (url === "refused") this.onRefused();
        if (url === "refused" || url === null) return this.scheduleRetry();
        this.open(url);
      });
  }

  private open(url: string): void {
    let socket: WebSocket;
    try {
      socket = new WebSocket(url);
    } catch {
      // The address carries a ticket: never print it.
      console.error("无法连接同步服务");
      this.scheduleRetry();
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.online = true;
      this.retryMs = FIRST_RETRY_MS;
      remark("estate:online");
      void this.run(() => {
        this.linked = socket;
        this.replica.connected(Date.now());
      }, true);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const frame = new Uint8Array(event.data as ArrayBuffer);
      this.stats.framesIn += 1;
      if (this.stats.framesIn === 1) performance.mark("estate:first-frame");
      void this.run(() => this.replica.receive(frame, Date.now()));
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      if (!this.online) this.onRefused();
      this.drop();
    };
  }

  /** The network is back or the page is in front again: try now rather than at the next retry. */
  private connectNow(): void {
    if (this.socket || this.opening) return;
    this.retryMs = FIRST_RETRY_MS;
    this.connect();
  }

  /** Forgets the current socket at once (the browser may take long to report it dead) and retries later. */
  private drop(): void {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    socket.onopen = socket.onmessage = socket.onclose = null;
    if (socket.readyState <= WebSocket.OPEN) socket.close();
    const wasOnline = this.online;
    this.online = false;
    if (wasOnline)
      void this.run(() => {
        this.linked = null;
        this.replica.disconnected();
      }, true);
    else this.onChange(new Set());
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
