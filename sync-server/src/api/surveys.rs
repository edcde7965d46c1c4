//! `GET /api/surveys?campaign=YYYY-MM&area=|project=`: a satisfaction survey campaign
//! across the areas asked for (seed 000; 001 篇2; the rules are the core's
//! `rules::surveys`): each area's survey with its clocks, the return rate against 60 %,
//! the satisfaction rate overall and per item, the comments' categories for the Pareto
//! chart, and every household that commented with its callback. Approving, analysing and
//! calling back are record actions through the gate.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::rules::surveys::{SurveyReport, survey_report};
use serde::Deserialize;

use super::{ApiError, portfolio};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(report))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/surveys", get(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Asked {
    /// The month the campaign runs, `YYYY-MM`.
    campaign: String,
    area: Option<String>,
    project: Option<String>,
    #[serde(rename = "token")]
    #[param(ignore)]
    _token: Option<String>,
}

#[utoipa::path(get, operation_id = "surveyReport", path = "/api/surveys", tag = "surveys", params(Asked), responses((status = 200, body = SurveyReport), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn report(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Asked>, QueryRejection>,
) -> Result<Json<SurveyReport>, ApiError> {
    let asked = super::query(asked)?;
    let campaign = portfolio::month(&asked.campaign)?;
    let now = crate::clock::now_ms();
    let report = portfolio::over_scope(
        &state,
        &signed,
        asked.area.as_deref(),
        asked.project.as_deref(),
        move |all, scope| survey_report(all, scope, campaign, now),
    )
    .await?;
    Ok(Json(report))
}
