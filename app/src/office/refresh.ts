// What a list does when the server says documents changed: re-read the rows it shows,
// or the whole list when a record it may now include is not among them. Nothing polls.
import type { ChangedDocument } from "./api";

/** What a list shows: one kind (or every kind), one area (or every area the user sees),
 * some statuses (or any), and the IDs of the rows on screen. */
export interface ListScope {
  kind?: string;
  area?: string;
  statuses?: readonly string[];
  shown: ReadonlySet<string>;
}

export interface RefreshPlan {
  /** Rows on screen to read again, each once. */
  rows: string[];
  /** Read the list again: a record it may now include is not on screen. */
  reload: boolean;
}

/** Which of `documents` concern the list, and how to bring it up to date. A document of
 * another kind or area is none of its business, nor one not on screen whose status the
 * list does not show (a ticket closed elsewhere); what an event does not say is assumed
 * to concern it. */
export function planRefresh(documents: ChangedDocument[], scope: ListScope): RefreshPlan {
  const rows = new Set<string>();
  let reload = false;
  for (const d of documents) {
    if (scope.kind && d.kind && d.kind !== scope.kind) continue;
    if (scope.area && d.areaId && d.areaId !== scope.area) continue;
    if (scope.shown.has(d.id)) rows.add(d.id);
    else if (!scope.statuses?.length || d.status === null || scope.statuses.includes(d.status)) reload = true;
  }
  return { rows: [...rows], reload };
}

/** Plans gathered over a short while, as one: rows once each, a reload if any asked. */
export function mergePlans(a: RefreshPlan, b: RefreshPlan): RefreshPlan {
  return { rows: [...new Set([...a.rows, ...b.rows])], reload: a.reload || b.reload };
}
