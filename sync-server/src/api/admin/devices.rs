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
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/devices", get(list))
        .route("/api/admin/devices/{id}/revoke", post(revoke))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Asked {
    /// Only this user's devices.
    user: Option<String>,
    #[serde(rename = "token")]
    _token: Option<String>,
}

/// Every device, or one user's, newest first.
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
