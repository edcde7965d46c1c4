//! A housekeeper's due work at `now`: what is still to do today and this month, what is
//! due, what is overdue, and what needs a person because phones disagreed.

use chrono::NaiveDate;
use serde::Serialize;

use super::clocks;
use super::complaints::assess;
use super::deadlines::{Clock, Deadline};
use super::duty::{HandoverCheck, duty_checks, handovers_due};
use super::fees::fee_checks;
use super::festival::{FestivalVisits, festival_visits};
use super::portfolio::{Portfolio, Records};
use super::renovations::{PatrolDue, patrols_due};
use super::supervision::{key_audit, renovation_spot_checks};
use super::surveys::surveys_due;
use super::vacant::{WeatherRound, vacant_month, weather_rounds};
use super::visits::{VisitProgress, visit_progress};
use crate::ids::DocumentId;
use crate::records::journal::{EventId, Flag};
use crate::records::keys::KeyStatus;
use crate::records::kind::{Kind, Record};
use crate::records::ticket::{Category, Status};
use crate::records::unit::{UnitStatus, natural_key};
use crate::records::yuan_text;
use crate::time::{Month, end_of_day, local_date};

const PATROL_RULE: &str = "每日进行责任区域公共部位的巡视（003）";

/// A unit to visit for some task.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitRef {
    pub unit: DocumentId,
    pub code: String,
}

/// This month's vacant-unit round.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VacantDue {
    pub total: usize,
    pub to_inspect: Vec<UnitRef>,
    pub to_ventilate: Vec<UnitRef>,
    pub to_clean: Vec<UnitRef>,
    /// The month's end.
    pub due_at: i64,
    /// Spells of special weather under way and their rounds.
    pub weather: Vec<WeatherRound>,
}

/// A ticket with a clock to watch.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketDue {
    pub ticket: DocumentId,
    pub category: Category,
    pub status: Status,
    pub place: String,
    pub description: String,
    pub deadline: Deadline,
}

/// Any other record with a clock to watch.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordDue {
    pub record: DocumentId,
    /// What it is about, in a few words.
    pub what: String,
    pub deadline: Deadline,
}

/// A key out of the cabinet.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyOut {
    pub label: String,
    pub unit_code: Option<String>,
    /// Borrower, or `None` when the key is reported lost and awaits approval.
    pub borrower: Option<String>,
    pub since: Option<i64>,
}

/// A record whose journal needs a person.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flagged {
    pub record: DocumentId,
    pub kind: &'static str,
    pub events: Vec<EventId>,
    pub reason: String,
    pub concurrent: bool,
}

/// Everything due for the areas of a portfolio at `now`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DueWork {
    pub at: i64,
    pub date: NaiveDate,
    pub month: Month,
    pub vacant: VacantDue,
    pub renovation_patrols: Vec<PatrolDue>,
    /// Units marked renovating with no renovation file under way.
    pub renovating_without_file: Vec<UnitRef>,
    pub renovation_reviews: Vec<RecordDue>,
    /// Callbacks still to make, soonest first (a leak callback waiting for rain last).
    pub callbacks: Vec<TicketDue>,
    /// Every overdue clock of every ticket, most overdue first.
    pub overdue: Vec<TicketDue>,
    pub visits: VisitProgress,
    /// The key customers' visits over the Spring Festival, around it (003 Z8).
    pub festival: Option<FestivalVisits>,
    pub public_patrol: Deadline,
    /// Today's key count, when the area keeps keys.
    pub key_count: Option<Deadline>,
    pub keys_out: Vec<KeyOut>,
    pub rectifications: Vec<RecordDue>,
    /// Owner meetings' open clocks: reminders, minutes, the rectification plan.
    pub meetings: Vec<RecordDue>,
    pub fee_promises: Vec<RecordDue>,
    /// Satisfaction surveys' open clocks: returns, the analysis, callbacks to commenters.
    pub surveys: Vec<RecordDue>,
    /// Shifts to hand over, or handed over with a ticket dropped or an item missing.
    pub handovers: Vec<HandoverCheck>,
    /// The supervisor's checks of the duty logs this month, when the area keeps any.
    pub duty_checks: Option<Deadline>,
    /// The supervisor's checks this week: the key ledger against the keys, the
    /// renovation files against the works (when there is something to check).
    pub supervisor_checks: Vec<Deadline>,
    pub flagged: Vec<Flagged>,
}

