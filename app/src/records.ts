// The records as the core hands them to JS: hand-written types mirroring the serde shapes
// of `core/src/records/` (camelCase fields, snake_case enum values, `type`-tagged actions).
// The core is the judge of what is valid; these types only describe what crosses.

export type StaffRole = "housekeeper" | "supervisor" | "office" | "admin";
export interface Actor { user: string; role: StaffRole }
/** SHA-256 of a photo or signature, 64 hex digits. */
export type ContentHash = string;
/** `YYYY-MM-DD` */
export type LocalDate = string;
/** `YYYY-MM` */
export type MonthText = string;
/** Milliseconds since the epoch. */
export type Millis = number;

// ---- the journal -------------------------------------------------------------------------

/** What every event carries. */
export interface EventHead {
  /** `"{device}-{seq}"`. */
  id: string;
  /** The writing device (its Automerge actor, 16 hex digits). */
  device: string;
  /** This event's number among the device's events on this record, from 1. */
  seq: number;
  /** For every other device, the last of its events the writer had seen (absent when none). */
  seen?: Record<string, number>;
  at: Millis;
  by: string;
  role: StaffRole;
  note?: string;
  photos?: ContentHash[];
}
/** Steps every record kind knows. */
export type CommonStep = { type: "note" } | { type: "resolve"; events: string[] };
export type JournalEvent<A> = EventHead & (A | CommonStep);
/** What the caller asks a record to do: an event without its head. */
export type Input<A> = (A | CommonStep) & { note?: string; photos?: ContentHash[] };

/** Something in a journal that needs a person. */
export interface Flag {
  events: string[];
  reason: string;
  /** Made on different phones without seeing each other. */
  concurrent: boolean;
  resolvedBy: string | null;
}

export interface RecordView<K extends string, H, S, A> {
  kind: K;
  header: H;
  state: S;
  events: JournalEvent<A>[];
  flags: Flag[];
}

/** A record's key facts in the area index. */
export interface IndexEntry {
  id: string;
  kind: string;
  code?: string | null;
  status?: string | null;
  unit?: string | null;
  month?: string | null;
  date?: string;
  category?: string;
}

// ---- unit archive ------------------------------------------------------------------------

export type UnitStatus = "undelivered_vacant" | "entrusted_vacant" | "occupied" | "renovating";
export interface Person {
  id: string;
  name: string;
  relation: "owner" | "resident" | "tenant";
  /** Masked (`138****5678`) unless the viewer's role calls customers. */
  phone: string | null;
}
export interface UnitHeader { code: string; building: string; areaId: string; status: UnitStatus }
export type UnitAction =
  | { type: "status"; status: UnitStatus }
  | { type: "person"; person: Person }
  /** `person`: the id of the person removed. */
  | { type: "remove_person"; person: string }
  | { type: "key_customer"; key: boolean };
export interface UnitState { status: UnitStatus; people: Person[]; keyCustomer: boolean }
export type UnitRecord = RecordView<"unit", UnitHeader, UnitState, UnitAction>;

// ---- tickets (customer information) ------------------------------------------------------

export type Category =
  | "complaint" | "repair" | "renovation" | "security" | "vehicle" | "facilities" | "environment"
  | "staff" | "community_business" | "suggestion" | "praise" | "consultation" | "special_service" | "other";
export type Channel =
  | "hotline" | "supervision_hotline" | "front_desk" | "visit" | "patrol" | "owner_meeting" | "online";
export type RepairScope = "household" | "public";
export type RepairScale = "emergency" | "general" | "minor" | "medium" | "major";
export type Validity = "valid" | "help_seeking" | "consultation" | "venting";
export type Severity = "general" | "major";
export type Satisfaction = "very_satisfied" | "satisfied" | "fairly_satisfied" | "unsatisfied";
export type Escalation = "media" | "authority" | "litigation" | "compensation";
export type ContactWay = "phone" | "visit" | "sms" | "wechat";
/** A complaint's business type (seed 004 §4.4.1 b). */
export type BusinessType =
  | "renovation" | "security" | "vehicle" | "facilities" | "environment" | "staff" | "complaint_handling"
  | "community_business" | "after_sales" | "other";
