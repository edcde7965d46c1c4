//! Calendar months (the statistics and the vacant-unit round) and half-years (the visit
//! round: every household once, 100 % coverage every half year).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::{end_of_day, local_date, start_of_day};
use crate::records::RecordError;

/// A calendar month such as `2026-11`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// The month in Asia/Shanghai at `ms`.
    pub fn at(ms: i64) -> Self {
        Self::of(local_date(ms))
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    /// Local midnight at the start of the month.
    pub fn start_ms(self) -> i64 {
        start_of_day(self.first_day())
    }

    /// Local midnight at the end of the month.
    pub fn end_ms(self) -> i64 {
        end_of_day(self.last_day())
    }

    pub fn contains(self, ms: i64) -> bool {
        (self.start_ms()..self.end_ms()).contains(&ms)
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn prev(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// Every day of the month.
    pub fn days(self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last_day();
        self.first_day().iter_days().take_while(move |d| *d <= last)
    }

    /// The half-year visit round the month belongs to.
    pub fn half_year(self) -> HalfYear {
        HalfYear {
            year: self.year,
            second: self.month > 6,
        }
    }
}

impl FromStr for Month {
    type Err = RecordError;

    fn from_str(text: &str) -> Result<Self, RecordError> {
        let invalid =
            || RecordError::invalid("month", format!("月份应为 YYYY-MM，而不是 {text:?}"));
        let (y, m) = text.split_once('-').ok_or_else(invalid)?;
        let year: i32 = y.parse().map_err(|_| invalid())?;
        let month: u32 = m.parse().map_err(|_| invalid())?;
        if y.len() != 4 || m.len() != 2 {
            return Err(invalid());
        }
        Self::new(year, month).ok_or_else(invalid)
    }
}

impl TryFrom<String> for Month {
    type Error = RecordError;

    fn try_from(text: String) -> Result<Self, RecordError> {
        text.parse()
    }
}

impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A half-year: January–June or July–December.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct HalfYear {
    year: i32,
    second: bool,
}

impl HalfYear {
    pub fn first_month(self) -> Month {
        Month {
            year: self.year,
            month: if self.second { 7 } else { 1 },
        }
    }

    pub fn months(self) -> impl Iterator<Item = Month> {
        let first = self.first_month();
        (0..6).scan(first, |m, _| {
            let this = *m;
            *m = m.next();
            Some(this)
        })
    }

    pub fn contains(self, ms: i64) -> bool {
        Month::at(ms).half_year() == self
    }

    /// Months of the round from `month` to its end, `month` included.
    pub fn months_left(self, month: Month) -> u32 {
        self.months().filter(|m| *m >= month).count() as u32
    }
}

impl fmt::Display for HalfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-H{}", self.year, if self.second { 2 } else { 1 })
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
        let november: Month = "2026-11".parse().expect("month");
        assert_eq!(november.start_ms(), midnight);
        assert_eq!(november.days().count(), 30);
        assert_eq!(november.prev().end_ms(), midnight);
    }

    #[test]
    fn parses_only_well_formed_months() {
        assert_eq!(
            "2026-03".parse::<Month>().map(|m| m.to_string()).ok(),
            Some("2026-03".into())
        );
        for bad in ["2026-13", "2026-3", "26-03", "2026/03", "", "2026-00"] {
            assert!(bad.parse::<Month>().is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn half_years_are_the_visit_rounds() {
        let oct: Month = "2026-10".parse().expect("month");
        let round = oct.half_year();
        assert_eq!(round.to_string(), "2026-H2");
        assert_eq!(round.first_month().to_string(), "2026-07");
        assert_eq!(round.months_left(oct), 3, "October, November, December");
        assert_eq!(
            round.months().last().map(|m| m.to_string()),
            Some("2026-12".into())
        );
    }
}
