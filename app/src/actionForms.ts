// What the person fills in for each action, by record kind and action type: the inputs
// only. Whether the action makes sense now is the core's to say (`offers`), and whether
// what was filled in is acceptable is the core's to judge when it is saved.
import { shanghaiMillis } from "./format";
import type { Choice, Vocabulary } from "./vocabulary";

/** `optional`: may be left empty (otherwise the form asks for it before the core is asked). */
type Base = { key: string; label: string; optional?: boolean };
export type Input = Base &
  (
    | { kind: "choice"; options: (v: Vocabulary) => Choice[] }
    | { kind: "bool"; initial?: boolean }
    | { kind: "text" | "date" | "month" | "datetime" | "yuan" | "fen" | "count" | "person" | "signature" }
    /** An item of the project's published special-service prices (its price fills `priceFen`). */
    | { kind: "service" }
    | { kind: "checks"; options: (v: Vocabulary) => Choice[] }
    | { kind: "keys" | "units" }
    /** The tickets a shift owes the next one (all ticked to begin with). */
    | { kind: "owed" }
    /** The items a shift handed over, to tick those missing. */
    | { kind: "handed" }
    /** A list typed as text, one item per comma or line. */
    | { kind: "list" }
    /** A unit of the area by its code (sets `unit` and `unitCode`). */
    | { kind: "unit" }
    /** A survey form's ratings, one per item. */
    | { kind: "ratings" }
    /** A household whose survey form carries a comment (sets `unit` and `unitCode`). */
    | { kind: "commenter" }
  );

const text = (key: string, label: string): Input => ({ key, label, kind: "text" });

export const ACTION_INPUTS: Record<string, Record<string, Input[]>> = {
  ticket: {
    dispatch: [{ key: "to", label: "派给", kind: "person" }],
    complete: [{ key: "signature", label: "业主签字", kind: "signature" }],
    contact: [
      { key: "way", label: "沟通方式", kind: "choice", options: (v) => v.ticket.contactWay },
      { key: "reason", label: "延误原因", kind: "text", optional: true },
      { key: "agreedAt", label: "约定完成时间", kind: "datetime", optional: true },
    ],
    callback: [
      { key: "satisfaction", label: "满意度", kind: "choice", options: (v) => v.ticket.satisfaction },
      { key: "resolved", label: "问题已解决", kind: "bool", initial: true },
    ],
    refer: [{ key: "to", label: "上报对象", kind: "choice", options: (v) => v.ticket.referee }],
    agree: [
      { key: "item", label: "服务项目", kind: "service" },
      { key: "priceFen", label: "约定价格（元）", kind: "fen" },
      { key: "signature", label: "客户签字", kind: "signature" },
    ],
    collect: [{ key: "amountFen", label: "收款金额（元）", kind: "fen" }],
    team: [
      { key: "spokesperson", label: "对客户回复的专人", kind: "person" },
      { key: "members", label: "小组成员", kind: "text", optional: true },
    ],
    escalate: [
      { key: "escalation", label: "升级原因", kind: "choice", options: (v) => v.ticket.escalation },
      { key: "amountYuan", label: "赔偿金额（元）", kind: "yuan", optional: true },
    ],
    report: [text("description", "情况描述"), text("cause", "原因分析"), text("responsibility", "责任分析"), text("measures", "改进措施")],
  },
  renovation: {
    review: [{ key: "approved", label: "审核通过", kind: "bool", initial: true }],
    permit: [text("number", "许可证编号")],
    patrol: [
      { key: "checks", label: "检查项目（勾选为违规）", kind: "checks", options: (v) => v.renovation.checks },
      { key: "stopped", label: "已当场制止", kind: "bool" },
    ],
    book_acceptance: [{ key: "date", label: "验收日期", kind: "date" }],
    accept: [{ key: "result", label: "验收结果", kind: "choice", options: (v) => v.renovation.acceptance }],
    refund_deposit: [{ key: "amountYuan", label: "退还押金（元）", kind: "yuan" }],
    spot_check: [{ key: "consistent", label: "记录与现场一致", kind: "bool", initial: true }],
    pre_works: [
      { key: "qualityConfirmed", label: "装修前质量确认单", kind: "bool" },
      { key: "agreementSigned", label: "装修协议已签", kind: "bool" },
      { key: "feesCollected", label: "费用已收取", kind: "bool" },
      { key: "departmentsReviewed", label: "其他部门已审核", kind: "bool" },
      { key: "briefed", label: "已向施工方交底", kind: "bool" },
    ],
  },
  "key-ledger": {
    receive: [text("label", "钥匙标签"), { key: "unitCode", label: "房号", kind: "text", optional: true }, { key: "signature", label: "业主签字", kind: "signature" }],
    borrow: [text("borrower", "借用人"), { key: "signature", label: "借用人签字", kind: "signature" }],
    count: [{ key: "present", label: "在柜的钥匙", kind: "keys" }],
  },
  "fee-account": {
    contact: [
      { key: "method", label: "联系方式", kind: "choice", options: (v) => v.fees.contactMethod },
      { key: "reached", label: "已联系上", kind: "bool", initial: true },
    ],
    payment: [{ key: "amountFen", label: "缴费金额（元）", kind: "fen" }, text("receipt", "票据号")],
    bill: [{ key: "month", label: "账期", kind: "month" }, { key: "amountFen", label: "出账金额（元）", kind: "fen" }],
    arrears: [{ key: "amountFen", label: "欠费金额（元）", kind: "fen" }],
  },
  "fee-plan": {
    target: [{ key: "amountFen", label: "收费指标（元）", kind: "fen" }, { key: "households", label: "收费户数", kind: "count" }],
  },
  visit: {
    verify: [
      { key: "confirmed", label: "业主确认拜访", kind: "bool", initial: true },
      { key: "satisfaction", label: "满意度", kind: "choice", options: (v) => v.ticket.satisfaction },
    ],
  },
  survey: {
    hand: [{ key: "unit", label: "房号", kind: "unit" }],
    return: [
      { key: "unit", label: "房号", kind: "unit" },
      { key: "ratings", label: "评价", kind: "ratings" },
      { key: "comment", label: "意见和建议", kind: "text", optional: true },
      { key: "topic", label: "意见类别", kind: "choice", options: (v) => v.ticket.businessType, optional: true },
    ],
    call_back: [
      { key: "unit", label: "回访住户", kind: "commenter" },
      { key: "atHome", label: "登门拜访（重要客户须上门）", kind: "bool" },
    ],
  },
  "owner-meeting": {
    invite: [
      text("name", "业主姓名"),
      { key: "unitCode", label: "房号", kind: "text", optional: true },
      { key: "answer", label: "邀请结果", kind: "choice", options: (v) => v.meeting.answer },
    ],
    remind: [
      { key: "reminder", label: "提醒", kind: "choice", options: (v) => v.meeting.reminder },
      { key: "names", label: "已电话提醒的业主（逗号分隔）", kind: "list" },
    ],
    sign_in: [text("name", "姓名"), text("unitCode", "房号")],
    staff: [{ key: "names", label: "与会工作人员（逗号分隔）", kind: "list" }],
    issue: [
      { key: "heading", label: "方面", kind: "choice", options: (v) => v.meeting.heading },
      text("raisedBy", "提出人"),
      text("issue", "问题、意见或建议"),
      { key: "answer", label: "当场答复（不能当场解决的留空）", kind: "text", optional: true },
    ],
  },
  "duty-log": {
    hand_over: [
      { key: "to", label: "接班人", kind: "person" },
      { key: "tickets", label: "转交下一班的未完成工单", kind: "owed", optional: true },
      { key: "items", label: "交接物品（逗号分隔）", kind: "list", optional: true },
    ],
    take_over: [{ key: "missing", label: "缺失的物品（勾选）", kind: "handed", optional: true }],
    check: [{ key: "complete", label: "记录完整、物品无缺失", kind: "bool", initial: true }],
  },
  rectification: {
    reschedule: [{ key: "expected", label: "新的预计完成日期", kind: "date" }],
  },
  "visit-plan": {
    add: [{ key: "units", label: "加入的住户", kind: "units" }],
    remove: [{ key: "units", label: "移出的住户", kind: "units" }],
  },
  "public-patrol": {
    finding: [
      { key: "point", label: "巡视项目", kind: "choice", options: (v) => v.patrol.point },
      text("place", "位置"),
      text("description", "问题描述"),
    ],
  },
};

