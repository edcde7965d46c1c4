//! Projects typed records into SQL tables in the same transaction as their chunks, so
//! office lists and statistics are plain indexed queries that never lag the sync.
//!
//! Every record gets a row in `records` (what lists filter, page and sort on, with the
//! earliest deadline still open); units, tickets, vacant inspections, renovations,
//! visits and key ledgers also get rows in their own tables; every photo and signature
//! a record refers to, a row in `attachment_refs`.

mod backfill;
mod row;

pub use backfill::backfill;

use automerge::AutoCommit;
use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use estate_core::records::inspection::Inspection;
use estate_core::records::keys::{KeyLedgerState, KeyStatus};
use estate_core::records::renovation::RenovationStatus;
use estate_core::records::ticket::TicketRecord;
use estate_core::records::{RecordError, kind_of, project};
use estate_core::rules::deadlines::{DeadlineRules, ticket_deadlines, working_days_due};
use row::Row;
use serde::Serialize;
use sqlx::Acquire;

use crate::store::Tx;

/// Why a document could not be projected. The chunks are stored regardless: a record
/// that does not parse today is kept, and shows up once it is mended.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// Projects a batch of documents under one savepoint. Should writing a row fail (a
/// record the tables cannot hold), the batch's rows are taken back and written again
/// one document at a time, so a bad record loses only its own rows — never its chunks,
/// and never the rest of the commit (PostgreSQL aborts a whole transaction on an error).
pub async fn project_all(
    tx: &mut Tx<'_>,
    docs: &[(DocumentId, &AutoCommit)],
    received_at: i64,
) -> sqlx::Result<()> {
    let mut batch = tx.begin().await?;
    let mut failed = false;
    for &(id, doc) in docs {
        match project(&mut batch, id, doc, received_at).await {
            Ok(()) => {}
            Err(ProjectionError::Record(e)) => {
                tracing::warn!(document = %id, "stored but not projected: {e}");
            }
            Err(ProjectionError::Sql(_)) => {
                failed = true;
                break;
            }
        }
    }
    if !failed {
        return batch.commit().await;
    }
    batch.rollback().await?;
    for &(id, doc) in docs {
        let mut one = tx.begin().await?;
        match project(&mut one, id, doc, received_at).await {
            Ok(()) => one.commit().await?,
            Err(e) => {
                tracing::warn!(document = %id, "stored but not projected: {e}");
                one.rollback().await?;
            }
        }
    }
    Ok(())
}

/// Upserts the SQL rows of one document, by its kind. Documents that are not records of
/// an area (area indexes, project calendars, foreign documents) are not projected.
pub async fn project(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &AutoCommit,
    received_at: i64,
) -> Result<(), ProjectionError> {
    project_since(tx, id, doc, received_at, received_at).await
}

/// [`project`] for a record first stored at `created_at` (rows written afresh for
/// records stored before their tables existed).
pub async fn project_since(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &AutoCommit,
    received_at: i64,
    created_at: i64,
) -> Result<(), ProjectionError> {
    if kind_of(doc).as_deref() == Some(project::KIND) {
        return Ok(());
    }
    let Some(record) = AnyRecord::from_doc(doc)? else {
        return Ok(());
    };
    let id = id.to_string();
    let entry = record.entry();
    Row::new("records", &["doc_id"])
        .text("doc_id", id.clone())
        .text("kind", entry.kind)
        .text("area_id", record.area().to_owned())
        .text("code", entry.code)
        .text("status", entry.status)
        .text("unit_doc", entry.unit)
        .text("month", entry.month)
        .text("date", entry.date)
        .text("category", entry.category)
        .text("title", title(&record))
        .int("due_at", earliest_open_due(&record))
        .first_int("created_at", created_at)
        .int("received_at", received_at)
        .upsert(tx)
        .await?;
    // Who may read a photo or signature follows the records that refer to it; a journal
    // only grows, so references are only ever added.
    for hash in record.content() {
        Row::new("attachment_refs", &["hash", "doc_id"])
            .text("hash", hash.to_string())
            .text("doc_id", id.clone())
            .text("area_id", record.area().to_owned())
            .upsert(tx)
            .await?;
    }
    let table = match &record {
        AnyRecord::Unit(u) => Row::new("units", &["doc_id"])
            .text("area_id", u.header.area_id.clone())
            .text("code", u.header.code.as_str().to_owned())
            .text("building", u.header.code.building().to_owned())
            .text("status", u.state.status.as_str().to_owned()),
        AnyRecord::Ticket(t) => ticket(t),
        AnyRecord::Inspection(_) => vacant_inspection(&Inspection::from_doc(doc)?),
        AnyRecord::Renovation(r) => Row::new("renovations", &["doc_id"])
            .text("area_id", r.header.area_id.clone())
            .text("unit_doc", r.header.unit.to_string())
            .text("unit_code", r.header.unit_code.as_str().to_owned())
            .text("applicant", r.header.applicant.clone())
            .text("contractor", r.header.contractor.clone())
            .text("status", r.state.status.as_str().to_owned())
            .int("applied_at", r.header.applied_at)
            .text("permit_number", r.state.permit_number.clone())
            .int("permitted_at", r.state.permitted_at)
            .int("accepted_at", r.state.accepted_at)
            .int("patrol_days", r.state.patrol_days.len() as i64),
        AnyRecord::Visit(v) => Row::new("visits", &["doc_id"])
            .text("area_id", v.header.area_id.clone())
            .text("unit_doc", v.header.unit.to_string())
            .text("unit_code", v.header.unit_code.as_str().to_owned())
            .text("method", tag(&v.header.method))
            .int("visited_at", v.header.visited_at)
            .text("visited_by", v.header.by.clone())
            .text("satisfaction", v.header.satisfaction.as_ref().map(tag))
            .int("tickets", v.state.tickets.len() as i64),
        AnyRecord::KeyLedger(l) => {
            keys(tx, &id, &l.header.area_id, &l.state, received_at).await?;
            return Ok(());
        }
        _ => return Ok(()),
    };
    table
        .text("doc_id", id)
        .int("received_at", received_at)
        .upsert(tx)
        .await?;
    Ok(())
}

