// 今日待办: what the core says is due in the area now — the month's vacant round, today's
// renovation patrols, callbacks, overdue clocks, visits, keys and anything phones
// disagreed on.
import type { Replica } from "./core";
import { shanghaiTime } from "./directory";
import { el } from "./dom";
import type { Deadline, DueWork, TicketDue } from "./rules";

/** How many unit codes a line lists before "等". */
const SHOWN = 12;

function when(deadline: Deadline): string {
  if (deadline.dueAt === null) return deadline.clock === "callback" ? "等待雨天后回访" : "待定";
  const text = `${shanghaiTime(deadline.dueAt)} 前`;
  return deadline.standing === "overdue" ? `已超时（应于 ${shanghaiTime(deadline.dueAt)}）` : text;
}

function codes(list: { code: string }[]): string {
  const head = list.slice(0, SHOWN).map((u) => u.code).join("、");
  return list.length > SHOWN ? `${head} 等 ${list.length} 套` : head;
}

function section(title: string, ...body: (Node | string)[]): HTMLElement {
  return el("section", { class: "card" }, el("h3", {}, title), ...body);
}

function ticketLine(t: TicketDue): HTMLElement {
  const late = t.deadline.standing === "overdue";
  return el("li", { class: late ? "due late" : "due", "data-ticket": t.ticket },
    el("strong", {}, t.place), ` ${t.description} · ${t.deadline.label} `,
    el("span", { class: "when" }, when(t.deadline)));
}

function list(items: HTMLElement[], empty: string): HTMLElement {
  return items.length ? el("ul", { class: "lines" }, ...items) : el("p", { class: "hint" }, empty);
}

/** The due-work screen at `now`. */
export function renderDue(replica: Replica, now: number): HTMLElement {
  const due: DueWork = replica.dueWork(now);
  const v = due.vacant;
  const visits = due.visits;
  const parts: HTMLElement[] = [
    section("本月空置房",
      el("p", { id: "vacant-due" },
        `共 ${v.total} 套：未巡查 ${v.toInspect.length}，未通风 ${v.toVentilate.length}，未保洁 ${v.toClean.length}`),
      v.toInspect.length ? el("p", { class: "hint" }, `未巡查：${codes(v.toInspect)}`) : el("p", { class: "hint" }, "本月巡查已完成")),
    section("今日装修巡查",
      list(due.renovationPatrols.map((r) => el("li", {}, `${r.code} 今日未巡查`)), "今日装修户已全部巡查"),
      ...(due.renovatingWithoutFile.length
        ? [el("p", { class: "hint" }, `装修中但无装修档案：${codes(due.renovatingWithoutFile)}`)]
        : [])),
    section(`待回访（${due.callbacks.length}）`, list(due.callbacks.map(ticketLine), "没有待回访的工单")),
    section(`已超时 · 全部（${due.overdue.length}）`, list(due.overdue.map(ticketLine), "没有超时事项")),
    section("客户拜访",
      el("p", {}, `本月已拜访 ${visits.visitedThisMonth} / 目标 ${visits.monthTarget} 户；重点客户 ${visits.keyCustomersVisited} / ${visits.keyCustomerTarget}`),
      el("p", { class: "hint" }, `本轮（${visits.round}）已覆盖 ${visits.roundVisited} / ${visits.households} 户；下月拜访计划 ${
        visits.nextPlan.metAt !== null ? "已制定" : when(visits.nextPlan)}`),
      ...(visits.repeats.length ? [el("p", { class: "error" }, `本轮重复拜访：${visits.repeats.join("、")}`)] : [])),
    section("公共部位巡视",
      el("p", {}, due.publicPatrol.metAt !== null ? "今日已巡视" : `今日未巡视（${when(due.publicPatrol)}）`)),
  ];
  if (due.keyCount || due.keysOut.length)
    parts.push(section("钥匙",
      el("p", {}, due.keyCount?.metAt != null ? "今日已核对" : "今日未核对"),
      list(due.keysOut.map((k) => el("li", {}, `${k.label}${k.unitCode ? `（${k.unitCode}）` : ""} ${
        k.borrower ? `借给 ${k.borrower}` : "报失待审批"}`)), "钥匙均在柜")));
  if (due.renovationReviews.length || due.rectifications.length || due.feePromises.length)
    parts.push(section("其他到期事项", list(
      [...due.renovationReviews, ...due.rectifications, ...due.feePromises].map((d) =>
        el("li", { class: d.deadline.standing === "overdue" ? "due late" : "due" }, `${d.what} · ${d.deadline.label} `,
          el("span", { class: "when" }, when(d.deadline)))),
      "")));
  if (due.flagged.length)
    parts.push(section(`需要人工确认（${due.flagged.length}）`,
      list(due.flagged.map((f) => el("li", { class: "due late" }, f.reason)), "")));
  return el("div", { class: "due-work" }, ...parts);
}
