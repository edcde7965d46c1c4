//! The rules of the job, over parsed records: deadlines, major complaints and customer
//! events, what a housekeeper has due, and the monthly statistics. Pure functions of the
//! records, the project's calendar and `now`, so the phone (WASM) and the server compute
//! the same answers.
//!
//! Layout:
//! - [`portfolio`] — the records of some areas, with their project's rules;
//! - [`deadlines`] — every clock of the procedures, quoting its seed;
//! - [`clocks`] — every clock of one record at `now`, for its view and for due work;
//! - [`complaints`] — group complaints, major complaints, major customer events;
//! - [`vacant`], [`renovations`], [`visits`] — the monthly vacant round, the daily
//!   renovation patrol, visit coverage;
//! - [`checkpoints`] — the places of the daily public-area patrol, each with a QR code;
//! - [`due`] — a housekeeper's due work at `now`;
//! - [`statistics`] — the monthly customer-information statistics.

pub mod checkpoints;
pub mod clocks;
pub mod complaints;
pub mod deadlines;
pub mod due;
pub mod duty;
pub mod fees;
pub mod festival;
pub mod meetings;
pub mod office;
pub mod portfolio;
pub mod referrals;
pub mod renovations;
pub mod reports;
pub mod sampling;
pub mod statistics;
pub mod supervision;
pub mod surveys;
pub mod vacant;
pub mod visits;

pub use checkpoints::{Checkpoint, checkpoints};
pub use clocks::record_clocks;
pub use due::{DueWork, due_work};
pub use portfolio::{Portfolio, Scope};
pub use statistics::{MonthlyStatistics, monthly_statistics};

#[cfg(test)]
pub(crate) mod testing;
