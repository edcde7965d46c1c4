// A list of records from `GET /api/records` that keeps itself current: filters in, rows
// out, paged by the server's cursor — a page at a time, or (for boards) every page of
// several statuses at once — and brought up to date when the server's event stream says
// a record changed: rows on screen re-read one by one, the list re-read for a record that
// may have joined it. Nothing polls.
import { onUnmounted, ref, watch, type Ref } from "vue";
import { api, asProblem, type ApiProblem, type ListedRecord, type RecordQuery } from "../api";
import { filterQuery, type RecordFilter } from "../filters";
import { mergePlans, planRefresh, type RefreshPlan } from "../refresh";
import { stillListed, updatedRow } from "../rows";
import { useLive } from "../stores/live";

export interface ListOptions {
  filter: Ref<RecordFilter>;
  /** Several statuses listed together (a board of open tickets): every page of each is
   * read. Empty: the filter's own status, a page at a time. */
  statuses?: Ref<string[]>;
  pageSize?: Ref<number>;
}

/** The most rows a board reads (every page of each status) before it stops and says so. */
export const BOARD_LIMIT = 2000;
const BOARD_PAGE = 500;
/** Events arriving within this long are handled together. */
const SETTLE_MS = 400;

export function useRecordList(options: ListOptions) {
  const rows = ref<ListedRecord[]>([]);
  const loading = ref(false);
  const problem = ref<ApiProblem | null>(null);
  /** The board stopped at BOARD_LIMIT rows. */
  const truncated = ref(false);
  /** The cursors of the pages before this one (page mode): `undefined` is the first page. */
  const cursors = ref<(string | undefined)[]>([undefined]);
  const next = ref<string | null>(null);
  const loadedAt = ref<number | null>(null);
  let generation = 0;

  const boardMode = () => (options.statuses?.value.length ?? 0) > 0;

  async function readAll(query: RecordQuery): Promise<ListedRecord[]> {
    const out: ListedRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.records({ ...query, limit: BOARD_PAGE, cursor });
      out.push(...page.records);
      cursor = page.next ?? undefined;
    } while (cursor && out.length < BOARD_LIMIT);
    if (cursor) truncated.value = true;
    return out;
  }

  async function load(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    problem.value = null;
    truncated.value = false;
    try {
      const query = filterQuery(options.filter.value);
      if (boardMode()) {
        const statuses = options.filter.value.status ? [options.filter.value.status] : (options.statuses?.value ?? []);
        const lists = await Promise.all(statuses.map((status) => readAll({ ...query, status })));
        if (mine !== generation) return;
        rows.value = lists.flat();
        next.value = null;
      } else {
        const cursor = cursors.value[cursors.value.length - 1];
        const page = await api.records({ ...query, limit: options.pageSize?.value ?? 50, cursor });
        if (mine !== generation) return;
        rows.value = page.records;
        next.value = page.next ?? null;
      }
      loadedAt.value = Date.now();
    } catch (e) {
      if (mine === generation) problem.value = asProblem(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** From the first page again (the filter changed). */
  function restart(): Promise<void> {
    cursors.value = [undefined];
    return load();
  }
  function nextPage(): void {
    if (!next.value) return;
    cursors.value = [...cursors.value, next.value];
    void load();
  }
  function previousPage(): void {
    if (cursors.value.length <= 1) return;
    cursors.value = cursors.value.slice(0, -1);
    void load();
  }

  /** Reads records on screen again and updates (or drops) their rows. */
  async function refreshRows(ids: string[]): Promise<void> {
    const statuses = boardMode() && !options.filter.value.status ? (options.statuses?.value ?? []) : [];
    await Promise.all(
      ids.map(async (id) => {
        try {
          const view = await api.record(id);
          const now = Date.now();
          rows.value = rows.value.flatMap((r) => {
            if (r.id !== id) return [r];
            const row = updatedRow(r, view, now);
            return stillListed(row, options.filter.value, statuses) ? [row] : [];
          });
        } catch {
          // The record could not be read on its own: the whole list is read again instead.
          void load();
        }
      }),
    );
  }

  // The server's events: gathered for a moment, then handled as one plan.
  let pending: RefreshPlan | null = null;
  let settle: ReturnType<typeof setTimeout> | null = null;
  const stopListening = useLive().listen(({ documents, resync }) => {
    const filter = options.filter.value;
    const plan = resync
      ? { rows: [], reload: true }
      : planRefresh(documents, {
          kind: filter.kind || undefined,
          area: filter.area || undefined,
          statuses: filter.status ? [filter.status] : (options.statuses?.value ?? []),
          shown: new Set(rows.value.map((r) => r.id)),
        });
    if (!plan.reload && !plan.rows.length) return;
    pending = pending ? mergePlans(pending, plan) : plan;
    settle ??= setTimeout(() => {
      const todo = pending;
      pending = null;
      settle = null;
      // A page of the full list only changes when a record joins its first page.
      if (todo?.reload && (boardMode() || cursors.value.length === 1)) void load();
      else if (todo?.rows.length) void refreshRows(todo.rows);
    }, SETTLE_MS);
  });
  onUnmounted(() => {
    stopListening();
    if (settle) clearTimeout(settle);
  });

  watch(
    () => [options.filter.value, options.statuses?.value, options.pageSize?.value],
    () => void restart(),
    { deep: true, immediate: true },
  );

  return {
    rows, loading, problem, truncated, next, loadedAt,
    page: () => cursors.value.length,
    reload: load, nextPage, previousPage, refreshRows,
  };
}
