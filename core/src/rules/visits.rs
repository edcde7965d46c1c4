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

/// One issue a household raised on a visit, and where its ticket stands.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitIssue {
    pub visit: DocumentId,
    pub code: String,
    pub ticket: DocumentId,
    pub description: String,
    pub status: crate::records::ticket::Status,
}

/// How many visits of the month gave each answer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counted {
    pub label: &'static str,
    pub count: usize,
}

/// The month's visit report (走访月报; seed 003 G6: "监控满意度指标完成情况（走访月报）";
/// "客户提出意见和建议是否得到整改和反馈"): how the month's visits were made, the
/// satisfaction households gave (three of the four levels count as satisfied, seed 001
/// 篇2), the issues they raised with where each stands, and the company's sample check
/// (seed 004 §4.4.5): how many visits it called, and how many households confirmed them.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitReport {
    pub visits: usize,
    pub by_method: Vec<Counted>,
    pub satisfaction: Vec<Counted>,
    /// Satisfied among the visits that asked, in tenths of a per cent.
    pub satisfied_permille: Option<u32>,
    pub issues: Vec<VisitIssue>,
    pub issues_resolved: usize,
    pub verified: usize,
    pub confirmed: usize,
}

/// The visit report of the portfolio's visits in `month`.
pub fn visit_report(p: &Portfolio<'_>, month: Month) -> VisitReport {
    use crate::records::ticket::Satisfaction;
    use crate::records::visit::VisitMethod;
    let visits: Vec<_> = p
        .visits
        .iter()
        .filter(|(_, v)| month.contains(v.header.visited_at))
        .collect();
    let answers: Vec<Satisfaction> = visits
        .iter()
        .filter_map(|(_, v)| v.header.satisfaction)
        .collect();
    let issues: Vec<VisitIssue> = visits
        .iter()
        .flat_map(|(id, v)| v.state.tickets.iter().map(move |t| (*id, *v, *t)))
        .filter_map(|(visit, v, ticket)| {
            let (_, t) = p.tickets.iter().find(|(tid, _)| *tid == ticket)?;
            Some(VisitIssue {
                visit,
                code: v.header.unit_code.to_string(),
                ticket,
                description: t.header.description.clone(),
                status: t.state.status,
            })
        })
        .collect();
    let checks: Vec<_> = visits
        .iter()
        .filter_map(|(_, v)| v.state.verifications.last())
        .collect();
    let satisfied = answers.iter().filter(|s| s.counts_as_satisfied()).count();
    VisitReport {
        visits: visits.len(),
        by_method: VisitMethod::ALL
            .iter()
            .map(|m| Counted {
                label: m.label_zh(),
                count: visits.iter().filter(|(_, v)| v.header.method == *m).count(),
            })
            .collect(),
        satisfaction: Satisfaction::ALL
            .iter()
            .map(|s| Counted {
                label: s.label_zh(),
                count: answers.iter().filter(|a| *a == s).count(),
            })
            .collect(),
        satisfied_permille: super::statistics::permille(satisfied, answers.len()),
        issues_resolved: issues.iter().filter(|i| i.status.is_resolved()).count(),
        issues,
        verified: checks.len(),
        confirmed: checks.iter().filter(|c| c.confirmed).count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::any::AnyRecord;
    use crate::records::journal::Input;
    use crate::records::kind::Record;
    use crate::records::people::{Actor, StaffRole};
    use crate::records::ticket::{Category, Satisfaction, TicketAction};
    use crate::records::visit::{Visit, VisitAction, VisitHeader, VisitMethod};
    use crate::rules::testing::{Built, at, ticket, wrap};

    fn visit(
        unit: u8,
        method: VisitMethod,
        satisfaction: Option<Satisfaction>,
        when: &str,
    ) -> Built<Visit> {
        Built::new(&VisitHeader {
            area_id: "A1".into(),
            unit: DocumentId::from_bytes([unit; 16]),
            unit_code: format!("1-1-{unit:04}").parse().expect("code"),
            method,
            visited_at: at(when),
            by: "hk-zhang".into(),
            person: String::new(),
            notes: String::new(),
            satisfaction,
        })
    }

    fn verify(v: &mut Built<Visit>, confirmed: bool, when: &str) {
        let office = Actor::new("office-chen", StaffRole::Office);
        let input = Input::act(VisitAction::Verify {
            confirmed,
            satisfaction: Some(Satisfaction::Satisfied),
        });
        v.record = Record::<Visit>::act(&mut v.doc, input, &office, at(when))
            .expect("checked")
            .1;
    }

    /// The ID `wrap` gives the record at `index`.
    fn id_at(index: u32) -> DocumentId {
        let mut bytes = [0xAA; 16];
        bytes[..4].copy_from_slice(&index.to_be_bytes());
        DocumentId::from_bytes(bytes)
    }

    fn raised(v: &mut Built<Visit>, ticket: DocumentId, when: &str) {
        let input = Input::act(VisitAction::Ticket { ticket });
        v.record = Record::<Visit>::act(
            &mut v.doc,
            input,
            &crate::rules::testing::keeper(),
            at(when),
        )
        .expect("linked")
        .1;
    }

    #[test]
    fn the_monthly_visit_report_adds_up_satisfaction_issues_and_the_companys_checks() {
        // 003 G6: "监控满意度指标完成情况（走访月报）", "客户提出意见和建议是否得到整改和反馈";
        // 004 §4.4.5: "运营管理部/客户服务组每月抽样回访服务中心客户拜访情况".
        use crate::records::ticket::{RepairScale, RepairScope};
        let leak = ticket(
            Category::Repair,
            Some(crate::rules::testing::repair_info(
                RepairScope::Household,
                RepairScale::General,
            )),
            1,
            "2026-11-03 10:00",
        );
        let question = ticket(Category::Consultation, None, 2, "2026-11-04 10:00")
            .act(TicketAction::Close {}, "2026-11-04 10:05");
        let mut door = visit(
            1,
            VisitMethod::Door,
            Some(Satisfaction::Satisfied),
            "2026-11-03 09:30",
        );
        raised(&mut door, id_at(0), "2026-11-03 10:00");
        verify(&mut door, true, "2026-11-20 10:00");
        let mut call = visit(
            2,
            VisitMethod::Phone,
            Some(Satisfaction::VerySatisfied),
            "2026-11-04 09:30",
        );
        raised(&mut call, id_at(1), "2026-11-04 10:00");
        let mut unhappy = visit(
            3,
            VisitMethod::Door,
            Some(Satisfaction::Unsatisfied),
            "2026-11-05 09:30",
        );
        verify(&mut unhappy, false, "2026-11-20 10:05");
        let met = visit(4, VisitMethod::InEstate, None, "2026-11-06 17:00");
        let october = visit(
            5,
            VisitMethod::Door,
            Some(Satisfaction::Unsatisfied),
            "2026-10-30 09:00",
        );
        let records = wrap(vec![
            AnyRecord::Ticket(Box::new(leak.record)),
            AnyRecord::Ticket(Box::new(question.record)),
            AnyRecord::Visit(Box::new(door.record)),
            AnyRecord::Visit(Box::new(call.record)),
            AnyRecord::Visit(Box::new(unhappy.record)),
            AnyRecord::Visit(Box::new(met.record)),
            AnyRecord::Visit(Box::new(october.record)),
        ]);
        let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
        let r = visit_report(&p, "2026-11".parse().expect("month"));
        let counts = |list: &[Counted]| list.iter().map(|c| (c.label, c.count)).collect::<Vec<_>>();
        assert_eq!(r.visits, 4, "October's is not November's");
        assert_eq!(
            counts(&r.by_method),
            [("电话拜访", 1), ("上门拜访", 2), ("户外面访", 1)]
        );
        assert_eq!(
            counts(&r.satisfaction),
            [("很满意", 1), ("满意", 1), ("较满意", 0), ("不满意", 1)]
        );
        assert_eq!(r.satisfied_permille, Some(667), "2 of the 3 who were asked");
        assert_eq!(
            (r.issues.len(), r.issues_resolved),
            (2, 1),
            "the consultation answered, the leak open"
        );
        assert_eq!(
            (r.verified, r.confirmed),
            (2, 1),
            "one household did not confirm its visit"
        );
    }
}