/** The text the core tries an action with where the person fills in the real value. */
export const PLACEHOLDER = "…";

/** Actions that need a note saying what was done or agreed. */
export const NOTE_REQUIRED = new Set(["answer", "progress", "reschedule", "contact", "refer", "agree", "log", "minutes", "assess"]);

/** What the note of an action is called on its form. */
export function noteLabel(type: string): string {
  if (type === "contact") return "沟通内容（必填）";
  if (type === "refer") return "上报内容（必填）";
  if (type === "agree") return "服务方案（必填）";
  if (type === "minutes") return "会议纪要（必填）";
  if (type === "assess") return "考核意见（必填）";
  return NOTE_REQUIRED.has(type) ? "说明（必填）" : "备注";
}

/** Actions that link a ticket made from this record: offered as "转工单", which opens the
 * ticket form rather than acting at once. */
export const LINKS_TICKET = "ticket";

/** The action a checkpoint's QR code takes: offered as "扫码打卡", which opens the scanner. */
export const SCANS_CHECKPOINT = "checkpoint";

/** The inputs of an action of a record kind (none for a plain step such as 开始处理). */
export function inputsOf(kind: string, type: string): Input[] {
  return ACTION_INPUTS[kind]?.[type] ?? [];
}

/** What was filled in for `i` (as the form holds it), in the shape the core reads. */
export function filledValue(i: Input, value: unknown, v: Vocabulary): unknown {
  switch (i.kind) {
    case "yuan": case "count": return value === "" ? null : Math.round(Number(value));
    case "choice": return value === "" ? null : value;
    case "fen": return value === "" ? null : Math.round(Number(value) * 100);
    case "checks":
      return Object.fromEntries(i.options(v).map((c) => [c.value, (value as string[]).includes(c.value) ? "abnormal" : "normal"]));
    case "datetime": return value === "" ? null : shanghaiMillis(value as string);
    case "list": return splitList(String(value));
    case "signature": case "text": case "date": case "month": case "service": return value === "" ? null : value;
    default: return value;
  }
}

/** A list typed as text: one item per comma (either width), 、, semicolon or line. */
export function splitList(text: string): string[] {
  return text.split(/[,，、;；\n]/).map((x) => x.trim()).filter(Boolean);
}

/** An input left empty that the action cannot do without (a signature may be required or
 * not: the core says which). */
export function missingInput(inputs: Input[], values: Record<string, unknown>): Input | undefined {
  const asked = ["text", "date", "month", "choice", "person", "yuan", "fen", "count", "service", "unit", "commenter"];
  return inputs.find(
    (i) =>
      !i.optional &&
      (asked.includes(i.kind) ? values[i.key] === "" : i.kind === "ratings" && (values[i.key] as string[]).some((r) => !r)),
  );
}
