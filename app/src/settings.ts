// What the app keeps in localStorage for a synchronous read (the session, the device, the
// area directory, the peer ID), written through to IndexedDB as well. A browser writes
// localStorage to disk in its own time: a phone that died soon after signing in came back
// signed out, and without signal shut out of the records it held. At start, whatever
// localStorage lost comes back from IndexedDB before anything reads it.
import { openDB } from "idb";

const DB = "estate-settings";
const STORE = "kv";

function open() {
  return openDB(DB, 1, {
    upgrade(db) {
      db.createObjectStore(STORE);
    },
  });
}

/** Sets a setting (removes it, with null) and resolves once IndexedDB holds it durably. */
export async function remember(key: string, value: string | null): Promise<void> {
  if (value === null) localStorage.removeItem(key);
  else localStorage.setItem(key, value);
  try {
    const db = await open();
    const tx = db.transaction(STORE, "readwrite", { durability: "strict" });
    if (value === null) await tx.store.delete(key);
    else await tx.store.put(value, key);
    await tx.done;
    // Closed at once: wiping the device deletes every database and must not wait on this.
    db.close();
  } catch {
    // Without IndexedDB there are no records to be shut out of either; localStorage has it.
  }
}

/** Puts back into localStorage every setting it lost. */
export async function restoreSettings(): Promise<void> {
  try {
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
