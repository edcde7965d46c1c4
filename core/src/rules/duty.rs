//! The service desk's shifts (seed 003 G7; seed 000): what a shift must hand on, what it
//! dropped, and the supervisor's checks. Readings, written down once:
//! - "夜间未处理完成的信息是否转出": the tickets registered in a shift and still not done at
//!   its end are owed to the next shift; one missing from the handover is dropped. The
//!   night runs 18:00–08:00, as the ticket clocks have it; the day 08:00–18:00.
//! - A shift hands over within half an hour of its end.
//! - "值班记录是否完整，交接物品有无缺失（每月不少于两次）": the supervisor checks an area's
//!   logs at least twice a month; the second check of the month meets it.

use serde::Serialize;

use super::deadlines::{Clock, Deadline, nth_earliest};
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::duty::{DutyLogRecord, Shift};
use crate::time::{MINUTE_MS, Month};

const HANDOVER_RULE: &str = "夜间未处理完成的信息转出，交接物品无缺失（003 G7）";
const CHECK_RULE: &str = "值班记录检查每月不少于两次（003 G7）";
/// "每月不少于两次".
pub const CHECKS_PER_MONTH: usize = 2;

/// A ticket a shift owes the next one.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Owed {
    pub ticket: DocumentId,
    pub place: String,
    pub description: String,
}

/// What a shift must hand on and what it dropped.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandoverCheck {
    pub log: DocumentId,
    pub date: chrono::NaiveDate,
    pub shift: Shift,
    /// Registered in the shift and not done at its end.
    pub owed: Vec<Owed>,
    /// Owed but not handed over (none before the handover).
    pub dropped: Vec<Owed>,
    /// Items the next shift found missing.
    pub missing: Vec<String>,
    pub deadline: Deadline,
}

/// The shift `log` of the portfolio at `now`.
pub fn handover_check(
    p: &Portfolio<'_>,
    id: DocumentId,
    log: &DutyLogRecord,
    now: i64,
) -> HandoverCheck {
    let h = &log.header;
    let (start, end) = h.shift.window(h.date);
    let owed: Vec<Owed> = p
        .tickets
        .iter()
        .filter(|(_, t)| t.area() == log.area())
        .filter(|(_, t)| (start..end).contains(&t.header.registered_at))
        .filter(|(_, t)| {
            let done = t.state.completed_at.or(t.state.closed_at);
            !t.header.category.closes_at_intake() && done.is_none_or(|at| at > end)
        })
        .map(|(ticket, t)| Owed {
            ticket: *ticket,
            place: t.header.location.label().to_owned(),
            description: t.header.description.clone(),
        })
        .collect();
    let handover = log.state.handover.as_ref();
    let dropped = handover.map_or_else(Vec::new, |hand| {
        owed.iter()
            .filter(|o| !hand.tickets.contains(&o.ticket))
            .cloned()
            .collect()
    });
    HandoverCheck {
        log: id,
        date: h.date,
        shift: h.shift,
        owed,
        dropped,
        missing: log
            .state
            .taken_over
            .as_ref()
            .map(|t| t.missing.clone())
            .unwrap_or_default(),
        deadline: Deadline::new(
            Clock::Handover,
            HANDOVER_RULE,
            Some(end + 30 * MINUTE_MS),
            handover.map(|hand| hand.at),
            now,
        ),
    }
}

/// The supervisor's checks of an area's logs in `month`: due by the month's end, met by
/// the second; none when the portfolio keeps no duty log.
pub fn duty_checks(p: &Portfolio<'_>, month: Month, now: i64) -> Option<Deadline> {
    if p.duty_logs.is_empty() {
        return None;
    }
    let checks = p
        .duty_logs
        .iter()
        .flat_map(|(_, l)| &l.state.checks)
        .map(|c| c.at)
        .filter(|at| month.contains(*at));
    Some(Deadline::new(
        Clock::DutyCheck,
        CHECK_RULE,
        Some(month.end_ms()),
        nth_earliest(checks, CHECKS_PER_MONTH),
        now,
    ))
}

/// Shifts with something to do or to see: not yet handed over, or handed over with a
/// ticket dropped or an item missing; the latest first.
pub fn handovers_due(p: &Portfolio<'_>, now: i64) -> Vec<HandoverCheck> {
    let mut due: Vec<HandoverCheck> = p
        .duty_logs
        .iter()
        .map(|(id, log)| handover_check(p, *id, log, now))
        .filter(|c| c.deadline.is_open() || !c.dropped.is_empty() || !c.missing.is_empty())
        .collect();
    due.sort_by_key(|c| std::cmp::Reverse((c.date, c.shift == Shift::Night)));
    due
}

/// A log's clocks, for its record's view: the handover.
pub fn log_clocks(
    p: &Portfolio<'_>,
    id: DocumentId,
    log: &DutyLogRecord,
    now: i64,
) -> Vec<Deadline> {
    vec![handover_check(p, id, log, now).deadline]
}

#[cfg(test)]
mod tests;
