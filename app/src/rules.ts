// The rules' answers as the core hands them to JS: deadlines, due work and the monthly
// statistics (hand-written types mirroring `core/src/rules/`).
import type { BusinessType, Category, ContactMethod, FeeTarget, LocalDate, PayPromise, Weather, Shift, Millis, MonthText, RenovationStatus, SpecialReport, TicketStatus, UnitStatus } from "./records";

export type Clock =
  | "dispatch" | "first_response" | "completion" | "same_day" | "contact_record" | "service_request" | "agreed_answer" | "refer_head"
  | "group_warning" | "handling_team" | "refer_leadership" | "second_callback" | "feedback_400" | "callback"
  | "renovation_review" | "renovation_patrol" | "vacant_inspection" | "visit_plan" | "public_patrol"
  | "key_count" | "rectification" | "fee_promise" | "handover" | "duty_check" | "monthly_report" | "key_audit"
  | "renovation_spot_check" | "meeting_reminder" | "meeting_call" | "meeting_minutes" | "rectification_plan"
  | "fee_plan" | "fee_review" | "fee_ledger_check" | "survey_return" | "survey_analysis" | "survey_callback"
  | "weather_round" | "renovation_pre_works" | "festival_visits";
export type Standing = "waiting" | "pending" | "overdue" | "met_on_time" | "met_late";
export interface Deadline {
  clock: Clock;
  /** The clock's name in Chinese. */
  label: string;
  /** The rule in the seed's words. */
  rule: string;
  dueAt: Millis | null;
  metAt: Millis | null;
  standing: Standing;
  /** `dueAt` is a time agreed with the customer, not the procedure's own figure. */
  agreed: boolean;
}

export interface UnitRef { unit: string; code: string }
export interface TicketDue {
  ticket: string;
  category: Category;
  status: TicketStatus;
  place: string;
  description: string;
  deadline: Deadline;
}
/** A spell of special weather's round of the vacant units (003). */
export interface WeatherRound {
  spell: string;
  weather: Weather;
  from: LocalDate;
  to: LocalDate;
  total: number;
  toInspect: UnitRef[];
  deadline: Deadline;
}
export interface RecordDue { record: string; what: string; deadline: Deadline }
/** A ticket a shift owes the next one. */
export interface OwedTicket { ticket: string; place: string; description: string }
export interface HandoverCheck {
  log: string;
  date: LocalDate;
  shift: Shift;
  owed: OwedTicket[];
  dropped: OwedTicket[];
  missing: string[];
  deadline: Deadline;
}
export interface VisitProgress {
  month: MonthText;
  round: string;
  households: number;
  monthTarget: number;
  visitedThisMonth: number;
  roundVisited: number;
  plan: string | null;
  planned: number;
  plannedVisited: number;
  planApproved: boolean;
  keyCustomers: number;
  keyCustomersVisited: number;
  keyCustomerTarget: number;
  repeats: string[];
  nextPlan: Deadline;
}
export interface DueWork {
  at: Millis;
  date: LocalDate;
  month: MonthText;
  vacant: { total: number; toInspect: UnitRef[]; toVentilate: UnitRef[]; toClean: UnitRef[]; dueAt: Millis; weather: WeatherRound[] };
  renovationPatrols: { renovation: string; unit: string; code: string; status: RenovationStatus; lastPatrolAt: Millis | null }[];
  renovatingWithoutFile: UnitRef[];
  renovationReviews: RecordDue[];
  callbacks: TicketDue[];
  overdue: TicketDue[];
  visits: VisitProgress;
  /** Key customers visited over the Spring Festival, shown around it (003 Z8). */
  festival: { from: LocalDate; to: LocalDate; keyCustomers: number; toVisit: UnitRef[]; deadline: Deadline } | null;
  publicPatrol: Deadline;
  keyCount: Deadline | null;
  keysOut: { label: string; unitCode: string | null; borrower: string | null; since: Millis | null }[];
  rectifications: RecordDue[];
  /** Owner meetings' open clocks. */
  meetings: RecordDue[];
  /** Shifts to hand over, or handed over with a ticket dropped or an item missing. */
  handovers: HandoverCheck[];
  /** The supervisor's checks of the duty logs this month (at least two). */
  dutyChecks: Deadline | null;
  /** The supervisor's checks this week: the key ledger, the renovation files. */
  supervisorChecks: Deadline[];
  feePromises: RecordDue[];
  /** Satisfaction surveys' open clocks: returns, the analysis, callbacks to commenters. */
  surveys: RecordDue[];
  flagged: { record: string; kind: string; events: string[]; reason: string; concurrent: boolean }[];
}

export type MajorReason =
  | "group_complaint" | "media" | "authority" | "litigation" | "compensation" | "unresolved_month" | "judged";
