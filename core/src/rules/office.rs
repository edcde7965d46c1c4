//! A record's office rows as the server writes them: the `records` row every record has
//! (what the office's lists filter, page and sort on, with the earliest deadline still
//! open under its project's own calendar and rain days) and the rows of its kind's own
//! table. The server writes exactly these; it reads no record itself.

use super::clocks::record_clocks;
use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::office::OfficeRow;

/// Everything the office keeps of one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeRows {
    /// The `records` row; none for a project's calendar, which is no area's record.
    pub record: Option<OfficeRow>,
    /// The kind's own rows (`units`, `tickets`, a ledger's `keys`, a calendar's areas…).
    pub tables: Vec<OfficeRow>,
    /// Tables whose rows of this record are replaced whole, with the column naming it.
    pub owns: &'static [(&'static str, &'static str)],
}

/// The office rows of record `id`, its clocks run under `calendar` (the project record
/// of its area, when there is one: holidays, make-up days and rain days move deadlines).
pub fn office_rows(
    id: DocumentId,
    record: &AnyRecord,
    calendar: Option<(DocumentId, &AnyRecord)>,
) -> OfficeRows {
    let record_row = match record {
        AnyRecord::Project(_) => None,
        _ => Some(records_row(id, record, calendar)),
    };
    OfficeRows {
        record: record_row,
        tables: record.office_rows(id),
        owns: record.office_owns(),
    }
}

fn records_row(
    id: DocumentId,
    record: &AnyRecord,
    calendar: Option<(DocumentId, &AnyRecord)>,
) -> OfficeRow {
    let portfolio = Portfolio::new(std::iter::once((id, record)).chain(calendar));
    // Deadlines fall where the calendar puts them whatever the hour; only whether one is
    // past depends on `now`, and lists ask that of `due_at` when they are read.
    let clocks: Vec<_> = record_clocks(&portfolio, id, 0)
        .into_iter()
        .filter(|d| !d.clock.daily() && d.met_at.is_none())
        .collect();
    // The clock due first; failing one with a date, the clock it waits on (a leak's
    // callback waiting for rain), so lists can still say which.
    let first = clocks
        .iter()
        .filter(|d| d.due_at.is_some())
        .min_by_key(|d| d.due_at)
        .or(clocks.first());
    let entry = record.entry();
    OfficeRow::new("records", &["doc_id"])
        .text("doc_id", id.to_string())
        .text("kind", entry.kind)
        .text("area_id", record.area().to_owned())
        .text("code", entry.code)
        .text("status", entry.status)
        .text("unit_doc", entry.unit)
        .text("month", entry.month)
        .text("date", entry.date)
        .text("category", entry.category)
        .text("title", record.title())
        .int("due_at", first.and_then(|d| d.due_at))
        // Which clock that deadline is (`dispatch`, `callback`, …).
        .text("due_clock", first.map(|d| d.clock.as_str().to_owned()))
        // That deadline is a time agreed with the customer (seed 004 §4.4.2).
        .flag("due_agreed", first.is_some_and(|d| d.agreed))
        // A clock still to be met, even one whose deadline is not set yet (a leak's
        // callback waits for the first rain): a change of calendar may move it.
        .flag("open_clocks", !clocks.is_empty())
        // Every clock still to be met, space-delimited (` callback contact_record `), so a
        // list can ask for the records waiting on one whichever is due first.
        .text(
            "waiting_on",
            (!clocks.is_empty()).then(|| {
                let names: Vec<&str> = clocks.iter().map(|d| d.clock.as_str()).collect();
                format!(" {} ", names.join(" "))
            }),
        )
}

#[cfg(test)]
mod tests;
