//! Signing a device in, and asking whether it still is.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, State};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Deserialize;

use super::ApiError;
use crate::accounts::{self, AccountError, Identity, Session};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(login, current, ticket))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/session", get(current))
        .route("/api/sync-ticket", post(ticket))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct LoginRequest {
    username: String,
    password: String,
    device_name: String,
    /// The device this phone signed in as before, to keep it.
    #[serde(default)]
    device: Option<String>,
}

/// `POST /api/login`: a new device session for a user with the right password. Repeated
/// wrong passwords lock the account and the address for a while (`throttle.rs`).
#[utoipa::path(post, operation_id = "login", path = "/api/login", tag = "session", request_body = LoginRequest, responses((status = 200, body = Session), (status = 401, body = ErrorBody), (status = 429, description = "登录失败过多，稍后再试", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<Session>, ApiError> {
    let Json(request) = body.map_err(|e| {
        ApiError::BadRequest(format!(
            "请求须为 JSON：{{\"username\", \"password\", \"device_name\"}}（{}）",
            e.body_text()
        ))
    })?;
    let address = peer.map(|Extension(ConnectInfo(peer))| peer.ip());
    let username = request.username.trim();
    let now = crate::clock::now_ms();
    if let Some(wait_ms) = state.sign_ins.wait_ms(username, address, now) {
        return Err(ApiError::TooManyAttempts {
            retry_after_secs: (wait_ms + 999) / 1_000,
        });
    }
    let session = match accounts::login(
        state.store.pool(),
        username,
        &request.password,
        &request.device_name,
        request.device.as_deref(),
        now,
        state.token_ttl_ms,
    )
    .await
    {
        Err(AccountError::BadCredentials) => {
            state.sign_ins.failed(username, address, now);
            tracing::info!(user = %username, ?address, "wrong password");
            return Err(AccountError::BadCredentials.into());
        }
        result => result?,
    };
    state.sign_ins.succeeded(username);
    tracing::info!(user = %session.identity.user, device = %session.identity.device, "signed in");
    Ok(Json(session))
}

/// `GET /api/session`: who the token signs in, or 401 (with `"wipe": true` for a
/// revoked device).
#[utoipa::path(get, operation_id = "currentSession", path = "/api/session", tag = "session", responses((status = 200, body = Identity), (status = 401, description = "未登录；停用的设备带 wipe", body = ErrorBody)))]
async fn current(signed: Signed) -> Json<Identity> {
    Json(signed.identity)
}

/// A one-time ticket for opening the sync WebSocket.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Ticket {
    ticket: String,
    expires_in_secs: i64,
}

/// `POST /api/sync-ticket`: a ticket that opens `/sync?ticket=…` once, within 30 s, so
/// the device's token never travels in a URL.
#[utoipa::path(post, operation_id = "syncTicket", path = "/api/sync-ticket", tag = "session", responses((status = 200, body = Ticket), (status = 401, body = ErrorBody)))]
async fn ticket(State(state): State<AppState>, signed: Signed) -> Result<Json<Ticket>, ApiError> {
    let ticket = accounts::tickets::issue(
        state.store.pool(),
        &signed.identity.device,
        crate::clock::now_ms(),
    )
    .await?;
    Ok(Json(Ticket {
        ticket,
        expires_in_secs: accounts::tickets::TICKET_TTL_MS / 1_000,
    }))
}
