//! What load balancers and monitoring ask: `/healthz` (the process answers), `/readyz`
//! (the database answers, the hub is not waiting for it, the server is not stopping)
//! and `/metrics` (Prometheus).

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
}

async fn ready(State(state): State<AppState>) -> impl IntoResponse {
    if *state.shutdown.borrow() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    if !state.hub.is_running() {
        return (StatusCode::SERVICE_UNAVAILABLE, "sync hub stopped");
    }
    if state.metrics.storage_waiting.get() > 0 {
        return (StatusCode::SERVICE_UNAVAILABLE, "waiting for the database");
    }
    match sqlx::query("SELECT 1").execute(state.store.pool()).await {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!("readiness: database unreachable: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// The counters, for a monitoring system on this machine or one that holds the
/// `--metrics-token`: they say how busy the server is and who is connected.
async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().is_loopback());
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::api::signed::bearer);
    let allowed = match (&state.metrics_token, presented) {
        (Some(token), Some(presented)) => presented.as_bytes() == token.as_bytes(),
        (Some(_), None) => false,
        (None, _) => local,
    };
    if !allowed {
        let why = match state.metrics_token {
            Some(_) => "metrics need the bearer token set with --metrics-token",
            None => {
                "metrics are served to this machine only; set --metrics-token to read them from elsewhere"
            }
        };
        return (StatusCode::UNAUTHORIZED, why).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}
