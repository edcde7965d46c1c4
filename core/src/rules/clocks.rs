//! Every clock of one record at `now`: the one definition the record view and due work
//! share. A ticket's clocks need the portfolio (a complaint becomes major with its
//! group) and its project's calendar; the others only the record, the calendar and
//! `now`. Clocks that run on an area rather than on one record — the daily public
//! patrol, the monthly vacant round, the visit plan — are due work's own.

use super::complaints::{Assessed, assess};
use super::deadlines::{Clock, Deadline, ticket_deadlines, working_days_due};
use super::portfolio::{Portfolio, Records};
use super::referrals::referral_deadlines;
use crate::ids::DocumentId;
use crate::records::fees::FeeAccountRecord;
use crate::records::keys::KeyLedgerRecord;
use crate::records::rectification::RectificationRecord;
use crate::records::renovation::{RenovationRecord, RenovationStatus};
use crate::records::ticket::TicketRecord;
use crate::time::{end_of_day, local_date};

const REVIEW_RULE: &str = "3个工作日内对装修备案申请进行审查（001 篇3）";
const RENOVATION_PATROL_RULE: &str = "装修过程中，管家每日不少于一次装修巡查（003）";
const PRE_WORKS_RULE: &str =
    "开工前检查装修前质量确认单、装修协议、费用收取、其他部门审核，并完成装修交底（003 G3）";
const KEY_COUNT_RULE: &str = "钥匙每日核对（003 G9）";
const RECTIFICATION_RULE: &str = "整改方案的预计完成时间（002）";
const PROMISE_RULE: &str = "业主承诺的缴费日期（003 G8）";

/// Every clock of the record `id` at `now`, in the order the rules list them; none for
/// a record without clocks or one the portfolio does not hold.
pub fn record_clocks(p: &Portfolio<'_>, id: DocumentId, now: i64) -> Vec<Deadline> {
    fn find<'a, R>(records: &Records<'a, R>, id: DocumentId) -> Option<&'a R> {
        records.iter().find(|(r, _)| *r == id).map(|(_, r)| *r)
    }
    if let Some(t) = find(&p.tickets, id) {
        return ticket_clocks(p, t, assess(p, now).of(id), now);
    }
    if let Some(r) = find(&p.renovations, id) {
        let mut clocks = vec![renovation_review(p, r, now)];
        clocks.extend(renovation_pre_works(r, now));
        clocks.extend(renovation_patrol(r, now));
        return clocks;
    }
    if let Some(r) = find(&p.rectifications, id) {
        return vec![rectification(r, now)];
    }
    if let Some(f) = find(&p.fee_accounts, id) {
        return fee_promise(f, now).into_iter().collect();
    }
    if let Some(m) = find(&p.meetings, id) {
        return super::meetings::meeting_clocks(m, now);
    }
    if let Some(l) = find(&p.duty_logs, id) {
        return super::duty::log_clocks(p, id, l, now);
    }
    if find(&p.spells, id).is_some() {
        return super::vacant::weather_rounds(p, now)
            .into_iter()
            .filter(|r| r.spell == id)
            .map(|r| r.deadline)
            .collect();
    }
    if let Some(s) = find(&p.surveys, id) {
        return super::surveys::survey_clocks(p, id, s, now);
    }
    if let Some(l) = find(&p.key_ledgers, id) {
        return key_count(l, now).into_iter().collect();
    }
    Vec::new()
}

/// A ticket's clocks under its project's calendar and rain days, those of reporting it
/// up included; `assessed` over the portfolio (see `complaints::assess`).
pub fn ticket_clocks(
    p: &Portfolio<'_>,
    t: &TicketRecord,
    assessed: Assessed,
    now: i64,
) -> Vec<Deadline> {
    let rules = p.rules_for(t.area()).deadlines;
    let mut clocks = ticket_deadlines(t, assessed.major, &rules, now);
    clocks.extend(referral_deadlines(t, assessed, &rules, now));
    clocks
}

/// The review of a renovation application, in the project's working days.
pub fn renovation_review(p: &Portfolio<'_>, r: &RenovationRecord, now: i64) -> Deadline {
    let calendar = p.rules_for(r.area()).deadlines.calendar;
    Deadline::new(
        Clock::RenovationReview,
        REVIEW_RULE,
        Some(working_days_due(&calendar, r.header.applied_at, 3)),
        r.state.reviewed_at,
        now,
    )
}

/// The pre-works check, complete before the permit is issued (seed 003 G3); waiting
/// until a permit is, overdue once one was issued without it.
pub fn renovation_pre_works(r: &RenovationRecord, now: i64) -> Option<Deadline> {
    let s = &r.state;
    (s.reviewed_at.is_some() && s.status != RenovationStatus::Rejected).then(|| {
        Deadline::new(
            Clock::RenovationPreWorks,
            PRE_WORKS_RULE,
            s.permitted_at,
            s.pre_works_done_at,
            now,
        )
    })
}

/// Today's patrol of a renovation under construction.
pub fn renovation_patrol(r: &RenovationRecord, now: i64) -> Option<Deadline> {
    let today = local_date(now);
    r.state.status.under_construction().then(|| {
        let patrolled = r
            .state
            .patrols
            .iter()
            .map(|x| x.at)
            .filter(|at| local_date(*at) == today)
            .min();
        Deadline::new(
            Clock::RenovationPatrol,
            RENOVATION_PATROL_RULE,
            Some(end_of_day(today)),
            patrolled,
            now,
        )
    })
}

/// Today's count of a ledger that holds keys.
pub fn key_count(l: &KeyLedgerRecord, now: i64) -> Option<Deadline> {
    let today = local_date(now);
    let holding = l.state.keys.values().any(|k| k.status.held());
    holding.then(|| {
        let counted = l
            .state
            .counts
            .iter()
            .filter(|c| c.date == today)
            .map(|c| c.at)
            .min();
        Deadline::new(
            Clock::KeyCount,
            KEY_COUNT_RULE,
            Some(end_of_day(today)),
            counted,
            now,
        )
    })
}

/// A rectification item's expected completion date, as last rescheduled.
pub fn rectification(r: &RectificationRecord, now: i64) -> Deadline {
    Deadline::new(
        Clock::Rectification,
        RECTIFICATION_RULE,
        Some(end_of_day(r.state.expected)),
        r.state.done_at,
        now,
    )
}

/// The day a household promised to pay by, while the promise is open and fees are owed.
pub fn fee_promise(f: &FeeAccountRecord, now: i64) -> Option<Deadline> {
    let promise = f.state.promise.filter(|_| f.state.outstanding_fen > 0)?;
    Some(Deadline::new(
        Clock::FeePromise,
        PROMISE_RULE,
        Some(end_of_day(promise.by)),
        None,
        now,
    ))
}

#[cfg(test)]
mod tests;
