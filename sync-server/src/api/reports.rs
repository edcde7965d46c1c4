//! The monthly table as it is handed in (seed 004 §4.3.6; the rule is the core's
//! `rules::reports`): `GET /api/reports?month=&project=` (a project's; without `project`,
//! the company's) says when it is due, whether it was handed in and what it says; `PUT`
//! hands it in — the analysis and improvement measures, and for the company's the weak
//! spots — or revises it, keeping when it was first handed in. A project's is its
//! supervisor's (客服负责人) to write, the company's the office's; administrators may
//! write either. `/api/statistics.xlsx` carries what was written beside the figures.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::problem::Problem;
use estate_core::records::people::StaffRole;
use estate_core::rules::deadlines::Deadline;
use estate_core::rules::reports::{ReportLevel, missing_text, report_deadline};
use estate_core::time::Month;
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};

use super::{ApiError, scope};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(read, hand_in))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/reports", get(read).put(hand_in))
}

/// What the company's table is filed under.
pub(super) const COMPANY: &str = "company";

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    month: String,
    /// A project's table; without it, the company's.
    project: Option<String>,
    #[serde(rename = "token")]
    #[param(ignore)]
    _token: Option<String>,
}

/// A table handed in.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct Written {
    pub analysis: String,
    pub measures: String,
    #[serde(default)]
    pub weak_spots: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct HandedIn {
    #[serde(flatten)]
    written: Written,
    submitted_by: String,
    submitted_at: i64,
    revised_at: Option<i64>,
}

/// A month's table of a project or the company.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct MonthlyReport {
    level: ReportLevel,
    scope: String,
    month: String,
    deadline: Deadline,
    report: Option<HandedIn>,
    /// Whether the caller writes this table.
    may_write: bool,
}

/// The request to hand a table in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct HandIn {
    month: String,
    project: Option<String>,
    #[serde(flatten)]
    written: Written,
}

/// Whose table, checked against what the caller may see: the level and the scope's ID.
async fn whose(
    state: &AppState,
    signed: &Signed,
    month: &str,
    project: Option<&str>,
) -> Result<(Month, ReportLevel, String), ApiError> {
    let month = super::portfolio::month(month)?;
    let places = scope::places(state.store.pool()).await?;
    match project {
        Some(p) => {
            scope::covered(&places, signed, None, Some(p))?;
            Ok((month, ReportLevel::Project, p.to_owned()))
        }
        None if matches!(signed.grant.role, StaffRole::Office | StaffRole::Admin) => {
            Ok((month, ReportLevel::Company, COMPANY.to_owned()))
        }
        None => Err(ApiError::NotFound("公司报表由公司客服组编写".into())),
    }
}

fn may_write(signed: &Signed, level: ReportLevel) -> bool {
    matches!(
        (signed.grant.role, level),
        (StaffRole::Admin, _)
            | (StaffRole::Supervisor, ReportLevel::Project)
            | (StaffRole::Office, ReportLevel::Company)
    )
}

/// The table handed in for `level`, `scope` and `month`, if any.
pub(super) async fn handed_in(
    pool: &AnyPool,
    level: ReportLevel,
    scope: &str,
    month: Month,
) -> sqlx::Result<Option<(Written, String, i64, Option<i64>)>> {
    let row = sqlx::query(
        "SELECT analysis, measures, weak_spots, submitted_by, submitted_at, revised_at
         FROM monthly_reports WHERE level = $1 AND scope_id = $2 AND month = $3",
    )
    .bind(level.as_str())
    .bind(scope)
    .bind(month.to_string())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        (
            Written {
                analysis: r.get(0),
                measures: r.get(1),
                weak_spots: r.get(2),
            },
            r.get(3),
            r.get(4),
            r.get(5),
        )
    }))
}

async fn report(
    state: &AppState,
    signed: &Signed,
    month: Month,
    level: ReportLevel,
    scope: String,
) -> Result<MonthlyReport, ApiError> {
    let stored = handed_in(state.store.pool(), level, &scope, month).await?;
    let now = crate::clock::now_ms();
    Ok(MonthlyReport {
        level,
        month: month.to_string(),
        deadline: report_deadline(level, month, stored.as_ref().map(|s| s.2), now),
        report: stored.map(
            |(written, submitted_by, submitted_at, revised_at)| HandedIn {
                written,
                submitted_by,
                submitted_at,
                revised_at,
            },
        ),
        may_write: may_write(signed, level),
        scope,
    })
}

#[utoipa::path(get, operation_id = "readReport", path = "/api/reports", tag = "statistics", params(Asked), responses((status = 200, body = MonthlyReport), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Json<MonthlyReport>, ApiError> {
    let asked = super::query(asked)?;
    let (month, level, scope) =
        whose(&state, &signed, &asked.month, asked.project.as_deref()).await?;
    Ok(Json(report(&state, &signed, month, level, scope).await?))
}

#[utoipa::path(put, operation_id = "handInReport", path = "/api/reports", tag = "statistics", request_body = HandIn, responses((status = 200, body = MonthlyReport), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "无权编写这份报表", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 422, description = "输入有误", body = ErrorBody)))]
async fn hand_in(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Json<HandIn>, JsonRejection>,
) -> Result<Json<MonthlyReport>, ApiError> {
    let Json(asked) = asked.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let (month, level, scope) =
        whose(&state, &signed, &asked.month, asked.project.as_deref()).await?;
    if !may_write(&signed, level) {
        return Err(ApiError::Forbidden(match level {
            ReportLevel::Project => "项目报表由项目客服负责人编写".into(),
            ReportLevel::Company => "公司报表由公司客服组编写".into(),
        }));
    }
    let w = &asked.written;
    if let Some((field, message)) = missing_text(level, &w.analysis, &w.measures, &w.weak_spots) {
        return Err(ApiError::problem(Problem::invalid(field, message)));
    }
    let now = crate::clock::now_ms();
    sqlx::query(
        "INSERT INTO monthly_reports (level, scope_id, month, analysis, measures, weak_spots, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (level, scope_id, month) DO UPDATE
         SET analysis = excluded.analysis, measures = excluded.measures, weak_spots = excluded.weak_spots,
             revised_at = $8",
    )
    .bind(level.as_str())
    .bind(&scope)
    .bind(month.to_string())
    .bind(w.analysis.trim())
    .bind(w.measures.trim())
    .bind(w.weak_spots.trim())
    .bind(&signed.grant.user)
    .bind(now)
    .execute(state.store.pool())
    .await?;
    Ok(Json(report(&state, &signed, month, level, scope).await?))
}