/** Whom a complaint is reported up to. */
export type Referee = "project_head" | "company_leadership" | "hotline_400";
/** A contact with the customer about the work (沟通记录); `said` is what was said. */
export interface TicketContact {
  round: number;
  at: Millis;
  by: string;
  way: ContactWay;
  said: string;
  reason: string | null;
  agreedAt: Millis | null;
}
export type TicketStatus =
  | "registered" | "dispatched" | "in_progress" | "completed" | "called_back" | "closed" | "reopened";
export type Location = { type: "unit"; unit: string; code: string } | { type: "public"; place: string };
export interface RepairInfo { scope: RepairScope; scale: RepairScale; leak?: boolean }
export interface ComplaintInfo {
  validity?: Validity | null;
  severity?: Severity | null;
  topic?: string;
  business?: BusinessType | null;
  /** Against the office director: the company's leadership handles it. */
  againstHead?: boolean;
}
export interface SpecialReport { description: string; cause: string; responsibility: string; measures: string }
export interface TicketHeader {
  areaId: string;
  category: Category;
  channel: Channel;
  location: Location;
  description: string;
  reporter?: { name: string; phone?: string | null } | null;
  registeredAt: Millis;
  registeredBy: string;
  repair?: RepairInfo | null;
  complaint?: ComplaintInfo | null;
  photos?: ContentHash[];
  source?: string | null;
}
export type TicketAction =
  | { type: "dispatch"; to: string }
  | { type: "respond" }
  | { type: "start" }
  | { type: "complete"; signature?: ContentHash | null }
  | { type: "contact"; way: ContactWay; reason?: string | null; agreedAt?: Millis | null }
  | { type: "callback"; satisfaction: Satisfaction; resolved: boolean }
  | { type: "reopen" }
  | { type: "close" }
  | { type: "classify"; repair?: RepairInfo | null; complaint?: ComplaintInfo | null }
  | { type: "answer" }
  | { type: "agree"; item: string; priceFen: number; signature: ContentHash }
  | { type: "collect"; amountFen: number }
  | { type: "refer"; to: Referee }
  | { type: "team"; spokesperson: string; members?: string }
  | { type: "escalate"; escalation: Escalation; amountYuan?: number | null }
  | { type: "report"; report: SpecialReport };
export interface TicketState {
  status: TicketStatus;
  assignee: string | null;
  openedAt: Millis;
  dispatchedAt: Millis | null;
  respondedAt: Millis | null;
  startedAt: Millis | null;
  completedAt: Millis | null;
  signature: ContentHash | null;
  /** Every callback; `round` is the round of work it follows (0 before any reopening). */
  callbacks: { round: number; at: Millis; by: string; satisfaction: Satisfaction; resolved: boolean }[];
  /** Every contact with the customer, in journal order. */
  contacts: TicketContact[];
  closedAt: Millis | null;
  reopened: number;
  repair: RepairInfo | null;
  complaint: ComplaintInfo | null;
  answeredAt: Millis | null;
  /** A special service's 服务需求单: the plan and price agreed with the customer, signed. */
  service: { at: Millis; item: string; priceFen: number; plan: string; signature: ContentHash } | null;
  /** Paid so far for a special service, in fen. */
  collectedFen: number;
  /** Every report up, in journal order. */
  referrals: { at: Millis; by: string; to: Referee }[];
  /** A major complaint's handling team and the one person who answers. */
  team: { at: Millis; spokesperson: string; members: string } | null;
  /** When a person judged the complaint major, if they did. */
  judgedMajorAt: Millis | null;
  escalations: { at: Millis; escalation: Escalation; amountYuan: number | null }[];
  report: SpecialReport | null;
}
export type TicketRecord = RecordView<"ticket", TicketHeader, TicketState, TicketAction>;

// ---- vacant-unit inspection --------------------------------------------------------------

export type Condition = "normal" | "abnormal";
/** A place on the daily patrol, with a QR code on its wall (`rules/checkpoints.rs`). */
export interface Checkpoint { id: string; place: string; point: PatrolPoint }

