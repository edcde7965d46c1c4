//! The company's samples of a project's work for its own telephone checks (the rules are
//! the core's `rules::sampling`): each week 20 % of the repairs completed (seed 000: "公司
//! 专人每周对各管理处维修派工单抽样20%进行电话回访"), called back; each month a share of the
//! visits made, at a rate the desk chooses (seed 004 §4.4.5: "每月抽样回访服务中心客户拜访
//! 情况，抽样率可根据服务中心客户群体或实际情况随机抽样"), checked. `GET /api/samples?
//! project=&week=` (repairs) or `&month=` (visits) says what there is to draw from and,
//! once drawn, the sample and how much of it is done; `POST` draws it — once per project
//! and period, whoever asks second gets the same sample. Company staff (office and
//! administrators) draw; a project's supervisor may look. The checks themselves are
//! record actions (`callback` on a ticket, `verify` on a visit), through the gate.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::records::people::StaffRole;
use estate_core::rules::sampling::{
    SAMPLE_PERCENT, sample_done, sample_of, week_begun, week_bounds,
};
use estate_core::time::{Month, parse_date};
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

/// Which sample: a project, and a week of repairs (its Monday) or a month of visits.
#[derive(Debug, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct Which {
    project: String,
    /// Repairs: the Monday the week starts on, `YYYY-MM-DD`.
    week: Option<String>,
    /// Visits: the month, `YYYY-MM`.
    month: Option<String>,
    /// Visits, when drawing: the share to draw, in per cent (1–100; 10 unless said).
    rate: Option<u8>,
    #[serde(rename = "token", default)]
    #[schema(ignore)]
    #[param(ignore)]
    _token: Option<String>,
}

/// What a sample is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Of {
    Repairs,
    Visits,
}

/// The visits' rate when the desk does not say.
const VISIT_RATE_PERCENT: u8 = 10;

/// A sample asked for, checked: its kind, its period as stored, the period's bounds and
/// the share to draw.
struct Period {
    of: Of,
    key: String,
    bounds: (i64, i64),
    percent: usize,
}

impl Of {
    /// The records of `project` of the period `[start, end)` to draw from.
    fn population_sql(self) -> &'static str {
        match self {
            Of::Repairs => {
                "SELECT t.doc_id FROM tickets t JOIN areas a ON a.id = t.area_id
                 WHERE a.project_id = $1 AND t.category = 'repair'
                   AND t.completed_at >= $2 AND t.completed_at < $3 ORDER BY t.doc_id"
            }
            Of::Visits => {
                "SELECT v.doc_id FROM visits v JOIN areas a ON a.id = v.area_id
                 WHERE a.project_id = $1 AND v.visited_at >= $2 AND v.visited_at < $3
                 ORDER BY v.doc_id"
            }
        }
    }

    /// The sample's items: ID, area, unit code, place, title, status, who did the work,
    /// when, when it was checked, the satisfaction on record.
    fn items_sql(self) -> &'static str {
        match self {
            Of::Repairs => {
                "SELECT t.doc_id, t.area_id, r.code, t.place, t.description, t.status, t.assignee,
                        t.completed_at, t.called_back_at, t.satisfaction
                 FROM callback_sample_items s JOIN tickets t ON t.doc_id = s.doc_id
                 LEFT JOIN records r ON r.doc_id = s.doc_id
                 WHERE s.project_id = $1 AND s.week = $2 ORDER BY t.completed_at, t.doc_id"
            }
            Of::Visits => {
                "SELECT v.doc_id, v.area_id, v.unit_code, v.unit_code, r.title, r.status, v.visited_by,
                        v.visited_at, v.verified_at, v.satisfaction
                 FROM callback_sample_items s JOIN visits v ON v.doc_id = s.doc_id
                 LEFT JOIN records r ON r.doc_id = s.doc_id
                 WHERE s.project_id = $1 AND s.week = $2 ORDER BY v.visited_at, v.doc_id"
            }
        }
    }
}

/// One record of the sample.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Sampled {
    id: String,
    area_id: String,
    code: Option<String>,
    place: String,
    title: String,
    status: Option<String>,
    /// Who did the work: the repair's assignee, the visit's housekeeper.
    assignee: Option<String>,
    /// When the repair was completed, or the visit made.
    at: Option<i64>,
    /// When it was last called back (a repair) or checked (a visit).
    checked_at: Option<i64>,
    satisfaction: Option<String>,
    /// Checked since the draw.
    done: bool,
}

/// A period's sample of a project, or what it would be drawn from.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Sample {
    project: String,
    /// The week's Monday (repairs) or the month (visits).
    period: String,
    /// What there is to draw from (when drawn: as it was then).
    population: i64,
    /// How many the sample holds.
    size: i64,
    drawn_at: Option<i64>,
    drawn_by: Option<String>,
    items: Vec<Sampled>,
    done: i64,
}

