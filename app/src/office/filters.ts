// The list filters every table shares (kind, area, category, status, month, overdue): what
// the server is asked for, and how they ride in the page's address so a filtered list can
// be reloaded, bookmarked or exported as shown.
import type { RecordQuery } from "./api";

export interface RecordFilter {
  kind: string;
  area: string;
  category: string;
  status: string;
  /** `YYYY-MM`, or "" for any month. */
  month: string;
  overdue: boolean;
  /** Only records still waiting on this clock (`callback`…), or "" for any. */
  clock: string;
}

export const EMPTY_FILTER: RecordFilter = { kind: "", area: "", category: "", status: "", month: "", overdue: false, clock: "" };

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The server's query for a filter: empty choices are left out, `overdue` only when asked,
 * and a category or status only where the kind has them. */
export function filterQuery(filter: RecordFilter): RecordQuery {
  const query: RecordQuery = {};
  if (filter.kind) query.kind = filter.kind;
  if (filter.area) query.area = filter.area;
  if (filter.category && (!filter.kind || filter.kind === "ticket")) query.category = filter.category;
  if (filter.status) query.status = filter.status;
  if (MONTH.test(filter.month)) query.month = filter.month;
  if (filter.overdue) query.overdue = true;
  if (filter.clock) query.clock = filter.clock;
  return query;
}

type RouteQuery = Record<string, string | null | (string | null)[] | undefined>;

/** A filter from the page's address; anything unknown or malformed is left empty. */
export function filterFromRoute(query: RouteQuery, defaults: Partial<RecordFilter> = {}): RecordFilter {
  const one = (key: keyof RecordFilter): string | undefined => {
    const value = query[key];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === "string" ? first : undefined;
  };
  const month = one("month");
  return {
    ...EMPTY_FILTER,
    ...defaults,
    ...pick({ kind: one("kind"), area: one("area"), category: one("category"), status: one("status"), clock: one("clock") }),
    ...(month !== undefined ? { month: MONTH.test(month) ? month : "" } : {}),
    ...(one("overdue") !== undefined ? { overdue: one("overdue") === "1" } : {}),
  };
}

/** The page's address for a filter: only what differs from `defaults`. */
export function filterToRoute(filter: RecordFilter, defaults: Partial<RecordFilter> = {}): Record<string, string> {
  const base = { ...EMPTY_FILTER, ...defaults };
  const route: Record<string, string> = {};
  for (const key of ["kind", "area", "category", "status", "month", "clock"] as const) {
    if (filter[key] !== base[key]) route[key] = filter[key];
  }
  if (filter.overdue !== base.overdue) route.overdue = filter.overdue ? "1" : "0";
  return route;
}

function pick(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
}