/** The checklist's keys; their labels and order come from the core (`vocabulary()`). */
export type ChecklistKey = "doorsWindows" | "leaks" | "pipes" | "power" | "wallsCeilings" | "mould" | "pests" | "smell";
export type Occasion = "monthly" | "special_weather";
/** What the housekeeper fills in at the unit. */
export interface InspectionForm {
  occasion: Occasion;
  checklist: Record<ChecklistKey, Condition>;
  ventilated: boolean;
  cleaningArranged: boolean;
  findings: string;
  notes: string;
}
/** An inspection as recorded (the record's header). */
export interface Inspection extends InspectionForm {
  unit: string;
  unitCode: string;
  areaId: string;
  month: MonthText;
  inspector: string;
  inspectedAt: Millis;
}
export type InspectionAction = { type: "ventilated" } | { type: "cleaned" } | { type: "ticket"; ticket: string };
export interface InspectionState { ventilated: boolean; cleaningArranged: boolean; cleaned: boolean; tickets: string[] }
export type InspectionRecord = RecordView<"vacant-inspection", Inspection, InspectionState, InspectionAction>;

// ---- public-area patrol ------------------------------------------------------------------

export type PatrolPoint =
  | "lobby" | "stairwell" | "lift" | "fire_equipment" | "lighting" | "greenery" | "cleanliness" | "parking";
export interface PatrolHeader { areaId: string; date: LocalDate; by: string; startedAt: Millis }
export type PatrolAction =
  | { type: "finding"; point: PatrolPoint; place: string; description: string }
  | { type: "ticket"; finding: string; ticket: string }
  | { type: "checkpoint"; checkpoint: string; place: string }
  | { type: "finish" };
export interface PatrolState {
  findings: { id: string; point: PatrolPoint; place: string; description: string; photos: number; ticket: string | null }[];
  /** Checkpoints scanned, in the order walked. */
  visited: { checkpoint: string; place: string; at: Millis; by: string }[];
  finishedAt: Millis | null;
}
export type PatrolRecord = RecordView<"public-patrol", PatrolHeader, PatrolState, PatrolAction>;

// ---- renovation --------------------------------------------------------------------------

export interface RenovationChecks {
  loadBearing: Condition;
  waterproofing: Condition;
  guardRails: Condition;
  balconyTerrace: Condition;
  rubbish: Condition;
  workingHours: Condition;
  protection: Condition;
  workerPasses: Condition;
  /** 安装情况 (003 G3); absent on a form from before it was asked. */
  installation?: Condition;
}
export interface RenovationHeader {
  areaId: string;
  unit: string;
  unitCode: string;
  applicant: string;
  phone?: string | null;
  contractor: string;
  plan: string;
  shop?: boolean;
  appliedAt: Millis;
  depositYuan?: number;
}
export type RenovationStatus =
  | "applied" | "approved" | "rejected" | "permitted" | "acceptance_booked" | "rectifying"
  | "structural_damage" | "reported_to_authority" | "accepted" | "refunded";
export type RenovationAction =
  | { type: "review"; approved: boolean }
  | { type: "permit"; number: string }
  | { type: "pre_works"; qualityConfirmed: boolean; agreementSigned: boolean; feesCollected: boolean; departmentsReviewed: boolean; briefed: boolean }
  | { type: "patrol"; checks: RenovationChecks; stopped?: boolean }
  | { type: "book_acceptance"; date: LocalDate }
  | { type: "accept"; result: "passed" | "minor_faults" | "structural_damage" }
  | { type: "rectified" }
  | { type: "report_authority" }
  | { type: "refund_deposit"; amountYuan: number }
  | { type: "spot_check"; consistent: boolean };
export interface RenovationState {
  status: RenovationStatus;
  reviewedAt: Millis | null;
  permitNumber: string | null;
  permittedAt: Millis | null;
  patrols: { at: Millis; by: string; violations: string[] }[];
  patrolDays: LocalDate[];
  bookedFor: LocalDate | null;
  worksEndedAt: Millis | null;
  acceptedAt: Millis | null;
  refundedYuan: number | null;
  /** The supervisor's spot checks of the file against the works (003 G3). */
  spotChecks: { at: Millis; by: string; consistent: boolean }[];
  /** The file checked and the contractor briefed before works (003 G3), as last recorded. */
  preWorks: { qualityConfirmed: boolean; agreementSigned: boolean; feesCollected: boolean; departmentsReviewed: boolean; briefed: boolean } | null;
  preWorksDoneAt: Millis | null;
}
export type RenovationRecord = RecordView<"renovation", RenovationHeader, RenovationState, RenovationAction>;

