//! Deadlines, exactly as the procedures set them. Each clock quotes its seed; any `now`
//! gives each clock's due time and whether it is met, pending or overdue.
//!
//! Readings where the seed leaves room, written down once here:
//! - The night (seed 004 §4.4.2: "18:00之前提交的单在1小时内响应，18:00之后提交的单在次日
//!   9:00之前响应"; "夜间接收的信息次日进行补录派单") runs from 18:00 to 08:00. What comes in
//!   at night is answered by 09:00 and its day's work starts then: dispatch within 10
//!   minutes of 09:00, the repair clocks and "today's matter done today" from 09:00. An
//!   emergency repair (急修) is never held over: its clocks run from intake, day or night.
//!   Customer service runs every day, so these clocks ignore holidays.
//! - Completion: "1–3 days" and "2–5 days" are held to their upper figure, 72 and 120
//!   hours; an emergency repair has no figure of its own and is held to the general
//!   fault's 8 hours; a household minor repair is a general fault.
//! - A major or group complaint's agreed answer is due 24 hours after it became major
//!   (the fifth household, the escalation, the month unresolved, the judgement), and one
//!   answer serves the whole group.
//! - Leak callbacks (seed 003: "房屋渗漏水项目维修后的第一个雨天后电话或上门回访"): wait for
//!   the first rain day recorded after the day of completion, then fall due at the end
//!   of the day after it.
//! - A reopened ticket starts a new round: dispatch "立即" (held to the same 10 minutes),
//!   completion by its scale, and a special callback within 24 hours (seed 000).
//! - A time agreed with the customer (seed 004 §4.4.2: "不能及时到达的应告知客户，并与客户约定
//!   维修时间"; seed 003: "告知原因及预计完成时间") replaces the completion and same-day
//!   deadlines when it was agreed before the deadline then in force had passed: the
//!   customer was told in time. An agreement made after is a late job explained, not
//!   excused, and the clock stays judged against the seed's figure.
//! - "三天未完成留有沟通记录" (seed 003 G4): a ticket still not done three days (72 hours)
//!   after its round of work opened needs a contact record by then; one done within the
//!   three days needs none.
//! - Repair callbacks: seed 004 §4.3.5 sets the monthly repair callback rate at "≥30%",
//!   while §4.4.2 says "报修处理应在维修服务结束后3个工作日内进行回访" and seed 003 G4 checks
//!   "是否100%回访". Every repair's callback is due within 3 working days and stays due
//!   after closing until it is made — the procedure the housekeeper is checked on — and
//!   the monthly table still reports the rate against the 30 % target.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use crate::records::ticket::{Category, RepairScale, RepairScope, TicketRecord, TicketState};
use crate::time::{
    HOUR_MS, MINUTE_MS, WorkCalendar, at_local, end_of_day, local_date, local_time, next_day,
};
use chrono::Timelike;

/// The clocks a record runs against.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Clock {
    Dispatch,
    FirstResponse,
    Completion,
    SameDay,
    ContactRecord,
    ServiceRequest,
    AgreedAnswer,
    ReferHead,
    GroupWarning,
    HandlingTeam,
    ReferLeadership,
    SecondCallback,
    Feedback400,
    Callback,
    RenovationReview,
    RenovationPatrol,
    VacantInspection,
    VisitPlan,
    PublicPatrol,
    KeyCount,
    Rectification,
    FeePromise,
    Handover,
    DutyCheck,
    MonthlyReport,
    KeyAudit,
    RenovationSpotCheck,
    MeetingReminder,
    MeetingCall,
    MeetingMinutes,
    RectificationPlan,
    FeePlan,
    FeeReview,
    FeeLedgerCheck,
    SurveyReturn,
    SurveyAnalysis,
    SurveyCallback,
    WeatherRound,
    RenovationPreWorks,
    FestivalVisits,
}

