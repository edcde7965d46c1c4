// IndexedDB holding the core's chunks under automerge-repo's key layout, and beside them
// what the home screen last showed, so a phone opens on it before every record is loaded.
//
// Chunks live one record each in `chunks`. A large batch of writes (a first sync brings
// hundreds of documents a batch) is first appended to `log` as one record, because
// IndexedDB is paid per request: one record for a batch instead of one per chunk. When the
// phone is idle, the log is folded into `chunks`, oldest record first, one record per
// transaction that also deletes it. Reading is `chunks`, then the log replayed over it in
// order; while the log holds anything, every write goes to its end, so the order of writes
// is the order of replay.
import { openDB, unwrap, type IDBPDatabase } from "idb";
import type { AreaInfo, Chunk, StorageOp } from "./core";
import type { DueWork } from "./rules";

const STORE = "chunks";
const LOG = "log";
const VIEWS = "views";
const HOME = "home";
/** Writes of at least this many operations go to the log as one record. */
const LOG_FROM = 32;
/** How long writes must have stopped before the log is folded, ms. */
const FOLD_AFTER_MS = 2_000;

/** The home screen as it was last drawn: its due work, for its area, as of `at` (ms). */
export interface HomeView { area: AreaInfo; due: DueWork; at: number }

/** One batch of writes kept together, in the order they were made. */
interface LogRecord { ops: StorageOp[] }

const keyText = (key: readonly string[]) => key.join("\u0000");

/** `chunks` with the log's records applied over them in order, keeping only `wanted` documents. */
function replay(chunks: Chunk[], records: LogRecord[], wanted: (docId: string) => boolean = () => true): Map<string, Chunk[]> {
  const byKey = new Map<string, Chunk>(chunks.map((c) => [keyText(c.key), c]));
  for (const { ops } of records)
    for (const op of ops) {
      if (!wanted(op.key[0])) continue;
      if (op.op === "put") byKey.set(keyText(op.key), { key: op.key, data: op.data });
      else byKey.delete(keyText(op.key));
    }
  const byDoc = new Map<string, Chunk[]>();
  for (const chunk of byKey.values()) {
    const list = byDoc.get(chunk.key[0]);
    if (list) list.push(chunk);
    else byDoc.set(chunk.key[0], [chunk]);
  }
  return byDoc;
}

/** Carries out `ops` on the bare store: no promise per request, since a failed one aborts
 * the transaction (a first sync writes thousands of chunks). */
function write(store: IDBObjectStore, ops: StorageOp[]): void {
  for (const op of ops) {
    if (op.op === "put") store.put({ key: op.key, data: op.data }, op.key);
    else store.delete(op.key);
  }
}

export class ChunkStore {
  /** The documents with chunks here, once `all` has read them: others need no reading. (What
   * another tab writes meanwhile is fetched from the server again, or sent by that tab.) */
  private held: Set<string> | null = null;
  /** The documents written to the log records not yet folded. */
  private logged = new Set<string>();
  private foldTimer: ReturnType<typeof setTimeout> | null = null;
  private folding: Promise<void> | null = null;
  /** Log records this store has begun to write, ever: a fold counts those begun after it. */
  private appended = 0;

  private constructor(
    private db: IDBPDatabase,
    /** Records in the log. */
    private logLength: number,
    /** Quiet before the log is folded on its own, ms; `null`: only when `fold` is called. */
    private foldAfterMs: number | null,
  ) {}