// ---- visits and the visit plan -----------------------------------------------------------

export type VisitMethod = "phone" | "door" | "in_estate";
export interface VisitHeader {
  areaId: string;
  unit: string;
  unitCode: string;
  method: VisitMethod;
  visitedAt: Millis;
  by: string;
  person?: string;
  notes?: string;
  satisfaction?: Satisfaction | null;
}
export type VisitAction =
  | { type: "ticket"; ticket: string }
  | { type: "verify"; confirmed: boolean; satisfaction?: Satisfaction | null };
export interface VisitState {
  tickets: string[];
  /** The company's sample checks of the visit (004 §4.4.5). */
  verifications: { at: Millis; by: string; confirmed: boolean; satisfaction: Satisfaction | null }[];
}
export type VisitRecord = RecordView<"visit", VisitHeader, VisitState, VisitAction>;

export interface VisitPlanHeader { areaId: string; month: MonthText; madeBy: string; madeAt: Millis; content?: string }
export type VisitPlanAction =
  | { type: "add"; units: string[] }
  | { type: "remove"; units: string[] }
  | { type: "approve" };
export interface VisitPlanState { units: string[]; approvedBy: string | null; approvedAt: Millis | null }
export type VisitPlanRecord = RecordView<"visit-plan", VisitPlanHeader, VisitPlanState, VisitPlanAction>;

// ---- keys, fees, rectification, project --------------------------------------------------

export type KeyAction =
  | { type: "receive"; label: string; unit?: string | null; unitCode?: string | null; signature: ContentHash }
  | { type: "borrow"; label: string; borrower: string; signature: ContentHash }
  | { type: "return"; label: string }
  | { type: "count"; present: string[] }
  | { type: "lose"; label: string }
  | { type: "approve_loss"; label: string }
  | { type: "hand_back"; label: string };
export type KeyStatus =
  | { status: "in_custody" }
  | { status: "lent"; borrower: string; since: Millis }
  | { status: "loss_reported" }
  | { status: "lost"; approvedBy: string }
  | { status: "handed_back" };
export type Key = { unit: string | null; unitCode: string | null } & KeyStatus;
export interface KeyLedgerState {
  keys: Record<string, Key>;
  /** `supervisor`: the supervisor's weekly check of the ledger against the keys (003 G9). */
  counts: { at: Millis; date: LocalDate; by: string; missing: string[]; supervisor: boolean }[];
}
export type KeyLedgerRecord = RecordView<"key-ledger", { areaId: string }, KeyLedgerState, KeyAction>;

export type ContactMethod = "phone" | "door" | "notice" | "sms";
export interface PayPromise { amountFen: number; by: LocalDate }
export interface FeeAccountHeader { areaId: string; unit: string; unitCode: string; arrearsFen: number; openedAt: Millis }
export type FeeAction =
  | { type: "contact"; method: ContactMethod; reached: boolean; promise?: PayPromise | null }
  | { type: "payment"; amountFen: number; receipt?: string }
  | { type: "bill"; month: MonthText; amountFen: number }
  | { type: "arrears"; amountFen: number };
export interface FeeAccountState {
  outstandingFen: number;
  paidFen: number;
  /** Billed since the account was opened. */
  billedFen: number;
  bills: { month: MonthText; amountFen: number }[];
  payments: { at: Millis; by: string; amountFen: number; receipt: string }[];
  contacts: { at: Millis; by: string; method: ContactMethod; reached: boolean }[];
  promise: PayPromise | null;
}
export type FeeAccountRecord = RecordView<"fee-account", FeeAccountHeader, FeeAccountState, FeeAction>;

