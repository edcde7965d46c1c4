//! The monthly statistics as a workbook: the indicator table, the categories, the
//! vacant-unit round with renovation patrols and visits, then one sheet for each list
//! the analysis looks at (open, unsatisfied, overdue, major events, group complaints),
//! the hot issues by complaint business type, the special-service bill, the repairs as
//! 《月服务质量报告》 reads them (004 §4.4.2 b), and — once
//! handed in — the analysis and improvement measures its writers wrote (004 §4.3.6).
//! Every figure is the core's; every label is the core's `label_zh`.

use axum::response::Response;
use estate_core::rules::MonthlyStatistics;
use estate_core::rules::statistics::{
    BusinessCount, CategoryCount, Indicator, Item, QuarterStatistics, RepairQuality, permille,
};

use crate::api::ApiError;
use crate::api::reports::Written;
use crate::api::xlsx::{Book, Cell, Column, local, yes_no};

/// The sheets' names, in order.
const SHEETS: [&str; 12] = [
    "指标",
    "分类",
    "空置房·装修·拜访",
    "未关闭",
    "不满意",
    "超时",
    "重大事件",
    "群诉",
    "热点问题",
    "特约服务账单",
    "月服务质量报告",
    "分析与改进措施",
];

const INDICATORS: [Column; 9] = [
    ("沟通类别", 12.0),
    ("指标", 18.0),
    ("计算公式", 34.0),
    ("分子", 8.0),
    ("分母", 8.0),
    ("比率", 10.0),
    ("目标", 12.0),
    ("本月目标", 10.0),
    ("是否达标", 10.0),
];

const CATEGORIES: [Column; 3] = [("类别", 14.0), ("受理", 8.0), ("已关闭", 8.0)];

const HOT_ISSUES: [Column; 2] = [("业务类别", 16.0), ("投诉", 8.0)];

const ITEMS: [Column; 6] = [
    ("登记时间", 18.0),
    ("类别", 10.0),
    ("地点", 18.0),
    ("描述", 40.0),
    ("状态", 10.0),
    ("记录编号", 26.0),
];

