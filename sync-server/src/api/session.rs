//! Signing a device in, and asking whether it still is.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::ApiError;
use crate::AppState;
use crate::access::Signed;
use crate::accounts::{self, Identity, Session};

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/session", get(current))
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
    device_name: String,
    /// The device this phone signed in as before, to keep it.
    #[serde(default)]
    device: Option<String>,
}

/// `POST /api/login`: a new device session for a user with the right password.
async fn login(
    State(state): State<AppState>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<Session>, ApiError> {
    let Json(request) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "请求须为 JSON：{{\"username\", \"password\", \"device_name\"}}（{}）",
            e.body_text()
        ))
    })?;
    let session = accounts::login(
        state.store.pool(),
        request.username.trim(),
        &request.password,
        &request.device_name,
        request.device.as_deref(),
        crate::now_ms(),
        state.token_ttl_ms,
    )
    .await?;
    tracing::info!(user = %session.identity.user, device = %session.identity.device, "signed in");
    Ok(Json(session))
}

/// `GET /api/session`: who the token signs in, or 401 (with `"wipe": true` for a
/// revoked device).
async fn current(signed: Signed) -> Json<Identity> {
    Json(signed.identity)
}
