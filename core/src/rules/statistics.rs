//! The monthly customer-information statistics (《月度客户信息统计分析表》, seed 004
//! §4.3.5–4.3.6) for an area, a project or the company: per category, the key
//! indicators against their targets, visit coverage, the vacant-unit round, renovation
//! patrols, and the open, unsatisfied and overdue items and major customer events that
//! the analysis must look at ("重点分析未关闭、不满意的客户信息").
//!
//! A ticket counts in the month it was registered (Asia/Shanghai); its state and clocks
//! are read as of `now`. Rates are kept as numerator and denominator; the percentage is
//! given in tenths of a percent, rounded half up, so every platform prints the same.

mod quality;
mod quarter;

use quality::repair_quality;
pub use quality::{RepairQuality, ScaleLine};
pub use quarter::{QuarterStatistics, quarter_start, quarterly_statistics};
use serde::Serialize;

use super::clocks::ticket_clocks;
use super::complaints::{GroupComplaint, MajorEvent, assess, major_events};
use super::deadlines::{Clock, Deadline};
use super::portfolio::{Portfolio, Scope};
use super::renovations::patrol_compliance;
use super::vacant::vacant_month;
use super::visits::{VisitReport, visit_progress, visit_report};
use crate::ids::DocumentId;
use crate::records::ticket::{BusinessType, Category, Status, TicketRecord};
use crate::time::{Month, local_date};

/// One row of the indicator table.
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    /// Stable, for programs (`complaint_response`, `repair_callback`, …).
    pub key: &'static str,
    /// What the table calls it: group and measure (`投诉类·响应及时率`).
    pub label: String,
    /// 沟通类别: 投诉类, 报修类, 特约服务类, 客户拜访.
    pub group: &'static str,
    /// 指标
    pub measure: &'static str,
    /// 计算公式
    pub formula: &'static str,
    /// 目标, as the seed writes it.
    pub target: &'static str,
    /// The target in percent (at least).
    pub target_percent: u32,
    pub numerator: usize,
    pub denominator: usize,
    /// The rate in tenths of a percent (956 is 95.6 %); none with nothing to count.
    pub permille: Option<u32>,
    /// The same rate as a fraction (0.956), for programs and spreadsheets.
    pub rate: Option<f64>,
    /// Whether the target is met; none with nothing to count.
    pub met: Option<bool>,
}

/// `numerator / denominator` in thousandths, rounded half up; none of nothing.
pub fn permille(numerator: usize, denominator: usize) -> Option<u32> {
    (denominator > 0).then(|| ((numerator * 2000 + denominator) / (denominator * 2)) as u32)
}

impl Indicator {
    /// `like` counted again: its row with other figures (a quarter's sums).
    fn with(like: &Indicator, numerator: usize, denominator: usize) -> Self {
        let row = (
            like.key,
            like.group,
            like.measure,
            like.formula,
            like.target,
            like.target_percent,
        );
        Self::new(row, numerator, denominator)
    }

    fn new(row: Row, numerator: usize, denominator: usize) -> Self {
        let (key, group, measure, formula, target, target_percent) = row;
        let permille = permille(numerator, denominator);
        Self {
            key,
            label: format!("{group}·{measure}"),
            group,
            measure,
            formula,
            target,
            target_percent,
            numerator,
            denominator,
            permille,
            rate: (denominator > 0).then(|| numerator as f64 / denominator as f64),
            met: (denominator > 0)
                .then(|| numerator * 100 >= target_percent as usize * denominator),
        }
    }
}

/// Customer information received in the month, per category.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub category: Category,
    pub label: &'static str,
    pub received: usize,
    pub closed: usize,
}

/// The month's complaints of one business type (seed 004 §4.4.1 b), or of none yet
/// (`business` absent): the table's hot issues, most complained about first.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessCount {
    pub business: Option<BusinessType>,
    pub label: &'static str,
    pub received: usize,
}

