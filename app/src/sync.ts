// Carries out the core's effects in order — storage (awaited), loads, frames — and keeps a
// WebSocket to the server open whenever the network allows.
import type { Effects, Replica } from "./core";
import type { ChunkStore } from "./storage";

export interface SyncStatus { online: boolean; pending: number; missing: number }

export class Sync {
  private socket: WebSocket | null = null;
  private queue: Promise<void> = Promise.resolve();
  private backoff = 1000;
  private stopped = false;
  online = false;

  constructor(
    private replica: Replica,
    private store: ChunkStore,
    private url: string,
    private onChange: () => void,
  ) {
    addEventListener("online", () => this.connect());
  }

  status(): SyncStatus {
    return { online: this.online, pending: this.replica.pendingCount(), missing: this.replica.missingCount() };
  }

  /** Runs `input` on the replica, then carries out what it produced, one batch at a time. */
  run(input: () => void = () => {}): Promise<void> {
    this.queue = this.queue.then(async () => {
      input();
      await this.drain();
      this.onChange();
    });
    return this.queue;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const effects: Effects = this.replica.flush();
      await this.store.apply(effects.storage);
      for (const docId of effects.loads) this.replica.loadChunks(docId, await this.store.of(docId));
      const socket = this.socket;
      if (socket && socket.readyState === WebSocket.OPEN) for (const frame of effects.sends) socket.send(frame);
      for (const e of effects.errors) console.warn("同步错误", e);
      if (effects.close) socket?.close();
      if (effects.loads.length === 0) return;
    }
  }

  connect(): void {
    if (this.stopped || (this.socket && this.socket.readyState <= WebSocket.OPEN)) return;
    const socket = new WebSocket(this.url);
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    socket.onopen = () => {
      this.online = true;
      this.backoff = 1000;
      void this.run(() => this.replica.connected(Date.now()));
    };
    socket.onmessage = (event) => {
      const frame = new Uint8Array(event.data as ArrayBuffer);
      void this.run(() => this.replica.receive(frame, Date.now()));
    };
    socket.onclose = () => {
      if (this.socket === socket) this.socket = null;
      this.online = false;
      void this.run(() => this.replica.disconnected());
      setTimeout(() => this.connect(), this.backoff);
      this.backoff = Math.min(this.backoff * 2, 10_000);
    };
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close();
  }
}
