//! What load balancers and monitoring ask: `/healthz` (the process answers), `/readyz`
//! (the database answers, the hub is not waiting for it, the server is not stopping)
//! and `/metrics` (Prometheus).

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

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

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}
