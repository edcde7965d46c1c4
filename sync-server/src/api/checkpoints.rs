//! `GET /api/checkpoints?area=ID`: the daily patrol's QR checkpoints of an area, for the
//! office to print and put up. The core lists them from the units filed in the area's
//! index, exactly as a phone does (`Replica::checkpoints`), so the printed codes are the
//! ones the phones scan for.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::DocumentId;
use estate_core::records::index::AreaIndex;
use estate_core::records::unit;
use estate_core::rules::{Checkpoint, checkpoints};
use serde::{Deserialize, Serialize};

use super::{ApiError, portfolio, scope};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;
use crate::store;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/checkpoints", get(list))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    area: Option<String>,
    #[serde(rename = "token")]
    _token: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AreaCheckpoints {
    area_id: String,
    area_name: String,
    checkpoints: Vec<Checkpoint>,
}

#[utoipa::path(get, operation_id = "listCheckpoints", path = "/api/checkpoints", tag = "office", params(Asked), responses((status = 200, body = AreaCheckpoints), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Json<AreaCheckpoints>, ApiError> {
    let asked = super::query(asked)?;
    let area = asked
        .area
        .ok_or_else(|| ApiError::BadRequest("请指定片区：area=片区编号".into()))?;
    let places = scope::places(state.store.pool()).await?;
    // The same rule as the statistics: another's area looks missing.
    scope::covered(&places, &signed, Some(&area), None)?;
    let place = places
        .into_iter()
        .find(|p| p.id == area)
        .ok_or_else(|| ApiError::NotFound(format!("没有片区 {area}")))?;
    let index: DocumentId = place
        .index_doc
        .parse()
        .map_err(|e| ApiError::Internal(format!("area {area}'s index ID: {e}")))?;
    let chunks = state.store.load(&[index]).await?;
    let listed = portfolio::blocking(move || {
        let (id, chunks) = chunks.into_iter().next()?;
        let index = AreaIndex::from_doc(&store::assemble(id, chunks)).ok()?;
        let codes = index
            .entries
            .values()
            .filter(|e| e.kind == unit::KIND)
            .filter_map(|e| e.code.as_deref());
        Some(checkpoints(&index.area_id, codes))
    })
    .await?
    .ok_or_else(|| ApiError::Internal(format!("area {area}'s index does not read")))?;
    Ok(Json(AreaCheckpoints {
        area_id: place.id,
        area_name: place.name,
        checkpoints: listed,
    }))
}