/// The due work of a portfolio (one housekeeper's areas) at `now`.
pub fn due_work(p: &Portfolio<'_>, now: i64) -> DueWork {
    let today = local_date(now);
    let month = Month::at(now);
    let vacant = vacant_month(p, month);
    let pick = |f: fn(&super::vacant::VacantMonth) -> bool| -> Vec<UnitRef> {
        vacant
            .iter()
            .filter(|v| !f(v))
            .map(|v| UnitRef {
                unit: v.unit,
                code: v.code.clone(),
            })
            .collect()
    };
    let (callbacks, overdue) = ticket_lists(p, now);
    DueWork {
        at: now,
        date: today,
        month,
        vacant: VacantDue {
            total: vacant.len(),
            to_inspect: pick(|v| v.inspected),
            to_ventilate: pick(|v| v.ventilated),
            to_clean: pick(|v| v.cleaned),
            due_at: month.end_ms(),
            weather: weather_rounds(p, now),
        },
        renovation_patrols: patrols_due(p, now),
        renovating_without_file: renovating_without_file(p),
        renovation_reviews: renovation_reviews(p, now),
        callbacks,
        overdue,
        visits: visit_progress(p, month, today, now),
        festival: festival_visits(p, now),
        public_patrol: Deadline::new(
            Clock::PublicPatrol,
            PATROL_RULE,
            Some(end_of_day(today)),
            p.patrols
                .iter()
                .filter(|(_, r)| r.header.date == today)
                .map(|(_, r)| r.header.started_at)
                .min(),
            now,
        ),
        key_count: key_count(p, now),
        keys_out: keys_out(p),
        rectifications: rectifications(p, now),
        meetings: meetings(p, now),
        fee_promises: fee_promises(p, now),
        surveys: surveys_due(p, now)
            .into_iter()
            .map(|(record, what, deadline)| RecordDue {
                record,
                what,
                deadline,
            })
            .collect(),
        handovers: handovers_due(p, now),
        duty_checks: duty_checks(p, month, now),
        supervisor_checks: [key_audit(p, now), renovation_spot_checks(p, now)]
            .into_iter()
            .flatten()
            .chain(fee_checks(p, now))
            .collect(),
        flagged: flagged(p),
    }
}

fn ticket_lists(p: &Portfolio<'_>, now: i64) -> (Vec<TicketDue>, Vec<TicketDue>) {
    let assessment = assess(p, now);
    let mut callbacks = Vec::new();
    let mut overdue = Vec::new();
    for (id, t) in &p.tickets {
        for deadline in clocks::ticket_clocks(p, t, assessment.of(*id), now) {
            let due = || TicketDue {
                ticket: *id,
                category: t.header.category,
                status: t.state.status,
                place: t.header.location.label().to_owned(),
                description: t.header.description.clone(),
                deadline: deadline.clone(),
            };
            if deadline.clock == Clock::Callback && deadline.is_open() {
                callbacks.push(due());
            }
            if deadline.is_overdue() {
                overdue.push(due());
            }
        }
    }
    callbacks.sort_by_key(|d| (d.deadline.due_at.unwrap_or(i64::MAX), d.ticket));
    overdue.sort_by_key(|d| (d.deadline.due_at, d.ticket));
    (callbacks, overdue)
}

fn renovating_without_file(p: &Portfolio<'_>) -> Vec<UnitRef> {
    let mut list: Vec<UnitRef> = p
        .units
        .iter()
        .filter(|(_, u)| u.state.status == UnitStatus::Renovating)
        .filter(|(id, _)| {
            !p.renovations
                .iter()
                .any(|(_, r)| r.header.unit == *id && r.state.status.under_construction())
        })
        .map(|(id, u)| UnitRef {
            unit: *id,
            code: u.header.code.to_string(),
        })
        .collect();
    list.sort_by_key(|u| natural_key(&u.code));
    list
}

/// Renovation files' open clocks: the review, and a permit issued before the pre-works
/// check was complete.
fn renovation_reviews(p: &Portfolio<'_>, now: i64) -> Vec<RecordDue> {
    p.renovations
        .iter()
        .flat_map(|(id, r)| {
            let what = format!("{} 装修申请", r.header.unit_code);
            std::iter::once(clocks::renovation_review(p, r, now))
                .chain(clocks::renovation_pre_works(r, now).filter(|d| d.due_at.is_some()))
                .map(move |deadline| RecordDue {
                    record: *id,
                    what: what.clone(),
                    deadline,
                })
        })
        .filter(|d| d.deadline.is_open())
        .collect()
}

