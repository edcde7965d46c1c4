// What a console page's address asks for (`?project=&month=&week=`): read once when the
// page opens, so a bookmark or a link opens the same period.
import { mondayOf, weekLabel } from "./weeks";

/** A query parameter as text ("" when absent or given twice). */
export function queryText(x: unknown): string {
  return typeof x === "string" ? x : "";
}

/** The month the address asks for — added to `months` when well formed and not among
 * them — or `fallback`. */
export function askedMonth(months: string[], asked: string, fallback: string): string {
  if (!/^\d{4}-\d{2}$/.test(asked)) return fallback;
  if (!months.includes(asked)) months.push(asked);
  return asked;
}

/** The week the address asks for, by its Monday — added to `weeks` when not among them —
 * or `fallback`. */
export function askedWeek(weeks: { value: string; label: string }[], asked: string, fallback: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asked) || mondayOf(asked) !== asked) return fallback;
  if (!weeks.some((w) => w.value === asked)) weeks.push({ value: asked, label: weekLabel(asked) });
  return asked;
}
