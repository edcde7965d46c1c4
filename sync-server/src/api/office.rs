//! What office lists read: who works where, and the synced inspections — only the
//! areas the caller may see.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

use super::{ApiError, scope};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;
use crate::store;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(directory, inspections))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/directory", get(directory))
        .route("/api/inspections", get(inspections))
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct AreaView {
    id: String,
    name: String,
    project_id: String,
    index_url: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct ProjectView {
    id: String,
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct HousekeeperView {
    id: String,
    name: String,
    area_id: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct Directory {
    /// The first project's name (one project per database in the demo).
    project: String,
    /// The projects of the areas the caller sees.
    projects: Vec<ProjectView>,
    areas: Vec<AreaView>,
    housekeepers: Vec<HousekeeperView>,
}

#[utoipa::path(get, operation_id = "directory", path = "/api/directory", tag = "office", responses((status = 200, body = Directory), (status = 401, body = ErrorBody)))]
async fn directory(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<Directory>, ApiError> {
    let pool = state.store.pool();
    let places = scope::places(pool).await?;
    let project = places
        .first()
        .map(|p| p.project_name.clone())
        .unwrap_or_default();
    let visible = |area: &String| signed.area_filter().is_none_or(|a| a.contains(area));
    // A project is offered only when the caller sees every one of its areas.
    let projects = scope::whole_projects(&places, &signed)
        .into_iter()
        .map(|(id, name)| ProjectView {
            id: id.to_owned(),
            name: name.to_owned(),
        })
        .collect();
    let areas = places
        .iter()
        .filter(|p| visible(&p.id))
        .map(|p| AreaView {
            id: p.id.clone(),
            name: p.name.clone(),
            project_id: p.project_id.clone(),
            index_url: format!("automerge:{}", p.index_doc),
        })
        .collect();
    let housekeepers =
        sqlx::query("SELECT id, name, area_id FROM housekeepers ORDER BY area_id, id")
            .fetch_all(pool)
            .await?
            .into_iter()
            .filter(|r| visible(&r.get(2)))
            .map(|r| HousekeeperView {
                id: r.get(0),
                name: r.get(1),
                area_id: r.get(2),
            })
            .collect();
    Ok(Json(Directory {
        project,
        projects,
        areas,
        housekeepers,
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct InspectionFilter {
    area: Option<String>,
    month: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
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

#[utoipa::path(get, operation_id = "inspections", path = "/api/inspections", tag = "office", params(InspectionFilter), responses((status = 200, body = Vec<InspectionRow>), (status = 401, body = ErrorBody)))]
async fn inspections(
    State(state): State<AppState>,
    signed: Signed,
    Query(filter): Query<InspectionFilter>,
) -> Result<Json<Vec<InspectionRow>>, ApiError> {
    if let Some(month) = &filter.month {
        month
            .parse::<estate_core::time::Month>()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    let allowed: Vec<&String> = signed
        .area_filter()
        .map_or_else(Vec::new, |a| a.iter().collect());
    if signed.area_filter().is_some() && allowed.is_empty() {
        return Ok(Json(Vec::new()));
    }
    let only = if allowed.is_empty() {
        String::new()
    } else {
        format!("AND area_id IN ({})", store::marks(3, allowed.len()))
    };
    let sql = format!(
        "SELECT doc_id, unit_code, area_id, month, occasion, ventilated, cleaning_arranged, abnormal, findings,
                notes, inspector, inspected_at, received_at
         FROM vacant_inspections
         WHERE ($1 IS NULL OR area_id = $1) AND ($2 IS NULL OR month = $2) {only}
         ORDER BY received_at DESC, inspected_at DESC LIMIT 1000"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(filter.area)
        .bind(filter.month);
    for area in allowed {
        query = query.bind(area.as_str());
    }
    let rows = query.fetch_all(state.store.pool()).await?;
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
