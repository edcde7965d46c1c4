//! This month's round of the vacant units (seed 003): each undelivered or entrusted
//! vacant unit inspected ("每个月对所属范围内的空置房进行检查"), ventilated ("每月一次提供开窗
//! 通风服务") and cleaned ("每月一次安排保洁人员，对空置房进行保洁"). A special-weather
//! inspection is extra and does not stand in for the monthly one. "以下服务频次可根据项目
//! 服务级别制定": a project may ask for more rounds a month (`vacant_rounds`); a unit is
//! inspected, ventilated and cleaned when it was so that many times in the month.
//!
//! A spell of special weather ("特殊天气服务，比如连阴雨期或刮大风期间的空置房服务") makes a
//! round of its own: every unit vacant now is inspected for the weather (the inspection's
//! 特殊天气加查) between the spell's first and last day; due by the end of its last day,
//! shown until done or a week past.

use std::collections::HashMap;

use serde::Serialize;

use super::deadlines::{Clock, Deadline};
use super::due::UnitRef;
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::inspection::Occasion;
use crate::records::unit::{UnitStatus, natural_key};
use crate::records::weather::Weather;
use crate::time::{Month, add_days, end_of_day, local_date, start_of_day};

const WEATHER_RULE: &str = "特殊天气（连阴雨、大风）期间的空置房服务（003）";
/// How long an unfinished spell's round stays on the list after its last day.
const WEATHER_GRACE_DAYS: i64 = 7;

/// One vacant unit's month.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VacantMonth {
    pub unit: DocumentId,
    pub code: String,
    pub status: UnitStatus,
    /// As often as the project's service level asks.
    pub inspected: bool,
    pub ventilated: bool,
    pub cleaned: bool,
    /// Rounds a month the project's service level asks.
    pub required: u8,
    /// Monthly inspections, ventilations and cleanings this month.
    pub inspections: usize,
    pub ventilations: usize,
    pub cleanings: usize,
    /// Special-weather inspections this month.
    pub special: usize,
}

impl VacantMonth {
    pub fn done(&self) -> bool {
        self.inspected && self.ventilated && self.cleaned
    }
}

/// Every unit vacant at the end of `month` (now, for the current month) and its round
/// in `month`, in unit order.
pub fn vacant_month(p: &Portfolio<'_>, month: Month) -> Vec<VacantMonth> {
    let end = month.end_ms();
    let mut rounds: HashMap<DocumentId, VacantMonth> = p
        .units
        .iter()
        .map(|(id, u)| (id, u, u.status_at(end)))
        .filter(|(_, _, status)| status.is_vacant())
        .map(|(id, u, status)| {
            let round = VacantMonth {
                unit: *id,
                code: u.header.code.to_string(),
                status,
                inspected: false,
                ventilated: false,
                cleaned: false,
                required: p.rules_for(u.area()).vacant_rounds.max(1),
                inspections: 0,
                ventilations: 0,
                cleanings: 0,
                special: 0,
            };
            (*id, round)
        })
        .collect();
    for (_, i) in &p.inspections {
        let Some(round) = rounds.get_mut(&i.header.unit) else {
            continue;
        };
        if i.header.month != month {
            continue;
        }
        match i.header.occasion {
            Occasion::Monthly => round.inspections += 1,
            Occasion::SpecialWeather => round.special += 1,
        }
        round.ventilations += usize::from(i.state.ventilated);
        round.cleanings += usize::from(i.state.cleaning_arranged || i.state.cleaned);
    }
    let mut list: Vec<VacantMonth> = rounds.into_values().collect();
    for v in &mut list {
        let enough = |n: usize| n >= usize::from(v.required);
        (v.inspected, v.ventilated, v.cleaned) = (
            enough(v.inspections),
            enough(v.ventilations),
            enough(v.cleanings),
        );
    }
    list.sort_by_key(|v| (natural_key(&v.code), v.unit));
    list
}

/// A spell of special weather's round of the vacant units.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WeatherRound {
    pub spell: DocumentId,
    pub weather: Weather,
    pub from: chrono::NaiveDate,
    pub to: chrono::NaiveDate,
    pub total: usize,
    pub to_inspect: Vec<UnitRef>,
    pub deadline: Deadline,
}

/// The rounds of the spells under way at `now` (or ended within a week, unfinished).
pub fn weather_rounds(p: &Portfolio<'_>, now: i64) -> Vec<WeatherRound> {
    let today = local_date(now);
    let mut vacant: Vec<(&DocumentId, String)> = p
        .units
        .iter()
        .filter(|(_, u)| u.status_at(now).is_vacant())
        .map(|(id, u)| (id, u.header.code.to_string()))
        .collect();
    vacant.sort_by_key(|(id, code)| (natural_key(code), **id));
    p.spells
        .iter()
        .filter(|(_, s)| !s.state.withdrawn && s.header.from <= today)
        .map(|(id, s)| {
            let (start, end) = (start_of_day(s.header.from), end_of_day(s.header.to));
            let done = |unit: &DocumentId| {
                p.inspections
                    .iter()
                    .filter(|(_, i)| i.header.unit == *unit)
                    .filter(|(_, i)| i.header.occasion == Occasion::SpecialWeather)
                    .map(|(_, i)| i.header.inspected_at)
                    .filter(|at| (start..end).contains(at))
                    .min()
            };
            let times: Vec<Option<i64>> = vacant.iter().map(|(u, _)| done(u)).collect();
            let met = times
                .iter()
                .copied()
                .collect::<Option<Vec<i64>>>()
                .and_then(|all| all.into_iter().max());
            WeatherRound {
                spell: *id,
                weather: s.header.weather,
                from: s.header.from,
                to: s.header.to,
                total: vacant.len(),
                to_inspect: vacant
                    .iter()
                    .zip(&times)
                    .filter(|(_, t)| t.is_none())
                    .map(|((unit, code), _)| UnitRef {
                        unit: **unit,
                        code: code.clone(),
                    })
                    .collect(),
                deadline: Deadline::new(Clock::WeatherRound, WEATHER_RULE, Some(end), met, now),
            }
        })
        .filter(|r| {
            today <= r.to
                || (r.deadline.met_at.is_none() && today <= add_days(r.to, WEATHER_GRACE_DAYS))
        })
        .collect()
}
