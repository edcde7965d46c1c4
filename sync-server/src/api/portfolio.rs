//! The records behind an office report, read from the stored chunks and parsed by the
//! core exactly as a phone parses its area: every record of the given projects' areas,
//! and the projects' calendars (their working days, rain days and complaint window).

use std::collections::BTreeSet;

use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use estate_core::records::index;
use estate_core::storage::StorageKey;
use sqlx::AssertSqlSafe;

use super::ApiError;
use crate::store::{self, Store};

/// A document's stored chunks.
pub(super) type Chunks = Vec<(DocumentId, Vec<(StorageKey, Vec<u8>)>)>;

/// The chunks of every record of the areas of `projects`, and of the projects' own
/// documents, by the owner each document had when the server first saw it.
pub(super) async fn load(store: &Store, projects: &BTreeSet<String>) -> Result<Chunks, ApiError> {
    if projects.is_empty() {
        return Ok(Vec::new());
    }
    let marks = store::marks(2, projects.len());
    let sql = format!(
        "SELECT id FROM documents
         WHERE kind <> $1
           AND (project_id IN ({marks})
                OR area_id IN (SELECT id FROM areas WHERE project_id IN ({marks})))"
    );
    // Area indexes are no records; they are the largest documents of an area.
    let mut query = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).bind(index::KIND);
    for project in projects {
        query = query.bind(project.as_str());
    }
    let ids: Vec<DocumentId> = query
        .fetch_all(store.pool())
        .await?
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    Ok(store.load(&ids).await?)
}

/// Every record among `chunks`; a document that is no record, or does not read, is left
/// out (the projection logs the second kind when it is stored).
pub(super) fn parse(chunks: Chunks) -> Vec<(DocumentId, AnyRecord)> {
    chunks
        .into_iter()
        .filter_map(|(id, chunks)| {
            let doc = store::assemble(id, chunks);
            match AnyRecord::from_doc(&doc) {
                Ok(record) => record.map(|r| (id, r)),
                Err(e) => {
                    tracing::debug!(document = %id, "left out of the report: {e}");
                    None
                }
            }
        })
        .collect()
}

/// Runs CPU-bound work (parsing thousands of documents, computing over them) off the
/// async threads.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("a report's computation failed: {e}")))
}