/** An area's collection plan for a month (003 G8): the supervisor's target and review. */
export interface FeePlanHeader { areaId: string; month: MonthText }
export type FeePlanAction = { type: "target"; amountFen: number; households: number } | { type: "assess" };
export interface FeeTarget { amountFen: number; households: number }
export interface FeePlanState {
  target: FeeTarget | null;
  setAt: Millis | null;
  setBy: string | null;
  reviewedAt: Millis | null;
  reviewedBy: string | null;
}
export type FeePlanRecord = RecordView<"fee-plan", FeePlanHeader, FeePlanState, FeePlanAction>;

export interface RectificationHeader {
  areaId: string;
  meeting: string;
  meetingDate: LocalDate;
  problem: string;
  location?: string | null;
  measure: string;
  expected: LocalDate;
  responsible?: string;
}
export type RectificationAction =
  | { type: "progress" }
  | { type: "done" }
  | { type: "reschedule"; expected: LocalDate }
  | { type: "reopen" };
export interface RectificationState { expected: LocalDate; doneAt: Millis | null; rescheduled: number }
export type RectificationRecord = RecordView<"rectification", RectificationHeader, RectificationState, RectificationAction>;

// ---- duty log -------------------------------------------------------------------------

export type Shift = "day" | "night";
export interface DutyHeader { areaId: string; date: LocalDate; shift: Shift; onDuty: string }
export type DutyAction =
  | { type: "log" }
  | { type: "hand_over"; to: string; tickets: string[]; items: string[] }
  | { type: "take_over"; missing: string[] }
  | { type: "check"; complete: boolean };
export interface DutyState {
  entries: number;
  handover: { at: Millis; by: string; to: string; tickets: string[]; items: string[] } | null;
  takenOver: { at: Millis; by: string; missing: string[] } | null;
  checks: { at: Millis; by: string; complete: boolean }[];
}
export type DutyLogRecord = RecordView<"duty-log", DutyHeader, DutyState, DutyAction>;

// ---- owner meeting -------------------------------------------------------------------

export type MeetingAnswer = "coming" | "undecided" | "declined";
export type MeetingHeading = "environment" | "engineering" | "security" | "customer_service" | "other";
export interface MeetingHeader { areaId: string; title: string; startsAt: Millis; place: string }
export type MeetingAction =
  | { type: "invite"; name: string; unitCode?: string | null; answer: MeetingAnswer }
  | { type: "remind"; reminder: "day_before" | "ten_minutes"; names: string[] }
  | { type: "sign_in"; name: string; unitCode: string }
  | { type: "staff"; names: string[] }
  | { type: "issue"; heading: MeetingHeading; raisedBy: string; issue: string; answer?: string | null }
  | { type: "minutes" }
  | { type: "publish" };
export interface MeetingState {
  invitations: Record<string, { unitCode: string | null; answer: MeetingAnswer; at: Millis }>;
  reminders: { reminder: "day_before" | "ten_minutes"; names: string[]; at: Millis }[];
  signedIn: { name: string; unitCode: string; at: Millis }[];
  staff: string[];
  issues: { heading: MeetingHeading; raisedBy: string; issue: string; answer: string | null; at: Millis }[];
  minutesAt: Millis | null;
  minutes: string | null;
  publishedAt: Millis | null;
}
export type OwnerMeetingRecord = RecordView<"owner-meeting", MeetingHeader, MeetingState, MeetingAction>;

// ---- reception day and greeting customers ------------------------------------------------

export interface EngagementHeader {
  areaId: string;
  occasion: "reception_day" | "send_off";
  heldAt: Millis;
  host: string;
  hostLevel: "project_head" | "department_head";
  notes?: string;
}
export type EngagementAction = { type: "withdraw" };
export type EngagementRecord = RecordView<"engagement", EngagementHeader, { withdrawn: boolean }, EngagementAction>;

// ---- satisfaction surveys (000; 001 篇2) ---------------------------------------------------

