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
use serde_json::{Value, json};

use super::ApiError;
use crate::api::signed::Signed;
use crate::hub::Edit;
use crate::state::AppState;
use crate::{audit, stored};

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

/// The record `id` as `signed` opens it now: `{id, areaId, kind, header, state, events,
/// flags, offers, clocks}`.
pub(super) async fn view(
    state: &AppState,
    signed: &Signed,
    id: DocumentId,
) -> Result<Value, ApiError> {
    let mut conn = state.store.pool().acquire().await?;
    let now = crate::clock::now_ms();
    let (record, view) = stored::view(&mut conn, id, signed.grant.role, now)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .ok_or_else(|| ApiError::NotFound("记录不存在".into()))?;
    let mut value = serde_json::to_value(view).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Value::Object(fields) = &mut value {
        fields.insert("id".into(), id.to_string().into());
        fields.insert("areaId".into(), record.area().into());
    }
    Ok(value)
}

async fn open(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
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

async fn act(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    input: Result<Json<Value>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let id = record_id(&id)?;
    let input = body(input, "{\"type\": …}")?;
    let area = visible_area(&state, &signed, id).await?;
    let index = index_of(&state, &area).await?;
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
    let view = view(&state, &signed, id).await?;
    Ok(Json(json!({ "event": done["event"], "view": view })))
}
