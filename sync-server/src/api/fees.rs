//! Fee collection for the office (seed 003 G8; the rules are the core's `rules::fees`):
//! `GET /api/fees?month=&area=|project=` — each area's plan against what it collected,
//! and the ledger per household; `GET /api/fees/checks?project=&week=` — the week's check
//! of the service ledger against the cashier's; `POST` the same with the cashier's sheet
//! (CSV or XLSX: 房号, 金额 in yuan, optionally 票据号 and 日期) as the body makes the
//! check: every household whose week's payments differ is listed, and every row the sheet
//! could not give is named with its line. A corrected sheet may be sent again; the check
//! keeps when it was first made. The project's supervisor and company staff make it.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::records::people::StaffRole;
use estate_core::rules::Portfolio;
use estate_core::rules::deadlines::Deadline;
use estate_core::rules::fees::{
    FeeCollection, LedgerDifference, Paid, compare_ledgers, fee_collection, ledger_check_deadline,
    parse_yuan, service_payments,
};
use estate_core::rules::sampling::{week_bounds, week_of};
use estate_core::time::{at_local, parse_date};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{ApiError, portfolio, scope, upload};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::import::{ImportError, Rejected, column, read_rows};
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(collection, read_check, make_check))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/fees", get(collection)).route(
        "/api/fees/checks",
        get(read_check)
            .post(make_check)
            .layer(DefaultBodyLimit::max(upload::MAX_BYTES)),
    )
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AskedCollection {
    month: String,
    area: Option<String>,
    project: Option<String>,
    #[serde(rename = "token")]
    #[param(ignore)]
    _token: Option<String>,
}

#[utoipa::path(get, operation_id = "feeCollection", path = "/api/fees", tag = "fees", params(AskedCollection), responses((status = 200, body = FeeCollection), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn collection(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<AskedCollection>, QueryRejection>,
) -> Result<Json<FeeCollection>, ApiError> {
    let asked = super::query(asked)?;
    let month = portfolio::month(&asked.month)?;
    let now = crate::clock::now_ms();
    let collection = portfolio::over_scope(
        &state,
        &signed,
        asked.area.as_deref(),
        asked.project.as_deref(),
        move |all, scope| fee_collection(all, scope, month, now),
    )
    .await?;
    Ok(Json(collection))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct AskedCheck {
    project: String,
    /// Any day of the week; the week runs Monday to Sunday.
    week: String,
    /// The cashier's sheet's file name, when sending it; only its extension is used.
    filename: Option<String>,
    #[serde(rename = "token")]
    #[param(ignore)]
    _token: Option<String>,
}

/// A check made.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct Made {
    checked_by: String,
    checked_at: i64,
    revised_at: Option<i64>,
    file_name: String,
    /// The week's payments in the service ledger and in the cashier's.
    service_fen: u64,
    cashier_fen: u64,
    differences: Vec<LedgerDifference>,
    /// Rows of the cashier's sheet that could not be read or fall outside the week.
    rejected: Vec<Rejected>,
}

/// A project's week of fee ledgers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct LedgerCheck {
    project: String,
    /// The week's Monday, `YYYY-MM-DD`.
    week: String,
    deadline: Deadline,
    check: Option<Made>,
    /// Whether the caller makes this check.
    may_check: bool,
}

/// The project and week asked for, checked against what the caller may see.
async fn week_of_project(
    state: &AppState,
    signed: &Signed,
    asked: &AskedCheck,
) -> Result<(scope::Covered, String, (i64, i64)), ApiError> {
    let day = parse_date(&asked.week)
        .ok_or_else(|| ApiError::BadRequest("week 应为日期 YYYY-MM-DD".into()))?;
    let monday = week_of(day);
    let bounds = week_bounds(monday).ok_or_else(|| ApiError::BadRequest("日期超出范围".into()))?;
    let places = scope::places(state.store.pool()).await?;
    let covered = scope::covered(&places, signed, None, Some(&asked.project))?;
    Ok((covered, monday.to_string(), bounds))
}

fn may_check(signed: &Signed) -> bool {
    matches!(
        signed.grant.role,
        StaffRole::Supervisor | StaffRole::Office | StaffRole::Admin
    )
}

/// The check of `project`'s week of `monday` as stored, if it was made.
async fn stored(state: &AppState, project: &str, monday: &str) -> Result<Option<Made>, ApiError> {
    let row = sqlx::query("SELECT made FROM fee_checks WHERE project_id = $1 AND week = $2")
        .bind(project)
        .bind(monday)
        .fetch_optional(state.store.pool())
        .await?;
    row.map(|r| serde_json::from_str(&r.get::<String, _>(0)))
        .transpose()
        .map_err(|e| ApiError::Internal(format!("a stored fee check: {e}")))
}

/// The week as the caller reads it: its deadline (due by `week_end`) and its check.
fn ledger_check(
    signed: &Signed,
    project: &str,
    monday: &str,
    week_end: i64,
    check: Option<Made>,
) -> LedgerCheck {
    LedgerCheck {
        project: project.to_owned(),
        week: monday.to_owned(),
        deadline: ledger_check_deadline(
            week_end,
            check.as_ref().map(|c| c.checked_at),
            crate::clock::now_ms(),
        ),
        check,
        may_check: may_check(signed),
    }
}

