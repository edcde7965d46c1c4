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

/** Tenths of a percent as a rate: `88.9%`, or `—` with nothing to count. */
export function rateText(permille: number | null): string {
  return permille === null ? "—" : `${(permille / 10).toFixed(1)}%`;
}