pub(super) fn build(
    s: &MonthlyStatistics,
    written: Option<&Written>,
) -> Result<Response, ApiError> {
    let month = format!("{}年{}月", s.month.year(), s.month.number());
    let title = |what: &str| format!("{} {month} {what}", s.scope.name);
    let areas: Vec<&str> = s.scope.areas.iter().flatten().map(String::as_str).collect();
    let note = format!(
        "统计范围：{}（{}）；截至 {}（北京时间）",
        s.scope.name,
        areas.join("、"),
        local(s.as_of)
    );
    let mut book = Book::new();
    book.table(
        SHEETS[0],
        &title("客户服务月度统计"),
        &note,
        &INDICATORS,
        indicator_rows(&s.indicators),
    )?;
    book.table(
        SHEETS[1],
        &title("客户信息分类"),
        &note,
        &CATEGORIES,
        category_rows(&s.categories),
    )?;
    book.table(
        SHEETS[2],
        &title("空置房巡查、装修巡查与客户拜访"),
        &note,
        &[("部分", 10.0), ("项目", 26.0), ("数值", 12.0)],
        rounds(s),
    )?;
    book.table(
        SHEETS[3],
        &title("未关闭的客户信息"),
        &note,
        &ITEMS,
        s.open.iter().map(item),
    )?;
    book.table(
        SHEETS[4],
        &title("回访不满意的客户信息"),
        &note,
        &ITEMS,
        s.unsatisfied.iter().map(item),
    )?;
    book.table(
        SHEETS[5],
        &title("超时未办"),
        &note,
        &[
            ("地点", 18.0),
            ("时限", 16.0),
            ("到期时间", 18.0),
            ("记录编号", 26.0),
        ],
        s.overdue.iter().map(|o| {
            vec![
                o.place.clone().into(),
                o.label.into(),
                o.due_at.map(local).into(),
                o.ticket.to_string().into(),
            ]
        }),
    )?;
    book.table(
        SHEETS[6],
        &title("重大客户事件"),
        &note,
        &[
            ("登记时间", 18.0),
            ("类别", 10.0),
            ("地点", 18.0),
            ("描述", 40.0),
            ("原因", 20.0),
            ("工单数", 8.0),
            ("专项报告", 10.0),
            ("首张工单", 26.0),
        ],
        s.major_events.iter().map(|e| {
            let reasons: Vec<&str> = e.reasons.iter().map(|r| r.label_zh()).collect();
            let report = match (&e.report, e.needs_report) {
                (_, true) => "待撰写",
                (Some(_), false) => "已提交",
                (None, false) => "—",
            };
            vec![
                local(e.registered_at).into(),
                e.category.label_zh().into(),
                e.place.clone().into(),
                e.description.clone().into(),
                reasons.join("、").into(),
                e.tickets.len().into(),
                report.into(),
                e.tickets.first().map(ToString::to_string).into(),
            ]
        }),
    )?;
    book.table(
        SHEETS[7],
        &title("群诉"),
        &note,
        &[
            ("主题", 24.0),
            ("户数", 8.0),
            ("首次投诉", 18.0),
            ("末次投诉", 18.0),
            ("形成群诉", 18.0),
            ("工单数", 8.0),
        ],
        s.group_complaints.iter().map(|g| {
            vec![
                g.topic.clone().into(),
                g.households.into(),
                local(g.first_at).into(),
                local(g.last_at).into(),
                local(g.formed_at).into(),
                g.tickets.len().into(),
            ]
        }),
    )?;
    book.table(
        SHEETS[8],
        &title("投诉业务类别（热点问题）"),
        &note,
        &HOT_ISSUES,
        hot_issue_rows(&s.complaint_types),
    )?;
    let yuan = |fen: u64| Cell::from(format!("{:.2}", fen as f64 / 100.0));
    book.table(
        SHEETS[9],
        &title("特约服务账单"),
        &format!(
            "{note}；应收 {:.2} 元，已收 {:.2} 元",
            s.service_bill.billed_fen as f64 / 100.0,
            s.service_bill.collected_fen as f64 / 100.0
        ),
        &[
            ("完成时间", 18.0),
            ("地点", 18.0),
            ("服务项目", 18.0),
            ("应收（元）", 12.0),
            ("已收（元）", 12.0),
            ("记录编号", 26.0),
        ],
        s.service_bill.lines.iter().map(|l| {
            vec![
                local(l.completed_at).into(),
                l.place.clone().into(),
                l.item.clone().into(),
                yuan(l.price_fen),
                yuan(l.collected_fen),
                l.ticket.to_string().into(),
            ]
        }),
    )?;
    book.table(
        SHEETS[10],
        &title("月服务质量报告（报修）"),
        &note,
        &[("项目", 22.0), ("数量", 10.0), ("比率", 10.0)],
        quality(&s.repair_quality),
    )?;
    if let Some(w) = written {
        book.table(
            SHEETS[11],
            &title("分析与改进措施"),
            &note,
            &[("项目", 14.0), ("内容", 90.0)],
            [
                ("分析", &w.analysis),
                ("改进措施", &w.measures),
                ("薄弱环节", &w.weak_spots),
            ]
            .into_iter()
            .filter(|(_, text)| !text.is_empty())
            .map(|(what, text)| vec![what.into(), text.clone().into()]),
        )?;
    }
    let fallback = format!("statistics-{}.xlsx", s.month);
    book.download(&format!("{}.xlsx", title("客户服务月度统计")), &fallback)
}

/// The vacant-unit round, renovation patrols and visit coverage, one figure a row.
fn rounds(s: &MonthlyStatistics) -> Vec<Vec<Cell>> {
    let (v, r, c) = (&s.vacant, &s.renovation, &s.visits);
    let rows: [(&str, &str, Cell); 14] = [
        ("空置房", "空置户数", v.units.into()),
        ("空置房", "本月已巡查", v.inspected.into()),
        ("空置房", "已通风", v.ventilated.into()),
        ("空置房", "已保洁", v.cleaned.into()),
        ("空置房", "特殊天气加查（次）", v.special.into()),
        ("装修", "应巡查（户·日）", r.required_days.into()),
        ("装修", "已巡查（户·日）", r.patrolled_days.into()),
        ("拜访", "拜访轮次", c.round.clone().into()),
        ("拜访", "总户数", c.households.into()),
        ("拜访", "本轮已拜访", c.round_visited.into()),
        ("拜访", "本月已拜访", c.visited_this_month.into()),
        ("拜访", "本月目标", c.month_target.into()),
        ("拜访", "重点客户", c.key_customers.into()),
        ("拜访", "重点客户已拜访", c.key_customers_visited.into()),
    ];
    rows.into_iter()
        .map(|(part, what, value)| vec![part.into(), what.into(), value])
        .collect()
}