/// Today's key count: the first area whose keys are still to be counted, else the
/// first counted.
fn key_count(p: &Portfolio<'_>, now: i64) -> Option<Deadline> {
    let counts: Vec<Deadline> = p
        .key_ledgers
        .iter()
        .filter_map(|(_, l)| clocks::key_count(l, now))
        .collect();
    counts
        .iter()
        .find(|d| d.is_open())
        .or(counts.first())
        .cloned()
}

fn keys_out(p: &Portfolio<'_>) -> Vec<KeyOut> {
    p.key_ledgers
        .iter()
        .flat_map(|(_, l)| &l.state.keys)
        .filter_map(|(label, key)| {
            let (borrower, since) = match &key.status {
                KeyStatus::Lent { borrower, since } => (Some(borrower.clone()), Some(*since)),
                KeyStatus::LossReported => (None, None),
                _ => return None,
            };
            Some(KeyOut {
                label: label.clone(),
                unit_code: key.unit_code.clone(),
                borrower,
                since,
            })
        })
        .collect()
}

fn rectifications(p: &Portfolio<'_>, now: i64) -> Vec<RecordDue> {
    let mut list: Vec<RecordDue> = p
        .rectifications
        .iter()
        .map(|(id, r)| RecordDue {
            record: *id,
            what: r.header.problem.clone(),
            deadline: clocks::rectification(r, now),
        })
        .filter(|d| d.deadline.is_open())
        .collect();
    list.sort_by_key(|d| d.deadline.due_at);
    list
}

fn meetings(p: &Portfolio<'_>, now: i64) -> Vec<RecordDue> {
    let mut list: Vec<RecordDue> = p
        .meetings
        .iter()
        .flat_map(|(id, m)| {
            super::meetings::meeting_clocks(m, now)
                .into_iter()
                .filter(Deadline::is_open)
                .map(|deadline| RecordDue {
                    record: *id,
                    what: m.header.title.clone(),
                    deadline,
                })
        })
        .collect();
    list.sort_by_key(|d| d.deadline.due_at);
    list
}

/// Promises falling due today or already broken.
fn fee_promises(p: &Portfolio<'_>, now: i64) -> Vec<RecordDue> {
    let today_ends = end_of_day(local_date(now));
    p.fee_accounts
        .iter()
        .filter_map(|(id, f)| {
            let deadline = clocks::fee_promise(f, now)
                .filter(|d| d.due_at.is_some_and(|due| due <= today_ends))?;
            let promise = f.state.promise?;
            Some(RecordDue {
                record: *id,
                what: format!(
                    "{} 承诺缴费 {}",
                    f.header.unit_code,
                    yuan_text(promise.amount_fen)
                ),
                deadline,
            })
        })
        .collect()
}

fn flags_of<K: Kind>(records: &Records<'_, Record<K>>, out: &mut Vec<Flagged>) {
    for (id, r) in records {
        out.extend(r.open_flags().map(|f: &Flag| Flagged {
            record: *id,
            kind: K::KIND,
            events: f.events.clone(),
            reason: f.reason.clone(),
            concurrent: f.concurrent,
        }));
    }
}

/// Open flags of every record.
pub fn flagged(p: &Portfolio<'_>) -> Vec<Flagged> {
    let mut out = Vec::new();
    flags_of(&p.units, &mut out);
    flags_of(&p.tickets, &mut out);
    flags_of(&p.inspections, &mut out);
    flags_of(&p.patrols, &mut out);
    flags_of(&p.renovations, &mut out);
    flags_of(&p.visits, &mut out);
    flags_of(&p.plans, &mut out);
    flags_of(&p.key_ledgers, &mut out);
    flags_of(&p.fee_accounts, &mut out);
    flags_of(&p.fee_plans, &mut out);
    flags_of(&p.rectifications, &mut out);
    flags_of(&p.duty_logs, &mut out);
    flags_of(&p.meetings, &mut out);
    flags_of(&p.engagements, &mut out);
    flags_of(&p.surveys, &mut out);
    flags_of(&p.spells, &mut out);
    flags_of(&p.projects, &mut out);
    out
}

#[cfg(test)]
mod tests;
