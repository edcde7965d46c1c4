//! JSON for the app and the office. Every route but sign-in needs a device's bearer
//! token and answers only with what that user may see.
//!
//! - [`signed`] — signing requests in (bearer token, `?token=`, one-time sync ticket);
//! - [`session`] — `POST /api/login`, `GET /api/session`;
//! - [`office`] — who works where, the synced inspections;
//! - [`history`] — a record's trusted history;
//! - [`lists`] — office lists of every record kind, filtered and paged;
//! - [`statistics`] — `GET /api/statistics` and `GET /api/statistics.xlsx`: the monthly
//!   statistics of an area, a project or every area the caller sees, as JSON or a workbook;
//! - [`records_xlsx`] — `GET /api/records.xlsx`: every record a list filter matches, as a
//!   workbook;
//! - [`checkpoints`] — `GET /api/checkpoints`: an area's patrol checkpoints, for printing;
//! - [`admin`] — administrators only: `GET`/`POST /api/admin/users`,
//!   `PUT /api/admin/users/{id}`, `GET /api/admin/devices`,
//!   `POST /api/admin/devices/{id}/revoke`, `POST /api/admin/import`;
//! - [`openapi`] — `GET /api/openapi.json`: the document of every route;
//! - [`events`] — what was just stored, pushed to the office's live screens;
//! - [`record`] — one record as the caller opens it, and actions on it;
//! - [`tickets`] — the service centre registering a call;
//! - [`attachments`] — photos and signatures by content hash.

mod admin;
mod attachments;
mod checkpoints;
mod events;
mod fees;
mod history;
mod lists;
mod office;
pub mod openapi;
mod portfolio;
mod prices;
mod record;
mod records_xlsx;
mod reports;
mod samples;
mod scope;
mod session;
pub mod signed;
mod statistics;
mod surveys;
mod tickets;
mod upload;
mod xlsx;

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde::Serialize;

use estate_core::engine::SubmitError;
use estate_core::problem::Problem;

use crate::accounts::AccountError;
use crate::hub::SubmitFailure;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(office::router())
        .merge(session::router())
        .merge(history::router())
        .merge(lists::router())
        .merge(events::router())
        .merge(record::router())
        .merge(tickets::router())
        .merge(attachments::router())
        .merge(statistics::router())
        .merge(records_xlsx::router())
        .merge(checkpoints::router())
        .merge(samples::router())
        .merge(prices::router())
        .merge(reports::router())
        .merge(fees::router())
        .merge(surveys::router())
        .merge(admin::router())
        .merge(openapi::router())
        .route("/api", any(no_such_route))
        .route("/api/{*rest}", any(no_such_route))
}

/// Anything under `/api` that is not a route is a JSON 404, never the app's page.
async fn no_such_route(uri: Uri) -> ApiError {
    ApiError::NotFound(format!("no such API route: {}", uri.path()))
}

/// A query string as the route expects it, or a 400 saying what was wrong with it.
fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    query
        .map(|Query(q)| q)
        .map_err(|e| ApiError::BadRequest(format!("查询参数有误：{}", e.body_text())))
}

/// The one error type of the HTTP API: 4xx say what was wrong, 5xx say nothing internal.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// The request clashes with what is there already (a user ID taken).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many wrong passwords: try again after this many seconds.
    #[error("登录失败次数过多，请 {retry_after_secs} 秒后再试")]
    TooManyAttempts { retry_after_secs: i64 },
    /// The device was revoked: the app should wipe what it holds.
    #[error("此设备已被管理员停用，本机数据将被清除")]
    Revoked,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Internal(String),
    /// Refused by the core or the access rules, with the core's `code` and `field`.
    #[error("{}", .problem.message)]
    Refused {
        status: StatusCode,
        problem: Problem,
    },
}

impl ApiError {
    /// The core refused an edit: 409 for an action that makes no sense where the record
    /// stands, 422 for input it cannot take.
    pub fn problem(problem: Problem) -> Self {
        let status = match problem.code {
            "refused" | "exists" => StatusCode::CONFLICT,
            "internal" | "storage" => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::Refused { status, problem }
    }
}

impl From<SubmitFailure> for ApiError {
    fn from(failure: SubmitFailure) -> Self {
        let refused = |status, code, message: String| ApiError::Refused {
            status,
            problem: Problem {
                code,
                field: None,
                message,
            },
        };
        match failure {
            SubmitFailure::Problem(problem) => ApiError::problem(problem),
            SubmitFailure::Gate(SubmitError::Hidden(_)) => ApiError::NotFound("记录不存在".into()),
            SubmitFailure::Gate(SubmitError::Denied { reason, .. }) => refused(
                StatusCode::FORBIDDEN,
                "denied",
                format!("无权这样修改：{reason}"),
            ),
            SubmitFailure::Stopping => refused(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "服务器暂时无法保存，请稍后再试".into(),
            ),
            other => ApiError::Internal(other.to_string()),
        }
    }
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

/// What every refusal answers with.
#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// For the person, in Chinese.
    pub error: String,
    /// Where the core or the access rules refused: its stable code (`invalid`,
    /// `malformed`, `refused`, `denied`, `unavailable`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<&'static str>,
    /// The input field (or, for `refused`, the action) concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The same words as `error`, where there is a `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The device was revoked: the app wipes what it holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wipe: Option<bool>,
    /// Too many wrong passwords: try again after this long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<i64>,
}

impl ErrorBody {
    fn said(error: String) -> Self {
        Self {
            error,
            ..Self::default()
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) | ApiError::Revoked => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Refused { status, .. } => *status,
            ApiError::Database(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = match self {
            ApiError::TooManyAttempts { retry_after_secs } => {
                let body = ErrorBody {
                    retry_after_secs: Some(retry_after_secs),
                    ..ErrorBody::said(self.to_string())
                };
                let wait = [(
                    axum::http::header::RETRY_AFTER,
                    retry_after_secs.to_string(),
                )];
                return (status, wait, Json(body)).into_response();
            }
            ApiError::Revoked => ErrorBody {
                wipe: Some(true),
                ..ErrorBody::said(self.to_string())
            },
            ApiError::Refused { problem, .. } => ErrorBody {
                code: Some(problem.code),
                field: problem.field,
                message: Some(problem.message.clone()),
                ..ErrorBody::said(problem.message)
            },
            ApiError::Database(_) | ApiError::Internal(_) => {
                tracing::error!("{self}");
                ErrorBody::said("服务器内部错误".into())
            }
            other => ErrorBody::said(other.to_string()),
        };
        (status, Json(body)).into_response()
    }
}
