//! `GET /api/records`: the office's lists of any record kind, filtered by project, area,
//! kind, category, status, month and overdue, newest first, a page at a time. Only the
//! areas the caller may see are ever read.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::records::any::KINDS;
use estate_core::time::Month;
use serde::{Deserialize, Serialize};
use sqlx::{AssertSqlSafe, Row};

use super::ApiError;
use crate::AppState;
use crate::access::Signed;
use crate::store;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/records", get(list))
}

/// Rows per page unless `limit` says otherwise, and the most it may say.
const PAGE: i64 = 50;
const MAX_PAGE: i64 = 500;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Filter {
    kind: Option<String>,
    project: Option<String>,
    area: Option<String>,
    category: Option<String>,
    status: Option<String>,
    month: Option<String>,
    /// `true`: only records with a deadline already past.
    overdue: Option<bool>,
    limit: Option<i64>,
    /// The `next` of the previous page.
    cursor: Option<String>,
    /// The sync token may ride along in the query; it is read elsewhere.
    #[serde(rename = "token")]
    _token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ListedRecord {
    id: String,
    kind: String,
    area_id: String,
    code: Option<String>,
    status: Option<String>,
    unit: Option<String>,
    month: Option<String>,
    date: Option<String>,
    category: Option<String>,
    title: String,
    due_at: Option<i64>,
    overdue: bool,
    created_at: i64,
    received_at: i64,
}

#[derive(Debug, Serialize)]
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
            ApiError::BadRequest(format!("cursor {cursor:?} is not one this server gave"))
        })
}

fn check(filter: &Filter) -> Result<(), ApiError> {
    if let Some(kind) = &filter.kind
        && !KINDS.contains(&kind.as_str())
    {
        return Err(ApiError::BadRequest(format!(
            "kind {kind:?} is not a record kind; one of: {}",
            KINDS.join(", ")
        )));
    }
    if let Some(month) = &filter.month {
        month
            .parse::<Month>()
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
    }
    if let Some(limit) = filter.limit
        && !(1..=MAX_PAGE).contains(&limit)
    {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    Ok(())
}

async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Query(filter): Query<Filter>,
) -> Result<Json<Page>, ApiError> {
    check(&filter)?;
    let allowed: Vec<&String> = signed
        .area_filter()
        .map_or_else(Vec::new, |a| a.iter().collect());
    if signed.area_filter().is_some() && allowed.is_empty() {
        return Ok(Json(Page {
            records: Vec::new(),
            next: None,
        }));
    }
    let cursor = filter.cursor.as_deref().map(parse_cursor).transpose()?;
    let limit = filter.limit.unwrap_or(PAGE);
    let now = crate::now_ms();
    const FIXED: usize = 11;
    let only = if allowed.is_empty() {
        String::new()
    } else {
        format!(
            "AND area_id IN ({})",
            store::marks(FIXED + 1, allowed.len())
        )
    };
    let sql = format!(
        "SELECT doc_id, kind, area_id, code, status, unit_doc, month, date, category, title, due_at,
                created_at, received_at
         FROM records
         WHERE ($1 IS NULL OR kind = $1)
           AND ($2 IS NULL OR area_id IN (SELECT id FROM areas WHERE project_id = $2))
           AND ($3 IS NULL OR area_id = $3)
           AND ($4 IS NULL OR category = $4)
           AND ($5 IS NULL OR status = $5)
           AND ($6 IS NULL OR month = $6)
           AND ($7 = 0 OR (due_at IS NOT NULL AND due_at < $8))
           AND ($9 IS NULL OR created_at < $9 OR (created_at = $9 AND doc_id < $10))
           {only}
         ORDER BY created_at DESC, doc_id DESC
         LIMIT $11"
    );
    let (after_at, after_id) = cursor.unzip();
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(filter.kind)
        .bind(filter.project)
        .bind(filter.area)
        .bind(filter.category)
        .bind(filter.status)
        .bind(filter.month)
        .bind(i64::from(filter.overdue.unwrap_or(false)))
        .bind(now)
        .bind(after_at)
        .bind(after_id)
        // One more than a page says whether another page follows.
        .bind(limit + 1);
    for area in allowed {
        query = query.bind(area.as_str());
    }
    let mut records: Vec<ListedRecord> = query
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
            }
        })
        .collect();
    let more = records.len() as i64 > limit;
    records.truncate(limit as usize);
    let next = more
        .then(|| records.last().map(|r| format!("{}~{}", r.created_at, r.id)))
        .flatten();
    Ok(Json(Page { records, next }))
}