fn ticket(t: &TicketRecord) -> Row {
    let (h, s) = (&t.header, &t.state);
    Row::new("tickets", &["doc_id"])
        .text("area_id", h.area_id.clone())
        .text("category", h.category.as_str().to_owned())
        .text("channel", h.channel.as_str().to_owned())
        .text("status", s.status.as_str().to_owned())
        .text("unit_doc", h.location.unit().map(|u| u.to_string()))
        .text("place", h.location.label().to_owned())
        .text("description", h.description.clone())
        .int("registered_at", h.registered_at)
        .text("registered_by", h.registered_by.clone())
        .text("assignee", s.assignee.clone())
        .int("completed_at", s.completed_at)
        .int("closed_at", s.closed_at)
        .int("reopened", i64::from(s.reopened))
        .text("satisfaction", s.satisfaction().as_ref().map(tag))
}

fn vacant_inspection(i: &Inspection) -> Row {
    Row::new("vacant_inspections", &["doc_id"])
        .text("unit_doc", i.unit.to_string())
        .text("unit_code", i.unit_code.as_str().to_owned())
        .text("area_id", i.area_id.clone())
        .text("month", i.month.to_string())
        .text("occasion", i.occasion.as_str().to_owned())
        .int("ventilated", i64::from(i.ventilated))
        .int("cleaning_arranged", i64::from(i.cleaning_arranged))
        .int("abnormal", i64::from(i.checklist.any_abnormal()))
        .text("findings", i.findings.clone())
        .text("notes", i.notes.clone())
        .text("inspector", i.inspector.clone())
        .int("inspected_at", i.inspected_at)
}

/// Replaces a key ledger's rows: one per key, with where it is now.
async fn keys(
    tx: &mut Tx<'_>,
    ledger: &str,
    area: &str,
    state: &KeyLedgerState,
    received_at: i64,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM keys WHERE ledger_doc = $1")
        .bind(ledger)
        .execute(&mut **tx)
        .await?;
    for (label, key) in &state.keys {
        let (status, borrower) = match &key.status {
            KeyStatus::InCustody => ("in_custody", None),
            KeyStatus::Lent { borrower, .. } => ("lent", Some(borrower.clone())),
            KeyStatus::LossReported => ("loss_reported", None),
            KeyStatus::Lost { .. } => ("lost", None),
            KeyStatus::HandedBack => ("handed_back", None),
        };
        Row::new("keys", &["ledger_doc", "label"])
            .text("ledger_doc", ledger.to_owned())
            .text("label", label.clone())
            .text("area_id", area.to_owned())
            .text("unit_doc", key.unit.map(|u| u.to_string()))
            .text("unit_code", key.unit_code.clone())
            .text("status", status.to_owned())
            .text("borrower", borrower)
            .int("received_at", received_at)
            .upsert(tx)
            .await?;
    }
    Ok(())
}

/// An enum's serialized name (`snake_case` in every record).
fn tag<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => other.map(|v| v.to_string()).unwrap_or_default(),
    }
}

/// A short line for lists.
fn title(record: &AnyRecord) -> String {
    match record {
        AnyRecord::Ticket(t) => t.header.description.clone(),
        AnyRecord::Renovation(r) => format!("{} {}", r.header.unit_code, r.header.plan),
        AnyRecord::Visit(v) => format!("{} {}", v.header.unit_code, v.header.notes),
        AnyRecord::KeyLedger(l) => format!("钥匙台账（{} 把）", l.state.keys.len()),
        other => other
            .entry()
            .code
            .unwrap_or_else(|| other.kind().to_owned()),
    }
}

/// The earliest deadline a record has still to meet. Computed with the default working
/// calendar: the project's own holidays and rain days are on the phones' due lists.
fn earliest_open_due(record: &AnyRecord) -> Option<i64> {
    let rules = DeadlineRules::default();
    match record {
        AnyRecord::Ticket(t) => ticket_deadlines(t, None, &rules, 0)
            .into_iter()
            .filter(|d| d.met_at.is_none())
            .filter_map(|d| d.due_at)
            .min(),
        AnyRecord::Renovation(r) if r.state.status == RenovationStatus::Applied => {
            Some(working_days_due(&rules.calendar, r.header.applied_at, 3))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_tags_are_their_serialized_names() {
        use estate_core::records::ticket::Channel;
        assert_eq!(tag(&Channel::Hotline), Channel::Hotline.as_str());
    }
}
