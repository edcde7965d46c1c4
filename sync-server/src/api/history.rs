//! `GET /api/records/{id}/history`: who changed a record and when, in server time.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::DocumentId;

use super::ApiError;
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::audit::{self, HistoryEntry};
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(history))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/records/{id}/history", get(history))
}

/// A record the caller may not see answers exactly as one that does not exist.
#[utoipa::path(get, operation_id = "recordHistory", path = "/api/records/{id}/history", tag = "records", params(("id" = String, Path, description = "记录编号")), responses((status = 200, body = Vec<HistoryEntry>), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
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
