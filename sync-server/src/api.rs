//! JSON for the app and the office: who works where, and the synced inspections.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::AppState;
use crate::accounts::{self, AccountError, Session};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/directory", get(directory))
        .route("/api/inspections", get(inspections))
        .route("/api/health", get(|| async { "ok" }))
        .route("/api/login", post(login))
}

/// The one error type of the HTTP API: 4xx say what was wrong, 5xx say nothing internal.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::BadCredentials => ApiError::Unauthorized(e.to_string()),
            AccountError::Invalid(_) | AccountError::Exists(_) => {
                ApiError::BadRequest(e.to_string())
            }
            AccountError::Database(e) => ApiError::Database(e),
            AccountError::Hash(why) => ApiError::Internal(why),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(why) => (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "error": why })),
            )
                .into_response(),
            ApiError::Unauthorized(why) => (
                StatusCode::UNAUTHORIZED,
                Json(serde_json::json!({ "error": why })),
            )
                .into_response(),
            ApiError::Database(_) | ApiError::Internal(_) => {
                tracing::error!("{self}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(serde_json::json!({ "error": "服务器内部错误" })),
                )
                    .into_response()
            }
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AreaView {
    id: String,
    name: String,
    index_url: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HousekeeperView {
    id: String,
    name: String,
    area_id: String,
}

#[derive(Serialize)]
struct Directory {
    project: String,
    areas: Vec<AreaView>,
    housekeepers: Vec<HousekeeperView>,
}

async fn directory(State(state): State<AppState>) -> Result<Json<Directory>, ApiError> {
    let pool = state.store.pool();
    let areas = sqlx::query("SELECT id, name, project_name, index_doc FROM areas ORDER BY id")
        .fetch_all(pool)
        .await?;
    let project = areas
        .first()
        .map(|r| r.get::<String, _>(2))
        .unwrap_or_default();
    let areas = areas
        .into_iter()
        .map(|r| AreaView {
            id: r.get(0),
            name: r.get(1),
            index_url: format!("automerge:{}", r.get::<String, _>(3)),
        })
        .collect();
    let housekeepers =
        sqlx::query("SELECT id, name, area_id FROM housekeepers ORDER BY area_id, id")
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| HousekeeperView {
                id: r.get(0),
                name: r.get(1),
                area_id: r.get(2),
            })
            .collect();
    Ok(Json(Directory {
        project,
        areas,
        housekeepers,
    }))
}

#[derive(Deserialize)]
struct InspectionFilter {
    area: Option<String>,
    month: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InspectionRow {
    doc_id: String,
    unit_code: String,
    area_id: String,
    month: String,
    occasion: String,
    ventilated: bool,
    cleaning_arranged: bool,
    abnormal: bool,
    findings: String,
    notes: String,
    inspector: String,
    inspected_at: i64,
    received_at: i64,
}

async fn inspections(
    State(state): State<AppState>,
    Query(filter): Query<InspectionFilter>,
) -> Result<Json<Vec<InspectionRow>>, ApiError> {
    if let Some(month) = &filter.month {
        month
            .parse::<estate_core::time::Month>()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    let rows = sqlx::query(
        "SELECT doc_id, unit_code, area_id, month, occasion, ventilated, cleaning_arranged, abnormal, findings,
                notes, inspector, inspected_at, received_at
         FROM vacant_inspections
         WHERE ($1 IS NULL OR area_id = $1) AND ($2 IS NULL OR month = $2)
         ORDER BY received_at DESC, inspected_at DESC LIMIT 1000",
    )
    .bind(filter.area)
    .bind(filter.month)
    .fetch_all(state.store.pool())
    .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| InspectionRow {
                doc_id: r.get(0),
                unit_code: r.get(1),
                area_id: r.get(2),
                month: r.get(3),
                occasion: r.get(4),
                ventilated: r.get::<i64, _>(5) != 0,
                cleaning_arranged: r.get::<i64, _>(6) != 0,
                abnormal: r.get::<i64, _>(7) != 0,
                findings: r.get(8),
                notes: r.get(9),
                inspector: r.get(10),
                inspected_at: r.get(11),
                received_at: r.get(12),
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
    device_name: String,
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
        crate::now_ms(),
        state.token_ttl_ms,
    )
    .await?;
    tracing::info!(user = %session.identity.user, device = %session.identity.device, "signed in");
    Ok(Json(session))
}
