//! Signing requests in: the bearer token of a WebSocket or API call, checked against the
//! devices table, turned into the [`Grant`] the access rules in `estate_core::access`
//! judge by. Tokens are read from `Authorization: Bearer …` or `?token=…`; a browser,
//! which cannot set headers on a WebSocket, opens `/sync?ticket=…` with a one-time ticket
//! instead, so its long-lived token never appears in a URL. None is ever logged.

use std::collections::BTreeSet;

use axum::extract::{FromRequestParts, Query};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use estate_core::access::{Grant, Owner};
use estate_core::records::people::StaffRole;
use sqlx::AnyPool;

use super::ApiError;
use crate::accounts::{self, Identity, TokenCheck};
use crate::grants::grant;
use crate::state::AppState;

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

/// How a request signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A device's bearer token.
    Token(String),
    /// A one-time ticket for the sync WebSocket (`accounts::tickets`).
    Ticket(String),
}

/// The credential a request carries: the `Authorization` header first, then `?token=`,
/// then `?ticket=`.
pub fn credential_of(parts: &Parts) -> Option<Credential> {
    let header = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer)
        .map(|t| Credential::Token(t.to_owned()));
    header.or_else(|| {
        let Query(query) = Query::<CredentialQuery>::try_from_uri(&parts.uri).ok()?;
        let token = query.token.filter(|t| !t.is_empty()).map(Credential::Token);
        token.or_else(|| {
            query
                .ticket
                .filter(|t| !t.is_empty())
                .map(Credential::Ticket)
        })
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
struct CredentialQuery {
    token: Option<String>,
    ticket: Option<String>,
}

/// Checks a credential and resolves the caller's grant.
pub async fn sign_in(
    pool: &AnyPool,
    credential: Option<Credential>,
    now: i64,
) -> Result<Signed, ApiError> {
    let check = match credential {
        None => return Err(ApiError::Unauthorized("请先登录".into())),
        Some(Credential::Token(token)) => accounts::check_token(pool, &token, now).await?,
        Some(Credential::Ticket(ticket)) => accounts::tickets::redeem(pool, &ticket, now).await?,
    };
    match check {
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
            credential_of(parts),
            crate::clock::now_ms(),
        )
        .await
    }
}
