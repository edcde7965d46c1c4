//! The company's weekly sample of repair orders for its own telephone callbacks (seed
//! 000: "公司专人每周对各管理处维修派工单抽样20%进行电话回访"). A 管理处 is a project; a week
//! runs Monday to Sunday in the estates' zone; the orders of a week are the repairs
//! completed in it, since a callback asks about finished work. Twenty per cent of them,
//! rounded up so that a week with any repair has at least one called back; a repair of
//! the sample is done when a callback is recorded on it after the draw.

use chrono::{Datelike, NaiveDate};

use crate::time::{add_days, local_date, start_of_day};

/// "抽样20%".
pub const SAMPLE_PERCENT: usize = 20;

/// `percent` of `n`, rounded up: any population gives a sample of at least one (the
/// visits' monthly check, seed 004 §4.4.5, draws at the rate the desk chooses).
pub fn sample_of(n: usize, percent: usize) -> usize {
    (n * percent).div_ceil(100)
}

/// The Monday of the week holding `date`.
pub fn week_of(date: NaiveDate) -> NaiveDate {
    add_days(date, -i64::from(date.weekday().num_days_from_monday()))
}

/// The week holding `date`, Monday to Sunday, as `[start, end)` in ms.
pub fn week_holding(date: NaiveDate) -> (i64, i64) {
    let monday = week_of(date);
    (start_of_day(monday), start_of_day(add_days(monday, 7)))
}

/// The week starting on Monday `monday`, as `[start, end)` in ms; `None` when it is no
/// Monday.
pub fn week_bounds(monday: NaiveDate) -> Option<(i64, i64)> {
    (week_of(monday) == monday).then(|| week_holding(monday))
}

/// Whether the week starting on `monday` has begun by `now`.
pub fn week_begun(monday: NaiveDate, now: i64) -> bool {
    monday <= local_date(now)
}

/// A sampled repair is done once called back after the draw.
pub fn sample_done(drawn_at: i64, called_back_at: Option<i64>) -> bool {
    called_back_at.is_some_and(|at| at >= drawn_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{at, date};

    #[test]
    fn a_fifth_of_the_weeks_repairs_rounded_up() {
        // 000: "抽样20%". Rounded up: a week with any repair has one called back.
        for (repairs, sampled) in [
            (0, 0),
            (1, 1),
            (4, 1),
            (5, 1),
            (6, 2),
            (10, 2),
            (11, 3),
            (100, 20),
        ] {
            assert_eq!(
                sample_of(repairs, SAMPLE_PERCENT),
                sampled,
                "{repairs} repairs"
            );
        }
    }

    #[test]
    fn weeks_run_monday_to_sunday_in_shanghai() {
        assert_eq!(week_of(date("2026-12-06")), date("2026-11-30"), "a Sunday");
        assert_eq!(week_of(date("2026-11-30")), date("2026-11-30"), "a Monday");
        assert_eq!(
            week_bounds(date("2026-11-30")),
            Some((at("2026-11-30 00:00"), at("2026-12-07 00:00")))
        );
        assert_eq!(
            week_bounds(date("2026-12-01")),
            None,
            "a Tuesday is no week's start"
        );
        assert!(week_begun(date("2026-11-30"), at("2026-11-30 00:00")));
        assert!(!week_begun(date("2026-12-07"), at("2026-12-06 23:59")));
    }

    #[test]
    fn a_sampled_repair_is_done_when_called_back_after_the_draw() {
        let drawn = at("2026-12-07 09:00");
        assert!(!sample_done(drawn, None));
        assert!(
            !sample_done(drawn, Some(at("2026-12-05 10:00"))),
            "the housekeeper's, before"
        );
        assert!(sample_done(drawn, Some(at("2026-12-07 10:00"))));
    }
}
