//! `GET /api/records.xlsx`: every record the filters of `GET /api/records` match, as one
//! workbook — the same query, not paged, at most [`MAX_ROWS`] rows. Kinds, statuses and
//! categories in the core's Chinese; times in Asia/Shanghai.

use std::collections::HashMap;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use estate_core::records::inspection::{self, Occasion};
use estate_core::records::ticket::{self, Category};
use estate_core::records::vocabulary::{among, status_label, vocabulary};

use super::lists::{self, Filter, ListedRecord, Window};
use super::xlsx::{Book, Cell, Column, local, yes_no};
use super::{ApiError, portfolio, scope};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;

/// The most rows one workbook holds; past it the office narrows the filter.
pub const MAX_ROWS: i64 = 50_000;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(export))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/records.xlsx", get(export))
}

const COLUMNS: [Column; 13] = [
    ("记录编号", 26.0),
    ("类型", 12.0),
    ("片区", 10.0),
    ("房号", 12.0),
    ("状态", 12.0),
    ("分类", 12.0),
    ("月份", 9.0),
    ("日期", 12.0),
    ("摘要", 40.0),
    ("期限", 18.0),
    ("已超期", 8.0),
    ("首次入库", 18.0),
    ("最近更新", 18.0),
];

#[utoipa::path(get, operation_id = "recordsWorkbook", path = "/api/records.xlsx", tag = "records", params(Filter), responses((status = 200, description = "XLSX 工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    signed: Signed,
    filter: Result<Query<Filter>, QueryRejection>,
) -> Result<Response, ApiError> {
    let filter = super::query(filter)?;
    lists::check(&filter)?;
    if filter.limit.is_some() || filter.cursor.is_some() {
        return Err(ApiError::BadRequest(
            "导出包含全部符合条件的记录，不分页：请去掉 limit 和 cursor".into(),
        ));
    }
    let window = Window {
        after: None,
        rows: MAX_ROWS + 1,
    };
    let records = lists::select(&state, &signed, &filter, window).await?;
    if records.len() as i64 > MAX_ROWS {
        return Err(ApiError::BadRequest(format!(
            "符合条件的记录超过 {MAX_ROWS} 条，请缩小筛选范围（片区、类型、月份等）后分批导出"
        )));
    }
    // Names only of places the caller sees; others stay as asked.
    let places: Vec<scope::Place> = scope::places(state.store.pool())
        .await?
        .into_iter()
        .filter(|p| signed.area_filter().is_none_or(|a| a.contains(&p.id)))
        .collect();
    let areas: HashMap<String, String> = places
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let projects: HashMap<String, String> = places
        .into_iter()
        .map(|p| (p.project_id, p.project_name))
        .collect();
    let labels = Labels::new();
    let now = crate::clock::now_ms();
    let chosen = labels.described(&filter, &areas, &projects);
    let title = format!("记录导出：{chosen}");
    let note = format!(
        "共 {} 条，按首次入库时间由新到旧；导出于 {}（北京时间）",
        records.len(),
        local(now)
    );
    let date = local(now)[..10].to_owned();
    // Tens of thousands of rows take a while to lay out and compress.
    portfolio::blocking(move || {
        let mut book = Book::new();
        book.table(
            "记录",
            &title,
            &note,
            &COLUMNS,
            records.iter().map(|r| labels.row(r, &areas)),
        )?;
        book.download(
            &format!("记录导出-{chosen}-{date}.xlsx"),
            &format!("records-{date}.xlsx"),
        )
    })
    .await?
}

/// The Chinese for what the `records` table stores as values.
#[derive(Debug)]
struct Labels {
    /// Each record kind's name, from the core's vocabulary.
    kinds: HashMap<String, String>,
}

impl Labels {
    fn new() -> Self {
        let kinds = vocabulary()["kinds"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|k| {
                Some((
                    k["value"].as_str()?.to_owned(),
                    k["label"].as_str()?.to_owned(),
                ))
            })
            .collect();
        Self { kinds }
    }

    fn kind<'a>(&'a self, kind: &'a str) -> &'a str {
        self.kinds.get(kind).map_or(kind, String::as_str)
    }

    /// A status in Chinese where the core names it; else as stored.
    fn status<'a>(&self, kind: &str, status: &'a str) -> &'a str {
        status_label(kind, status).unwrap_or(status)
    }

    /// A ticket's category, or an inspection's occasion, in Chinese.
    fn category<'a>(&self, kind: &str, category: &'a str) -> &'a str {
        let label = match kind {
            ticket::KIND => among(
                Category::ALL,
                Category::as_str,
                Category::label_zh,
                category,
            ),
            inspection::KIND => among(
                &Occasion::ALL,
                Occasion::as_str,
                Occasion::label_zh,
                category,
            ),
            _ => None,
        };
        label.unwrap_or(category)
    }

    fn row(&self, r: &ListedRecord, areas: &HashMap<String, String>) -> Vec<Cell> {
        vec![
            r.id.clone().into(),
            self.kind(&r.kind).into(),
            areas.get(&r.area_id).unwrap_or(&r.area_id).clone().into(),
            r.code.clone().into(),
            r.status
                .as_deref()
                .map(|s| self.status(&r.kind, s).to_owned())
                .into(),
            r.category
                .as_deref()
                .map(|c| self.category(&r.kind, c).to_owned())
                .into(),
            r.month.clone().into(),
            r.date.clone().into(),
            r.title.clone().into(),
            r.due_at.map(local).into(),
            yes_no(Some(r.overdue)),
            local(r.created_at).into(),
            local(r.received_at).into(),
        ]
    }

    /// What the filter chose, in words, for the title and the file name.
    fn described(
        &self,
        f: &Filter,
        areas: &HashMap<String, String>,
        projects: &HashMap<String, String>,
    ) -> String {
        let named = |names: &HashMap<String, String>, id: &str| {
            names.get(id).cloned().unwrap_or_else(|| id.to_owned())
        };
        let kind = f.kind.as_deref();
        let parts: Vec<String> = [
            kind.map(|k| self.kind(k).to_owned()),
            f.project.as_deref().map(|p| named(projects, p)),
            f.area.as_deref().map(|a| named(areas, a)),
            f.category
                .as_deref()
                .map(|c| self.category(kind.unwrap_or(ticket::KIND), c).to_owned()),
            f.status
                .as_deref()
                .map(|s| self.status(kind.unwrap_or_default(), s).to_owned()),
            f.month.clone(),
            f.overdue.filter(|o| *o).map(|_| "已超期".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "全部记录".to_owned()
        } else {
            parts.join("·")
        }
    }
}
