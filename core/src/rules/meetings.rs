//! An owner meeting's clocks (seed 002). Readings, written down once:
//! - "在沟通会开始的前一天，再次打电话提醒预邀确定会来的和待定的业主": by the end of the day
//!   before, every owner who is coming or undecided has been called; met when the last of
//!   them was.
//! - "会议开始前10分钟打电话提醒未到业主": due at the start, met by a call made within the
//!   half hour before it; none when every expected owner signed in before that.
//! - "做好相关会议纪要": by the end of the day after the meeting.
//! - "有些问题不能当场确定解决的，会后做整改计划方案并予以公布": when any issue was left
//!   unanswered on the spot, the plan is published within 7 days (the seed names no figure).

use std::collections::BTreeSet;

use super::deadlines::{Clock, Deadline};
use crate::records::meeting::{OwnerMeetingRecord, Reminder};
use crate::time::{MINUTE_MS, add_days, end_of_day, local_date, start_of_day};

const REMIND_RULE: &str = "会前一天再次电话提醒确定会来和待定的业主（002）";
const CALL_RULE: &str = "会议开始前10分钟打电话提醒未到业主（002）";
const MINUTES_RULE: &str = "做好相关会议纪要（002）";
const PLAN_RULE: &str = "不能当场解决的问题，会后做整改计划方案并予以公布（002）";

/// Every clock of a meeting at `now`.
pub fn meeting_clocks(m: &OwnerMeetingRecord, now: i64) -> Vec<Deadline> {
    let s = &m.state;
    let start = m.header.starts_at;
    let day = local_date(start);
    let expected: BTreeSet<&String> = s.expected().collect();
    let mut out = Vec::new();
    if !expected.is_empty() {
        let mut called: BTreeSet<&String> = BTreeSet::new();
        let met = s
            .reminders
            .iter()
            .filter(|r| r.reminder == Reminder::DayBefore)
            .find_map(|r| {
                called.extend(r.names.iter());
                expected.is_subset(&called).then_some(r.at)
            });
        out.push(Deadline::new(
            Clock::MeetingReminder,
            REMIND_RULE,
            Some(start_of_day(day)),
            met,
            now,
        ));
        let window = start - 30 * MINUTE_MS;
        let absent_at_call = expected.iter().any(|name| {
            !s.signed_in
                .iter()
                .any(|a| &&a.name == name && a.at < start - 10 * MINUTE_MS)
        });
        if absent_at_call {
            let called = s
                .reminders
                .iter()
                .filter(|r| r.reminder == Reminder::TenMinutes && (window..=start).contains(&r.at))
                .map(|r| r.at)
                .next();
            out.push(Deadline::new(
                Clock::MeetingCall,
                CALL_RULE,
                Some(start),
                called,
                now,
            ));
        }
    }
    out.push(Deadline::new(
        Clock::MeetingMinutes,
        MINUTES_RULE,
        Some(end_of_day(add_days(day, 1))),
        s.minutes_at,
        now,
    ));
    if s.open_issues() > 0 {
        out.push(Deadline::new(
            Clock::RectificationPlan,
            PLAN_RULE,
            Some(end_of_day(add_days(day, 7))),
            s.published_at,
            now,
        ));
    }
    out
}

#[cfg(test)]
mod tests;