impl Clock {
    pub const ALL: [Clock; 40] = [
        Clock::Dispatch,
        Clock::FirstResponse,
        Clock::Completion,
        Clock::SameDay,
        Clock::ContactRecord,
        Clock::ServiceRequest,
        Clock::AgreedAnswer,
        Clock::ReferHead,
        Clock::GroupWarning,
        Clock::HandlingTeam,
        Clock::ReferLeadership,
        Clock::SecondCallback,
        Clock::Feedback400,
        Clock::Callback,
        Clock::RenovationReview,
        Clock::RenovationPatrol,
        Clock::VacantInspection,
        Clock::VisitPlan,
        Clock::PublicPatrol,
        Clock::KeyCount,
        Clock::Rectification,
        Clock::FeePromise,
        Clock::Handover,
        Clock::DutyCheck,
        Clock::MonthlyReport,
        Clock::KeyAudit,
        Clock::RenovationSpotCheck,
        Clock::MeetingReminder,
        Clock::MeetingCall,
        Clock::MeetingMinutes,
        Clock::RectificationPlan,
        Clock::FeePlan,
        Clock::FeeReview,
        Clock::FeeLedgerCheck,
        Clock::SurveyReturn,
        Clock::SurveyAnalysis,
        Clock::SurveyCallback,
        Clock::WeatherRound,
        Clock::RenovationPreWorks,
        Clock::FestivalVisits,
    ];

    /// The stored and displayed name.
    pub fn as_str(self) -> &'static str {
        match self {
            Clock::Dispatch => "dispatch",
            Clock::FirstResponse => "first_response",
            Clock::Completion => "completion",
            Clock::SameDay => "same_day",
            Clock::ContactRecord => "contact_record",
            Clock::ServiceRequest => "service_request",
            Clock::AgreedAnswer => "agreed_answer",
            Clock::ReferHead => "refer_head",
            Clock::GroupWarning => "group_warning",
            Clock::HandlingTeam => "handling_team",
            Clock::ReferLeadership => "refer_leadership",
            Clock::SecondCallback => "second_callback",
            Clock::Feedback400 => "feedback_400",
            Clock::Callback => "callback",
            Clock::RenovationReview => "renovation_review",
            Clock::RenovationPatrol => "renovation_patrol",
            Clock::VacantInspection => "vacant_inspection",
            Clock::VisitPlan => "visit_plan",
            Clock::PublicPatrol => "public_patrol",
            Clock::KeyCount => "key_count",
            Clock::Rectification => "rectification",
            Clock::FeePromise => "fee_promise",
            Clock::Handover => "handover",
            Clock::DutyCheck => "duty_check",
            Clock::MonthlyReport => "monthly_report",
            Clock::KeyAudit => "key_audit",
            Clock::RenovationSpotCheck => "renovation_spot_check",
            Clock::MeetingReminder => "meeting_reminder",
            Clock::MeetingCall => "meeting_call",
            Clock::MeetingMinutes => "meeting_minutes",
            Clock::RectificationPlan => "rectification_plan",
            Clock::FeePlan => "fee_plan",
            Clock::FeeReview => "fee_review",
            Clock::FeeLedgerCheck => "fee_ledger_check",
            Clock::SurveyReturn => "survey_return",
            Clock::SurveyAnalysis => "survey_analysis",
            Clock::SurveyCallback => "survey_callback",
            Clock::WeatherRound => "weather_round",
            Clock::RenovationPreWorks => "renovation_pre_works",
            Clock::FestivalVisits => "festival_visits",
        }
    }

    /// A clock that starts again every day (today's patrol, today's key count) rather
    /// than one deadline a record has to meet once.
    pub fn daily(self) -> bool {
        matches!(
            self,
            Clock::RenovationPatrol | Clock::PublicPatrol | Clock::KeyCount
        )
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Clock::Dispatch => "派工",
            Clock::FirstResponse => "首次响应",
            Clock::Completion => "维修完成",
            Clock::SameDay => "当日处理",
            Clock::ContactRecord => "沟通记录",
            Clock::ServiceRequest => "服务需求单",
            Clock::AgreedAnswer => "统一口径",
            Clock::ReferHead => "上报项目负责人",
            Clock::GroupWarning => "群诉预警",
            Clock::HandlingTeam => "成立处理小组",
            Clock::ReferLeadership => "上报公司领导",
            Clock::SecondCallback => "公司再次回访",
            Clock::Feedback400 => "向400反馈",
            Clock::Callback => "回访",
            Clock::RenovationReview => "装修审核",
            Clock::RenovationPatrol => "装修巡查",
            Clock::VacantInspection => "空置房巡查",
            Clock::VisitPlan => "拜访计划",
            Clock::PublicPatrol => "公共部位巡视",
            Clock::KeyCount => "钥匙核对",
            Clock::Rectification => "整改完成",
            Clock::FeePromise => "承诺缴费",
            Clock::Handover => "交班",
            Clock::DutyCheck => "值班检查",
            Clock::MonthlyReport => "月度报表上报",
            Clock::KeyAudit => "钥匙台账抽查",
            Clock::RenovationSpotCheck => "装修记录抽查",
            Clock::MeetingReminder => "会前提醒",
            Clock::MeetingCall => "开会前电话提醒",
            Clock::MeetingMinutes => "会议纪要",
            Clock::RectificationPlan => "公布整改方案",
            Clock::FeePlan => "收费计划",
            Clock::FeeReview => "收费指标考核",
            Clock::FeeLedgerCheck => "收费台账核对",
            Clock::SurveyReturn => "调查表回收",
            Clock::SurveyAnalysis => "调查统计分析",
            Clock::SurveyCallback => "意见回访",
            Clock::WeatherRound => "特殊天气空置房巡查",
            Clock::RenovationPreWorks => "开工前检查与交底",
            Clock::FestivalVisits => "春节走访重点客户",
        }
    }
}

