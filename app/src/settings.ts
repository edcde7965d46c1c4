// What the app keeps in localStorage for a synchronous read (the session, the device, the
// area directory, the peer ID), written through to IndexedDB as well. A browser writes
// localStorage to disk in its own time: a phone that died soon after signing in came back
// signed out, and without signal shut out of the records it held. At start, whatever
// localStorage lost comes back from IndexedDB before anything reads it.
//
// Wiping the device empties this store in a transaction of its own before any database is
// deleted: a deletion can wait on a connection another tab holds, and a store that outlived
// the wipe would bring the previous user's session back at the next start.
import { openDB, type IDBPObjectStore } from "idb";

const DB = "estate-settings";
const STORE = "kv";

function open() {
  return openDB(DB, 1, {
    upgrade(db) {
      db.createObjectStore(STORE);
    },
  });
}

/** Whether the settings database exists (opening it would create it). */
async function exists(): Promise<boolean> {
  const databases = (await indexedDB.databases?.().catch(() => [])) ?? [];
  return databases.some((d) => d.name === DB);
}

/** Runs `write` on the store in one durable transaction; with `onlyIfThere`, not at all
 * when the database does not exist (removing from nothing must not create it). */
type Store = Pick<IDBPObjectStore<unknown, [typeof STORE], typeof STORE, "readwrite">, "put" | "delete" | "clear">;

async function write(onlyIfThere: boolean, edit: (store: Store) => Promise<unknown>): Promise<void> {
  try {
    if (onlyIfThere && !(await exists())) return;
    const db = await open();
    const tx = db.transaction(STORE, "readwrite", { durability: "strict" });
    await Promise.all([edit(tx.store), tx.done]);
    // Closed at once: wiping the device deletes every database and must not wait on this.
    db.close();
  } catch {
    // Without IndexedDB there are no records to be shut out of either; localStorage has it.
  }
}

/** Sets a setting (removes it, with null) and resolves once IndexedDB holds it durably. */
export async function remember(key: string, value: string | null): Promise<void> {
  if (value === null) {
    localStorage.removeItem(key);
    await write(true, (store) => store.delete(key));
  } else {
    localStorage.setItem(key, value);
    await write(false, (store) => store.put(value, key));
  }
}

/** Empties the store (wiping the device), durably, before the databases go. */
export async function forgetAll(): Promise<void> {
  await write(true, (store) => store.clear());
}

/** Puts back into localStorage every setting it lost. */
export async function restoreSettings(): Promise<void> {
  try {
    if (!(await exists())) return;
    const db = await open();
    const keys = await db.getAllKeys(STORE);
    for (const key of keys) {
      if (typeof key !== "string" || localStorage.getItem(key) !== null) continue;
      const value: unknown = await db.get(STORE, key);
      if (typeof value === "string") localStorage.setItem(key, value);
    }
    db.close();
  } catch {
    // Nothing to restore from.
  }
}
