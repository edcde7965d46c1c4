//! Reporting a complaint up, as clocks on the ticket (seed 004 §4.4.1 c; seed 000; seed
//! 003 G5). The seeds say "及时" (promptly) or "第一时间" (at once) where they give no figure;
//! the readings, written down once here:
//! - "服务中心受理的一般客户投诉信息……及时上报项目负责人": a general complaint the service
//!   centre took (not one from the 400 line, which the company hands to the project
//!   itself) is reported to the project head by the end of its service day, the same day
//!   its "当日事当日毕" runs to.
//! - "重大投诉及群诉应……成立处理小组……24小时内拟定统一口径及应对措施，并指定专人对客户投诉
//!   进行回复": the team and its one spokesperson within the same 24 hours as the agreed
//!   answer, since the team is what drafts it; one team serves a whole group.
//! - Seed 000: "凡涉及经济赔偿/补偿、针对管理处主任的投诉，应上报公司领导解决" — compensation
//!   of any amount (seed 004 makes a customer event only from 5,000 yuan; 000 sends every
//!   amount up, and both hold) and a complaint against the office director go to the
//!   company's leadership by the end of that day.
//! - "400受理的客户投诉还需公司运营管理部/客户服务组再次回访客户后再向400反馈": once the first
//!   callback is made, the company's second callback within 3 working days (the callback
//!   rule's own figure), then the feedback to the 400 line by the end of the next day.
//! - Seed 003 G5: the early warning of a group complaint (three households, see
//!   `complaints`) is told to the project head within the hour.

use super::complaints::Assessed;
use super::deadlines::{Clock, Deadline, DeadlineRules, service_start, working_days_due};
use crate::records::ticket::{Category, Channel, Escalation, Referee, TicketRecord};
use crate::time::{HOUR_MS, end_of_day, local_date, next_day};

const REFER_HEAD_RULE: &str = "一般客户投诉及时上报项目负责人（004 §4.4.1）";
const TEAM_RULE: &str = "重大投诉及群诉成立处理小组，指定专人对客户投诉进行回复（004 §4.4.1）";
const LEADERSHIP_RULE: &str = "涉及经济赔偿/补偿、针对管理处主任的投诉上报公司领导（000）";
const WARNING_RULE: &str = "存在群诉风险第一时间告知项目经理（003 G5）";
const SECOND_CALLBACK_RULE: &str = "400受理的投诉由公司再次回访客户（004 §4.4.1）";
const FEEDBACK_RULE: &str = "公司再次回访后向400反馈（004 §4.4.1）";

/// The clocks of reporting complaint `t` up at `now`; none for any other ticket.
pub fn referral_deadlines(
    t: &TicketRecord,
    assessed: Assessed,
    rules: &DeadlineRules,
    now: i64,
) -> Vec<Deadline> {
    let h = &t.header;
    let s = &t.state;
    if h.category != Category::Complaint {
        return Vec::new();
    }
    let end_of_service_day = |at: i64| end_of_day(local_date(service_start(at)));
    let referred = |to: Referee, since: i64| s.referred(to, since);
    let mut out = Vec::new();
    let from_400 = h.channel == Channel::SupervisionHotline;
    let head = referred(Referee::ProjectHead, h.registered_at);
    if !from_400 && (assessed.major.is_none() || head.is_some()) {
        out.push(Deadline::new(
            Clock::ReferHead,
            REFER_HEAD_RULE,
            Some(end_of_service_day(h.registered_at)),
            head,
            now,
        ));
    }
    if let Some(w) = assessed.warning {
        out.push(Deadline::new(
            Clock::GroupWarning,
            WARNING_RULE,
            Some(w.since + HOUR_MS),
            w.told_at,
            now,
        ));
    }
    if let Some(m) = assessed.major {
        out.push(Deadline::new(
            Clock::HandlingTeam,
            TEAM_RULE,
            Some(m.since + 24 * HOUR_MS),
            m.team_at,
            now,
        ));
    }
    let compensation = s
        .escalations
        .iter()
        .filter(|e| e.escalation == Escalation::Compensation)
        .map(|e| e.at)
        .min();
    let against_head = s
        .complaint
        .as_ref()
        .is_some_and(|c| c.against_head)
        .then_some(h.registered_at);
    if let Some(since) = [compensation, against_head].into_iter().flatten().min() {
        out.push(Deadline::new(
            Clock::ReferLeadership,
            LEADERSHIP_RULE,
            Some(end_of_service_day(since)),
            referred(Referee::CompanyLeadership, h.registered_at),
            now,
        ));
    }
    if from_400 {
        let mut callbacks = s.round_callbacks().map(|c| c.at);
        if let Some(first) = callbacks.next() {
            let second = callbacks.next();
            out.push(Deadline::new(
                Clock::SecondCallback,
                SECOND_CALLBACK_RULE,
                Some(working_days_due(&rules.calendar, first, 3)),
                second,
                now,
            ));
            if let Some(second) = second {
                out.push(Deadline::new(
                    Clock::Feedback400,
                    FEEDBACK_RULE,
                    Some(end_of_day(next_day(local_date(second)))),
                    referred(Referee::Hotline400, second),
                    now,
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
