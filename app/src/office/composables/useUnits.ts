// The units of an area, for choosing one by its code (`GET /api/records?kind=unit&area=…`,
// every page): `code` is the unit's code, `id` its document.
import { ref, watch, type Ref } from "vue";
import { api, asProblem, type ApiProblem } from "../api";

export interface UnitChoice { id: string; code: string }

const PAGE = 500;

export function useUnits(area: Ref<string>) {
  const units = ref<UnitChoice[]>([]);
  const loading = ref(false);
  const problem = ref<ApiProblem | null>(null);

  watch(
    area,
    async (id) => {
      units.value = [];
      problem.value = null;
      if (!id) return;
      loading.value = true;
      try {
        const found: UnitChoice[] = [];
        let cursor: string | undefined;
        do {
          const page = await api.records({ kind: "unit", area: id, limit: PAGE, cursor });
          found.push(...page.records.filter((r) => r.code).map((r) => ({ id: r.id, code: r.code ?? "" })));
          cursor = page.next ?? undefined;
        } while (cursor);
        if (id !== area.value) return;
        units.value = found.sort((a, b) => a.code.localeCompare(b.code, "zh-CN", { numeric: true }));
      } catch (e) {
        if (id === area.value) problem.value = asProblem(e);
      } finally {
        if (id === area.value) loading.value = false;
      }
    },
    { immediate: true },
  );
  return { units, loading, problem };
}
