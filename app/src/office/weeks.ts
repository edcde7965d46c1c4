// Weeks as the company's callback sample counts them: Monday to Sunday in the estates'
// zone (Asia/Shanghai), named by their Monday (`YYYY-MM-DD`).
import { today } from "../format";

const DAY = 86_400_000;

/** `YYYY-MM-DD` plus `days`. */
function plus(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The Monday of the week holding `date`. */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return plus(date, -((weekday + 6) % 7));
}

/** `11月30日–12月6日`. */
export function weekLabel(monday: string): string {
  const day = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
  return `${day(monday)}–${day(plus(monday, 6))}`;
}

/** The `count` weeks up to the one holding `now`, the latest first. */
export function recentWeeks(now: number, count: number): { value: string; label: string }[] {
  const current = mondayOf(today(now));
  return Array.from({ length: count }, (_, i) => {
    const monday = plus(current, -7 * i);
    return { value: monday, label: `${weekLabel(monday)}${i === 0 ? "（本周）" : i === 1 ? "（上周）" : ""}` };
  });
}