export type Rating = "very_satisfied" | "satisfied" | "fairly_satisfied" | "dissatisfied";
export interface SurveyHeader {
  areaId: string;
  campaign: MonthText;
  purpose: string;
  /** None: the core's default items (`vocabulary().survey.items`). */
  items?: string[];
  planned: number;
  opens: LocalDate;
  closes: LocalDate;
  staff?: string[];
}
export type SurveyAction =
  | { type: "approve" }
  | { type: "hand"; unit: string; unitCode: string }
  | { type: "return"; unit: string; unitCode: string; ratings: Rating[]; comment?: string; topic?: BusinessType | null }
  | { type: "close" }
  | { type: "analyse" }
  | { type: "call_back"; unit: string; unitCode: string; atHome: boolean };
export interface SurveyReturned { unitCode: string; ratings: Rating[]; comment: string; topic: BusinessType | null; at: Millis; by: string }
export interface SurveyState {
  approvedAt: Millis | null;
  approvedBy: string | null;
  handed: Record<string, { unitCode: string; at: Millis; by: string }>;
  returned: Record<string, SurveyReturned>;
  closedAt: Millis | null;
  analysedAt: Millis | null;
  calledBack: Record<string, { at: Millis; by: string; atHome: boolean }>;
}
export type SurveyRecord = RecordView<"survey", SurveyHeader, SurveyState, SurveyAction>;

// ---- special weather (003) ----------------------------------------------------------------

export type Weather = "long_rain" | "strong_wind" | "typhoon" | "rainstorm" | "snow";
export interface SpellHeader { areaId: string; weather: Weather; from: LocalDate; to: LocalDate }
export type SpellRecord = RecordView<"special-weather", SpellHeader, { withdrawn: boolean }, { type: "withdraw" }>;

export interface ProjectHeader { projectId: string; name: string; areas: string[] }
export type DayType = "holiday" | "workday" | "ordinary";
export type ProjectAction =
  | { type: "day"; date: LocalDate; day: DayType }
  | { type: "rain"; date: LocalDate; rained: boolean }
  | { type: "group_window"; hours: number }
  | { type: "price"; item: string; unit: string; priceFen: number }
  | { type: "approve_price"; item: string; reference: string }
  | { type: "withdraw_price"; item: string };
/** One item of the special-service price list: the price proposed last, and the approved one. */
export interface PriceItem {
  unit: string;
  priceFen: number;
  approved: { unit: string; priceFen: number; at: Millis; by: string; reference: string } | null;
  withdrawn: boolean;
}
export interface ProjectState {
  days: Record<LocalDate, DayType>;
  rainDays: LocalDate[];
  groupWindowHours: number;
  /** Vacant-unit rounds a month at the project's service level (003). */
  vacantRounds: number;
  prices: Record<string, PriceItem>;
}
export type ProjectRecord = RecordView<"project", ProjectHeader, ProjectState, ProjectAction>;

/** Any record, told apart by `kind`. */
export type AnyRecord =
  | UnitRecord | TicketRecord | InspectionRecord | PatrolRecord | RenovationRecord | VisitRecord
  | VisitPlanRecord | KeyLedgerRecord | FeeAccountRecord | FeePlanRecord | RectificationRecord | DutyLogRecord | OwnerMeetingRecord | EngagementRecord | SurveyRecord | SpellRecord | ProjectRecord;
export type RecordKind = AnyRecord["kind"];
/** Any record kind's own action. */
export type AnyAction =
  | UnitAction | TicketAction | InspectionAction | PatrolAction | RenovationAction | VisitAction
  | VisitPlanAction | KeyAction | FeeAction | FeePlanAction | RectificationAction | DutyAction | MeetingAction | EngagementAction | SurveyAction | { type: "withdraw" } | ProjectAction;
/** The header a new record of each kind needs. */
export interface Headers {
  unit: UnitHeader;
  ticket: TicketHeader;
  "vacant-inspection": Inspection;
  "public-patrol": PatrolHeader;
  renovation: RenovationHeader;
  visit: VisitHeader;
  "visit-plan": VisitPlanHeader;
  "key-ledger": { areaId: string };
  "fee-account": FeeAccountHeader;
  "fee-plan": FeePlanHeader;
  rectification: RectificationHeader;
  "duty-log": DutyHeader;
  "owner-meeting": MeetingHeader;
  engagement: EngagementHeader;
  survey: SurveyHeader;
  "special-weather": SpellHeader;
  project: ProjectHeader;
}