  /** One database per area index, so switching housekeepers never mixes areas. */
  static async open(name: string, foldAfterMs: number | null = FOLD_AFTER_MS): Promise<ChunkStore> {
    const db = await openDB(`estate-${name}`, 3, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
        if (!db.objectStoreNames.contains(VIEWS)) db.createObjectStore(VIEWS);
        if (!db.objectStoreNames.contains(LOG)) db.createObjectStore(LOG, { autoIncrement: true });
      },
    });
    const store = new ChunkStore(db, await db.count(LOG), foldAfterMs);
    store.scheduleFold();
    return store;
  }

  /** Every stored chunk, grouped by document. */
  async all(): Promise<Map<string, Chunk[]>> {
    const tx = this.db.transaction([STORE, LOG], "readonly");
    const [chunks, records] = await Promise.all([tx.objectStore(STORE).getAll(), tx.objectStore(LOG).getAll(), tx.done]);
    const byDoc = replay(chunks as Chunk[], records as LogRecord[]);
    for (const { ops } of records as LogRecord[]) for (const op of ops) this.logged.add(op.key[0]);
    this.held = new Set(byDoc.keys());
    return byDoc;
  }

  /** The chunks of each document, in one transaction (a first sync asks for thousands, none
   * of them stored). */
  async of(docIds: string[]): Promise<Chunk[][]> {
    const stored = (docId: string) => this.held?.has(docId) !== false;
    if (!docIds.some(stored)) return docIds.map(() => []);
    const tx = this.db.transaction([STORE, LOG], "readonly");
    const read = docIds.map((docId) =>
      stored(docId) ? (tx.objectStore(STORE).getAll(IDBKeyRange.bound([docId], [docId, []])) as Promise<Chunk[]>) : Promise.resolve([]),
    );
    const inLog = this.logLength > 0 && (this.held === null || docIds.some((docId) => this.logged.has(docId)));
    const [found, records] = await Promise.all([
      Promise.all(read),
      inLog ? (tx.objectStore(LOG).getAll() as Promise<LogRecord[]>) : Promise.resolve([]),
      tx.done,
    ]);
    if (!inLog) return found;
    const wanted = new Set(docIds);
    const byDoc = replay(found.flat(), records, (docId) => wanted.has(docId));
    return docIds.map((docId) => byDoc.get(docId) ?? []);
  }

  /** Applies writes in one transaction; resolves once it is on disk (`strict`), or once it
   * is committed (`relaxed`: a power cut may lose it, never half of it). */
  async apply(ops: StorageOp[], durability: "strict" | "relaxed" = "strict"): Promise<void> {
    if (ops.length === 0) return;
    for (const op of ops) if (op.op === "put") this.held?.add(op.key[0]);
    if (this.logLength > 0 || ops.length >= LOG_FROM) {
      const tx = this.db.transaction(LOG, "readwrite", { durability });
      unwrap(tx.store).add({ ops } satisfies LogRecord);
      this.logLength += 1;
      this.appended += 1;
      for (const op of ops) this.logged.add(op.key[0]);
      await tx.done;
      this.scheduleFold();
      return;
    }
    const tx = this.db.transaction(STORE, "readwrite", { durability });
    write(unwrap(tx.store), ops);
    await tx.done;
  }

  /** Folds the whole log into `chunks` now (after `FOLD_AFTER_MS` of quiet it happens on its own). */
  async fold(): Promise<void> {
    this.clearFold();
    while (await this.foldOne());
  }

  /** Moves the oldest log record into `chunks` and deletes it, in one transaction. Returns
   * whether records remain. The log's length is counted afresh inside that transaction (another
   * tab may have folded, or an append aborted), plus the appends begun after it, which
   * IndexedDB orders after it. */
  private foldOne(): Promise<boolean> {
    this.folding ??= (async () => {
      const tx = this.db.transaction([STORE, LOG], "readwrite");
      const appendedBefore = this.appended;
      const log = tx.objectStore(LOG);
      const cursor = await log.openCursor();
      if (cursor) {
        write(unwrap(tx.objectStore(STORE)), (cursor.value as LogRecord).ops);
        await cursor.delete();
      }
      const left = await log.count();
      await tx.done;
      this.logLength = left + (this.appended - appendedBefore);
      if (this.logLength === 0) this.logged.clear();
    })().finally(() => (this.folding = null));
    return this.folding.then(() => this.logLength > 0);
  }

  /** Folds one record at a time once writes have stopped for `delay` ms, each when the page is idle. */
  private scheduleFold(delay = this.foldAfterMs): void {
    this.clearFold();
    if (this.logLength === 0 || delay === null) return;
    this.foldTimer = setTimeout(() => {
      this.foldTimer = null;
      const idle = globalThis.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 0));
      idle(() => {
        if (this.foldTimer !== null) return; // written meanwhile: wait for quiet again
        void this.foldOne().then(
          (more) => more && this.foldTimer === null && this.scheduleFold(0),
          (e) => console.warn("整理本地存储失败", e),
        );
      });
    }, delay);
  }

  private clearFold(): void {
    if (this.foldTimer !== null) clearTimeout(this.foldTimer);
    this.foldTimer = null;
  }

  /** What the home screen last showed, if it has been drawn on this phone. */
  async home(): Promise<HomeView | null> {
    return ((await this.db.get(VIEWS, HOME)) as HomeView | undefined) ?? null;
  }

  /** Keeps what the home screen shows now; a lost write only means an older view next time. */
  async keepHome(view: HomeView): Promise<void> {
    await this.db.put(VIEWS, view, HOME);
  }
}
