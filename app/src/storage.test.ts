// The chunk store over a fake IndexedDB: large batches go to the log as one record, reading
// replays the log over the chunks in order, and folding leaves the same chunks one record each.
import { IDBFactory } from "fake-indexeddb";
import { openDB } from "idb";
import { beforeEach, describe, expect, test } from "vitest";
import type { Chunk, Key, StorageOp } from "./core";
import { ChunkStore } from "./storage";

const key = (doc: string, name: string): Key => [doc, "snapshot", name];
const put = (doc: string, name: string, byte = 1): StorageOp => ({ op: "put", key: key(doc, name), data: new Uint8Array([byte]) });
const del = (doc: string, name: string): StorageOp => ({ op: "delete", key: key(doc, name) });
/** A first sync's batch: one snapshot for each of `count` documents. */
const batch = (from: number, count: number): StorageOp[] => Array.from({ length: count }, (_, i) => put(`d${from + i}`, "s"));

/** Each document's chunks as `name=byte`, sorted, for comparing whole stores. */
function shape(byDoc: Map<string, Chunk[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [doc, chunks] of byDoc) out[doc] = chunks.map((c) => `${c.key[2]}=${c.data[0]}`).sort();
  return out;
}

/** How many records the raw database holds in each object store. */
async function counts(): Promise<{ chunks: number; log: number }> {
  const db = await openDB("estate-area");
  const result = { chunks: await db.count("chunks"), log: await db.count("log") };
  db.close();
  return result;
}

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});

describe("ChunkStore", () => {
  test("a large batch is one log record, and reads back as it was written", async () => {
    const store = await ChunkStore.open("area", null);
    await store.apply(batch(0, 100));
    expect(await counts()).toEqual({ chunks: 0, log: 1 });
    const again = await ChunkStore.open("area", null);
    const all = await again.all();
    expect(all.size).toBe(100);
    expect(shape(all).d42).toEqual(["s=1"]);
  });

  test("while the log holds anything every write goes to its end, and replay keeps their order", async () => {
    const store = await ChunkStore.open("area", null);
    await store.apply(batch(0, 40));
    await store.apply([put("d1", "s", 2), put("d1", "inc", 3)]);
    await store.apply([del("d1", "inc"), del("d2", "s"), put("new", "s", 4)]);
    expect(await counts()).toEqual({ chunks: 0, log: 3 });
    const expected = { d1: ["s=2"], new: ["s=4"] };
    const all = shape(await (await ChunkStore.open("area", null)).all());
    expect(all.d2).toBeUndefined();
    expect({ d1: all.d1, new: all.new }).toEqual(expected);
    expect(Object.keys(all)).toHaveLength(40); // d0–d39 less d2, and `new`
  });

  test("`of` finds a document's chunks in the log and in the chunks alike", async () => {
    const store = await ChunkStore.open("area", null);
    await store.apply([put("old", "s", 5)]); // small, with an empty log: a chunk record
    await store.apply(batch(0, 40));
    await store.apply([put("old", "inc", 6), del("d3", "s")]);
    expect(await counts()).toEqual({ chunks: 1, log: 2 });
    const [old, d3, d4, none] = await store.of(["old", "d3", "d4", "none"]);
    expect(old.map((c) => `${c.key[2]}=${c.data[0]}`).sort()).toEqual(["inc=6", "s=5"]);
    expect(d3).toEqual([]);
    expect(d4.map((c) => c.key)).toEqual([key("d4", "s")]);
    expect(none).toEqual([]);
  });

  test("folding leaves the same chunks, one record each, and an empty log", async () => {
    const store = await ChunkStore.open("area", null);
    await store.apply([put("old", "s", 5), put("gone", "s", 7)]);
    await store.apply(batch(0, 50));
    await store.apply([del("gone", "s"), put("d0", "s", 9)]);
    await store.apply(batch(100, 40));
    const before = shape(await store.all());
    await store.fold();
    expect(await counts()).toEqual({ chunks: 91, log: 0 });
    const reopened = await ChunkStore.open("area", null);
    expect(shape(await reopened.all())).toEqual(before);
    expect(before.d0).toEqual(["s=9"]);
    // With the log empty, small writes go to their own records again.
    await reopened.apply([put("later", "s")]);
    expect(await counts()).toEqual({ chunks: 92, log: 0 });
  });

  test("a store written before the log existed opens and reads as it was", async () => {
    const db = await openDB("estate-area", 2, {
      upgrade(db) {
        db.createObjectStore("chunks");
        db.createObjectStore("views");
      },
    });
    await db.put("chunks", { key: key("a", "s"), data: new Uint8Array([8]) }, key("a", "s"));
    db.close();
    const store = await ChunkStore.open("area", null);
    expect(shape(await store.all())).toEqual({ a: ["s=8"] });
    await store.apply(batch(0, 40));
    expect(Object.keys(shape(await store.all()))).toHaveLength(41);
  });

  test("a fold that finds the log emptied elsewhere still counts an append begun after it", async () => {
    const store = await ChunkStore.open("area", null);
    await store.apply(batch(0, 40));
    await (await ChunkStore.open("area", null)).fold(); // another tab folds the log
    const late = batch(100, 40);
    await Promise.all([store.fold(), store.apply(late)]);
    await store.apply([put("d100", "s", 2)]); // small: must still go after `late`
    expect(shape(await (await ChunkStore.open("area", null)).all()).d100).toEqual(["s=2"]);
  });

  test("after writes stop, the log folds on its own", async () => {
    const store = await ChunkStore.open("area", 10);
    await store.apply(batch(0, 40));
    await store.apply(batch(40, 40));
    const deadline = Date.now() + 5_000;
    while ((await counts()).log > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await counts()).toEqual({ chunks: 80, log: 0 });
  });
});
