//! One record as the office opens it and acts on it:
//! - `GET /api/records/{id}`: the record as the caller's role sees it, with the actions
//!   it offers them and its clocks under its project's calendar (what the phone's
//!   `recordView` shows);
//! - `POST /api/records/{id}/actions`: an action (`{"type": "dispatch", "to": …}`, as a
//!   phone takes it), run by the core's rules and written as a change of the caller's
//!   device through the same gate as a phone's, then the record as it now stands.
//!
//! A record the caller may not see answers exactly as one that does not exist.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use estate_core::DocumentId;
use estate_core::access::Owner;
use estate_core::problem::Problem;
use estate_core::records::any::AnyRecord;
use estate_core::records::index::AreaIndex;
use estate_core::records::people::Actor;
use estate_core::replica::RecordView;
use serde::Serialize;
use serde_json::{Value, json};

use super::ApiError;
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::hub::Edit;
use crate::state::AppState;
use crate::{audit, stored};

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(open, act))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/records/{id}", get(open))
        .route("/api/records/{id}/actions", post(act))
}

/// A record ID from the path (`automerge:` URLs too).
pub(super) fn record_id(text: &str) -> Result<DocumentId, ApiError> {
    text.trim_start_matches("automerge:")
        .parse::<DocumentId>()
        .map_err(|e| ApiError::BadRequest(format!("记录编号无效：{e}")))
}

/// The area of a record the caller may see; any other answers as missing.
async fn visible_area(
    state: &AppState,
    signed: &Signed,
    id: DocumentId,
) -> Result<String, ApiError> {
    match audit::owner_of(state.store.pool(), &id.to_string()).await? {
        Some(Some(Owner::Area(area))) if signed.may_read(Some(&Owner::Area(area.clone()))) => {
            Ok(area)
        }
        _ => Err(ApiError::NotFound("记录不存在".into())),
    }
}

/// A record as someone opens it, with where it is filed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub(super) struct OpenedRecord {
    pub id: String,
    pub area_id: String,
    #[serde(flatten)]
    pub view: RecordView,
}

/// What acting on a record did, and the record as it now stands.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct ActionDone {
    /// The new journal event's ID.
    event: String,
    view: OpenedRecord,
}

/// The record `id` as `signed` opens it now: the record as their role sees it (kind,
/// header, state, events, flags), its offers and its clocks.
pub(super) async fn view(
    state: &AppState,
    signed: &Signed,
    id: DocumentId,
) -> Result<OpenedRecord, ApiError> {
    let mut conn = state.store.pool().acquire().await?;
    let now = crate::clock::now_ms();
    let (record, view) = stored::view(&mut conn, id, signed.grant.role, now)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or_else(|| ApiError::NotFound("记录不存在".into()))?;
    Ok(OpenedRecord {
        id: id.to_string(),
        area_id: record.area().to_owned(),
        view,
    })
}

#[utoipa::path(get, operation_id = "openRecord", path = "/api/records/{id}", tag = "records", params(("id" = String, Path, description = "记录编号")), responses((status = 200, description = "记录（按调用者的角色）、可做的操作与时限，另含 id 与 areaId", body = RecordView), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn open(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<OpenedRecord>, ApiError> {
    let id = record_id(&id)?;
    visible_area(&state, &signed, id).await?;
    Ok(Json(view(&state, &signed, id).await?))
}

/// The document holding `area`'s index.
pub(super) async fn index_of(state: &AppState, area: &str) -> Result<DocumentId, ApiError> {
    let index: Option<String> = sqlx::query_scalar("SELECT index_doc FROM areas WHERE id = $1")
        .bind(area)
        .fetch_optional(state.store.pool())
        .await?;
    index
        .and_then(|i| i.parse().ok())
        .ok_or_else(|| ApiError::NotFound(format!("片区 {area} 不存在")))
}

/// The JSON body, or a 400 saying what was expected.
pub(super) fn body(
    body: Result<Json<Value>, JsonRejection>,
    expected: &str,
) -> Result<Value, ApiError> {
    body.map(|Json(v)| v).map_err(|e| {
        ApiError::BadRequest(format!("请求须为 JSON：{expected}（{}）", e.body_text()))
    })
}

#[utoipa::path(post, operation_id = "actOnRecord", path = "/api/records/{id}/actions", tag = "records", params(("id" = String, Path, description = "记录编号")), request_body(content = Object, description = "一个操作，与手机相同：{\"type\": \"dispatch\", \"to\": …, \"note\"?, \"photos\"?}"), responses((status = 200, body = ActionDone), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 403, description = "访问规则不允许", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 409, description = "记录当前状态不能这样做", body = ErrorBody), (status = 422, description = "输入有误", body = ErrorBody), (status = 503, description = "暂时无法保存", body = ErrorBody)))]
async fn act(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    input: Result<Json<Value>, JsonRejection>,
) -> Result<Json<ActionDone>, ApiError> {
    let id = record_id(&id)?;
    let input = body(input, "{\"type\": …}")?;
    let area = visible_area(&state, &signed, id).await?;
    let event = act_on(&state, &signed, id, &area, input).await?;
    Ok(Json(ActionDone {
        event,
        view: view(&state, &signed, id).await?,
    }))
}

/// Takes the action `input` on record `id` (filed in `area`'s index) as `signed`, at
/// once: the core's rules on the document as it stands, written under the caller's
/// device through the same gate as a phone's change, the index entry kept current.
/// Returns the new event's ID.
pub(super) async fn act_on(
    state: &AppState,
    signed: &Signed,
    id: DocumentId,
    area: &str,
    input: Value,
) -> Result<String, ApiError> {
    let index = index_of(state, area).await?;
    let actor = Actor::new(signed.grant.user.clone(), signed.grant.role);
    let now = crate::clock::now_ms();
    let edit: Edit = Box::new(move |drafts| {
        let (event, record) =
            AnyRecord::act(drafts.doc(id)?, input, &actor, now).map_err(|e| Problem::from(&e))?;
        AreaIndex::put_entry(drafts.doc(index)?, id, &record.entry())
            .map_err(|e| Problem::from(&e))?;
        Ok(json!({ "event": event }))
    });
    let done = state
        .hub
        .submit(signed.grant.clone(), vec![id, index], edit)
        .await?;
    Ok(done["event"].as_str().unwrap_or_default().to_owned())
}
