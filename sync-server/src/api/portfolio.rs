//! The records behind an office report: every record of the given projects' areas and
//! the projects' calendars (their working days, rain days and complaint window), parsed
//! by the core exactly as a phone parses its area — and kept between requests
//! (`parsed.rs`): a record is read again only once it was stored again.

use std::collections::BTreeSet;
use std::sync::Arc;

use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;
use sqlx::AssertSqlSafe;

use super::ApiError;
use crate::state::AppState;
use crate::store;

/// Every record of the areas of `projects`, and the projects' own documents, each with
/// the time the server last stored it.
pub(super) async fn load(
    state: &AppState,
    projects: &BTreeSet<String>,
) -> Result<Vec<(DocumentId, Arc<AnyRecord>)>, ApiError> {
    if projects.is_empty() {
        return Ok(Vec::new());
    }
    let areas = format!(
        "SELECT id FROM areas WHERE project_id IN ({})",
        store::marks(1, projects.len())
    );
    let sql = format!(
        "SELECT doc_id, received_at FROM records WHERE area_id IN ({areas})
         UNION
         SELECT project_doc, received_at FROM project_calendars WHERE area_id IN ({areas})"
    );
    let mut query = sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(sql));
    for project in projects {
        query = query.bind(project.as_str());
    }
    let wanted: Vec<(DocumentId, i64)> = query
        .fetch_all(state.store.pool())
        .await?
        .into_iter()
        .filter_map(|(id, at)| Some((id.parse().ok()?, at)))
        .collect();
    state
        .parsed
        .get(&state.store, &wanted)
        .await
        .map_err(|e| ApiError::Internal(format!("reading the records of a report: {e:#}")))
}

/// Runs CPU-bound work (computing over thousands of records) off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("a report's computation failed: {e}")))
}
