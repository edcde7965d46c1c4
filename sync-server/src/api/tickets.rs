//! `POST /api/tickets`: the service centre registers a call (`{"header": …}`, a ticket's
//! header as the phone makes it). The core checks it; the ticket is written under the
//! caller's device and filed in its area's index through the same gate as a phone's,
//! and reaches that area's phones at their next exchange. Registered by the caller,
//! now, unless the header says when the call came in.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use estate_core::DocumentId;
use estate_core::access::Owner;
use estate_core::problem::Problem;
use estate_core::records::any::AnyRecord;
use estate_core::records::index::AreaIndex;
use estate_core::records::ticket;
use serde::Serialize;
use serde_json::Value;

use super::ApiError;
use super::record::{OpenedRecord, body, index_of, view};
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::hub::Edit;
use crate::state::AppState;

/// A ticket just registered, as the caller now opens it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(super) struct Registered {
    id: String,
    view: OpenedRecord,
}

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(register))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/tickets", post(register))
}

#[utoipa::path(post, operation_id = "registerTicket", path = "/api/tickets", tag = "records", request_body(content = Object, description = "{\"header\": 工单信息，与手机登记时相同}"), responses((status = 201, body = Registered), (status = 400, description = "请求有误", body = ErrorBody), (status = 401, description = "未登录或登录已失效", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody), (status = 422, description = "输入有误", body = ErrorBody)))]
async fn register(
    State(state): State<AppState>,
    signed: Signed,
    request: Result<Json<Value>, JsonRejection>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    let request = body(request, "{\"header\": {\"areaId\", \"category\", …}}")?;
    let Some(Value::Object(mut header)) = request.get("header").cloned() else {
        return Err(ApiError::BadRequest("请求须含工单信息 header".into()));
    };
    header.insert("registeredBy".into(), signed.grant.user.clone().into());
    header
        .entry("registeredAt")
        .or_insert_with(|| crate::clock::now_ms().into());
    let (made, record) = AnyRecord::create(ticket::KIND, Value::Object(header))
        .map_err(|e| ApiError::problem(Problem::from(&e)))?;
    let area = record.area().to_owned();
    if !signed.may_read(Some(&Owner::Area(area.clone()))) {
        return Err(ApiError::NotFound(format!("片区 {area} 不存在")));
    }
    let index = index_of(&state, &area).await?;
    let id = DocumentId::random();
    let entry = record.entry();
    let edit: Edit = Box::new(move |drafts| {
        drafts.create(id, &made)?;
        AreaIndex::put_entry(drafts.doc(index)?, id, &entry).map_err(|e| Problem::from(&e))?;
        Ok(Value::Null)
    });
    state
        .hub
        .submit(signed.grant.clone(), vec![id, index], edit)
        .await?;
    let view = view(&state, &signed, id).await?;
    let id = id.to_string();
    Ok((StatusCode::CREATED, Json(Registered { id, view })))
}