/// The sample asked for, checked: the caller sees the whole project, and the period is
/// a Monday's week or a month.
async fn checked(state: &AppState, signed: &Signed, asked: &Which) -> Result<Period, ApiError> {
    let places = scope::places(state.store.pool()).await?;
    scope::covered(&places, signed, None, Some(&asked.project))?;
    match (&asked.week, &asked.month) {
        (Some(week), None) => {
            let bounds = parse_date(week).and_then(week_bounds).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "week 应为某周一的日期（YYYY-MM-DD），收到 {week:?}"
                ))
            })?;
            Ok(Period {
                of: Of::Repairs,
                key: week.clone(),
                bounds,
                percent: SAMPLE_PERCENT,
            })
        }
        (None, Some(month)) => {
            let parsed: Month = month
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("month 应为 YYYY-MM，收到 {month:?}")))?;
            let percent = asked.rate.unwrap_or(VISIT_RATE_PERCENT);
            if !(1..=100).contains(&percent) {
                return Err(ApiError::BadRequest("抽样率应在 1% 到 100% 之间".into()));
            }
            Ok(Period {
                of: Of::Visits,
                key: month.clone(),
                bounds: (parsed.start_ms(), parsed.end_ms()),
                percent: usize::from(percent),
            })
        }
        _ => Err(ApiError::BadRequest(
            "请指定 week=某周一（维修抽样）或 month=YYYY-MM（拜访抽查），只能指定一个".into(),
        )),
    }
}

/// What `period` of `project` draws from.
async fn population(pool: &AnyPool, project: &str, period: &Period) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(period.of.population_sql())
        .bind(project)
        .bind(period.bounds.0)
        .bind(period.bounds.1)
        .fetch_all(pool)
        .await
}

/// The sample as stored, or what it would be drawn from.
async fn sample(pool: &AnyPool, project: &str, period: &Period) -> Result<Sample, ApiError> {
    let draw = sqlx::query(
        "SELECT drawn_at, drawn_by, population FROM callback_sample_draws WHERE project_id = $1 AND week = $2",
    )
    .bind(project)
    .bind(&period.key)
    .fetch_optional(pool)
    .await?;
    let Some(draw) = draw else {
        let there = population(pool, project, period).await?.len();
        return Ok(Sample {
            project: project.to_owned(),
            period: period.key.clone(),
            population: there as i64,
            size: sample_of(there, period.percent) as i64,
            drawn_at: None,
            drawn_by: None,
            items: Vec::new(),
            done: 0,
        });
    };
    let drawn_at: i64 = draw.get(0);
    let items: Vec<Sampled> = sqlx::query(period.of.items_sql())
        .bind(project)
        .bind(&period.key)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| {
            let checked_at: Option<i64> = r.get(8);
            Sampled {
                id: r.get(0),
                area_id: r.get(1),
                code: r.get(2),
                place: r.get(3),
                title: r.get::<Option<String>, _>(4).unwrap_or_default(),
                status: r.get(5),
                assignee: r.get(6),
                at: r.get(7),
                checked_at,
                satisfaction: r.get(9),
                done: sample_done(drawn_at, checked_at),
            }
        })
        .collect();
    Ok(Sample {
        project: project.to_owned(),
        period: period.key.clone(),
        population: draw.get(2),
        size: items.len() as i64,
        drawn_at: Some(drawn_at),
        drawn_by: Some(draw.get(1)),
        done: items.iter().filter(|i| i.done).count() as i64,
        items,
    })
}

#[utoipa::path(get, operation_id = "readSample", path = "/api/samples", tag = "office", params(Which), responses((status = 200, body = Sample), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn read(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<Which>, QueryRejection>,
) -> Result<Json<Sample>, ApiError> {
    let asked = super::query(asked)?;
    let period = checked(&state, &signed, &asked).await?;
    Ok(Json(
        sample(state.store.pool(), &asked.project, &period).await?,
    ))
}

#[utoipa::path(post, operation_id = "drawSample", path = "/api/samples", tag = "office", request_body = Which, responses((status = 200, body = Sample), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "只有公司客服人员抽样", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn draw(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Json<Which>, JsonRejection>,
) -> Result<Json<Sample>, ApiError> {
    let Json(asked) = asked.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let period = checked(&state, &signed, &asked).await?;
    if !matches!(signed.grant.role, StaffRole::Office | StaffRole::Admin) {
        return Err(ApiError::Forbidden("抽样回访由公司客服人员进行".into()));
    }
    let now = crate::clock::now_ms();
    let begun = match period.of {
        Of::Repairs => parse_date(&period.key).is_some_and(|monday| week_begun(monday, now)),
        Of::Visits => period.bounds.0 <= now,
    };
    if !begun {
        return Err(ApiError::BadRequest("这一时段还没有开始，无从抽样".into()));
    }
    let pool = state.store.pool();
    let there = population(pool, &asked.project, &period).await?;
    let chosen: Vec<String> = there
        .choose_multiple(&mut rand::rng(), sample_of(there.len(), period.percent))
        .cloned()
        .collect();
    let mut tx = pool.begin().await?;
    // One draw per project and period: a second asker gets the first one's sample.
    let fresh = sqlx::query(
        "INSERT INTO callback_sample_draws (project_id, week, drawn_at, drawn_by, population)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, week) DO NOTHING",
    )
    .bind(&asked.project)
    .bind(&period.key)
    .bind(now)
    .bind(&signed.grant.user)
    .bind(there.len() as i64)
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
            .bind(&period.key)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(Json(sample(pool, &asked.project, &period).await?))
}
