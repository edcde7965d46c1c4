//! Fee collection as the housekeeper works it and the supervisor checks it (收费管理,
//! seed 003 G8): the area's ledger per household, the month's plan against it, and the
//! weekly check of that ledger against the cashier's. Readings, written down once:
//! - "了解员工是否清楚分管区域客户缴费的基本信息，收费标准（月初制定收费计划，指标分解、
//!   班前班后）": the supervisor sets each area's target at the start of the month; "月初"
//!   is read as by the 5th, the day the project's monthly table is also due (004 §4.3.6).
//! - "是否跟进指标完成情况，是否与个人绩效考核（每月30日前）": the review is due by the
//!   end of the 30th, or of the month's last day when it is shorter.
//! - The rate is what the area collected in the month (payments whose time falls in it)
//!   against the target; arrears collected count as much as the month's own fees.
//! - "关注客服台账与出纳台账一致性（每周）": the payments the housekeepers recorded in a
//!   week, per household, against the cashier's for the same week; every household whose
//!   totals differ is listed, with both sides' receipts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::deadlines::{Clock, Deadline};
use super::portfolio::{Portfolio, Scope};
use crate::ids::DocumentId;
use crate::records::fee_plan::{FeePlanRecord, Target};
use crate::records::fees::{ContactMethod, FeeAccountRecord, Promise};
use crate::time::{Month, add_days, end_of_day};

const PLAN_RULE: &str = "月初制定收费计划，指标分解到片区管家（003 G8）";
const REVIEW_RULE: &str = "跟进指标完成情况，与个人绩效考核（每月30日前，003 G8）";
const LEDGER_CHECK_RULE: &str = "客服台账与出纳台账一致性，每周核对（003 G8）";
/// "月初", read as by the 5th.
pub const PLAN_DAY: u32 = 5;
/// "每月30日前".
pub const REVIEW_DAY: u32 = 30;

/// One household's line of the area's ledger for a month.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerLine {
    pub account: DocumentId,
    pub area_id: String,
    pub unit: DocumentId,
    pub unit_code: String,
    /// Billed for the month.
    pub billed_fen: u64,
    /// Paid during the month.
    pub paid_fen: u64,
    /// Owed now.
    pub outstanding_fen: u64,
    /// Contacts made during the month.
    pub contacts: usize,
    pub last_contact_at: Option<i64>,
    pub last_contact_method: Option<ContactMethod>,
    pub promise: Option<Promise>,
}

/// An area's month against its plan.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaCollection {
    pub area_id: String,
    pub plan: Option<DocumentId>,
    pub target: Option<Target>,
    pub collected_fen: u64,
    /// Households that paid something during the month.
    pub households_paid: usize,
    /// Households owing now, and those of them contacted during the month.
    pub households_in_arrears: usize,
    pub arrears_contacted: usize,
    pub outstanding_fen: u64,
    /// The plan made by the 5th; the review by the 30th.
    pub plan_deadline: Deadline,
    pub review_deadline: Deadline,
}

/// A month's collection of a scope: each area against its plan, and the ledger.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeCollection {
    pub month: Month,
    pub areas: Vec<AreaCollection>,
    pub target_fen: u64,
    pub collected_fen: u64,
    /// Households owing, most owed first.
    pub ledger: Vec<LedgerLine>,
}

fn line(id: DocumentId, f: &FeeAccountRecord, month: Month) -> LedgerLine {
    let s = &f.state;
    let contacts: Vec<_> = s.contacts.iter().filter(|c| month.contains(c.at)).collect();
    let last = s.contacts.last();
    LedgerLine {
        account: id,
        area_id: f.header.area_id.clone(),
        unit: f.header.unit,
        unit_code: f.header.unit_code.to_string(),
        billed_fen: s
            .bills
            .iter()
            .filter(|b| b.month == month)
            .map(|b| b.amount_fen)
            .sum(),
        paid_fen: s
            .payments
            .iter()
            .filter(|p| month.contains(p.at))
            .map(|p| p.amount_fen)
            .sum(),
        outstanding_fen: s.outstanding_fen,
        contacts: contacts.len(),
        last_contact_at: last.map(|c| c.at),
        last_contact_method: last.map(|c| c.method),
        promise: s.promise.filter(|_| s.outstanding_fen > 0),
    }
}

