//! Writes the office rows of every record in the same transaction as its chunks, so
//! office lists are plain indexed queries that never lag the sync. What the rows say is
//! the core's (`rules::office`): this loop only writes them.
//!
//! Every record gets a row in `records` (what lists filter, page and sort on, with the
//! earliest deadline still open under its project's calendar) and its kind's own rows;
//! every photo and signature a record refers to, a row in `attachment_refs`. A project's
//! calendar names its areas in `project_calendars`; when it changes, the records of
//! those areas with a deadline still to meet are projected again.

mod backfill;
mod row;

pub use backfill::backfill;

use std::collections::HashMap;

use automerge::AutoCommit;
use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use estate_core::records::office::OfficeRow;
use estate_core::rules::office::office_rows;
use row::Row;
use sqlx::{Acquire, AssertSqlSafe};

use crate::store::{self, Tx};
use crate::stored;

/// Why a document could not be projected. The chunks are stored regardless: a record
/// that does not parse today is kept, and shows up once it is mended.
pub type ProjectionError = stored::ReadError;

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
    let mut calendars = Calendars::default();
    for &(id, doc) in docs {
        match project_since(
            &mut batch,
            id,
            doc,
            received_at,
            received_at,
            &mut calendars,
        )
        .await
        {
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
    // What was read inside the rolled-back savepoint may not stand.
    let mut calendars = Calendars::default();
    for &(id, doc) in docs {
        let mut one = tx.begin().await?;
        match project_since(&mut one, id, doc, received_at, received_at, &mut calendars).await {
            Ok(()) => one.commit().await?,
            Err(e) => {
                tracing::warn!(document = %id, "stored but not projected: {e}");
                one.rollback().await?;
            }
        }
    }
    Ok(())
}

/// Writes the office rows of one document, a record first stored at `created_at` and
/// last at `received_at`; documents that are not records (area indexes, foreign
/// documents) have none. `calendars` holds the project calendars read so far.
pub async fn project_since(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &AutoCommit,
    received_at: i64,
    created_at: i64,
    calendars: &mut Calendars,
) -> Result<(), ProjectionError> {
    let Some(record) = AnyRecord::from_doc(doc)? else {
        return Ok(());
    };
    write(tx, id, &record, received_at, created_at, calendars).await?;
    if let AnyRecord::Project(calendar) = &record {
        // Whatever was read of the calendars may be this one as it was.
        calendars.held.clear();
        reproject_open(tx, &calendar.header.areas, calendars).await?;
    }
    Ok(())
}

/// The project calendar of each area, read once per batch of documents (every record of
/// an area runs its clocks under the same one).
#[derive(Debug, Default)]
pub struct Calendars {
    held: HashMap<String, Option<(DocumentId, AnyRecord)>>,
}

impl Calendars {
    async fn of(
        &mut self,
        tx: &mut Tx<'_>,
        area: &str,
    ) -> Result<Option<(DocumentId, &AnyRecord)>, ProjectionError> {
        if !self.held.contains_key(area) {
            let calendar = stored::calendar_of(tx, area).await?;
            self.held.insert(area.to_owned(), calendar);
        }
        Ok(self
            .held
            .get(area)
            .and_then(Option::as_ref)
            .map(|(id, r)| (*id, r)))
    }
}

/// Writes what the core makes of one record: its rows, under its area's calendar, and
/// who may read the photos and signatures it refers to.
async fn write(
    tx: &mut Tx<'_>,
    id: DocumentId,
    record: &AnyRecord,
    received_at: i64,
    created_at: i64,
    calendars: &mut Calendars,
) -> Result<(), ProjectionError> {
    let calendar = calendars.of(tx, record.area()).await?;
    let rows = office_rows(id, record, calendar);
    let doc_id = id.to_string();
    for (table, column) in rows.owns {
        row::clear(tx, table, column, &doc_id).await?;
    }
    if let Some(records) = rows.record {
        Row::new(records)
            .first_int("created_at", created_at)
            .int("received_at", received_at)
            .upsert(tx)
            .await?;
    }
    for table in rows.tables {
        Row::new(table)
            .int("received_at", received_at)
            .upsert(tx)
            .await?;
    }
    // Who may read a photo or signature follows the records that refer to it; a journal
    // only grows, so references are only ever added.
    for hash in record.content() {
        let reference = OfficeRow::new("attachment_refs", &["hash", "doc_id"])
            .text("hash", hash.to_string())
            .text("doc_id", doc_id.clone())
            .text("area_id", record.area().to_owned());
        Row::new(reference).upsert(tx).await?;
    }
    Ok(())
}

/// Projects again the records of `areas` with a deadline still to meet, after their
/// calendar changed: a holiday or a rain day moves their deadlines. Each keeps the time
/// the server last stored it.
async fn reproject_open(
    tx: &mut Tx<'_>,
    areas: &[String],
    calendars: &mut Calendars,
) -> Result<(), ProjectionError> {
    if areas.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT doc_id, received_at, created_at FROM records
         WHERE open_clocks = 1 AND area_id IN ({})",
        store::marks(1, areas.len())
    );
    let mut query = sqlx::query_as::<_, (String, i64, i64)>(AssertSqlSafe(sql));
    for area in areas {
        query = query.bind(area);
    }
    let open: HashMap<DocumentId, (i64, i64)> = query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .filter_map(|(id, received, created)| Some((id.parse().ok()?, (received, created))))
        .collect();
    let ids: Vec<DocumentId> = open.keys().copied().collect();
    for (id, chunks) in store::load_in(tx, &ids).await? {
        let Some(record) = AnyRecord::from_doc(&store::assemble(id, chunks))? else {
            continue;
        };
        let (received, created) = open[&id];
        write(tx, id, &record, received, created, calendars).await?;
    }
    Ok(())
}
