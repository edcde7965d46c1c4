//! The quarterly table (seed 004 §4.3.6 c: "总部客户服务管理部门按月度和季度输出《月度客户
//! 信息统计分析表》"): the quarter's three months added up — each category's tickets, each
//! indicator's numerator and denominator (its rate and target judged again on the sums),
//! the complaints by business type. Visit coverage runs over the half-year round, so the
//! quarter reads it as its last month does.

use serde::Serialize;

use super::{BusinessCount, CategoryCount, Indicator, monthly_statistics};
use crate::records::RecordError;
use crate::rules::portfolio::{Portfolio, Scope};
use crate::time::Month;

/// Indicators counted over the half-year round, not month by month.
const CUMULATIVE: [&str; 1] = ["visit_coverage"];

/// A quarter's table.
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuarterStatistics {
    pub scope: Scope,
    /// `2026-Q4`.
    pub quarter: String,
    pub months: Vec<Month>,
    pub as_of: i64,
    pub categories: Vec<CategoryCount>,
    pub indicators: Vec<Indicator>,
    pub complaint_types: Vec<BusinessCount>,
}

/// The first month of the quarter `text` (`YYYY-Qn`), or why it is not one.
pub fn quarter_start(text: &str) -> Result<Month, RecordError> {
    let invalid = || {
        RecordError::invalid(
            "quarter",
            format!("季度应为 YYYY-Qn，如 2026-Q4，而不是 {text:?}"),
        )
    };
    let (year, q) = text.split_once("-Q").ok_or_else(invalid)?;
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let q: u32 = q.parse().map_err(|_| invalid())?;
    if !(1..=4).contains(&q) {
        return Err(invalid());
    }
    Month::new(year, q * 3 - 2).ok_or_else(invalid)
}

/// The quarter starting at `first` for `scope`, as of `now`.
pub fn quarterly_statistics(
    p: &Portfolio<'_>,
    scope: &Scope,
    first: Month,
    now: i64,
) -> QuarterStatistics {
    let months = [first, first.next(), first.next().next()];
    let each: Vec<_> = months
        .iter()
        .map(|m| monthly_statistics(p, scope, *m, now))
        .collect();
    let mut categories = each[0].categories.clone();
    let mut complaint_types = each[0].complaint_types.clone();
    for s in &each[1..] {
        for (sum, c) in categories.iter_mut().zip(&s.categories) {
            sum.received += c.received;
            sum.closed += c.closed;
        }
        for c in &s.complaint_types {
            match complaint_types
                .iter_mut()
                .find(|t| t.business == c.business)
            {
                Some(sum) => sum.received += c.received,
                None => complaint_types.push(c.clone()),
            }
        }
    }
    complaint_types.sort_by_key(|c| std::cmp::Reverse(c.received));
    let indicators = each[0]
        .indicators
        .iter()
        .map(|first| {
            let parts: Vec<&Indicator> = each
                .iter()
                .filter_map(|s| s.indicators.iter().find(|i| i.key == first.key))
                .collect();
            if CUMULATIVE.contains(&first.key) {
                return (*parts.last().unwrap_or(&first)).clone();
            }
            Indicator::with(
                first,
                parts.iter().map(|i| i.numerator).sum(),
                parts.iter().map(|i| i.denominator).sum(),
            )
        })
        .collect();
    let q = first.number().div_ceil(3);
    QuarterStatistics {
        scope: scope.clone(),
        quarter: format!("{}-Q{q}", first.year()),
        months: months.to_vec(),
        as_of: now,
        categories,
        indicators,
        complaint_types,
    }
}
