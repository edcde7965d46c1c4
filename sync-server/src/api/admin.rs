//! What only administrators may do over HTTP — manage users and their scopes, list and
//! revoke devices, import units from a spreadsheet — through the same functions as the
//! command line (`user`, `device`, `import`). Anyone else signed in gets 403.

mod devices;
mod import;
mod users;

use axum::Json;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::extract::rejection::JsonRejection;
use axum::http::request::Parts;
use estate_core::records::people::StaffRole;

use super::ApiError;
use crate::api::signed::Signed;
use crate::state::AppState;

/// The administrators' routes in the OpenAPI document.
pub(super) fn document() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = users::Doc::openapi();
    doc.merge(devices::Doc::openapi());
    doc.merge(import::Doc::openapi());
    doc
}

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .merge(users::router())
        .merge(devices::router())
        .merge(import::router())
}

/// A signed-in administrator. Anyone else is refused before the request's body is read.
#[derive(Debug, Clone)]
struct Admin(Signed);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed = Signed::from_request_parts(parts, state).await?;
        if signed.grant.role != StaffRole::Admin {
            return Err(ApiError::Forbidden(
                "只有管理员可以管理用户、设备和导入房屋".into(),
            ));
        }
        Ok(Admin(signed))
    }
}

/// A JSON body as the route expects it, or a 400 saying what it should look like.
fn body<T>(body: Result<Json<T>, JsonRejection>, shape: &str) -> Result<T, ApiError> {
    body.map(|Json(b)| b)
        .map_err(|e| ApiError::BadRequest(format!("请求须为 JSON：{shape}（{}）", e.body_text())))
}
