//! Calendar months and the local time of the estates (Asia/Shanghai, UTC+8, no daylight
//! saving), so a phone and the server agree on "this month" whatever their own zone is.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset};

use super::RecordError;

const SHANGHAI_OFFSET_SECS: i32 = 8 * 3600;

/// A calendar month such as `2026-11`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    /// The month in Asia/Shanghai at `now_ms` (milliseconds since the Unix epoch).
    pub fn at(now_ms: i64) -> Self {
        let local = local_time(now_ms);
        Self {
            year: local.year(),
            month: local.month(),
        }
    }
}

/// The wall-clock time in Asia/Shanghai at `now_ms`.
pub fn local_time(now_ms: i64) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(SHANGHAI_OFFSET_SECS).expect("a valid fixed offset");
    DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&offset)
}

impl FromStr for Month {
    type Err = RecordError;

    fn from_str(text: &str) -> Result<Self, RecordError> {
        let invalid = || RecordError::Invalid {
            field: "month",
            reason: format!("expected YYYY-MM, got {text:?}"),
        };
        let (y, m) = text.split_once('-').ok_or_else(invalid)?;
        let year: i32 = y.parse().map_err(|_| invalid())?;
        let month: u32 = m.parse().map_err(|_| invalid())?;
        if y.len() != 4 || m.len() != 2 || !(1..=12).contains(&month) {
            return Err(invalid());
        }
        Ok(Self { year, month })
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_follows_shanghai_midnight() {
        // 2026-10-31T16:00:00Z is 2026-11-01 00:00 in Shanghai.
        let midnight = 1_793_462_400_000;
        assert_eq!(Month::at(midnight).to_string(), "2026-11");
        assert_eq!(Month::at(midnight - 1).to_string(), "2026-10");
    }

    #[test]
    fn parses_only_well_formed_months() {
        assert_eq!(
            "2026-03".parse::<Month>().map(|m| m.to_string()).ok(),
            Some("2026-03".into())
        );
        for bad in ["2026-13", "2026-3", "26-03", "2026/03", ""] {
            assert!(bad.parse::<Month>().is_err(), "{bad} must be refused");
        }
    }
}
