//! `GET /api/statistics` and `GET /api/statistics.xlsx`: the monthly customer-service
//! statistics (《月度客户信息统计分析表》) of an area (`area=`), a project (`project=`) or
//! every area the caller sees (neither), for `month=YYYY-MM`, as JSON or as a workbook;
//! the workbook also for a quarter (`quarter=YYYY-Qn`, its three months added up).
//!
//! The core computes them (`monthly_statistics`) from the records the server holds,
//! parsed as a phone parses them; nothing here counts anything. Group complaints form
//! across a whole project, so every area of the projects involved is read and the scope
//! says which of them the figures cover.

mod workbook;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use estate_core::problem::Problem;
use estate_core::rules::reports::ReportLevel;
use estate_core::rules::statistics::{quarter_start, quarterly_statistics};
use estate_core::rules::{MonthlyStatistics, monthly_statistics};
use serde::Deserialize;

use super::{ApiError, portfolio, reports};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(json, xlsx))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/statistics", get(json))
        .route("/api/statistics.xlsx", get(xlsx))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    month: Option<String>,
    area: Option<String>,
    project: Option<String>,
    /// Judge the clocks at this instant (ms) rather than now: a month's table as it
    /// stood on the day it was handed in.
    as_of: Option<i64>,
    /// The workbook only: a quarter's table instead of a month's, `YYYY-Qn` (004 §4.3.6 c).
    quarter: Option<String>,
    /// A download link carries the sign-in here; it is read elsewhere.
    #[serde(rename = "token")]
    _token: Option<String>,
}

#[utoipa::path(get, operation_id = "statistics", path = "/api/statistics", tag = "statistics", params(Asked), responses((status = 200, body = MonthlyStatistics), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn json(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Json<MonthlyStatistics>, ApiError> {
    let asked = super::query(asked)?;
    if asked.quarter.is_some() {
        return Err(ApiError::BadRequest(
            "季度统计表请从 /api/statistics.xlsx 下载".into(),
        ));
    }
    Ok(Json(compute(&state, &signed, asked).await?))
}

#[utoipa::path(get, operation_id = "statisticsWorkbook", path = "/api/statistics.xlsx", tag = "statistics", params(Asked), responses((status = 200, description = "XLSX 工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn xlsx(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Response, ApiError> {
    let asked = super::query(asked)?;
    if let Some(quarter) = &asked.quarter {
        let first =
            quarter_start(quarter).map_err(|e| ApiError::BadRequest(Problem::from(&e).message))?;
        let now = asked.as_of.unwrap_or_else(crate::clock::now_ms);
        let q = portfolio::over_scope(
            &state,
            &signed,
            asked.area.as_deref(),
            asked.project.as_deref(),
            move |all, scope| quarterly_statistics(all, scope, first, now),
        )
        .await?;
        return workbook::build_quarter(&q);
    }
    // A project's or the company's table carries what its writers handed in.
    let level = match (&asked.area, &asked.project) {
        (None, Some(project)) => Some((ReportLevel::Project, project.clone())),
        (None, None) => Some((ReportLevel::Company, reports::COMPANY.to_owned())),
        (Some(_), _) => None,
    };
    let statistics = compute(&state, &signed, asked).await?;
    let written = match level {
        Some((level, scope)) => {
            reports::handed_in(state.store.pool(), level, &scope, statistics.month)
                .await?
                .map(|(written, ..)| written)
        }
        None => None,
    };
    workbook::build(&statistics, written.as_ref())
}

async fn compute(
    state: &AppState,
    signed: &Signed,
    asked: Asked,
) -> Result<MonthlyStatistics, ApiError> {
    let month =
        portfolio::month(asked.month.as_deref().ok_or_else(|| {
            ApiError::BadRequest("请指定月份：month=YYYY-MM，如 2026-10".into())
        })?)?;
    let now = asked.as_of.unwrap_or_else(crate::clock::now_ms);
    portfolio::over_scope(
        state,
        signed,
        asked.area.as_deref(),
        asked.project.as_deref(),
        move |all, scope| monthly_statistics(all, scope, month, now),
    )
    .await
}
