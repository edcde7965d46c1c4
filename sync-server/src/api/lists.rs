//! `GET /api/records`: the office's lists of any record kind, filtered by project, area,
//! kind, category, status, month, overdue and the clock it waits on, newest first, a page at a time. Only the
//! areas the caller may see are ever read. The same query ([`select`]) gives
//! `records.xlsx` every matching row at once.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::records::any::KINDS;
use estate_core::rules::deadlines::Clock;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

use super::ApiError;
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;
use crate::store;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/records", get(list))
}

/// Rows per page unless `limit` says otherwise, and the most it may say.
const PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;

/// What a list asks for: the filters, and for a page its size and start.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(super) struct Filter {
    pub kind: Option<String>,
    pub project: Option<String>,
    pub area: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub month: Option<String>,
    /// `true`: only records with a deadline already past.
    pub overdue: Option<bool>,
    /// Only records still waiting on this clock (`callback`, `contact_record`…).
    pub clock: Option<String>,
    pub limit: Option<i64>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
    /// The sync token may ride along in the query; it is read elsewhere.
    #[serde(rename = "token")]
    _token: Option<String>,
}

/// One row of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct ListedRecord {
    pub id: String,
    pub kind: String,
    pub area_id: String,
    pub code: Option<String>,
    pub status: Option<String>,
    pub unit: Option<String>,
    pub month: Option<String>,
    pub date: Option<String>,
    pub category: Option<String>,
    pub title: String,
    pub due_at: Option<i64>,
    pub overdue: bool,
    pub created_at: i64,
    pub received_at: i64,
    /// Which clock `due_at` belongs to (`dispatch`, `callback`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_clock: Option<String>,
    /// `due_at` is a time agreed with the customer, not the procedure's own figure.
    pub due_agreed: bool,
    /// Every clock still to be met (`callback`, `contact_record`…).
    pub waiting_on: Vec<String>,
    /// A ticket: who has it now (its latest dispatch), where, and when it came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered_at: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Page {
    records: Vec<ListedRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    next: Option<String>,
}

/// A position in the list: the record's first storage time and ID.
fn parse_cursor(cursor: &str) -> Result<(i64, String), ApiError> {
    cursor
        .split_once('~')
        .and_then(|(at, id)| Some((at.parse().ok()?, id.to_owned())))
        .ok_or_else(|| {
            ApiError::BadRequest(format!("cursor {cursor:?} 不是本服务器给出的翻页位置"))
        })
}

/// Refuses a filter naming no kind, month or page size there can be.
pub(super) fn check(filter: &Filter) -> Result<(), ApiError> {
    if let Some(kind) = &filter.kind
        && !KINDS.contains(&kind.as_str())
    {
        return Err(ApiError::BadRequest(format!(
            "没有 {kind:?} 这种记录类型，应为：{}",
            KINDS.join("、")
        )));
    }
    if let Some(clock) = &filter.clock
        && !Clock::ALL.iter().any(|c| c.as_str() == clock)
    {
        return Err(ApiError::BadRequest(format!("没有 {clock:?} 这种时限")));
    }
    if let Some(month) = &filter.month {
        super::portfolio::month(month)?;
    }
    if let Some(limit) = filter.limit
        && !(1..=MAX_PAGE).contains(&limit)
    {
        return Err(ApiError::BadRequest(format!(
            "limit 应在 1 到 {MAX_PAGE} 之间"
        )));
    }
    Ok(())
}

#[utoipa::path(get, operation_id = "listRecords", path = "/api/records", tag = "records", params(Filter), responses((status = 200, body = Page), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    signed: Signed,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Json<Page>, ApiError> {
    let filter = super::query(filter)?;
    check(&filter)?;
    let limit = filter.limit.unwrap_or(PAGE);
    let window = Window {
        after: filter.cursor.as_deref().map(parse_cursor).transpose()?,
        // One more than a page says whether another page follows.
        rows: limit + 1,
    };
    let mut records = select(&state, &signed, &filter, window).await?;
    let more = records.len() as i64 > limit;
    records.truncate(limit as usize);
    let next = more
        .then(|| records.last().map(|r| format!("{}~{}", r.created_at, r.id)))
        .flatten();
    Ok(Json(Page { records, next }))
}

