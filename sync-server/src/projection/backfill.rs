//! Rows for records stored before their tables existed (a database from an older
//! version): written once, at start, when the `records` table is empty but documents
//! are not.

use estate_core::DocumentId;

use super::{Calendars, project_since};
use crate::store::{self, Store};

/// Documents read and projected per transaction.
const BATCH: usize = 500;

/// Projects every stored document if nothing is projected yet; returns how many.
pub async fn backfill(store: &Store, now: i64) -> anyhow::Result<usize> {
    let pool = store.pool();
    let projected: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM records")
        .fetch_one(pool)
        .await?;
    if projected > 0 {
        return Ok(0);
    }
    // Calendars first, so every record's deadlines run under its own.
    let documents: Vec<(String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT DISTINCT c.doc_id, d.first_seen_at,
                CASE WHEN d.kind = 'project' THEN 0 ELSE 1 END AS not_calendar
         FROM chunks c LEFT JOIN documents d ON d.id = c.doc_id
         ORDER BY not_calendar, c.doc_id",
    )
    .fetch_all(pool)
    .await?;
    if documents.is_empty() {
        return Ok(0);
    }
    tracing::info!(
        "writing the office tables for {} stored documents",
        documents.len()
    );
    let mut done = 0;
    let mut calendars = Calendars::default();
    for batch in documents.chunks(BATCH) {
        let first_seen: std::collections::HashMap<DocumentId, i64> = batch
            .iter()
            .filter_map(|(id, first, _)| Some((id.parse().ok()?, first.unwrap_or(now))))
            .collect();
        let only: Vec<DocumentId> = first_seen.keys().copied().collect();
        let loaded = store.load(&only).await?;
        let mut tx = store.begin().await?;
        for (id, chunks) in loaded {
            let doc = store::assemble(id, chunks);
            let created = first_seen.get(&id).copied().unwrap_or(now);
            let mut one = sqlx::Acquire::begin(&mut tx).await?;
            match project_since(&mut one, id, &doc, now, created, &mut calendars).await {
                Ok(()) => one.commit().await?,
                Err(e) => {
                    tracing::warn!(document = %id, "stored but not projected: {e}");
                    one.rollback().await?;
                }
            }
            done += 1;
        }
        tx.commit().await?;
        tracing::info!("office tables: {done} of {} documents", documents.len());
    }
    Ok(done)
}
