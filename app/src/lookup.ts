// Finding records from the area index (cheap: no record is opened).
import type { Replica } from "./core";
import type { IndexEntry } from "./records";

/** The inspections of a unit in `month`, oldest first. */
export function inspectionsOf(replica: Replica, unit: string, month: string): IndexEntry[] {
  return replica
    .listRecords("vacant-inspection")
    .filter((e) => e.unit === unit && e.month === month)
    .sort((a, b) => (a.date ?? "").localeCompare(b.date ?? ""));
}

/** The area's key ledger, if it keeps one. */
export function keyLedger(replica: Replica): IndexEntry | undefined {
  return replica.listRecords("key-ledger")[0];
}
