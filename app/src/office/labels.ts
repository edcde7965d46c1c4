// Names the lists show for the values rows carry: kinds, statuses and categories from the
// core's vocabulary. The few list statuses the vocabulary does not name yet (a patrol's,
// a fee account's, a rectification's — written by each kind's index entry) are named
// here until it does.
import { labelOf, type Choice, type Vocabulary } from "../vocabulary";

const UNNAMED_STATUSES: Record<string, Choice[]> = {
  "public-patrol": [{ value: "open", label: "巡视中" }, { value: "finished", label: "已完成" }],
  "fee-account": [{ value: "arrears", label: "欠费" }, { value: "paid", label: "已缴清" }],
  rectification: [{ value: "open", label: "整改中" }, { value: "done", label: "已完成" }],
};

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
