//! The working-day calendar of a project: Monday to Friday, minus public holidays, plus
//! make-up working days (调休) on weekends. Callbacks and renovation reviews count
//! working days (seed 004 §4.4.1: "处理完成3个工作日内100%回访"; seed 001 篇3: "在3个
//! 工作日内…进行认真审查").

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::next_day;

/// Which days are working days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkCalendar {
    /// Public holidays: days off even on a weekday.
    holidays: BTreeSet<NaiveDate>,
    /// Make-up working days (调休): weekend days worked.
    workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        Self {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
        }
    }

    /// A holiday is a day off even if also listed as a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.holidays.contains(&date) {
            return false;
        }
        self.workdays.contains(&date) || !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`th working day after `date`, not counting `date` itself: "within 3 working
    /// days of completion" ends when the third working day after it ends.
    pub fn working_days_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut counted = 0;
        // A year of holidays cannot hold back more than a year; stop there regardless.
        for _ in 0..(n as usize + 1) * 400 {
            if counted == n {
                break;
            }
            day = next_day(day);
            if self.is_working_day(day) {
                counted += 1;
            }
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_date;

    fn d(text: &str) -> NaiveDate {
        parse_date(text).expect("date")
    }

    /// A National Day week as a project would configure it: 1–7 October off, Saturday
    /// 10 October worked in exchange.
    fn national_day() -> WorkCalendar {
        WorkCalendar::new(
            [
                "2026-10-01",
                "2026-10-02",
                "2026-10-05",
                "2026-10-06",
                "2026-10-07",
            ]
            .map(d),
            [d("2026-10-10")],
        )
    }

    #[test]
    fn holidays_and_make_up_days_change_what_counts() {
        let cal = national_day();
        for (day, working) in [
            ("2026-09-30", true),  // Wednesday
            ("2026-10-01", false), // holiday on a Thursday
            ("2026-10-03", false), // Saturday
            ("2026-10-08", true),  // Thursday after the week
            ("2026-10-10", true),  // make-up Saturday
            ("2026-10-11", false), // Sunday
        ] {
            assert_eq!(cal.is_working_day(d(day)), working, "{day}");
        }
    }

    #[test]
    fn three_working_days_skip_the_holiday_and_count_the_make_up_day() {
        let cal = national_day();
        let check = |from: &str, to: &str| {
            assert_eq!(cal.working_days_after(d(from), 3), d(to), "from {from}");
        };
        check("2026-09-29", "2026-10-09"); // Wed 30 Sep, then the holiday week, Thu 8, Fri 9
        check("2026-10-07", "2026-10-10"); // Thu 8, Fri 9, Sat 10 (make-up)
        check("2026-10-09", "2026-10-13"); // Sat 10 (make-up), Mon 12, Tue 13
        check("2026-11-20", "2026-11-25"); // Friday: Mon 23, Tue 24, Wed 25
    }
}
