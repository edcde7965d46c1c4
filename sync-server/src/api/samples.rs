//! The company's weekly sample of a project's repairs for its own telephone callbacks
//! (seed 000: "公司专人每周对各管理处维修派工单抽样20%进行电话回访"; the rule is the core's
//! `rules::sampling`). `GET /api/samples?project=&week=` says how many repairs the week
//! completed and, once drawn, the sample and how much of it is called back; `POST` draws
//! it — once per project and week, whoever asks second gets the same sample. Company
//! staff (office and administrators) draw; a project's supervisor may look. The callbacks
//! are ticket actions (`POST /api/records/{id}/actions`), through the gate.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::records::people::StaffRole;
use estate_core::rules::sampling::{sample_done, sample_size, week_begun, week_bounds};
use estate_core::time::parse_date;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};
use sqlx::{AnyPool, Row};

use super::{ApiError, scope};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(read, draw))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/samples", get(read).post(draw))
}

/// Which sample: a project and the Monday of a week.
#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Week {
    project: String,
    /// The Monday the week starts on, `YYYY-MM-DD`.
    week: String,
    #[serde(rename = "token", default)]
    #[schema(ignore)]
    #[param(ignore)]
    _token: Option<String>,
}

/// One repair of the sample.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Sampled {
    id: String,
    area_id: String,
    code: Option<String>,
    place: String,
    title: String,
    status: String,
    assignee: Option<String>,
    completed_at: Option<i64>,
    called_back_at: Option<i64>,
    satisfaction: Option<String>,
    /// Called back since the draw.
    done: bool,
}

/// A week's sample of a project, or what it would be drawn from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Sample {
    project: String,
    week: String,
    /// Repairs completed in the week (when drawn: as they were then).
    repairs: i64,
    /// How many the sample holds (20 %, rounded up).
    size: i64,
    drawn_at: Option<i64>,
    drawn_by: Option<String>,
    items: Vec<Sampled>,
    done: i64,
}

/// The project and week asked for, checked: the caller sees the whole project, and the
/// week is a Monday's. Returns the week's bounds.
async fn checked(state: &AppState, signed: &Signed, asked: &Week) -> Result<(i64, i64), ApiError> {
    let places = scope::places(state.store.pool()).await?;
    scope::covered(&places, signed, None, Some(&asked.project))?;
    parse_date(&asked.week)
        .and_then(week_bounds)
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "week 应为某周一的日期（YYYY-MM-DD），收到 {:?}",
                asked.week
            ))
        })
}

/// The repairs of `project` completed within `[start, end)`.
async fn repairs(
    pool: &AnyPool,
    project: &str,
    (start, end): (i64, i64),
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT t.doc_id FROM tickets t JOIN areas a ON a.id = t.area_id
         WHERE a.project_id = $1 AND t.category = 'repair'
           AND t.completed_at >= $2 AND t.completed_at < $3
         ORDER BY t.doc_id",
    )
    .bind(project)
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await
}

/// The sample as stored, or what it would be drawn from.
async fn sample(pool: &AnyPool, asked: &Week, bounds: (i64, i64)) -> Result<Sample, ApiError> {
    let draw = sqlx::query(
        "SELECT drawn_at, drawn_by, population FROM callback_sample_draws WHERE project_id = $1 AND week = $2",
    )
    .bind(&asked.project)
    .bind(&asked.week)
    .fetch_optional(pool)
    .await?;
    let Some(draw) = draw else {
        let repairs = repairs(pool, &asked.project, bounds).await?.len();
        return Ok(Sample {
            project: asked.project.clone(),
            week: asked.week.clone(),
            repairs: repairs as i64,
            size: sample_size(repairs) as i64,
            drawn_at: None,
            drawn_by: None,
            items: Vec::new(),
            done: 0,
        });
    };
    let drawn_at: i64 = draw.get(0);
    let items: Vec<Sampled> = sqlx::query(
        "SELECT t.doc_id, t.area_id, r.code, t.place, t.description, t.status, t.assignee,
                t.completed_at, t.called_back_at, t.satisfaction
         FROM callback_sample_items s
         JOIN tickets t ON t.doc_id = s.doc_id
         LEFT JOIN records r ON r.doc_id = s.doc_id
         WHERE s.project_id = $1 AND s.week = $2
         ORDER BY t.completed_at, t.doc_id",
    )
    .bind(&asked.project)
    .bind(&asked.week)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        let called_back_at: Option<i64> = r.get(8);
        Sampled {
            id: r.get(0),
            area_id: r.get(1),
            code: r.get(2),
            place: r.get(3),
            title: r.get(4),
            status: r.get(5),
            assignee: r.get(6),
            completed_at: r.get(7),
            called_back_at,
            satisfaction: r.get(9),
            done: sample_done(drawn_at, called_back_at),
        }
    })
    .collect();
    Ok(Sample {
        project: asked.project.clone(),
        week: asked.week.clone(),
        repairs: draw.get(2),
        size: items.len() as i64,
        drawn_at: Some(drawn_at),
        drawn_by: Some(draw.get(1)),
        done: items.iter().filter(|i| i.done).count() as i64,
        items,
    })
}

#[utoipa::path(get, operation_id = "readSample", path = "/api/samples", tag = "office", params(Week), responses((status = 200, body = Sample), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Week>, QueryRejection>,
) -> Result<Json<Sample>, ApiError> {
    let asked = super::query(asked)?;
    let bounds = checked(&state, &signed, &asked).await?;
    Ok(Json(sample(state.store.pool(), &asked, bounds).await?))
}

#[utoipa::path(post, operation_id = "drawSample", path = "/api/samples", tag = "office", request_body = Week, responses((status = 200, body = Sample), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "只有公司客服人员抽样", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn draw(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Json<Week>, JsonRejection>,
) -> Result<Json<Sample>, ApiError> {
    let Json(asked) = asked.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let bounds = checked(&state, &signed, &asked).await?;
    if !matches!(signed.grant.role, StaffRole::Office | StaffRole::Admin) {
        return Err(ApiError::Forbidden("抽样回访由公司客服人员进行".into()));
    }
    let monday = parse_date(&asked.week).unwrap_or_default();
    let now = crate::clock::now_ms();
    if !week_begun(monday, now) {
        return Err(ApiError::BadRequest("这一周还没有开始，无从抽样".into()));
    }
    let pool = state.store.pool();
    let population = repairs(pool, &asked.project, bounds).await?;
    let chosen: Vec<String> = population
        .choose_multiple(&mut rand::rng(), sample_size(population.len()))
        .cloned()
        .collect();
    let mut tx = pool.begin().await?;
    // One draw per project and week: a second asker gets the first one's sample.
    let fresh = sqlx::query(
        "INSERT INTO callback_sample_draws (project_id, week, drawn_at, drawn_by, population)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, week) DO NOTHING",
    )
    .bind(&asked.project)
    .bind(&asked.week)
    .bind(now)
    .bind(&signed.grant.user)
    .bind(population.len() as i64)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if fresh {
        for id in &chosen {
            sqlx::query(
                "INSERT INTO callback_sample_items (project_id, week, doc_id) VALUES ($1, $2, $3)",
            )
            .bind(&asked.project)
            .bind(&asked.week)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Json(sample(pool, &asked, bounds).await?))
}
