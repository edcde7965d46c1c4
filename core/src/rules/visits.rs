//! Visit coverage (seed 004 §4.4.5, seed 003 G6 and Z8): about 8 % of households a month
//! ("走访比例8%"), every household once per round with no repeats ("每轮覆盖拜访时，拜访
//! 客户不重复"), 100 % coverage every half year ("覆盖率 100%/半年"), key customers at least
//! twice a month ("每月是否对重点客户进行走访（不少于2户）"), and next month's plan made by
//! the 25th ("每月25日前 … 制定完成下个月 … 《客户拜访计划表》").

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::deadlines::{Clock, Deadline};
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::unit::natural_key;
use crate::time::{Month, end_of_day};

/// "走访比例8%".
pub const MONTHLY_SHARE_PERCENT: usize = 8;
/// "不少于2户" key customers a month.
pub const KEY_CUSTOMERS_A_MONTH: usize = 2;
const PLAN_RULE: &str = "每月25日前制定完成下个月的客户拜访计划（004 §4.4.5）";

/// Where the visits of an area stand in a month.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitProgress {
    pub month: Month,
    /// The half-year round, e.g. `2026-H2`.
    pub round: String,
    pub households: usize,
    /// 8 % of households, or more when that would not reach 100 % by the round's end.
    pub month_target: usize,
    pub visited_this_month: usize,
    /// Households visited in the round so far.
    pub round_visited: usize,
    pub plan: Option<DocumentId>,
    pub planned: usize,
    pub planned_visited: usize,
    pub plan_approved: bool,
    pub key_customers: usize,
    pub key_customers_visited: usize,
    pub key_customer_target: usize,
    /// Households visited or planned twice in the round, by unit code.
    pub repeats: Vec<String>,
    /// Next month's plan, due by the 25th.
    pub next_plan: Deadline,
}

/// A household a visit plan may take.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub unit: DocumentId,
    pub code: String,
    /// 重点客户: visited at least twice a month.
    pub key_customer: bool,
    /// Already visited in the round: planning it again would repeat it.
    pub visited_in_round: bool,
}

/// The households a plan for `month` chooses from, key customers first, then in unit
/// order; those already visited in the round are marked (a round visits each once).
pub fn plan_candidates(p: &Portfolio<'_>, month: Month) -> Vec<Candidate> {
    let round = month.half_year();
    let visited: HashSet<DocumentId> = p
        .visits
        .iter()
        .filter(|(_, v)| Month::at(v.header.visited_at).half_year() == round)
        .map(|(_, v)| v.header.unit)
        .collect();
    let mut out: Vec<Candidate> = p
        .units
        .iter()
        .filter(|(_, u)| u.state.status.is_household())
        .map(|(id, u)| Candidate {
            unit: *id,
            code: u.header.code.as_str().to_owned(),
            key_customer: u.state.key_customer,
            visited_in_round: visited.contains(id),
        })
        .collect();
    out.sort_by_key(|c| (!c.key_customer, natural_key(&c.code)));
    out
}

/// Households visited in each month of `month`'s round, up to and including `month`.
fn visited_by_month(p: &Portfolio<'_>, month: Month) -> HashMap<Month, Vec<DocumentId>> {
    let round = month.half_year();
    let mut out: HashMap<Month, Vec<DocumentId>> = HashMap::new();
    for (_, v) in &p.visits {
        let m = Month::at(v.header.visited_at);
        if m.half_year() == round && m <= month {
            out.entry(m).or_default().push(v.header.unit);
        }
    }
    out
}

/// Where visits stand in `month`, seen on `today`.
pub fn visit_progress(
    p: &Portfolio<'_>,
    month: Month,
    today: NaiveDate,
    now: i64,
) -> VisitProgress {
    let households: HashSet<DocumentId> = p
        .units
        .iter()
        .filter(|(_, u)| u.state.status.is_household())
        .map(|(id, _)| *id)
        .collect();
    let key: HashSet<DocumentId> = p
        .units
        .iter()
        .filter(|(_, u)| u.state.key_customer)
        .map(|(id, _)| *id)
        .collect();
    let by_month = visited_by_month(p, month);
    let this_month: HashSet<DocumentId> = by_month
        .get(&month)
        .into_iter()
        .flatten()
        .copied()
        .collect();
    let before: HashSet<DocumentId> = by_month
        .iter()
        .filter(|(m, _)| **m < month)
        .flat_map(|(_, v)| v.iter().copied())
        .collect();
    let round = month.half_year();
    let remaining = households.iter().filter(|h| !before.contains(h)).count();
    let months_left = round.months_left(month).max(1) as usize;
    let share = (households.len() * MONTHLY_SHARE_PERCENT).div_ceil(100);
    let pace = remaining.div_ceil(months_left);

    // Repeats: visited twice in the round, or planned though already visited or planned.
    let code_of: HashMap<DocumentId, String> = p
        .units
        .iter()
        .map(|(id, u)| (*id, u.header.code.to_string()))
        .collect();
    let mut seen: HashSet<DocumentId> = HashSet::new();
    let mut repeats: BTreeSet<DocumentId> = BTreeSet::new();
    for u in by_month.values().flatten() {
        if !seen.insert(*u) {
            repeats.insert(*u);
        }
    }
    let round_plans = p
        .plans
        .iter()
        .filter(|(_, pl)| pl.header.month.half_year() == round);
    let mut planned_in_round: HashSet<DocumentId> = HashSet::new();
    for (_, plan) in round_plans {
        for u in &plan.state.units {
            let visited_before_plan = by_month
                .iter()
                .any(|(m, units)| *m < plan.header.month && units.contains(u));
            if !planned_in_round.insert(*u) || visited_before_plan {
                repeats.insert(*u);
            }
        }
    }
    let mut repeats: Vec<String> = repeats
        .iter()
        .filter_map(|u| code_of.get(u).cloned())
        .collect();
    repeats.sort_by_key(|code| natural_key(code));

    let plan = p.plans.iter().find(|(_, pl)| pl.header.month == month);
    let next = p
        .plans
        .iter()
        .find(|(_, pl)| pl.header.month == month.next());
    let plan_due =
        end_of_day(NaiveDate::from_ymd_opt(month.year(), month.number(), 25).unwrap_or(today));
    VisitProgress {
        month,
        round: round.to_string(),
        households: households.len(),
        month_target: share.max(pace),
        visited_this_month: this_month.iter().filter(|u| households.contains(u)).count(),
        round_visited: before
            .union(&this_month)
            .filter(|u| households.contains(u))
            .count(),
        plan: plan.map(|(id, _)| *id),
        planned: plan.map_or(0, |(_, pl)| pl.state.units.len()),
        planned_visited: plan.map_or(0, |(_, pl)| {
            pl.state
                .units
                .iter()
                .filter(|u| this_month.contains(u))
                .count()
        }),
        plan_approved: plan.is_some_and(|(_, pl)| pl.state.approved_at.is_some()),
        key_customers: key.len(),
        key_customers_visited: this_month.intersection(&key).count(),
        key_customer_target: KEY_CUSTOMERS_A_MONTH.min(key.len()),
        repeats,
        next_plan: Deadline::new(
            Clock::VisitPlan,
            PLAN_RULE,
            Some(plan_due),
            next.map(|(_, pl)| pl.header.made_at),
            now,
        ),
    }
}