/// Complaints per business type, every type of the seed listed, most first (the seed's
/// order among equals), then those not yet classified when there are any.
fn complaint_types(counted: &[Counted<'_>]) -> Vec<BusinessCount> {
    let business = |c: &Counted<'_>| c.ticket.state.complaint.as_ref().and_then(|i| i.business);
    let complaints: Vec<&Counted<'_>> = counted
        .iter()
        .filter(|c| c.ticket.header.category == Category::Complaint)
        .collect();
    let mut out: Vec<BusinessCount> = BusinessType::ALL
        .iter()
        .map(|t| BusinessCount {
            business: Some(*t),
            label: t.label_zh(),
            received: complaints
                .iter()
                .filter(|c| business(c) == Some(*t))
                .count(),
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.received));
    let unclassified = complaints.iter().filter(|c| business(c).is_none()).count();
    if unclassified > 0 {
        out.push(BusinessCount {
            business: None,
            label: "未分类",
            received: unclassified,
        });
    }
    out
}

/// One paid special service of the month's bill (seed 004 §4.4.3 c: "每月……完成特约服务
/// 有偿服务项的账单制作并收款").
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillLine {
    pub ticket: DocumentId,
    pub place: String,
    pub item: String,
    pub price_fen: u64,
    pub collected_fen: u64,
    pub completed_at: i64,
}

/// The month's special-service bill: every paid service completed, what it earns and
/// what is collected.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceBill {
    pub lines: Vec<BillLine>,
    pub billed_fen: u64,
    pub collected_fen: u64,
}

fn service_bill(counted: &[Counted<'_>]) -> ServiceBill {
    let mut lines: Vec<BillLine> = counted
        .iter()
        .filter(|c| c.ticket.header.category == Category::SpecialService)
        .filter_map(|c| {
            let s = &c.ticket.state;
            let agreed = s.service.as_ref().filter(|a| a.price_fen > 0)?;
            Some(BillLine {
                ticket: c.id,
                place: c.ticket.header.location.label().to_owned(),
                item: agreed.item.clone(),
                price_fen: agreed.price_fen,
                collected_fen: s.collected_fen,
                completed_at: s.completed_at?,
            })
        })
        .collect();
    lines.sort_by_key(|l| (l.completed_at, l.ticket));
    ServiceBill {
        billed_fen: lines.iter().map(|l| l.price_fen).sum(),
        collected_fen: lines.iter().map(|l| l.collected_fen).sum(),
        lines,
    }
}

/// The project's occasions for meeting customers (seed 004 §4.3.5: "项目经理接待日 开展频次
/// 1次/月"; "客户送迎 送迎频次 项目负责人：1次/周，专业负责人：2次/周"), asked of every
/// project whose areas the scope covers; a week counts in the month its Monday falls in.
fn engagement_indicators(p: &Portfolio<'_>, scope: &Scope, month: Month) -> [Indicator; 3] {
    use crate::records::engagement::{Host, Occasion};
    use chrono::{Datelike, Weekday};
    let projects: Vec<&Vec<String>> = p
        .projects
        .iter()
        .map(|(_, pr)| &pr.header.areas)
        .filter(|areas| areas.iter().any(|a| scope.covers(a)))
        .collect();
    let ours = |area: &str| projects.iter().any(|areas| areas.iter().any(|a| a == area));
    let held = |occasion: Occasion, host: Option<Host>| {
        p.engagements
            .iter()
            .filter(|(_, e)| !e.state.withdrawn && ours(e.area()))
            .filter(|(_, e)| e.header.occasion == occasion && month.contains(e.header.held_at))
            .filter(|(_, e)| host.is_none_or(|h| e.header.host_level == h))
            .count()
    };
    let mondays = month
        .first_day()
        .iter_days()
        .take_while(|d| *d <= month.last_day())
        .filter(|d| d.weekday() == Weekday::Mon)
        .count();
    let n = projects.len();
    [
        Indicator::new(
            (
                "reception_day",
                "项目经理接待日",
                "开展频次",
                "开展次数/应开展次数",
                "1次/月",
                100,
            ),
            held(Occasion::ReceptionDay, None),
            n,
        ),
        Indicator::new(
            (
                "send_off_project_head",
                "客户送迎",
                "项目负责人送迎频次",
                "送迎次数/应送迎次数",
                "1次/周",
                100,
            ),
            held(Occasion::SendOff, Some(Host::ProjectHead)),
            n * mondays,
        ),
        Indicator::new(
            (
                "send_off_department_head",
                "客户送迎",
                "专业负责人送迎频次",
                "送迎次数/应送迎次数",
                "2次/周",
                100,
            ),
            held(Occasion::SendOff, Some(Host::DepartmentHead)),
            2 * n * mondays,
        ),
    ]
}

/// A ticket the analysis must look at.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Item {
    pub ticket: DocumentId,
    pub category: Category,
    pub place: String,
    pub description: String,
    pub status: Status,
    pub registered_at: i64,
}

