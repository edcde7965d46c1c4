// Names the lists show for the values rows carry, from the core's vocabulary: every
// kind's statuses and why an event is major; and how a status looks. A WASM core built
// before a list joined the vocabulary names none of its values: they show as stored.
import { labelOf, type Choice, type Vocabulary } from "../vocabulary";

/** Where the vocabulary keeps each kind's list statuses (the kinds whose rows carry one). */
const STATUS_LISTS: Record<string, (v: Vocabulary) => Choice[] | undefined> = {
  ticket: (v) => v.ticket.status,
  renovation: (v) => v.renovation.status,
  unit: (v) => v.unit.status,
  "public-patrol": (v) => v.patrol.status,
  "fee-account": (v) => v.fees.status,
  rectification: (v) => v.rectification?.status,
  "duty-log": (v) => v.duty?.status,
  "owner-meeting": (v) => v.meeting?.status,
  engagement: (v) => v.engagement?.status,
  "fee-plan": (v) => v.fees?.planStatus,
  survey: (v) => v.survey?.status,
  "special-weather": (v) => v.weather?.status,
};

/** The statuses a kind's rows may have, in the core's order (none for a kind without). */
export function statusesOf(v: Vocabulary, kind: string): Choice[] {
  return STATUS_LISTS[kind]?.(v) ?? [];
}

/** Why a ticket is a major customer event, in words. */
export function majorReasonLabel(v: Vocabulary, reason: string): string {
  return labelOf(v.majorReason ?? [], reason);
}

/** A row's status in words. */
export function statusLabel(v: Vocabulary, kind: string, status: string | null | undefined): string {
  return status ? labelOf(statusesOf(v, kind), status) : "";
}

/** Statuses that mean the work is over: shown quietly. */
const SETTLED = new Set(["closed", "finished", "done", "paid", "refunded", "accepted", "occupied"]);
/** Statuses that need a person soon: shown loudly. */
const ALARMING = new Set(["reopened", "structural_damage", "rejected", "arrears"]);

/** Statuses where the desk acts next — a ticket to dispatch, a customer to call back. */
const DESK_NEXT = new Set(["registered", "completed"]);

/** How a status tag looks. */
export function statusTone(status: string | null | undefined): "success" | "danger" | "warning" | "info" | "primary" {
  if (!status) return "info";
  if (SETTLED.has(status)) return "success";
  if (ALARMING.has(status)) return "danger";
  if (DESK_NEXT.has(status)) return "warning";
  return "primary";
}