/// Where a clock stands at `now`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Standing {
    /// Not started: waiting for something (a leak callback waits for rain).
    Waiting,
    Pending,
    Overdue,
    MetOnTime,
    MetLate,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::Waiting,
        Standing::Pending,
        Standing::Overdue,
        Standing::MetOnTime,
        Standing::MetLate,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Standing::Waiting => "等待",
            Standing::Pending => "进行中",
            Standing::Overdue => "已超时",
            Standing::MetOnTime => "按时完成",
            Standing::MetLate => "超时完成",
        }
    }
}

/// One deadline of one record.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    pub clock: Clock,
    /// The clock's name in Chinese.
    pub label: &'static str,
    /// The rule, in the seed's words.
    pub rule: &'static str,
    pub due_at: Option<i64>,
    pub met_at: Option<i64>,
    pub standing: Standing,
    /// `due_at` is a time agreed with the customer, not the seed's own figure.
    pub agreed: bool,
}

impl Deadline {
    pub fn new(
        clock: Clock,
        rule: &'static str,
        due_at: Option<i64>,
        met_at: Option<i64>,
        now: i64,
    ) -> Self {
        let standing = match (due_at, met_at) {
            (Some(due), Some(met)) if met <= due => Standing::MetOnTime,
            (Some(_), Some(_)) => Standing::MetLate,
            (None, Some(_)) => Standing::MetOnTime,
            (None, None) => Standing::Waiting,
            (Some(due), None) if now > due => Standing::Overdue,
            (Some(_), None) => Standing::Pending,
        };
        Self {
            clock,
            label: clock.label_zh(),
            rule,
            due_at,
            met_at,
            standing,
            agreed: false,
        }
    }

    /// The same clock judged against a time agreed with the customer, when there is one.
    fn agreed_with(self, agreed: Option<i64>, now: i64) -> Self {
        match agreed {
            Some(due) => Self {
                agreed: true,
                ..Self::new(self.clock, self.rule, Some(due), self.met_at, now)
            },
            None => self,
        }
    }

    pub fn is_overdue(&self) -> bool {
        self.standing == Standing::Overdue
    }

    pub fn is_open(&self) -> bool {
        matches!(
            self.standing,
            Standing::Pending | Standing::Overdue | Standing::Waiting
        )
    }

    pub fn on_time(&self) -> bool {
        self.standing == Standing::MetOnTime
    }
}

/// The project facts deadlines need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeadlineRules {
    pub calendar: WorkCalendar,
    pub rain_days: BTreeSet<NaiveDate>,
}

pub const DISPATCH_RULE: &str = "报修10分钟内传递至责任部门（004 §4.4.2）";
pub const RESPONSE_RULE: &str = "18:00之前提交1小时内响应，18:00之后次日9:00之前响应（004 §4.4.2）";
const GENERAL_RULE: &str = "一般性故障处理不超过8小时（004 §4.4.2）";
const MINOR_PUBLIC_RULE: &str = "公共设施、设备维修小修不过夜（004 §4.4.2）";
const MEDIUM_RULE: &str = "中修1-3天（004 §4.4.2）";
const MAJOR_RULE: &str = "大修2-5天（004 §4.4.2）";
const SAME_DAY_RULE: &str = "一般投诉当日事当日毕（004 §4.4.1）";
const ANSWER_RULE: &str = "重大投诉及群诉24小时内拟定统一口径（004 §4.4.1）";
const CALLBACK_RULE: &str = "处理完成3个工作日内回访（004 §4.4.1、§4.4.2）";
const EMERGENCY_CALLBACK_RULE: &str = "急修项目维修后24小时内回访（003）";
const LEAK_CALLBACK_RULE: &str = "渗漏水维修后的第一个雨天后回访（003）";
const SPECIAL_CALLBACK_RULE: &str = "返修后24小时内特殊回访（000）";
const CONTACT_RULE: &str = "三天未完成留有沟通记录（003 G4）";
const SERVICE_REQUEST_RULE: &str =
    "服务过程需填报《服务需求单》，提前与客户确认服务方案与价格（004 §4.4.3）";