#[utoipa::path(get, operation_id = "readFeeCheck", path = "/api/fees/checks", tag = "fees", params(AskedCheck), responses((status = 200, body = LedgerCheck), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn read_check(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<AskedCheck>, QueryRejection>,
) -> Result<Json<LedgerCheck>, ApiError> {
    let asked = super::query(asked)?;
    let (_, monday, (_, end)) = week_of_project(&state, &signed, &asked).await?;
    let check = stored(&state, &asked.project, &monday).await?;
    Ok(Json(ledger_check(
        &signed,
        &asked.project,
        &monday,
        end,
        check,
    )))
}

/// The cashier's payments of the week from the sheet at `path`, and the rows refused.
fn cashier_rows(
    path: &std::path::Path,
    (start, end): (i64, i64),
) -> Result<(Vec<Paid>, Vec<Rejected>), ApiError> {
    let rows = read_rows(path).map_err(|e| match e {
        ImportError::Read(_, why) => ApiError::BadRequest(format!("文件无法读取：{why}")),
        other => ApiError::BadRequest(other.to_string()),
    })?;
    let mut rows = rows.into_iter();
    let (_, header) = rows
        .next()
        .ok_or_else(|| ApiError::BadRequest("表格是空的：第一行应为列名".into()))?;
    let code = column(&header, &["房号", "code"]);
    let amount = column(&header, &["金额", "实收金额", "amount"]);
    let (Some(code), Some(amount)) = (code, amount) else {
        return Err(ApiError::BadRequest(
            "第一行须有 房号 与 金额 两列（可另有 票据号、日期）".into(),
        ));
    };
    let receipt = column(&header, &["票据号", "收据号", "receipt"]);
    let date = column(&header, &["日期", "收款日期", "date"]);
    let (mut paid, mut rejected) = (Vec::new(), Vec::new());
    for (line, row) in rows {
        let cell = |i: usize| row.get(i).map_or("", |s| s.trim());
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let read = || -> Result<Paid, String> {
            let unit = cell(code);
            if unit.is_empty() {
                return Err("缺少房号".into());
            }
            if let Some(d) = date.map(cell).filter(|d| !d.is_empty()) {
                let day = parse_date(d.get(..10).unwrap_or(d))
                    .ok_or_else(|| format!("日期 {d:?} 应为 YYYY-MM-DD"))?;
                let at = at_local(day, 12, 0);
                if !(start..end).contains(&at) {
                    return Err(format!("日期 {day} 不在本周"));
                }
            }
            Ok(Paid {
                unit_code: unit.to_owned(),
                amount_fen: parse_yuan(cell(amount))?,
                receipt: receipt.map_or("", cell).to_owned(),
            })
        };
        match read() {
            Ok(p) => paid.push(p),
            Err(reason) => rejected.push(Rejected { line, reason }),
        }
    }
    Ok((paid, rejected))
}

#[utoipa::path(post, operation_id = "makeFeeCheck", path = "/api/fees/checks", tag = "fees", params(AskedCheck), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "出纳台账：CSV 或 XLSX 文件"), responses((status = 200, body = LedgerCheck), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "无权核对", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 413, body = ErrorBody)))]
async fn make_check(
    State(state): State<AppState>,
    signed: Signed,
    asked: Result<Query<AskedCheck>, QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<LedgerCheck>, ApiError> {
    let asked = super::query(asked)?;
    let (covered, monday, (start, end)) = week_of_project(&state, &signed, &asked).await?;
    if !may_check(&signed) {
        return Err(ApiError::Forbidden(
            "台账核对由项目主管或公司客服组进行".into(),
        ));
    }
    let now = crate::clock::now_ms();
    if start > now {
        return Err(ApiError::BadRequest(format!("{monday} 这一周还没有开始")));
    }
    let sheet = upload::sheet(asked.filename.as_deref(), body).await?;
    let (cashier, rejected) = cashier_rows(&sheet.path, (start, end))?;
    let records = portfolio::load(&state, &covered.projects).await?;
    let scope = covered.scope.clone();
    let service = portfolio::blocking(move || {
        let all = Portfolio::new(records.iter().map(|(id, r)| (*id, &**r)));
        service_payments(&all, &scope, start, end)
    })
    .await?;
    let total = |paid: &[Paid]| paid.iter().map(|p| p.amount_fen).sum::<u64>();
    let before = stored(&state, &asked.project, &monday).await?;
    let made = Made {
        checked_by: signed.grant.user.clone(),
        checked_at: before.as_ref().map_or(now, |b| b.checked_at),
        revised_at: before.is_some().then_some(now),
        file_name: asked.filename.clone().unwrap_or_default(),
        service_fen: total(&service),
        cashier_fen: total(&cashier),
        differences: compare_ledgers(&service, &cashier),
        rejected,
    };
    let json = serde_json::to_string(&made)
        .map_err(|e| ApiError::Internal(format!("a fee check: {e}")))?;
    sqlx::query(
        "INSERT INTO fee_checks (project_id, week, made, checked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, week) DO UPDATE SET made = excluded.made",
    )
    .bind(&asked.project)
    .bind(&monday)
    .bind(json)
    .bind(made.checked_at)
    .execute(state.store.pool())
    .await?;
    tracing::info!(
        project = %asked.project,
        week = %monday,
        by = %signed.grant.user,
        differences = made.differences.len(),
        "fee ledgers checked"
    );
    Ok(Json(ledger_check(
        &signed,
        &asked.project,
        &monday,
        end,
        Some(made),
    )))
}
