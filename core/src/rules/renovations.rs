//! The daily renovation patrol (seed 003: "装修过程中，管家每日不少于一次装修巡查"): which
//! renovating units still need today's patrol, and how many of the days under
//! construction in a month had one.

use chrono::NaiveDate;
use serde::Serialize;

use super::clocks::renovation_patrol;
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::renovation::{RenovationRecord, RenovationStatus};
use crate::time::{Month, local_date};

/// A renovation still to be patrolled today.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatrolDue {
    pub renovation: DocumentId,
    pub unit: DocumentId,
    pub code: String,
    pub status: RenovationStatus,
    pub last_patrol_at: Option<i64>,
}

/// Renovations under construction with no patrol yet today (their patrol clock open).
pub fn patrols_due(p: &Portfolio<'_>, now: i64) -> Vec<PatrolDue> {
    p.renovations
        .iter()
        .filter(|(_, r)| renovation_patrol(r, now).is_some_and(|d| d.is_open()))
        .map(|(id, r)| PatrolDue {
            renovation: *id,
            unit: r.header.unit,
            code: r.header.unit_code.to_string(),
            status: r.state.status,
            last_patrol_at: r.state.patrols.last().map(|x| x.at),
        })
        .collect()
}

/// The days of `month`, up to and including `today`, on which a renovation was under
/// construction: from the permit's day to the day works ended (acceptance booked).
pub fn construction_days(r: &RenovationRecord, month: Month, today: NaiveDate) -> Vec<NaiveDate> {
    let Some(permitted) = r.state.permitted_at.map(local_date) else {
        return Vec::new();
    };
    let ended = match r.state.status {
        RenovationStatus::Permitted => None,
        _ => r.state.works_ended_at.map(local_date),
    };
    month
        .days()
        .filter(|d| *d >= permitted && *d <= today && ended.is_none_or(|e| *d <= e))
        .collect()
}

/// Renovation-days under construction in `month` and how many had a patrol.
pub fn patrol_compliance(p: &Portfolio<'_>, month: Month, today: NaiveDate) -> (usize, usize) {
    let mut required = 0;
    let mut patrolled = 0;
    for (_, r) in &p.renovations {
        let days = construction_days(r, month, today);
        required += days.len();
        patrolled += days
            .iter()
            .filter(|d| r.state.patrol_days.contains(d))
            .count();
    }
    (patrolled, required)
}
