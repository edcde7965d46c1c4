// Names the lists show for the values rows carry: kinds, statuses and categories from the
// core's vocabulary. The few values the vocabulary does not name yet — list statuses of a
// patrol, a fee account and a rectification (written by each kind's index entry), and why
// an event is major (`MajorReason::label_zh` in core/src/rules/complaints.rs) — are named
// here until it does.
import { labelOf, type Choice, type Vocabulary } from "../vocabulary";

const UNNAMED_STATUSES: Record<string, Choice[]> = {
  "public-patrol": [{ value: "open", label: "巡视中" }, { value: "finished", label: "已完成" }],
  "fee-account": [{ value: "arrears", label: "欠费" }, { value: "paid", label: "已缴清" }],
  rectification: [{ value: "open", label: "整改中" }, { value: "done", label: "已完成" }],
};

/** Why a ticket is a major customer event, as `MajorReason::label_zh` says. */
export const MAJOR_REASONS: Choice[] = [
  { value: "group_complaint", label: "群诉" },
  { value: "media", label: "媒体负面报道" },
  { value: "authority", label: "上级单位上访" },
  { value: "litigation", label: "诉讼" },
  { value: "compensation", label: "大额赔偿" },
  { value: "unresolved_month", label: "有效投诉一个月内未解决" },
  { value: "judged", label: "认定为重大投诉" },
];

/** The statuses a kind's rows may have, in the core's order. */
export function statusesOf(v: Vocabulary, kind: string): Choice[] {
  switch (kind) {
    case "ticket":
      return v.ticket.status;
    case "renovation":
      return v.renovation.status;
    case "unit":
      return v.unit.status;
    default:
      return UNNAMED_STATUSES[kind] ?? [];
  }
}

/** A row's status in words. */
export function statusLabel(v: Vocabulary, kind: string, status: string | null | undefined): string {
  return status ? labelOf(statusesOf(v, kind), status) : "";
}

/** Statuses that mean the work is over: shown quietly. */
const SETTLED = new Set(["closed", "finished", "done", "paid", "refunded", "accepted", "occupied"]);
/** Statuses that need a person soon: shown loudly. */
const ALARMING = new Set(["reopened", "structural_damage", "rejected", "arrears"]);

/** How a status tag looks. */
export function statusTone(status: string | null | undefined): "success" | "danger" | "info" | "primary" {
  if (!status) return "info";
  if (SETTLED.has(status)) return "success";
  if (ALARMING.has(status)) return "danger";
  return "primary";
}
