// Months as the statistics pages step through them (`YYYY-MM`, the estates' calendar).

/** `month` and the `count - 1` months before it, oldest first. */
export function monthsEnding(month: string, count: number): string[] {
  const [year, m] = month.split("-").map(Number);
  const index = year * 12 + (m - 1);
  return Array.from({ length: count }, (_, i) => {
    const at = index - (count - 1) + i;
    return `${Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, "0")}`;
  });
}

/** `2026年10月`. */
export function monthLabel(month: string): string {
  const [year, m] = month.split("-");
  return `${year}年${Number(m)}月`;
}

/** A visit round, the core's half year (`2026-H2`), in Chinese: `2026年下半年`. */
export function halfYearLabel(round: string): string {
  const found = /^(\d{4})-H([12])$/.exec(round);
  return found ? `${found[1]}年${found[2] === "1" ? "上" : "下"}半年` : round;
}

/** Months along a chart's axis, short enough for every one to show: the year only where
 * it starts (the first month and each January), `2026年11月`, `12月`, `2027年1月`. */
export function axisMonthLabels(months: string[]): string[] {
  return months.map((month, i) => (i === 0 || month.endsWith("-01") ? monthLabel(month) : `${Number(month.split("-")[1])}月`));
}

/** Tenths of a percent as a rate: `88.9%`, or `—` with nothing to count. */
export function rateText(permille: number | null): string {
  return permille === null ? "—" : `${(permille / 10).toFixed(1)}%`;
}

/** The quarter holding `month` and the `count - 1` before it, latest first: `2026-Q4`. */
export function quartersEnding(month: string, count: number): string[] {
  const [year, m] = month.split("-").map(Number);
  const index = year * 4 + Math.floor((m - 1) / 3);
  return Array.from({ length: count }, (_, i) => `${Math.floor((index - i) / 4)}-Q${((index - i) % 4) + 1}`);
}

/** `2026年第4季度`. */
export function quarterLabel(quarter: string): string {
  const [year, q] = quarter.split("-Q");
  return `${year}年第${q}季度`;
}
