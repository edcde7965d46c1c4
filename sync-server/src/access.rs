//! Signing requests in: the bearer token of a WebSocket or API call, checked against the
//! devices table, turned into the [`Grant`] the access rules in `estate_core::access`
//! judge by. Tokens are read from `Authorization: Bearer …` or, where a browser cannot
//! set headers (the WebSocket), from `?token=…`; neither is ever logged.

use std::collections::BTreeSet;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use estate_core::access::{Grant, Owner};
use estate_core::records::people::StaffRole;
use sqlx::AnyPool;

use crate::AppState;
use crate::accounts::{self, Identity, TokenCheck};
use crate::api::ApiError;

/// A signed-in caller: who they are and what they may reach.
#[derive(Debug, Clone)]
pub struct Signed {
    pub identity: Identity,
    pub grant: Grant,
}

impl Signed {
    /// Whether the caller may see a document owned by `owner`.
    pub fn may_read(&self, owner: Option<&Owner>) -> bool {
        self.grant.may_read(owner)
    }

    /// The areas whose rows the caller may list: `None` for every area.
    pub fn area_filter(&self) -> Option<&BTreeSet<String>> {
        match self.grant.role {
            StaffRole::Office | StaffRole::Admin => None,
            StaffRole::Housekeeper | StaffRole::Supervisor => Some(&self.grant.areas),
        }
    }
}

/// The token a request carries, header first.
pub fn token_of(parts: &Parts) -> Option<String> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(str::to_owned);
    header.or_else(|| {
        Query::<TokenQuery>::try_from_uri(&parts.uri)
            .ok()
            .and_then(|Query(q)| q.token)
    })
}

/// The credentials of an `Authorization` value in the Bearer scheme, whose name is
/// case-insensitive (RFC 9110 §11.1).
pub fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

#[derive(serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// Checks a token and resolves the caller's grant.
pub async fn sign_in(pool: &AnyPool, token: Option<&str>, now: i64) -> Result<Signed, ApiError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(ApiError::Unauthorized("请先登录".into()));
    };
    match accounts::check_token(pool, token, now).await? {
        TokenCheck::Valid(identity) => {
            let grant = grant(pool, &identity).await?;
            Ok(Signed { identity, grant })
        }
        TokenCheck::Revoked => Err(ApiError::Revoked),
        TokenCheck::Expired => Err(ApiError::Unauthorized("登录已过期，请重新登录".into())),
        TokenCheck::Unknown => Err(ApiError::Unauthorized("登录无效，请重新登录".into())),
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        sign_in(
            state.store.pool(),
            token_of(parts).as_deref(),
            crate::now_ms(),
        )
        .await
    }
}

/// What an identity reaches: a housekeeper their areas (and the calendars of those
/// areas' projects), a supervisor every area of their projects.
pub async fn grant(pool: &AnyPool, identity: &Identity) -> sqlx::Result<Grant> {
    Ok(grant_among(&places(pool).await?, identity))
}

/// Every area with its project.
pub async fn places(pool: &AnyPool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as("SELECT id, project_id FROM areas")
        .fetch_all(pool)
        .await
}

/// [`grant`] with the areas and their projects already read.
pub fn grant_among(places: &[(String, String)], identity: &Identity) -> Grant {
    let mut areas: BTreeSet<String> = identity.areas.iter().cloned().collect();
    let mut projects: BTreeSet<String> = identity.projects.iter().cloned().collect();
    for (area, project) in places {
        if identity.role == StaffRole::Supervisor && projects.contains(project) {
            areas.insert(area.clone());
        }
    }
    for (area, project) in places {
        if areas.contains(area) {
            projects.insert(project.clone());
        }
    }
    Grant {
        user: identity.user.clone(),
        role: identity.role,
        areas,
        projects,
        device: identity.device.clone(),
    }
}
