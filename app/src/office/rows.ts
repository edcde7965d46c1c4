// A list row brought up to date from the record itself (after the server said it
// changed), and whether the list still wants it.
import type { ListedRecord, RecordView } from "./api";
import { soonestClock } from "./clock";
import type { RecordFilter } from "./filters";

/** The row as the record now stands: its status, who has it, its earliest open deadline. */
export function updatedRow(row: ListedRecord, view: RecordView, now: number): ListedRecord {
  const state = view.state as { status?: unknown; assignee?: unknown };
  const soonest = soonestClock(view.clocks);
  const dueAt = soonest?.dueAt ?? null;
  return {
    ...row,
    status: typeof state.status === "string" ? state.status : row.status,
    ...(view.kind === "ticket" ? { assignee: view.state.assignee } : {}),
    dueAt,
    dueClock: soonest?.clock ?? null,
    dueAgreed: soonest?.agreed ?? false,
    waitingOn: view.clocks.filter((c) => c.standing === "pending" || c.standing === "overdue" || c.standing === "waiting").map((c) => c.clock),
    overdue: dueAt !== null && dueAt < now,
  };
}

/** Whether the row still belongs in a list with this filter and these statuses (none: any). */
export function stillListed(row: ListedRecord, filter: RecordFilter, statuses: readonly string[]): boolean {
  if (filter.status && row.status !== filter.status) return false;
  if (statuses.length && !statuses.includes(row.status ?? "")) return false;
  if (filter.overdue && !row.overdue) return false;
  if (filter.clock && !row.waitingOn.includes(filter.clock)) return false;
  return true;
}

/** Rows most urgent first: overdue the longest, then due soonest, then those without a deadline, newest first. */
export function byUrgency(a: ListedRecord, b: ListedRecord): number {
  if (a.dueAt != null && b.dueAt != null) return a.dueAt - b.dueAt;
  if (a.dueAt != null) return -1;
  if (b.dueAt != null) return 1;
  return b.createdAt - a.createdAt;
}