/// An overdue clock.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overdue {
    pub ticket: DocumentId,
    pub place: String,
    pub clock: Clock,
    pub label: &'static str,
    pub due_at: Option<i64>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VacantCompliance {
    pub units: usize,
    pub inspected: usize,
    pub ventilated: usize,
    pub cleaned: usize,
    /// Special-weather inspections made.
    pub special: usize,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenovationCompliance {
    /// Renovation-days under construction in the month (to `now`).
    pub required_days: usize,
    pub patrolled_days: usize,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitCoverage {
    pub round: String,
    pub households: usize,
    pub round_visited: usize,
    pub visited_this_month: usize,
    pub month_target: usize,
    pub key_customers: usize,
    pub key_customers_visited: usize,
}

/// The monthly statistics.
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyStatistics {
    pub scope: Scope,
    pub month: Month,
    pub as_of: i64,
    pub categories: Vec<CategoryCount>,
    /// Complaints by business type, hot issues first.
    pub complaint_types: Vec<BusinessCount>,
    /// The paid special services of the month and their revenue.
    pub service_bill: ServiceBill,
    pub indicators: Vec<Indicator>,
    pub vacant: VacantCompliance,
    pub renovation: RenovationCompliance,
    pub visits: VisitCoverage,
    /// The month's visit report: methods, satisfaction, issues raised, the sample check.
    pub visit_report: VisitReport,
    /// The month's repairs as 《月服务质量报告》 reads them.
    pub repair_quality: RepairQuality,
    /// Not closed.
    pub open: Vec<Item>,
    /// The latest callback was unsatisfied.
    pub unsatisfied: Vec<Item>,
    pub overdue: Vec<Overdue>,
    pub major_events: Vec<MajorEvent>,
    pub group_complaints: Vec<GroupComplaint>,
}

/// What one ticket contributes.
struct Counted<'a> {
    id: DocumentId,
    ticket: &'a TicketRecord,
    deadlines: Vec<Deadline>,
}

impl Counted<'_> {
    fn responded_in_time(&self) -> bool {
        self.deadlines
            .iter()
            .any(|d| d.clock == Clock::FirstResponse && d.on_time())
    }

    fn closed(&self) -> bool {
        self.ticket.state.status == Status::Closed
    }

    fn called_back(&self) -> bool {
        !self.ticket.state.callbacks.is_empty()
    }

    fn satisfied(&self) -> bool {
        self.ticket
            .state
            .satisfaction()
            .is_some_and(|s| s.counts_as_satisfied())
    }

    fn item(&self) -> Item {
        let h = &self.ticket.header;
        Item {
            ticket: self.id,
            category: h.category,
            place: h.location.label().to_owned(),
            description: h.description.clone(),
            status: self.ticket.state.status,
            registered_at: h.registered_at,
        }
    }
}

/// One indicator of the seed's table: key, group, measure, formula, target as written
/// and in percent.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u32,
);

