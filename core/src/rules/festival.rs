//! Key customers visited over the Spring Festival (seed 003 Z8: "春节期间是否对重点客户进行
//! 走访，留有管理痕迹"). Reading, written down once: "春节期间" runs from the week before
//! New Year's Day (小年 falls about then) to the Lantern Festival (元宵, the 15th day);
//! every key customer of the area is visited within it, any way a visit is made. The
//! clock shows from two weeks before the period until it ends — or a week past, while a
//! key customer is still owed a visit.
//!
//! New Year's Day follows the lunisolar calendar; the dates below are those the State
//! Council announces each year. A year not listed has no clock rather than a wrong one.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::deadlines::{Clock, Deadline};
use super::due::UnitRef;
use super::portfolio::Portfolio;
use crate::records::unit::natural_key;
use crate::time::{add_days, end_of_day, local_date, start_of_day};

const FESTIVAL_RULE: &str = "春节期间对重点客户进行走访，留有管理痕迹（003 Z8）";

/// New Year's Day (正月初一) by Gregorian year.
const NEW_YEAR: [(i32, u32, u32); 10] = [
    (2026, 2, 17),
    (2027, 2, 6),
    (2028, 1, 26),
    (2029, 2, 13),
    (2030, 2, 3),
    (2031, 1, 23),
    (2032, 2, 11),
    (2033, 1, 31),
    (2034, 2, 19),
    (2035, 2, 8),
];

/// Days before New Year's Day the period starts, and after it the period ends (元宵).
const BEFORE_DAYS: i64 = 7;
const AFTER_DAYS: i64 = 14;
/// How early the clock shows, and how long an unmet one stays after the period.
const NOTICE_DAYS: i64 = 14;
const GRACE_DAYS: i64 = 7;

/// The Spring Festival period of `year`, first and last day, when the year is known.
pub fn festival_period(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    let (_, m, d) = NEW_YEAR.iter().find(|(y, ..)| *y == year)?;
    let day = NaiveDate::from_ymd_opt(year, *m, *d)?;
    Some((add_days(day, -BEFORE_DAYS), add_days(day, AFTER_DAYS)))
}

/// The key customers' visits over a Spring Festival.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FestivalVisits {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub key_customers: usize,
    pub to_visit: Vec<UnitRef>,
    pub deadline: Deadline,
}

/// The Spring Festival visits due around `now`, if any.
pub fn festival_visits(p: &Portfolio<'_>, now: i64) -> Option<FestivalVisits> {
    let today = local_date(now);
    let (from, to) = [today.year(), today.year() + 1]
        .into_iter()
        .filter_map(festival_period)
        .find(|(from, to)| {
            add_days(*from, -NOTICE_DAYS) <= today && today <= add_days(*to, GRACE_DAYS)
        })?;
    let (start, end) = (start_of_day(from), end_of_day(to));
    let mut keys: Vec<(UnitRef, Option<i64>)> = p
        .units
        .iter()
        .filter(|(_, u)| u.state.key_customer)
        .map(|(id, u)| {
            let visited = p
                .visits
                .iter()
                .filter(|(_, v)| v.header.unit == *id)
                .map(|(_, v)| v.header.visited_at)
                .filter(|at| (start..end).contains(at))
                .min();
            let unit = UnitRef {
                unit: *id,
                code: u.header.code.to_string(),
            };
            (unit, visited)
        })
        .collect();
    if keys.is_empty() {
        return None;
    }
    keys.sort_by_key(|(u, _)| natural_key(&u.code));
    let met = keys
        .iter()
        .map(|(_, at)| *at)
        .collect::<Option<Vec<i64>>>()
        .and_then(|all| all.into_iter().max());
    let deadline = Deadline::new(Clock::FestivalVisits, FESTIVAL_RULE, Some(end), met, now);
    if today > to && met.is_some() {
        return None;
    }
    Some(FestivalVisits {
        from,
        to,
        key_customers: keys.len(),
        to_visit: keys
            .into_iter()
            .filter(|(_, at)| at.is_none())
            .map(|(u, _)| u)
            .collect(),
        deadline,
    })
}

#[cfg(test)]
mod tests;