/// The day of `month` a plan's clock is due: `day`, or the month's last when shorter.
fn day_of(month: Month, day: u32) -> i64 {
    let last = month.last_day();
    let date = add_days(month.first_day(), i64::from(day) - 1).min(last);
    end_of_day(date)
}

/// The plan of `month` made by the 5th; `set_at`, when its target was set.
pub fn plan_deadline(set_at: Option<i64>, month: Month, now: i64) -> Deadline {
    Deadline::new(
        Clock::FeePlan,
        PLAN_RULE,
        Some(day_of(month, PLAN_DAY)),
        set_at,
        now,
    )
}

/// The plan of `month` reviewed by the 30th; `reviewed_at`, when it was.
pub fn review_deadline(reviewed_at: Option<i64>, month: Month, now: i64) -> Deadline {
    Deadline::new(
        Clock::FeeReview,
        REVIEW_RULE,
        Some(day_of(month, REVIEW_DAY)),
        reviewed_at,
        now,
    )
}

/// The plan of `area` for `month`; the first made when phones made two.
fn plan_of<'p, 'a>(
    p: &'p Portfolio<'a>,
    area: &str,
    month: Month,
) -> Option<&'p (DocumentId, &'a FeePlanRecord)> {
    p.fee_plans
        .iter()
        .filter(|(_, plan)| plan.area() == area && plan.header.month == month)
        .min_by_key(|(id, plan)| (plan.state.set_at.is_none(), plan.state.set_at, *id))
}

/// The areas of the scope with fees to collect or a plan: those named, else those held.
fn areas_of(p: &Portfolio<'_>, scope: &Scope) -> Vec<String> {
    let mut held: Vec<String> = p
        .fee_accounts
        .iter()
        .map(|(_, f)| f.area().to_owned())
        .chain(p.fee_plans.iter().map(|(_, plan)| plan.area().to_owned()))
        .filter(|a| scope.covers(a))
        .collect();
    held.sort();
    held.dedup();
    held
}

/// The month's collection of the scope at `now`.
pub fn fee_collection(p: &Portfolio<'_>, scope: &Scope, month: Month, now: i64) -> FeeCollection {
    let mut ledger: Vec<LedgerLine> = p
        .fee_accounts
        .iter()
        .filter(|(_, f)| scope.covers(f.area()))
        .map(|(id, f)| line(*id, f, month))
        .collect();
    let areas: Vec<AreaCollection> = areas_of(p, scope)
        .into_iter()
        .map(|area| {
            let lines: Vec<&LedgerLine> = ledger.iter().filter(|l| l.area_id == area).collect();
            let plan = plan_of(p, &area, month);
            let owing = lines.iter().filter(|l| l.outstanding_fen > 0);
            AreaCollection {
                plan: plan.map(|(id, _)| *id),
                target: plan.and_then(|(_, r)| r.state.target),
                collected_fen: lines.iter().map(|l| l.paid_fen).sum(),
                households_paid: lines.iter().filter(|l| l.paid_fen > 0).count(),
                households_in_arrears: owing.clone().count(),
                arrears_contacted: owing.clone().filter(|l| l.contacts > 0).count(),
                outstanding_fen: owing.map(|l| l.outstanding_fen).sum(),
                plan_deadline: plan_deadline(plan.and_then(|(_, r)| r.state.set_at), month, now),
                review_deadline: review_deadline(
                    plan.and_then(|(_, r)| r.state.reviewed_at),
                    month,
                    now,
                ),
                area_id: area,
            }
        })
        .collect();
    ledger.sort_by(|a, b| {
        b.outstanding_fen
            .cmp(&a.outstanding_fen)
            .then_with(|| a.unit_code.cmp(&b.unit_code))
    });
    FeeCollection {
        month,
        target_fen: areas
            .iter()
            .filter_map(|a| a.target.map(|t| t.amount_fen))
            .sum(),
        collected_fen: areas.iter().map(|a| a.collected_fen).sum(),
        areas,
        ledger,
    }
}