/// The indicator table's rows.
fn indicator_rows(indicators: &[Indicator]) -> impl Iterator<Item = Vec<Cell>> + '_ {
    indicators.iter().map(|i| {
        vec![
            i.group.into(),
            i.measure.into(),
            i.formula.into(),
            i.numerator.into(),
            i.denominator.into(),
            i.permille
                .map_or_else(|| "—".into(), |p| Cell::Percent(f64::from(p) / 1000.0)),
            i.target.into(),
            Cell::Percent(f64::from(i.target_percent) / 100.0),
            yes_no(i.met),
        ]
    })
}

fn category_rows(categories: &[CategoryCount]) -> impl Iterator<Item = Vec<Cell>> + '_ {
    categories
        .iter()
        .map(|c| vec![c.label.into(), c.received.into(), c.closed.into()])
}

fn hot_issue_rows(types: &[BusinessCount]) -> impl Iterator<Item = Vec<Cell>> + '_ {
    types
        .iter()
        .filter(|c| c.received > 0)
        .map(|c| vec![c.label.into(), c.received.into()])
}

/// A quarter's table as the headquarters reads it (004 §4.3.6 c): the indicators, the
/// categories and the hot issues of its three months added up.
pub(super) fn build_quarter(q: &QuarterStatistics) -> Result<Response, ApiError> {
    let (year, n) = q.quarter.split_once("-Q").unwrap_or((&q.quarter, ""));
    let title = |what: &str| format!("{} {year}年第{n}季度 {what}", q.scope.name);
    let months: Vec<String> = q
        .months
        .iter()
        .map(|m| format!("{}月", m.number()))
        .collect();
    let note = format!(
        "统计范围：{}；{}；截至 {}（北京时间）",
        q.scope.name,
        months.join("、"),
        local(q.as_of)
    );
    let mut book = Book::new();
    book.table(
        "指标",
        &title("客户服务季度统计"),
        &note,
        &INDICATORS,
        indicator_rows(&q.indicators),
    )?;
    book.table(
        "分类",
        &title("客户信息分类"),
        &note,
        &CATEGORIES,
        category_rows(&q.categories),
    )?;
    book.table(
        "热点问题",
        &title("投诉业务类别（热点问题）"),
        &note,
        &HOT_ISSUES,
        hot_issue_rows(&q.complaint_types),
    )?;
    let fallback = format!("statistics-{}.xlsx", q.quarter);
    book.download(&format!("{}.xlsx", title("客户服务季度统计")), &fallback)
}

/// The repairs of the month, one figure a row with its share of the repairs received,
/// then each scale's.
fn quality(q: &RepairQuality) -> Vec<Vec<Cell>> {
    let share = |n: usize, of: usize| {
        permille(n, of).map_or_else(|| "—".into(), |p| Cell::Percent(f64::from(p) / 1000.0))
    };
    let all = q.received;
    let rows: [(&str, usize, usize); 10] = [
        ("报修受理", all, all),
        ("其中：家政报修", q.household, all),
        ("其中：公共区域报修", q.public, all),
        ("10分钟内派单", q.dispatched_in_time, all),
        ("按时响应", q.responded_in_time, all),
        ("已完成", q.completed, all),
        ("按时限完成", q.completed_in_time, all),
        ("已回访", q.called_back, all),
        ("回访满意", q.satisfied, all),
        ("有超时", q.overdue, all),
    ];
    let scales = q.by_scale.iter().flat_map(|l| {
        [
            (format!("{}：受理", l.label), l.received, all),
            (
                format!("{}：按时完成", l.label),
                l.completed_in_time,
                l.received,
            ),
        ]
    });
    rows.into_iter()
        .map(|(what, n, of)| (what.to_owned(), n, of))
        .chain(scales)
        .map(|(what, n, of)| vec![what.into(), n.into(), share(n, of)])
        .collect()
}

fn item(i: &Item) -> Vec<Cell> {
    vec![
        local(i.registered_at).into(),
        i.category.label_zh().into(),
        i.place.clone().into(),
        i.description.clone().into(),
        i.status.label_zh().into(),
        i.ticket.to_string().into(),
    ]
}
