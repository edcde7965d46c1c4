// One scope's monthly statistics for a month and the months before it, as the server's
// core computed them: the month chosen in full, the others for the charts.
import { ref, shallowRef, watch, type Ref } from "vue";
import { api, asProblem, type ApiProblem } from "../api";
import { monthsEnding } from "../months";
import { scopeOf } from "../statsSeries";
import type { MonthlyStatistics } from "../../rules";

/** Months charted: the one chosen and the five before it. */
export const TREND_MONTHS = 6;

export function useStatistics(scope: Ref<string>, month: Ref<string>) {
  const months = ref<string[]>([]);
  /** One per month, oldest first; null where a month could not be read. */
  const series = shallowRef<(MonthlyStatistics | null)[]>([]);
  const current = shallowRef<MonthlyStatistics | null>(null);
  const loading = ref(false);
  const problem = ref<ApiProblem | null>(null);
  let generation = 0;

  async function load(): Promise<void> {
    const mine = ++generation;
    const wanted = monthsEnding(month.value, TREND_MONTHS);
    const whose = scopeOf(scope.value);
    loading.value = true;
    problem.value = null;
    const results = await Promise.allSettled(wanted.map((m) => api.statistics(m, whose)));
    if (mine !== generation) return;
    months.value = wanted;
    series.value = results.map((r) => (r.status === "fulfilled" ? r.value : null));
    const last = results[results.length - 1];
    current.value = last.status === "fulfilled" ? last.value : null;
    if (last.status === "rejected") problem.value = asProblem(last.reason);
    loading.value = false;
  }

  watch([scope, month], () => void load(), { immediate: true });
  return { months, series, current, loading, problem, reload: load };
}
