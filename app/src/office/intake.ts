// A call taken at the desk, as the ticket header the core files (`TicketHeader`): the
// form's fields in the core's shape. Whether they make a valid ticket is the core's to
// judge when the server files it.
import type { BusinessType, Category, Channel, RepairScale, RepairScope, Severity, TicketHeader, Validity } from "../records";

export interface IntakeForm {
  category: Category;
  channel: Channel;
  callerName: string;
  callerPhone: string;
  area: string;
  where: "unit" | "public";
  /** The unit chosen (its document ID and code), when at a household. */
  unit: { id: string; code: string } | null;
  place: string;
  description: string;
  repairScope: RepairScope;
  repairScale: RepairScale;
  leak: boolean;
  /** The problem in a few words, shared by complaints about the same problem. */
  topic: string;
  validity: Validity | "";
  severity: Severity | "";
  /** The complaint's business type (seed 004 §4.4.1 b); the form asks for it. */
  business: BusinessType | "";
  /** Against the office director: reported to the company's leadership. */
  againstHead: boolean;
  /** The housekeeper to dispatch to; "" to register only. */
  assignee: string;
}

export function blankIntake(): IntakeForm {
  return {
    category: "repair", channel: "hotline", callerName: "", callerPhone: "", area: "", where: "unit", unit: null,
    place: "", description: "", repairScope: "household", repairScale: "general", leak: false, topic: "",
    validity: "", severity: "", business: "", againstHead: false, assignee: "",
  };
}

/** How many characters of the description name a complaint's problem when no topic is given. */
const TOPIC_LENGTH = 20;

/** The header for a call registered by `user` at `now`. A missing unit is sent as a unit
 * location without one, for the core to refuse at `location`. */
export function ticketHeader(form: IntakeForm, user: string, now: number): TicketHeader {
  const description = form.description.trim();
  const caller = form.callerName.trim();
  const phone = form.callerPhone.trim();
  return {
    areaId: form.area,
    category: form.category,
    channel: form.channel,
    location:
      form.where === "public"
        ? { type: "public", place: form.place.trim() }
        : { type: "unit", unit: form.unit?.id ?? "", code: form.unit?.code ?? "" },
    description,
    reporter: caller || phone ? { name: caller, phone: phone || null } : null,
    registeredAt: now,
    registeredBy: user,
    repair: form.category === "repair" ? { scope: form.repairScope, scale: form.repairScale, leak: form.leak } : null,
    complaint:
      form.category === "complaint"
        ? {
            topic: form.topic.trim() || description.slice(0, TOPIC_LENGTH),
            validity: form.validity || null,
            severity: form.severity || null,
            business: form.business || null,
            againstHead: form.againstHead,
          }
        : null,
    photos: [],
    source: null,
  };
}
