// What an event says beyond its name, in words: to whom it was dispatched, how satisfied
// the customer was, which points a renovation patrol found in violation… Values and
// labels come from the event and the core's vocabulary.
import { ACTION_INPUTS } from "./actionForms";
import { shortTime, yuan as yuanOf } from "./format";
import { labelOf, type Vocabulary } from "./vocabulary";

type Fields = Record<string, unknown>;
const yuan = (fen: unknown) => yuanOf(Number(fen));

/** One line about `e` (an event of a record of `kind`), or "" when its name says it all. */
export function eventDetails(kind: string, e: Fields, v: Vocabulary, nameOf: (user: string) => string): string {
  const text = (key: string) => String(e[key] ?? "");
  switch (`${kind}/${text("type")}`) {
    case "ticket/dispatch":
      return `派给 ${nameOf(text("to"))}`;
    case "ticket/callback":
      return `${labelOf(v.ticket.satisfaction, text("satisfaction"))}${e.resolved ? "，问题已解决" : "，问题仍在"}`;
    case "ticket/contact": {
      const parts = [labelOf(v.ticket.contactWay, text("way"))];
      if (e.reason) parts.push(`原因：${text("reason")}`);
      if (typeof e.agreedAt === "number") parts.push(`约定 ${shortTime(e.agreedAt)} 前完成`);
      return parts.join("，");
    }
    case "ticket/agree":
      return `${text("item")} ${yuan(e.priceFen)}，客户已签字`;
    case "ticket/collect":
      return `收款 ${yuan(e.amountFen)}`;
    case "ticket/refer":
      return `上报${labelOf(v.ticket.referee, text("to"))}`;
    case "ticket/team":
      return `对客户回复：${nameOf(text("spokesperson"))}${e.members ? `；成员：${text("members")}` : ""}`;
    case "ticket/escalate":
      return `${labelOf(v.ticket.escalation, text("escalation"))}${e.amountYuan ? ` ${text("amountYuan")} 元` : ""}`;
    case "renovation/review":
      return e.approved ? "通过" : "不通过";
    case "renovation/permit":
      return `许可证 ${text("number")}`;
    case "renovation/patrol": {
      const checks = (e.checks ?? {}) as Record<string, string>;
      const bad = v.renovation.checks.filter((c) => checks[c.value] === "abnormal").map((c) => c.label);
      return bad.length ? `违规：${bad.join("、")}${e.stopped ? "（已当场制止）" : ""}` : "未发现违规";
    }
    case "renovation/book_acceptance":
      return `验收日期 ${text("date")}`;
    case "renovation/accept":
      return labelOf(v.renovation.acceptance, text("result"));
    case "renovation/pre_works": {
      const missing = (ACTION_INPUTS.renovation.pre_works ?? []).filter((i) => !e[i.key]).map((i) => i.label);
      return missing.length ? `未完成：${missing.join("、")}` : "手续齐全，已交底";
    }
    case "renovation/spot_check":
      return e.consistent ? "记录与现场一致" : "记录与现场不符";
    case "renovation/refund_deposit":
      return `${text("amountYuan")} 元`;
    case "public-patrol/finding":
      return `${labelOf(v.patrol.point, text("point"))} · ${text("place")}：${text("description")}`;
    case "public-patrol/checkpoint":
      return text("place");
    case "key-ledger/receive":
    case "key-ledger/return":
    case "key-ledger/lose":
    case "key-ledger/approve_loss":
    case "key-ledger/hand_back":
      return text("label");
    case "key-ledger/borrow":
      return `${text("label")} 借给 ${text("borrower")}`;
    case "key-ledger/count":
      return `在柜 ${(e.present as unknown[] | undefined)?.length ?? 0} 把`;
    case "fee-account/contact":
      return `${labelOf(v.fees.contactMethod, text("method"))}${e.reached ? "，已联系上" : "，未联系上"}`;
    case "fee-account/payment":
      return `${yuan(e.amountFen)}${e.receipt ? `，票据 ${text("receipt")}` : ""}`;
    case "fee-account/bill":
      return `${text("month")} ${yuan(e.amountFen)}`;
    case "fee-account/arrears":
      return yuan(e.amountFen);
    case "survey/hand":
      return text("unitCode");
    case "survey/return": {
      const ratings = (e.ratings as string[] | undefined) ?? [];
      const unhappy = ratings.filter((r) => r === "dissatisfied").length;
      const said = e.comment ? `；意见：${text("comment")}（${labelOf(v.ticket.businessType, text("topic"))}）` : "";
      return `${text("unitCode")}：${ratings.length} 项评价${unhappy ? `，${unhappy} 项不满意` : "，均满意"}${said}`;
    }
    case "survey/call_back":
      return `${text("unitCode")}${e.atHome ? "，登门拜访" : "，电话回访"}`;
    case "fee-plan/target":
      return `${yuan(e.amountFen)}，${String(e.households)} 户`;
    case "visit/verify":
      return `${e.confirmed ? "业主确认拜访" : "业主未确认拜访"}${e.satisfaction ? `，${labelOf(v.ticket.satisfaction, text("satisfaction"))}` : ""}`;
    case "owner-meeting/invite":
      return `${text("name")}${e.unitCode ? `（${text("unitCode")}）` : ""}：${labelOf(v.meeting.answer, text("answer"))}`;
    case "owner-meeting/remind":
      return `${labelOf(v.meeting.reminder, text("reminder"))}：${((e.names as string[] | undefined) ?? []).join("、")}`;
    case "owner-meeting/sign_in":
      return `${text("name")}（${text("unitCode")}）`;
    case "owner-meeting/staff":
      return ((e.names as string[] | undefined) ?? []).join("、");
    case "owner-meeting/issue":
      return `${labelOf(v.meeting.heading, text("heading"))} · ${text("raisedBy")}：${text("issue")}${e.answer ? `；当场答复：${text("answer")}` : "（会后整改）"}`;
    case "duty-log/hand_over":
      return `交给 ${nameOf(text("to"))}，工单 ${(e.tickets as unknown[] | undefined)?.length ?? 0} 单${(e.items as string[] | undefined)?.length ? `，物品：${(e.items as string[]).join("、")}` : ""}`;
    case "duty-log/take_over":
      return (e.missing as string[] | undefined)?.length ? `缺失：${(e.missing as string[]).join("、")}` : "物品齐全";
    case "duty-log/check":
      return e.complete ? "记录完整" : "记录不完整";
    case "rectification/reschedule":
      return `改到 ${text("expected")}`;
    case "visit-plan/add":
    case "visit-plan/remove":
      return `${(e.units as unknown[] | undefined)?.length ?? 0} 户`;
    default:
      return "";
  }
}
