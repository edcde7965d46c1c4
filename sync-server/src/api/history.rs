//! `GET /api/records/{id}/history`: who changed a record and when, in server time.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::DocumentId;

use super::ApiError;
use crate::api::signed::Signed;
use crate::audit::{self, HistoryEntry};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/records/{id}/history", get(history))
}

/// A record the caller may not see answers exactly as one that does not exist.
async fn history(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let id = id
        .trim_start_matches("automerge:")
        .parse::<DocumentId>()
        .map_err(|e| ApiError::BadRequest(format!("记录编号无效：{e}")))?
        .to_string();
    let pool = state.store.pool();
    match audit::owner_of(pool, &id).await? {
        Some(owner) if signed.may_read(owner.as_ref()) => {
            Ok(Json(audit::history(pool, &id).await?))
        }
        _ => Err(ApiError::NotFound("记录不存在".into())),
    }
}
