//! The monthly table as it is handed in (seed 004 §4.3.6): a project's 《月度客户信息统计
//! 分析表》 with its customer-service head's analysis and improvement measures "次月5日上报
//! 公司运营管理部/客户服务组"; the company's, with the projects' and its own indicators, hot
//! issues and weak spots, "次月10日上报总部客服管理部门". "5日" and "10日" are read as by
//! the end of that day. The headquarters' quarterly table is the headquarters' own and is
//! not made here.

use serde::{Deserialize, Serialize};

use super::deadlines::{Clock, Deadline};
use crate::time::{Month, add_days, end_of_day};

const PROJECT_RULE: &str = "《月度客户信息统计分析表》次月5日上报公司（004 §4.3.6）";
const COMPANY_RULE: &str = "《月度客户信息统计分析表》次月10日上报总部（004 §4.3.6）";

/// Whose table: a project's service centre, or the company's customer-service group.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReportLevel {
    Project,
    Company,
}

impl ReportLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportLevel::Project => "project",
            ReportLevel::Company => "company",
        }
    }

    /// The day of the next month it is due by.
    pub fn due_day(self) -> u32 {
        match self {
            ReportLevel::Project => 5,
            ReportLevel::Company => 10,
        }
    }
}

/// When the table of `month` is due, and whether it was handed in by then.
pub fn report_deadline(
    level: ReportLevel,
    month: Month,
    submitted_at: Option<i64>,
    now: i64,
) -> Deadline {
    let day = add_days(month.next().first_day(), i64::from(level.due_day()) - 1);
    let rule = match level {
        ReportLevel::Project => PROJECT_RULE,
        ReportLevel::Company => COMPANY_RULE,
    };
    Deadline::new(
        Clock::MonthlyReport,
        rule,
        Some(end_of_day(day)),
        submitted_at,
        now,
    )
}

/// What a handed-in table must say beyond its figures: the analysis and the measures,
/// and for the company's also the hot issues and weak spots. The first missing, named
/// by its field; `None` when it is complete.
pub fn missing_text(
    level: ReportLevel,
    analysis: &str,
    measures: &str,
    weak_spots: &str,
) -> Option<(&'static str, &'static str)> {
    if analysis.trim().is_empty() {
        return Some((
            "analysis",
            "请写明本月客户信息的分析（重点分析未关闭、不满意的客户信息）",
        ));
    }
    if measures.trim().is_empty() {
        return Some(("measures", "请写明改进措施"));
    }
    if level == ReportLevel::Company && weak_spots.trim().is_empty() {
        return Some(("weakSpots", "公司报表须写明薄弱环节"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::deadlines::Standing;
    use crate::rules::testing::at;

    #[test]
    fn the_project_hands_in_by_the_5th_and_the_company_by_the_10th() {
        // 004 §4.3.6: "次月5日上报公司运营管理部/客户服务组"; "次月10日上报总部客服管理部门".
        let november: Month = "2026-11".parse().expect("month");
        let check = |level, submitted: Option<&str>, now: &str, due: &str, standing| {
            let d = report_deadline(level, november, submitted.map(at), at(now));
            assert_eq!(
                (d.due_at, d.standing),
                (Some(at(due)), standing),
                "{level:?} {submitted:?} at {now}"
            );
        };
        check(
            ReportLevel::Project,
            None,
            "2026-12-05 23:59",
            "2026-12-06 00:00",
            Standing::Pending,
        );
        check(
            ReportLevel::Project,
            None,
            "2026-12-06 00:01",
            "2026-12-06 00:00",
            Standing::Overdue,
        );
        check(
            ReportLevel::Project,
            Some("2026-12-04 17:00"),
            "2026-12-20 00:00",
            "2026-12-06 00:00",
            Standing::MetOnTime,
        );
        check(
            ReportLevel::Company,
            None,
            "2026-12-08 09:00",
            "2026-12-11 00:00",
            Standing::Pending,
        );
        let december: Month = "2026-12".parse().expect("month");
        let d = report_deadline(ReportLevel::Company, december, None, at("2027-01-01 00:00"));
        assert_eq!(d.due_at, Some(at("2027-01-11 00:00")), "across the year");
    }

    #[test]
    fn a_table_says_its_analysis_and_measures_and_the_companys_its_weak_spots() {
        // 004 §4.3.6 a: "重点分析未关闭、不满意的客户信息，制定改善措施"; b: "热点问题、薄弱环节
        // 提出改进措施".
        assert_eq!(
            missing_text(ReportLevel::Project, " ", "x", "").map(|m| m.0),
            Some("analysis")
        );
        assert_eq!(
            missing_text(ReportLevel::Project, "x", "", "").map(|m| m.0),
            Some("measures")
        );
        assert_eq!(missing_text(ReportLevel::Project, "x", "y", ""), None);
        assert_eq!(
            missing_text(ReportLevel::Company, "x", "y", "").map(|m| m.0),
            Some("weakSpots")
        );
    }
}
