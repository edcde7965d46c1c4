//! Time as the estates live it: local time in Asia/Shanghai (UTC+8, no daylight saving),
//! calendar days and months, half-year visit rounds, and the working-day calendar with
//! public holidays and make-up working days (调休). Phones and the server agree on
//! "today", "this month" and "3 working days" whatever their own zone is.
//!
//! Times are milliseconds since the Unix epoch, always passed in by the host.

mod calendar;
mod month;

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};

pub use calendar::WorkCalendar;
pub use month::{HalfYear, Month};

const SHANGHAI_OFFSET_SECS: i32 = 8 * 3600;
pub const MINUTE_MS: i64 = 60_000;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;

fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(SHANGHAI_OFFSET_SECS).expect("a valid fixed offset")
}

/// The wall-clock time in Asia/Shanghai at `ms`.
pub fn local_time(ms: i64) -> DateTime<FixedOffset> {
    DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(&shanghai())
}

/// The local date at `ms`.
pub fn local_date(ms: i64) -> NaiveDate {
    local_time(ms).date_naive()
}

/// The instant of a local wall-clock time on a date.
pub fn at_local(date: NaiveDate, hour: u32, minute: u32) -> i64 {
    let time = NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_default();
    shanghai()
        .from_local_datetime(&date.and_time(time))
        .single()
        .map_or(0, |t| t.timestamp_millis())
}

/// Local midnight at the start of `date`.
pub fn start_of_day(date: NaiveDate) -> i64 {
    at_local(date, 0, 0)
}

/// Local midnight at the end of `date` ("the same day" ends here).
pub fn end_of_day(date: NaiveDate) -> i64 {
    start_of_day(next_day(date))
}

pub fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

/// `date` plus `days` calendar days.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    date.checked_add_signed(Duration::days(days))
        .unwrap_or(date)
}

/// The same day of the next month, or the month's last day when it is shorter
/// ("a month later" for 31 January is 28 or 29 February).
pub fn one_month_after(ms: i64) -> i64 {
    let local = local_time(ms);
    let date = local.date_naive();
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    let last = Month::new(y, m).map_or(28, |month| month.last_day().day());
    let target = NaiveDate::from_ymd_opt(y, m, date.day().min(last)).unwrap_or(date);
    start_of_day(target) + (ms - start_of_day(date))
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        parse_date(text).expect("date")
    }

    #[test]
    fn days_follow_shanghai_midnight() {
        let midnight = at_local(date("2026-11-01"), 0, 0);
        assert_eq!(midnight, 1_793_462_400_000, "2026-10-31T16:00Z");
        assert_eq!(local_date(midnight), date("2026-11-01"));
        assert_eq!(local_date(midnight - 1), date("2026-10-31"));
        assert_eq!(end_of_day(date("2026-10-31")), midnight);
    }

    #[test]
    fn a_month_later_keeps_the_day_or_takes_the_last() {
        let check = |from: &str, to: &str| {
            let at = at_local(date(from), 10, 30);
            assert_eq!(one_month_after(at), at_local(date(to), 10, 30), "{from}");
        };
        check("2026-10-15", "2026-11-15");
        check("2026-01-31", "2026-02-28");
        check("2028-01-31", "2028-02-29");
        check("2026-12-20", "2027-01-20");
    }
}
