// 月度客户信息统计: the area's statistics for a month, computed by the core on the phone —
// the same numbers the office computes from the same records.
import type { Replica } from "./core";
import { shanghaiTime } from "./directory";
import { el } from "./dom";
import type { MonthlyStatistics, StatisticsItem } from "./rules";

function rate(permille: number | null): string {
  return permille === null ? "—" : `${(permille / 10).toFixed(1)}%`;
}

function items(title: string, list: StatisticsItem[]): HTMLElement {
  return el("section", { class: "card" }, el("h3", {}, `${title}（${list.length}）`),
    list.length
      ? el("ul", { class: "lines" }, ...list.map((i) => el("li", {}, el("strong", {}, i.place), ` ${i.description}`)))
      : el("p", { class: "hint" }, "无"));
}

/** The statistics screen for `month` (`YYYY-MM`); `onMonth` switches month. */
export function renderStatistics(replica: Replica, month: string, now: number, onMonth: (m: string) => void): HTMLElement {
  const picker = el("input", { type: "month", id: "stats-month", value: month });
  picker.onchange = () => picker.value && onMonth(picker.value);
  let stats: MonthlyStatistics;
  try {
    stats = replica.statistics(month, now).statistics;
  } catch (e) {
    return el("div", {}, picker, el("p", { class: "error" }, `无法统计：${e instanceof Error ? e.message : String(e)}`));
  }
  const rows = stats.indicators.map((i) =>
    el("tr", { "data-indicator": `${i.group}·${i.measure}` },
      el("td", {}, i.group), el("td", {}, i.measure), el("td", {}, i.target),
      el("td", { class: "num" }, `${i.numerator}/${i.denominator}`), el("td", { class: "num" }, rate(i.permille)),
      el("td", { class: i.met === false ? "bad" : "good" }, i.met === null ? "—" : i.met ? "达标" : "未达标")));
  const received = stats.categories.filter((c) => c.received > 0)
    .map((c) => `${c.label} ${c.received}（关闭 ${c.closed}）`).join("，");
  const v = stats.vacant;
  const r = stats.renovation;
  const visits = stats.visits;
  return el("div", { class: "stats" },
    el("label", { class: "field" }, el("span", {}, "统计月份"), picker),
    el("p", { class: "hint" }, `截至 ${shanghaiTime(stats.asOf)}；${received || "本月没有客户信息"}`),
    el("table", { class: "indicators" },
      el("thead", {}, el("tr", {}, ...["类别", "指标", "目标", "完成", "比率", "结果"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...rows)),
    el("section", { class: "card" }, el("h3", {}, "空置房与装修"),
      el("p", { id: "vacant-stats" }, `空置房 ${v.units} 套：巡查 ${v.inspected}，通风 ${v.ventilated}，保洁 ${v.cleaned}；特殊天气加查 ${v.special} 次`),
      el("p", {}, `装修巡查：应巡 ${r.requiredDays} 户·天，已巡 ${r.patrolledDays}`),
      el("p", {}, `拜访：本月 ${visits.visitedThisMonth} 户（目标 ${visits.monthTarget}），本轮 ${visits.round} 覆盖 ${visits.roundVisited}/${visits.households} 户，重点客户 ${visits.keyCustomersVisited}/${visits.keyCustomers}`)),
    items("未关闭", stats.open),
    items("不满意", stats.unsatisfied),
    el("section", { class: "card" }, el("h3", {}, `本月登记事项中超时（${stats.overdue.length}）`),
      stats.overdue.length
        ? el("ul", { class: "lines" }, ...stats.overdue.map((o) => el("li", {}, `${o.place} · ${o.label}（应于 ${o.dueAt === null ? "—" : shanghaiTime(o.dueAt)}）`)))
        : el("p", { class: "hint" }, "无")),
    el("section", { class: "card" }, el("h3", {}, `重大客户事件（${stats.majorEvents.length}）`),
      stats.majorEvents.length
        ? el("ul", { class: "lines" }, ...stats.majorEvents.map((e) =>
          el("li", {}, el("strong", {}, e.place), ` ${e.description}（${e.tickets.length} 单）${e.needsReport ? " · 待写专项报告" : ""}`)))
        : el("p", { class: "hint" }, "无")));
}
