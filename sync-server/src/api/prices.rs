//! A project's standards: its 《特约服务项目及收费标准》 (seed 004 §4.4.3 a) and the service
//! level's settings (seed 003: the vacant-unit rounds a month; the group-complaint
//! window). `GET /api/projects/{id}/prices` lists every item — proposed, approved under its
//! filing, withdrawn — what is published, and the settings; `POST` takes one of the
//! project record's actions (`price`, `approve_price`, `withdraw_price`, `vacant_rounds`,
//! `group_window`), run by the core on the project's calendar record
//! and written through the same gate as a phone's change: a project's supervisor or an
//! administrator may, office staff may not. The phones hold the same record and show
//! the published prices.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use estate_core::DocumentId;
use estate_core::access::Owner;
use estate_core::records::any::AnyRecord;
use estate_core::records::project::{PriceItem, PublishedPrice};
use serde::Serialize;
use serde_json::Value;

use super::ApiError;
use super::record::{act_on, body};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::state::AppState;
use crate::stored;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, change))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/projects/{id}/prices", get(list).post(change))
}

/// One item of the price list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct PriceListItem {
    item: String,
    #[serde(flatten)]
    #[schema(value_type = Object)]
    price: PriceItem,
    /// A price proposed and not yet approved.
    pending: bool,
}

/// The price list of a project.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct PriceList {
    project: String,
    items: Vec<PriceListItem>,
    /// What customers are shown: approved items at their approved price.
    #[schema(value_type = Vec<Object>)]
    published: Vec<PublishedPrice>,
    /// Vacant-unit rounds a month at the project's service level.
    vacant_rounds: u8,
    /// The group-complaint window, in hours.
    group_window_hours: u32,
    /// Whether the caller may propose, approve and withdraw, and change the settings.
    may_change: bool,
}

/// The project record of `project` (the one holding its areas' calendar), if the caller
/// sees the project: its document, an area of it, and the record.
async fn project_record(
    state: &AppState,
    signed: &Signed,
    project: &str,
) -> Result<(DocumentId, String, AnyRecord), ApiError> {
    let missing = || ApiError::NotFound(format!("没有项目 {project}"));
    if !signed.may_read(Some(&Owner::Project(project.to_owned()))) {
        return Err(missing());
    }
    let area: Option<String> =
        sqlx::query_scalar("SELECT id FROM areas WHERE project_id = $1 ORDER BY id LIMIT 1")
            .bind(project)
            .fetch_optional(state.store.pool())
            .await?;
    let area = area.ok_or_else(missing)?;
    let mut conn = state.store.pool().acquire().await?;
    let (id, record) = stored::calendar_of(&mut conn, &area)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or_else(missing)?;
    Ok((id, area, record))
}

fn price_list(project: &str, record: &AnyRecord, may_change: bool) -> Result<PriceList, ApiError> {
    let AnyRecord::Project(p) = record else {
        return Err(ApiError::Internal(format!(
            "project {project}'s calendar is no project record"
        )));
    };
    Ok(PriceList {
        project: project.to_owned(),
        items: p
            .state
            .prices
            .iter()
            .map(|(item, price)| PriceListItem {
                item: item.clone(),
                pending: price.pending(),
                price: price.clone(),
            })
            .collect(),
        published: p.state.published_prices(),
        vacant_rounds: p.state.vacant_rounds,
        group_window_hours: p.state.group_window_hours,
        may_change,
    })
}

/// The project record's actions this route takes.
const STANDARDS: [&str; 5] = [
    "price",
    "approve_price",
    "withdraw_price",
    "vacant_rounds",
    "group_window",
];

/// Who changes the price list: what the gate lets write a project record.
fn may_change(signed: &Signed) -> bool {
    use estate_core::records::people::StaffRole::{Admin, Supervisor};
    matches!(signed.grant.role, Supervisor | Admin)
}

#[utoipa::path(get, operation_id = "listPrices", path = "/api/projects/{id}/prices", tag = "office", params(("id" = String, Path, description = "项目编号")), responses((status = 200, body = PriceList), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    signed: Signed,
    Path(project): Path<String>,
) -> Result<Json<PriceList>, ApiError> {
    let (_, _, record) = project_record(&state, &signed, &project).await?;
    Ok(Json(price_list(&project, &record, may_change(&signed))?))
}

#[utoipa::path(post, operation_id = "changePrices", path = "/api/projects/{id}/prices", tag = "office", params(("id" = String, Path, description = "项目编号")), request_body(content = Object, description = "{\"type\": \"price\", \"item\", \"unit\", \"priceFen\"} | {\"type\": \"approve_price\", \"item\", \"reference\"} | {\"type\": \"withdraw_price\", \"item\"} | {\"type\": \"vacant_rounds\", \"perMonth\"} | {\"type\": \"group_window\", \"hours\"}"), responses((status = 200, body = PriceList), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "访问规则不允许", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 422, description = "输入有误", body = ErrorBody)))]
async fn change(
    State(state): State<AppState>,
    signed: Signed,
    Path(project): Path<String>,
    input: Result<Json<Value>, JsonRejection>,
) -> Result<Json<PriceList>, ApiError> {
    let input = body(
        input,
        "{\"type\": \"price\" | \"approve_price\" | \"withdraw_price\" | \"vacant_rounds\" | \"group_window\", …}",
    )?;
    let kind = input
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !STANDARDS.contains(&kind) {
        return Err(ApiError::BadRequest(format!(
            "项目标准只接受 {}，收到 {kind:?}",
            STANDARDS.join("、")
        )));
    }
    let (id, area, _) = project_record(&state, &signed, &project).await?;
    act_on(&state, &signed, id, &area, input).await?;
    let (_, _, record) = project_record(&state, &signed, &project).await?;
    Ok(Json(price_list(&project, &record, may_change(&signed))?))
}