/// Whether `at` falls in the night, 18:00 to 08:00.
fn at_night(at: i64) -> bool {
    !(8..=17).contains(&local_time(at).hour())
}

/// When the day's work on something that came in at `at` starts: at once by day, at
/// 09:00 after a night intake.
pub fn service_start(at: i64) -> i64 {
    let local = local_time(at);
    let date = local.date_naive();
    match local.hour() {
        0..=7 => at_local(date, 9, 0),
        8..=17 => at,
        _ => at_local(next_day(date), 9, 0),
    }
}

/// When the first response is due for a ticket submitted at `at`.
pub fn first_response_due(at: i64) -> i64 {
    if at_night(at) {
        service_start(at)
    } else {
        at + HOUR_MS
    }
}

/// When a repair opened at `opened` must be completed, and the rule.
pub fn completion_due(scope: RepairScope, scale: RepairScale, opened: i64) -> (i64, &'static str) {
    let start = if scale == RepairScale::Emergency {
        opened
    } else {
        service_start(opened)
    };
    match (scale, scope) {
        (RepairScale::Minor, RepairScope::Public) => {
            (end_of_day(local_date(start)), MINOR_PUBLIC_RULE)
        }
        (RepairScale::Medium, _) => (start + 72 * HOUR_MS, MEDIUM_RULE),
        (RepairScale::Major, _) => (start + 120 * HOUR_MS, MAJOR_RULE),
        _ => (start + 8 * HOUR_MS, GENERAL_RULE),
    }
}

/// When a repair opened at `opened` must be dispatched.
pub fn dispatch_due(scale: RepairScale, opened: i64) -> i64 {
    let start = if scale == RepairScale::Emergency {
        opened
    } else {
        service_start(opened)
    };
    start + 10 * MINUTE_MS
}

/// A complaint judged, grouped or escalated into a major one.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Major {
    /// When it became major.
    pub since: i64,
    /// When its agreed answer was given (for a group, by any of its tickets).
    pub answered_at: Option<i64>,
    /// When its handling team was formed (for a group, by any of its tickets).
    pub team_at: Option<i64>,
}

/// The `n`th earliest of `times` (from 1): when a clock asking for `n` of something in a
/// period was met.
pub fn nth_earliest(times: impl IntoIterator<Item = i64>, n: usize) -> Option<i64> {
    let mut times: Vec<i64> = times.into_iter().collect();
    times.sort_unstable();
    times.get(n.checked_sub(1)?).copied()
}

/// The end of the `n`th working day after the day of `at`.
pub fn working_days_due(calendar: &WorkCalendar, at: i64, n: u32) -> i64 {
    end_of_day(calendar.working_days_after(local_date(at), n))
}

/// Every clock of a ticket at `now`. `major` says whether and since when it is a major
/// or group complaint (judged against the other tickets, see `complaints`).
pub fn ticket_deadlines(
    ticket: &TicketRecord,
    major: Option<Major>,
    rules: &DeadlineRules,
    now: i64,
) -> Vec<Deadline> {
    let h = &ticket.header;
    let s = &ticket.state;
    let mut out = Vec::new();
    let repair = (h.category == Category::Repair)
        .then_some(s.repair)
        .flatten();
    let complaint = h.category == Category::Complaint;
    if let Some(r) = repair {
        out.push(Deadline::new(
            Clock::Dispatch,
            DISPATCH_RULE,
            Some(dispatch_due(r.scale, s.opened_at)),
            s.dispatched_at,
            now,
        ));
        let (due, rule) = completion_due(r.scope, r.scale, s.opened_at);
        out.push(
            Deadline::new(Clock::Completion, rule, Some(due), s.completed_at, now)
                .agreed_with(agreed_due(s, due), now),
        );
    }
    if repair.is_some() || complaint {
        out.push(Deadline::new(
            Clock::FirstResponse,
            RESPONSE_RULE,
            Some(first_response_due(h.registered_at)),
            s.responded_at,
            now,
        ));
    }
    if complaint {
        let same_day = end_of_day(local_date(service_start(s.opened_at)));
        // A complaint that became major after its day had ended keeps that day's clock.
        if major.is_none_or(|m| m.since >= same_day) {
            out.push(
                Deadline::new(
                    Clock::SameDay,
                    SAME_DAY_RULE,
                    Some(same_day),
                    s.completed_at,
                    now,
                )
                .agreed_with(agreed_due(s, same_day), now),
            );
        }
        if let Some(m) = major {
            out.push(Deadline::new(
                Clock::AgreedAnswer,
                ANSWER_RULE,
                Some(m.since + 24 * HOUR_MS),
                m.answered_at,
                now,
            ));
        }
    }
    out.extend(contact_deadline(ticket, now));
    out.extend(service_request_deadline(ticket, now));
    out.extend(callback_deadline(ticket, rules, now));
    out
}

