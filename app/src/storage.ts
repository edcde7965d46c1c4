// IndexedDB holding the core's chunks under automerge-repo's key layout, and beside them
// what the home screen last showed, so a phone opens on it before every record is loaded.
import { openDB, unwrap, type IDBPDatabase } from "idb";
import type { AreaInfo, Chunk, StorageOp } from "./core";
import type { DueWork } from "./rules";

const STORE = "chunks";
const VIEWS = "views";
const HOME = "home";

/** The home screen as it was last drawn: its due work, for its area, as of `at` (ms). */
export interface HomeView { area: AreaInfo; due: DueWork; at: number }

export class ChunkStore {
  /** The documents with chunks here, once `all` has read them: others need no reading. (What
   * another tab writes meanwhile is fetched from the server again, or sent by that tab.) */
  private held: Set<string> | null = null;

  private constructor(private db: IDBPDatabase) {}

  /** One database per area index, so switching housekeepers never mixes areas. */
  static async open(name: string): Promise<ChunkStore> {
    const db = await openDB(`estate-${name}`, 2, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
        if (!db.objectStoreNames.contains(VIEWS)) db.createObjectStore(VIEWS);
      },
    });
    return new ChunkStore(db);
  }

  /** Every stored chunk, grouped by document. */
  async all(): Promise<Map<string, Chunk[]>> {
    const byDoc = new Map<string, Chunk[]>();
    for (const chunk of (await this.db.getAll(STORE)) as Chunk[]) {
      const list = byDoc.get(chunk.key[0]) ?? [];
      list.push(chunk);
      byDoc.set(chunk.key[0], list);
    }
    this.held = new Set(byDoc.keys());
    return byDoc;
  }

  /** The chunks of each document, in one transaction (a first sync asks for thousands, none
   * of them stored). */
  async of(docIds: string[]): Promise<Chunk[][]> {
    const stored = (docId: string) => this.held?.has(docId) !== false;
    if (!docIds.some(stored)) return docIds.map(() => []);
    const tx = this.db.transaction(STORE, "readonly");
    const read = docIds.map((docId) =>
      stored(docId) ? (tx.store.getAll(IDBKeyRange.bound([docId], [docId, []])) as Promise<Chunk[]>) : Promise.resolve([]),
    );
    const [chunks] = await Promise.all([Promise.all(read), tx.done]);
    return chunks;
  }

  /** Applies writes in one transaction; resolves once it is on disk (`strict`), or once it
   * is committed (`relaxed`: a power cut may lose it, never half of it). */
  async apply(ops: StorageOp[], durability: "strict" | "relaxed" = "strict"): Promise<void> {
    if (ops.length === 0) return;
    const tx = this.db.transaction(STORE, "readwrite", { durability });
    // The bare store: a first sync writes thousands of chunks, and a promise per request is
    // not needed when a failed one aborts the transaction, failing `tx.done`.
    const store = unwrap(tx.store);
    for (const op of ops) {
      if (op.op === "put") {
        store.put({ key: op.key, data: op.data }, op.key);
        this.held?.add(op.key[0]);
      } else store.delete(op.key);
    }
    await tx.done;
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
