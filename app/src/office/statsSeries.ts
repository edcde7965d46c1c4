// The month-over-month figures the statistics charts draw, read from several months'
// `MonthlyStatistics` as the core computed them (nothing is recomputed here).
import type { StatisticsScope } from "./api";
import type { Category } from "../records";
import type { Indicator, MonthlyStatistics } from "../rules";

/** Each month's rate of the indicator `key` (its stable key, e.g. `complaint_response`) in
 * percent (null: nothing to count, or the month could not be read). */
export function indicatorRates(months: (MonthlyStatistics | null)[], key: Indicator["key"]): (number | null)[] {
  return months.map((m) => {
    const found = m?.indicators.find((i) => i.key === key);
    return found && found.rate !== null ? found.rate * 100 : null;
  });
}

export interface CategoryCounts {
  /** The categories received in any of the months, in the core's order. */
  categories: { category: Category; label: string }[];
  /** Per month, the count received of each category above (null: the month could not be read). */
  received: (number | null)[][];
}

/** How many of each category were received, month by month. */
export function categoryCounts(months: (MonthlyStatistics | null)[]): CategoryCounts {
  const order = months.find((m) => m)?.categories ?? [];
  const categories = order
    .filter((c) => months.some((m) => (m?.categories.find((x) => x.category === c.category)?.received ?? 0) > 0))
    .map(({ category, label }) => ({ category, label }));
  const received = months.map((m) =>
    categories.map(({ category }) => (m ? (m.categories.find((x) => x.category === category)?.received ?? 0) : null)),
  );
  return { categories, received };
}

/** The picker's value for the whole company (every area the user sees). */
export const COMPANY = "company";

/** Whose statistics a picker's value names: `area:A1`, `project:P1`, or (anything else) the company. */
export function scopeOf(value: string): StatisticsScope {
  const [what, id] = value.split(":");
  if (what === "area" && id) return { area: id };
  if (what === "project" && id) return { project: id };
  return {};
}