/// Where a run of rows starts and how many it holds at most.
#[derive(Debug)]
pub(super) struct Window {
    /// The first storage time and ID of the row before the first (a page's cursor).
    pub after: Option<(i64, String)>,
    pub rows: i64,
}

/// The rows `filter` matches among the areas the caller may see, newest first: the one
/// query behind a page of the list and the whole list as a workbook.
pub(super) async fn select(
    state: &AppState,
    signed: &Signed,
    filter: &Filter,
    window: Window,
) -> Result<Vec<ListedRecord>, ApiError> {
    let allowed: Vec<&String> = signed
        .area_filter()
        .map_or_else(Vec::new, |a| a.iter().collect());
    if signed.area_filter().is_some() && allowed.is_empty() {
        return Ok(Vec::new());
    }
    let now = crate::clock::now_ms();
    const FIXED: usize = 12;
    let only = if allowed.is_empty() {
        String::new()
    } else {
        format!(
            "AND r.area_id IN ({})",
            store::marks(FIXED + 1, allowed.len())
        )
    };
    // A ticket's row also says who has it.
    let sql = format!(
        "SELECT r.doc_id, r.kind, r.area_id, r.code, r.status, r.unit_doc, r.month, r.date,
                r.category, r.title, r.due_at, r.created_at, r.received_at, t.assignee,
                r.due_clock, t.place, t.registered_at, r.due_agreed, r.waiting_on
         FROM records r LEFT JOIN tickets t ON t.doc_id = r.doc_id
         WHERE ($1 IS NULL OR r.kind = $1)
           AND ($2 IS NULL OR r.area_id IN (SELECT id FROM areas WHERE project_id = $2))
           AND ($3 IS NULL OR r.area_id = $3)
           AND ($4 IS NULL OR r.category = $4)
           AND ($5 IS NULL OR r.status = $5)
           AND ($6 IS NULL OR r.month = $6)
           AND ($7 = 0 OR (r.due_at IS NOT NULL AND r.due_at < $8))
           AND ($9 IS NULL OR r.created_at < $9 OR (r.created_at = $9 AND r.doc_id < $10))
           AND ($12 IS NULL OR r.waiting_on LIKE '% ' || $12 || ' %')
           {only}
         ORDER BY r.created_at DESC, r.doc_id DESC
         LIMIT $11"
    );
    let (after_at, after_id) = window.after.unzip();
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(filter.kind.clone())
        .bind(filter.project.clone())
        .bind(filter.area.clone())
        .bind(filter.category.clone())
        .bind(filter.status.clone())
        .bind(filter.month.clone())
        .bind(i64::from(filter.overdue.unwrap_or(false)))
        .bind(now)
        .bind(after_at)
        .bind(after_id)
        .bind(window.rows)
        .bind(filter.clock.clone());
    for area in allowed {
        query = query.bind(area.as_str());
    }
    Ok(query
        .fetch_all(state.store.pool())
        .await?
        .into_iter()
        .map(|r| {
            let due_at: Option<i64> = r.get(10);
            ListedRecord {
                id: r.get(0),
                kind: r.get(1),
                area_id: r.get(2),
                code: r.get(3),
                status: r.get(4),
                unit: r.get(5),
                month: r.get(6),
                date: r.get(7),
                category: r.get(8),
                title: r.get(9),
                due_at,
                overdue: due_at.is_some_and(|d| d < now),
                created_at: r.get(11),
                received_at: r.get(12),
                assignee: r.get(13),
                due_clock: r.get(14),
                place: r.get(15),
                registered_at: r.get(16),
                due_agreed: r.get::<i64, _>(17) != 0,
                waiting_on: r
                    .get::<Option<String>, _>(18)
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            }
        })
        .collect())
}