export interface Indicator {
  /** Stable, for programs: complaint_response, repair_callback, … */
  key: string;
  /** group·measure, as the table names it. */
  label: string;
  /** 沟通类别 */
  group: string;
  /** 指标 */
  measure: string;
  /** 计算公式 */
  formula: string;
  /** 目标 as the seed writes it, e.g. "≥90%". */
  target: string;
  targetPercent: number;
  numerator: number;
  denominator: number;
  /** Tenths of a percent; null with nothing to count. */
  permille: number | null;
  /** The same rate as a fraction. */
  rate: number | null;
  met: boolean | null;
}
export interface StatisticsItem {
  ticket: string;
  category: Category;
  place: string;
  description: string;
  status: TicketStatus;
  registeredAt: Millis;
}
export interface MonthlyStatistics {
  scope: { name: string; areas: string[] | null };
  month: MonthText;
  asOf: Millis;
  categories: { category: Category; label: string; received: number; closed: number }[];
  /** Complaints by business type, hot issues first; `business` null: not yet classified. */
  complaintTypes: { business: BusinessType | null; label: string; received: number }[];
  /** The month's paid special services, billed and collected (fen). */
  serviceBill: {
    lines: { ticket: string; place: string; item: string; priceFen: number; collectedFen: number; completedAt: Millis }[];
    billedFen: number;
    collectedFen: number;
  };
  indicators: Indicator[];
  vacant: { units: number; inspected: number; ventilated: number; cleaned: number; special: number };
  renovation: { requiredDays: number; patrolledDays: number };
  visits: {
    round: string; households: number; roundVisited: number; visitedThisMonth: number;
    monthTarget: number; keyCustomers: number; keyCustomersVisited: number;
  };
  /** The month's visit report: methods, satisfaction, issues raised, the company's checks. */
  /** The month's repairs as 《月服务质量报告》 reads them (004 §4.4.2 b). */
  repairQuality: RepairQuality;
  visitReport: {
    visits: number;
    byMethod: { label: string; count: number }[];
    satisfaction: { label: string; count: number }[];
    satisfiedPermille: number | null;
    issues: { visit: string; code: string; ticket: string; description: string; status: TicketStatus }[];
    issuesResolved: number;
    verified: number;
    confirmed: number;
  };
  open: StatisticsItem[];
  unsatisfied: StatisticsItem[];
  overdue: { ticket: string; place: string; clock: Clock; label: string; dueAt: Millis | null }[];
  majorEvents: {
    tickets: string[]; category: Category; place: string; description: string; registeredAt: Millis;
    reasons: MajorReason[]; report: SpecialReport | null; needsReport: boolean;
  }[];
  /** `formedAt`: when the fifth household complained. */
  groupComplaints: {
    topic: string; tickets: string[]; households: number; firstAt: Millis; lastAt: Millis; formedAt: Millis;
  }[];
}
/** The figures the hand-computed fixture holds (`core/tests/fixtures/`). */
export type StatisticsSummary = Record<string, unknown>;

/** A vacant unit as the housekeeper's list shows it (read from the area index). */
export interface VacantUnit {
  id: string;
  code: string;
  status: Extract<UnitStatus, "undelivered_vacant" | "entrusted_vacant">;
  statusLabel: string;
  /** As many monthly inspections as the project's service level asks. */
  inspected: boolean;
  inspections: number;
  required: number;
}

// ---- fees (003 G8; `core/src/rules/fees.rs`) ---------------------------------------------

/** One household's line of the area's fee ledger for a month. */
export interface LedgerLine {
  account: string;
  areaId: string;
  unit: string;
  unitCode: string;
  billedFen: number;
  paidFen: number;
  outstandingFen: number;
  contacts: number;
  lastContactAt: Millis | null;
  lastContactMethod: ContactMethod | null;
  promise: PayPromise | null;
}
/** An area's month against its plan. */
export interface AreaCollection {
  areaId: string;
  plan: string | null;
  target: FeeTarget | null;
  collectedFen: number;
  householdsPaid: number;
  householdsInArrears: number;
  arrearsContacted: number;
  outstandingFen: number;
  planDeadline: Deadline;
  reviewDeadline: Deadline;
}
export interface FeeCollection {
  month: MonthText;
  areas: AreaCollection[];
  targetFen: number;
  collectedFen: number;
  ledger: LedgerLine[];
}

/** The month's repairs for 《月服务质量报告》 (`core/src/rules/statistics/quality.rs`). */
export interface RepairQuality {
  received: number;
  household: number;
  public: number;
  dispatchedInTime: number;
  respondedInTime: number;
  completed: number;
  completedInTime: number;
  calledBack: number;
  satisfied: number;
  overdue: number;
  byScale: { scale: string; label: string; received: number; completed: number; completedInTime: number }[];
}
