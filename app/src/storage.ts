// IndexedDB holding the core's chunks under automerge-repo's key layout.
import { openDB, type IDBPDatabase } from "idb";
import type { Chunk, StorageOp } from "./core";

const STORE = "chunks";

export class ChunkStore {
  private constructor(private db: IDBPDatabase) {}

  /** One database per area index, so switching housekeepers never mixes areas. */
  static async open(name: string): Promise<ChunkStore> {
    const db = await openDB(`estate-${name}`, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
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
    return byDoc;
  }

  /** The chunks of one document. */
  async of(docId: string): Promise<Chunk[]> {
    const range = IDBKeyRange.bound([docId], [docId, []]);
    return (await this.db.getAll(STORE, range)) as Chunk[];
  }

  /** Applies writes in one transaction and resolves only once it is durable. */
  async apply(ops: StorageOp[]): Promise<void> {
    if (ops.length === 0) return;
    const tx = this.db.transaction(STORE, "readwrite", { durability: "strict" });
    for (const op of ops) {
      if (op.op === "put") void tx.store.put({ key: op.key, data: op.data }, op.key);
      else void tx.store.delete(op.key);
    }
    await tx.done;
  }
}
