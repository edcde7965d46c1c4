//! `GET /api/admin/devices` and `POST /api/admin/devices/{id}/revoke`: the devices users
//! signed in on, and cutting one off, as `device list|revoke` do. A revoked device's
//! next request is answered 401 with `"wipe": true`, and its open connections end within
//! 10 s.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::Admin;
use crate::accounts::{self, Device};
use crate::api::ApiError;
use crate::api::ErrorBody;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, revoke))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/devices", get(list))
        .route("/api/admin/devices/{id}/revoke", post(revoke))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    /// Only this user's devices.
    user: Option<String>,
    #[serde(rename = "token")]
    _token: Option<String>,
}

/// Every device, or one user's, newest first.
#[utoipa::path(get, operation_id = "listDevices", path = "/api/admin/devices", tag = "admin", params(Asked), responses((status = 200, body = Vec<Device>), (status = 403, description = "仅管理员", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    _: Admin,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Json<Vec<Device>>, ApiError> {
    let asked = crate::api::query(asked)?;
    Ok(Json(
        accounts::devices(state.store.pool(), asked.user.as_deref()).await?,
    ))
}

/// The device as it stands after; 404 for no such device, 409 for one revoked already.
#[utoipa::path(post, operation_id = "revokeDevice", path = "/api/admin/devices/{id}/revoke", tag = "admin", params(("id" = String, Path)), responses((status = 200, body = Device), (status = 403, description = "仅管理员", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn revoke(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> Result<Json<Device>, ApiError> {
    let pool = state.store.pool();
    let revoked = accounts::revoke_device(pool, &id, crate::clock::now_ms()).await?;
    let device = accounts::devices(pool, None)
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("没有设备 {id}")))?;
    if !revoked {
        return Err(ApiError::Conflict(format!("设备 {id} 已经停用")));
    }
    tracing::info!(admin = %admin.identity.user, device = %id, user = %device.user, "device revoked");
    Ok(Json(device))
}