/// The supervisor's fee clocks this month for the areas of the portfolio that collect
/// fees: every area's plan by the 5th (met when the last is made), and, once a plan is
/// made, every review by the 30th.
pub fn fee_checks(p: &Portfolio<'_>, now: i64) -> Vec<Deadline> {
    let month = Month::at(now);
    let areas = areas_of(p, &Scope::everything(""));
    if areas.is_empty() {
        return Vec::new();
    }
    let plans: Vec<Option<&FeePlanRecord>> = areas
        .iter()
        .map(|a| plan_of(p, a, month).map(|(_, r)| *r))
        .collect();
    let latest = |met: fn(&FeePlanRecord) -> Option<i64>| {
        plans
            .iter()
            .map(|plan| plan.and_then(met))
            .collect::<Option<Vec<i64>>>()
            .and_then(|all| all.into_iter().max())
    };
    let mut out = vec![plan_deadline(latest(|r| r.state.set_at), month, now)];
    if plans.iter().flatten().any(|r| r.state.target.is_some()) {
        out.push(review_deadline(latest(|r| r.state.reviewed_at), month, now));
    }
    out
}

/// The week's check of the service ledger against the cashier's, due by the week's end
/// (`week_end`, exclusive) and met when it was made.
pub fn ledger_check_deadline(week_end: i64, checked_at: Option<i64>, now: i64) -> Deadline {
    Deadline::new(
        Clock::FeeLedgerCheck,
        LEDGER_CHECK_RULE,
        Some(week_end),
        checked_at,
        now,
    )
}

/// One payment as a ledger holds it: the household, the amount, the receipt.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Paid {
    pub unit_code: String,
    pub amount_fen: u64,
    pub receipt: String,
}

/// A household whose payments differ between the two ledgers.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerDifference {
    pub unit_code: String,
    pub service_fen: u64,
    pub cashier_fen: u64,
    pub service_receipts: Vec<String>,
    pub cashier_receipts: Vec<String>,
}

/// The payments of the scope's ledgers in `[start, end)`.
pub fn service_payments(p: &Portfolio<'_>, scope: &Scope, start: i64, end: i64) -> Vec<Paid> {
    p.fee_accounts
        .iter()
        .filter(|(_, f)| scope.covers(f.area()))
        .flat_map(|(_, f)| {
            f.state
                .payments
                .iter()
                .filter(move |pay| (start..end).contains(&pay.at))
                .map(|pay| Paid {
                    unit_code: f.header.unit_code.to_string(),
                    amount_fen: pay.amount_fen,
                    receipt: pay.receipt.clone(),
                })
        })
        .collect()
}

/// Every household whose totals differ between the service ledger and the cashier's,
/// in unit order.
pub fn compare_ledgers(service: &[Paid], cashier: &[Paid]) -> Vec<LedgerDifference> {
    type Side = (u64, Vec<String>);
    let mut by_unit: BTreeMap<&str, (Side, Side)> = BTreeMap::new();
    let sides = service.iter().map(|p| (p, true));
    for (p, ours) in sides.chain(cashier.iter().map(|p| (p, false))) {
        let both = by_unit.entry(p.unit_code.as_str()).or_default();
        let side = if ours { &mut both.0 } else { &mut both.1 };
        side.0 += p.amount_fen;
        if !p.receipt.is_empty() {
            side.1.push(p.receipt.clone());
        }
    }
    by_unit
        .into_iter()
        .filter(|(_, (s, c))| s.0 != c.0)
        .map(|(unit, (s, c))| LedgerDifference {
            unit_code: unit.to_owned(),
            service_fen: s.0,
            cashier_fen: c.0,
            service_receipts: s.1,
            cashier_receipts: c.1,
        })
        .collect()
}

/// An amount as a cashier's sheet writes it (`1,782.00`, `¥1782`, `1782.5元`), in fen.
pub fn parse_yuan(text: &str) -> Result<u64, String> {
    let plain: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('元')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, part) = plain.split_once('.').unwrap_or((&plain, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let part = part.trim_end_matches('0');
    if !digits(whole) || (!part.is_empty() && (!digits(part) || part.len() > 2)) {
        return Err(format!("金额 {text:?} 不是以元为单位的数目，如 1782.00"));
    }
    let yuan: u64 = whole.parse().map_err(|_| format!("金额 {text:?} 太大"))?;
    let fen: u64 = format!("{part:0<2}").parse().unwrap_or(0);
    yuan.checked_mul(100)
        .and_then(|y| y.checked_add(fen))
        .ok_or_else(|| format!("金额 {text:?} 太大"))
}

#[cfg(test)]
mod tests;
