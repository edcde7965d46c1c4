//! The records behind an office report: every record of the given projects' areas and
//! the projects' calendars (their working days, rain days and complaint window), parsed
//! by the core exactly as a phone parses its area — and kept between requests
//! (`parsed.rs`): a record is read again only once a commit changed it.

use std::collections::BTreeSet;
use std::sync::Arc;

use estate_core::DocumentId;
use estate_core::problem::Problem;
use estate_core::records::any::AnyRecord;
use estate_core::rules::{Portfolio, Scope};
use estate_core::time::Month;

use super::{ApiError, scope};
use crate::api::signed::Signed;
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

/// `work` over the records of an area, a project or (neither) every area `signed` sees —
/// what a report asks for — off the async threads.
pub(super) async fn over_scope<T: Send + 'static>(
    state: &AppState,
    signed: &Signed,
    area: Option<&str>,
    project: Option<&str>,
    work: impl for<'a> FnOnce(&Portfolio<'a>, &Scope) -> T + Send + 'static,
) -> Result<T, ApiError> {
    let places = scope::places(state.store.pool()).await?;
    let covered = scope::covered(&places, signed, area, project)?;
    let records = load(state, &covered.projects).await?;
    blocking(move || {
        let all = Portfolio::new(records.iter().map(|(id, r)| (*id, &**r)));
        work(&all, &covered.scope)
    })
    .await
}

/// A month asked for (`YYYY-MM`), or why it is not one.
pub(super) fn month(text: &str) -> Result<Month, ApiError> {
    text.parse()
        .map_err(|e| ApiError::BadRequest(Problem::from(&e).message))
}
