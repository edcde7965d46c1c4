//! `GET` and `POST /api/admin/users`, `PUT /api/admin/users/{id}`: users, their roles and
//! the areas or projects they work in, as `user list|add|assign` do.

use std::collections::HashMap;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use estate_core::records::people::StaffRole;
use serde::{Deserialize, Serialize};

use super::{Admin, body};
use crate::accounts::{self, AccountError, NewScopes, NewUser, UserView};
use crate::api::ApiError;
use crate::api::ErrorBody;
use crate::state::AppState;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(list, add, assign))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/users", get(list).post(add))
        .route("/api/admin/users/{id}", put(assign))
}

/// A user with how many devices they signed in on.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
struct UserRow {
    #[serde(flatten)]
    user: UserView,
    /// Every device they ever signed in on.
    devices: usize,
    /// Those still signed in: neither revoked nor expired.
    active_devices: usize,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewUserBody {
    id: String,
    name: String,
    role: String,
    #[serde(default)]
    areas: Vec<String>,
    #[serde(default)]
    projects: Vec<String>,
    password: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct ScopesBody {
    role: String,
    #[serde(default)]
    areas: Vec<String>,
    #[serde(default)]
    projects: Vec<String>,
}

fn role(text: &str) -> Result<StaffRole, ApiError> {
    text.parse().map_err(|_| {
        let known: Vec<String> = StaffRole::ALL
            .iter()
            .map(|r| format!("{}（{}）", r.as_str(), r.label_zh()))
            .collect();
        ApiError::BadRequest(format!("角色 {text:?} 不认识，应为：{}", known.join("、")))
    })
}

/// Every user with their device counts; `only` keeps one.
async fn rows(state: &AppState, only: Option<&str>) -> Result<Vec<UserRow>, ApiError> {
    let pool = state.store.pool();
    let now = crate::clock::now_ms();
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for d in accounts::devices(pool, only).await? {
        let count = counts.entry(d.user).or_default();
        count.0 += 1;
        if d.revoked_at.is_none() && d.expires_at > now {
            count.1 += 1;
        }
    }
    Ok(accounts::users(pool)
        .await?
        .into_iter()
        .filter(|u| only.is_none_or(|id| u.id == id))
        .map(|user| {
            let (devices, active_devices) = counts.get(&user.id).copied().unwrap_or_default();
            UserRow {
                user,
                devices,
                active_devices,
            }
        })
        .collect())
}

async fn row(state: &AppState, id: &str) -> Result<UserRow, ApiError> {
    rows(state, Some(id))
        .await?
        .pop()
        .ok_or_else(|| ApiError::NotFound(format!("没有用户 {id}")))
}

#[utoipa::path(get, operation_id = "listUsers", path = "/api/admin/users", tag = "admin", responses((status = 200, body = Vec<UserRow>), (status = 403, description = "仅管理员", body = ErrorBody)))]
async fn list(State(state): State<AppState>, _: Admin) -> Result<Json<Vec<UserRow>>, ApiError> {
    Ok(Json(rows(&state, None).await?))
}

/// 201 with the new user; 409 when the ID is taken; 400 for an unknown role, area or
/// project, or a short password.
#[utoipa::path(post, operation_id = "addUser", path = "/api/admin/users", tag = "admin", request_body = NewUserBody, responses((status = 201, body = UserRow), (status = 400, body = ErrorBody), (status = 403, description = "仅管理员", body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add(
    State(state): State<AppState>,
    Admin(admin): Admin,
    new: Result<Json<NewUserBody>, JsonRejection>,
) -> Result<(StatusCode, Json<UserRow>), ApiError> {
    let new = body(
        new,
        "{\"id\", \"name\", \"role\", \"areas\", \"projects\", \"password\"}",
    )?;
    let user = NewUser {
        id: new.id.trim().to_owned(),
        name: new.name,
        role: role(&new.role)?,
        areas: new.areas,
        projects: new.projects,
    };
    match accounts::add_user(
        state.store.pool(),
        &user,
        &new.password,
        crate::clock::now_ms(),
    )
    .await
    {
        Err(e @ AccountError::Exists(_)) => return Err(ApiError::Conflict(e.to_string())),
        done => done?,
    }
    tracing::info!(admin = %admin.identity.user, user = %user.id, role = %user.role.as_str(), "user added");
    Ok((StatusCode::CREATED, Json(row(&state, &user.id).await?)))
}

/// A user's new role and scopes, replacing what they had; their open connections resume
/// under them within 10 s.
#[utoipa::path(put, operation_id = "assignUser", path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path)), request_body = ScopesBody, responses((status = 200, body = UserRow), (status = 400, body = ErrorBody), (status = 403, description = "仅管理员", body = ErrorBody), (status = 404, description = "不存在，或调用者无权看到", body = ErrorBody)))]
async fn assign(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    scopes: Result<Json<ScopesBody>, JsonRejection>,
) -> Result<Json<UserRow>, ApiError> {
    let scopes = body(scopes, "{\"role\", \"areas\", \"projects\"}")?;
    row(&state, &id).await?;
    let scopes = NewScopes {
        id,
        role: role(&scopes.role)?,
        areas: scopes.areas,
        projects: scopes.projects,
    };
    accounts::assign(state.store.pool(), &scopes).await?;
    tracing::info!(admin = %admin.identity.user, user = %scopes.id, role = %scopes.role.as_str(), "user assigned");
    Ok(Json(row(&state, &scopes.id).await?))
}
