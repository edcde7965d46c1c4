// A record's journal next to the server's own history: each event (with the phone's
// clock, which cannot be trusted) beside the time the server received it (which can).
import type { HistoryEntry } from "./api";

/** What matching needs of an event. */
export interface EventRef {
  id: string;
  type: string;
  /** The writing device: its ID, or an actor that starts with it. */
  device: string;
}

/** The history entry that brought each event in, by event ID. A batch from a device names
 * the event types it added (`summary`); each is matched, in journal order, to the first
 * event of that type from that device not yet matched. */
export function receivedBy(events: EventRef[], history: HistoryEntry[]): Map<string, HistoryEntry> {
  const found = new Map<string, HistoryEntry>();
  for (const entry of history) {
    const types = entry.summary.split(",").map((t) => t.trim()).filter((t) => t && t !== "created");
    for (const type of types) {
      const event = events.find((e) => !found.has(e.id) && e.type === type && sameDevice(e.device, entry.device));
      if (event) found.set(event.id, entry);
    }
  }
  return found;
}

function sameDevice(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x !== "" && y !== "" && (x.startsWith(y) || y.startsWith(x));
}

/** The entry that created the record, if the server saw it made. */
export function creation(history: HistoryEntry[]): HistoryEntry | undefined {
  return history.find((h) => h.summary.split(",").some((t) => t.trim() === "created"));
}