/// The time agreed with the customer that a deadline `due` is judged against: the
/// latest agreement of this round made while the deadline then in force had not passed.
fn agreed_due(s: &TicketState, due: i64) -> Option<i64> {
    s.round_contacts()
        .filter_map(|c| Some((c.at, c.agreed_at?)))
        .fold(None, |agreed, (at, until)| {
            (at <= agreed.unwrap_or(due)).then_some(until).or(agreed)
        })
}

/// A special service's 《服务需求单》, due when the work begins: met on time when agreed
/// before it, late after; no clock before there is either.
fn service_request_deadline(ticket: &TicketRecord, now: i64) -> Option<Deadline> {
    let s = &ticket.state;
    if ticket.header.category != Category::SpecialService {
        return None;
    }
    let begun = s.started_at.or(s.completed_at);
    let agreed = s.service.as_ref().map(|a| a.at);
    if begun.is_none() && agreed.is_none() {
        return None;
    }
    Some(Deadline::new(
        Clock::ServiceRequest,
        SERVICE_REQUEST_RULE,
        begun,
        agreed,
        now,
    ))
}

/// "三天未完成留有沟通记录": a contact record by 72 hours after the round opened, unless
/// the work was done by then.
fn contact_deadline(ticket: &TicketRecord, now: i64) -> Option<Deadline> {
    let s = &ticket.state;
    if ticket.header.category.closes_at_intake() {
        return None;
    }
    let due = s.opened_at + 72 * HOUR_MS;
    let contacted = s.round_contacts().next().map(|c| c.at);
    let done = s.completed_at.or(s.closed_at);
    if contacted.is_none() && done.is_some_and(|d| d <= due) {
        return None;
    }
    Some(Deadline::new(
        Clock::ContactRecord,
        CONTACT_RULE,
        Some(due),
        contacted.or(done),
        now,
    ))
}

/// The callback clock, once the current round of work is completed. Callbacks count by
/// their place in the journal (after this round's completion), not by phone clocks.
fn callback_deadline(ticket: &TicketRecord, rules: &DeadlineRules, now: i64) -> Option<Deadline> {
    let h = &ticket.header;
    let s = &ticket.state;
    let wanted = matches!(
        h.category,
        Category::Repair | Category::Complaint | Category::SpecialService
    );
    let completed = s.completed_at?;
    if !wanted {
        return None;
    }
    let repair = s.repair.filter(|_| h.category == Category::Repair);
    let leak_rain = repair.filter(|r| r.leak).map(|_| {
        let done_day = local_date(completed);
        rules.rain_days.range(next_day(done_day)..).next().copied()
    });
    let met = s
        .round_callbacks()
        // A leak is called back only after the rain has tested the repair.
        .find(|c| match leak_rain {
            Some(rain) => rain.is_some_and(|r| local_date(c.at) > r),
            None => true,
        })
        .map(|c| c.at);
    let (due, rule) = if s.reopened > 0 {
        (Some(completed + 24 * HOUR_MS), SPECIAL_CALLBACK_RULE)
    } else if repair.is_some_and(|r| r.scale == RepairScale::Emergency) {
        (Some(completed + 24 * HOUR_MS), EMERGENCY_CALLBACK_RULE)
    } else if let Some(rain) = leak_rain {
        (rain.map(|r| end_of_day(next_day(r))), LEAK_CALLBACK_RULE)
    } else {
        (
            Some(working_days_due(&rules.calendar, completed, 3)),
            CALLBACK_RULE,
        )
    };
    Some(Deadline::new(Clock::Callback, rule, due, met, now))
}

#[cfg(test)]
mod tests;
