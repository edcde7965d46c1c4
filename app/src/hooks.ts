// What the browser tests and benchmarks read from the running app.
import type { DueWork, StatisticsSummary } from "./rules";
import type { useField } from "./stores/field";

declare global {
  interface Window {
    __estate: {
      pendingCount(): number;
      missingCount(): number;
      readonly online: boolean;
      /** Every stored record is loaded and every screen can open. */
      readonly ready: boolean;
      /** The home screen as shown now is written down for the next start. */
      homeSettled(): boolean;
      /** The screen shows everything received: no redraw is waiting (they are paced). */
      redrawn(): boolean;
      /** Nothing received is still on its way to IndexedDB. */
      idle(): boolean;
      /** Sync counters (batches, frames, time in the core and in IndexedDB). */
      stats(): Record<string, number>;
      /** The area's statistics summary for `month` as of `nowMs` (tests compare it with the fixture). */
      statisticsSummary(month: string, nowMs: number): StatisticsSummary;
      /** The demo's sample month generated and computed in this page's WASM. */
      dueWork(nowMs: number): DueWork;
      /** Whether the browser promised to keep this phone's storage (null until asked). */
      readonly storagePersisted: boolean | null;
      /** Records the server refused, with its reason. */
      refused(): { id: string; reason: string }[];
      /** The area's unit codes, in natural order. */
      unitCodes(): string[];
      /** A record as the phone shows it (with offers and clocks). */
      record(id: string): unknown;
      /** The ID of the first record of `kind` the area index lists. */
      firstRecord(kind: string): string | undefined;
      /** Saves `n` notes on a record, one at a time: how long each took in the core (the
       * part that holds the screen) and until it was durable in IndexedDB, in ms. */
      timeSaves(record: string, n: number): Promise<{ core: number[]; durable: number[] }>;
      /** Adds notes `${prefix}-1`, `${prefix}-2`, … to a record, one after another, each saved
       * as a screen saves it, until the page goes away; `durableNotes` lists those IndexedDB
       * has confirmed (what the screen would have shown as 已保存). */
      keepNoting(record: string, prefix: string): void;
      readonly durableNotes: string[];
      /** Photos taken here that have not reached the server (what the badge shows). */
      photosPending(): number;
      /** Photos the server refused, with why. */
      refusedPhotos(): Promise<{ hash: string; reason: string }[]>;
    } | undefined;
  }
}

/** Marks `name` on the page's timeline for the benchmark, keeping only the latest: a mark
 * made on every reconnection or batch must not pile up over a day's use. */
export function remark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

export function installHooks(field: ReturnType<typeof useField>): void {
  const durable: string[] = [];
  window.__estate = {
    pendingCount: () => field.replica?.pendingCount() ?? 0,
    missingCount: () => field.replica?.missingCount() ?? 1,
    get online() {
      return field.sync?.online ?? false;
    },
    get ready() {
      return field.phase === "ready";
    },
    homeSettled: () => field.homeSettled(),
    redrawn: () => field.redrawn(),
    idle: () => field.sync?.idle ?? false,
    stats: () => ({ ...(field.sync?.stats ?? {}), redraws: field.redraws.count, redrawMs: field.redraws.ms }),
    statisticsSummary: (month, nowMs) => field.need().statistics(month, nowMs).summary,
    dueWork: (nowMs) => field.need().dueWork(nowMs),
    get storagePersisted() {
      return field.storagePersisted;
    },
    refused: () => field.need().refusedRecords(),
    unitCodes: () =>
      field
        .need()
        .listRecords("unit")
        .map((u) => u.code ?? "")
        .sort((a, b) => a.localeCompare(b, "zh-CN", { numeric: true })),
    record: (id) => field.need().recordView(id, field.session?.role ?? "housekeeper", Date.now()),
    photosPending: () => field.photosPending,
    firstRecord: (kind) => field.need().listRecords(kind as never)[0]?.id,
    async timeSaves(record, n) {
      const core: number[] = [];
      const durable: number[] = [];
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        field.act(record, { type: "note", note: `第 ${i + 1} 条备注` });
        core.push(performance.now() - started);
        await field.persist();
        durable.push(performance.now() - started);
      }
      return { core, durable };
    },
    keepNoting(record, prefix) {
      void (async () => {
        for (let i = 1; ; i++) {
          const note = `${prefix}-${i}`;
          field.act(record, { type: "note", note });
          if (await field.persist()) durable.push(note);
        }
      })();
    },
    durableNotes: durable,
    refusedPhotos: () => field.refusedPhotos(),
  };
}
