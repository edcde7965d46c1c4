//! The records behind an office report: every record of the given projects' areas and
//! the projects' calendars (their working days, rain days and complaint window), parsed
//! by the core exactly as a phone parses its area — and kept between requests
//! (`parsed.rs`): a record is read again only once a commit changed it.

use std::collections::BTreeSet;
use std::sync::Arc;

use estate_core::DocumentId;
use estate_core::records::any::AnyRecord;

use super::ApiError;
use crate::state::AppState;

/// Every record of the areas of `projects`, and the projects' calendars, as they now
/// stand.
pub(super) async fn load(
    state: &AppState,
    projects: &BTreeSet<String>,
) -> Result<Vec<(DocumentId, Arc<AnyRecord>)>, ApiError> {
    state
        .parsed
        .of_projects(&state.store, projects)
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