/// What counts toward an indicator.
type Test = fn(&Counted<'_>) -> bool;

fn rates(list: &[Counted<'_>], category: Category, rows: &[(Row, Test)]) -> Vec<Indicator> {
    let of: Vec<&Counted<'_>> = list
        .iter()
        .filter(|c| c.ticket.header.category == category)
        .collect();
    rows.iter()
        .map(|(row, test)| Indicator::new(*row, of.iter().filter(|c| test(c)).count(), of.len()))
        .collect()
}

/// The statistics of `month` for `scope`, as of `now`.
pub fn monthly_statistics(
    all: &Portfolio<'_>,
    scope: &Scope,
    month: Month,
    now: i64,
) -> MonthlyStatistics {
    let p = all.within(scope);
    // Groups form across a whole project, whatever part of it the scope shows.
    let assessment = assess(all, now);
    let counted: Vec<Counted<'_>> = p
        .tickets
        .iter()
        .filter(|(_, t)| month.contains(t.header.registered_at))
        .map(|(id, t)| Counted {
            id: *id,
            ticket: t,
            deadlines: ticket_clocks(&p, t, assessment.of(*id), now),
        })
        .collect();

    let categories = Category::ALL
        .iter()
        .map(|c| {
            let of = counted.iter().filter(|x| x.ticket.header.category == *c);
            CategoryCount {
                category: *c,
                label: c.label_zh(),
                received: of.clone().count(),
                closed: of.filter(|x| x.closed()).count(),
            }
        })
        .collect();

    let mut indicators = rates(
        &counted,
        Category::Complaint,
        &[
            (
                (
                    "complaint_response",
                    "投诉类",
                    "响应及时率",
                    "响应及时数/客户投诉总数",
                    "95%",
                    95,
                ),
                |c| c.responded_in_time(),
            ),
            (
                (
                    "complaint_closed",
                    "投诉类",
                    "关闭率",
                    "已关闭投诉数/客户投诉总数",
                    "100%",
                    100,
                ),
                |c| c.closed(),
            ),
            (
                (
                    "complaint_callback",
                    "投诉类",
                    "回访率",
                    "已回访投诉数/客户投诉总数",
                    "100%",
                    100,
                ),
                |c| c.called_back(),
            ),
            (
                (
                    "complaint_satisfied",
                    "投诉类",
                    "处理满意度",
                    "投诉处理满意数/客户投诉总数",
                    "≥90%",
                    90,
                ),
                |c| c.satisfied(),
            ),
        ],
    );
    indicators.extend(rates(
        &counted,
        Category::Repair,
        &[
            (
                (
                    "repair_response",
                    "报修类",
                    "响应及时率",
                    "响应及时数/报修总数",
                    "100%",
                    100,
                ),
                |c| c.responded_in_time(),
            ),
            (
                (
                    "repair_closed",
                    "报修类",
                    "小修关闭率",
                    "已关闭报修数/报修总数",
                    "100%",
                    100,
                ),
                |c| c.closed(),
            ),
            (
                (
                    "repair_callback",
                    "报修类",
                    "回访率",
                    "已回访报修数/报修总数",
                    "≥30%",
                    30,
                ),
                |c| c.called_back(),
            ),
            (
                (
                    "repair_satisfied",
                    "报修类",
                    "满意度",
                    "满意数/报修总数",
                    "≥95%",
                    95,
                ),
                |c| c.satisfied(),
            ),
        ],
    ));
    indicators.extend(rates(
        &counted,
        Category::SpecialService,
        &[(
            (
                "special_callback",
                "特约服务类",
                "回访率",
                "已回访客户数/客户服务数",
                "100%",
                100,
            ),
            |c| c.called_back(),
        )],
    ));
    let today = local_date(now.min(month.end_ms() - 1));
    let progress = visit_progress(&p, month, today, now);
    let visit_report = visit_report(&p, month);
    // "100%/半年" is judged pro rata: four months into the round, two thirds.
    let elapsed = 7 - month.half_year().months_left(month);
    indicators.push(Indicator::new(
        (
            "visit_coverage",
            "客户拜访",
            "覆盖率（半年）",
            "拜访客户数量/客户总户数",
            "100%/半年",
            (100 * elapsed).div_ceil(6),
        ),
        progress.round_visited,
        progress.households,
    ));

    indicators.extend(engagement_indicators(all, scope, month));

    let vacant = vacant_month(&p, month);
    let (patrolled_days, required_days) = patrol_compliance(&p, month, today);
    let mut overdue: Vec<Overdue> = counted
        .iter()
        .flat_map(|c| {
            c.deadlines
                .iter()
                .filter(|d| d.is_overdue())
                .map(|d| Overdue {
                    ticket: c.id,
                    place: c.ticket.header.location.label().to_owned(),
                    clock: d.clock,
                    label: d.label,
                    due_at: d.due_at,
                })
        })
        .collect();
    overdue.sort_by_key(|o| (o.due_at, o.ticket));
    let sorted = |mut items: Vec<Item>| {
        items.sort_by_key(|i| (i.registered_at, i.ticket));
        items
    };
    let in_month = |at: i64| month.contains(at);
    let scoped: std::collections::HashSet<DocumentId> =
        p.tickets.iter().map(|(id, _)| *id).collect();
    let in_scope = |id: &DocumentId| scoped.contains(id);
    MonthlyStatistics {
        scope: scope.clone(),
        month,
        as_of: now,
        complaint_types: complaint_types(&counted),
        service_bill: service_bill(&counted),
        repair_quality: repair_quality(&counted),
        categories,
        indicators,
        vacant: VacantCompliance {
            units: vacant.len(),
            inspected: vacant.iter().filter(|v| v.inspected).count(),
            ventilated: vacant.iter().filter(|v| v.ventilated).count(),
            cleaned: vacant.iter().filter(|v| v.cleaned).count(),
            special: vacant.iter().map(|v| v.special).sum(),
        },
        renovation: RenovationCompliance {
            required_days,
            patrolled_days,
        },
        visits: VisitCoverage {
            round: progress.round,
            households: progress.households,
            round_visited: progress.round_visited,
            visited_this_month: progress.visited_this_month,
            month_target: progress.month_target,
            key_customers: progress.key_customers,
            key_customers_visited: progress.key_customers_visited,
        },
        visit_report,
        open: sorted(
            counted
                .iter()
                .filter(|c| !c.closed())
                .map(Counted::item)
                .collect(),
        ),
        unsatisfied: sorted(
            counted
                .iter()
                .filter(|c| c.called_back() && !c.satisfied())
                .map(Counted::item)
                .collect(),
        ),
        overdue,
        major_events: major_events(all, &assessment)
            .into_iter()
            .filter(|e| in_month(e.registered_at) && e.tickets.iter().any(in_scope))
            .collect(),
        group_complaints: assessment
            .groups
            .iter()
            .filter(|g| in_month(g.first_at) && g.tickets.iter().any(in_scope))
            .cloned()
            .collect(),
    }
}

impl MonthlyStatistics {
    /// The figures a person checks, without document IDs: what the fixture computed by
    /// hand holds, and what the phone and the server must agree on.
    pub fn summary(&self) -> serde_json::Value {
        use serde_json::{Map, Value, json};
        let received: Map<String, Value> = self
            .categories
            .iter()
            .filter(|c| c.received > 0)
            .map(|c| {
                (
                    c.category.as_str().to_owned(),
                    json!([c.received, c.closed]),
                )
            })
            .collect();
        let indicators: Map<String, Value> = self
            .indicators
            .iter()
            .map(|i| {
                let counts = json!([i.numerator, i.denominator, i.permille, i.met]);
                (i.label.clone(), counts)
            })
            .collect();
        let places = |items: &[Item]| items.iter().map(|i| i.place.clone()).collect::<Vec<_>>();
        json!({
            "month": self.month,
            "received": received,
            "complaintTypes": self.complaint_types.iter()
                .filter(|c| c.received > 0)
                .map(|c| json!([c.label, c.received]))
                .collect::<Vec<_>>(),
            "indicators": indicators,
            "serviceBill": [
                self.service_bill.lines.iter()
                    .map(|l| json!([l.place, l.item, l.price_fen, l.collected_fen]))
                    .collect::<Vec<_>>(),
                self.service_bill.billed_fen,
                self.service_bill.collected_fen,
            ],
            "vacant": self.vacant,
            "renovation": self.renovation,
            "visits": self.visits,
            "open": places(&self.open),
            "unsatisfied": places(&self.unsatisfied),
            "overdue": self.overdue.iter().map(|o| format!("{} {}", o.place, o.clock.as_str())).collect::<Vec<_>>(),
            "majorEvents": self.major_events.iter()
                .map(|e| json!([e.place, e.reasons, e.tickets.len(), e.needs_report]))
                .collect::<Vec<_>>(),
            "groupComplaints": self.group_complaints.iter()
                .map(|g| json!([g.topic, g.households]))
                .collect::<Vec<_>>(),
        })
    }
}
