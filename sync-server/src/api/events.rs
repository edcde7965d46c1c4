//! `GET /api/events`: the office's live screens follow every commit as Server-Sent
//! Events instead of polling. `ready` once connected; `changed` with the records just
//! stored that the caller may see (`{"documents": [{"id", "kind", "areaId", "status"}]}`),
//! from this server or another sharing the database; `resync` when the screen fell
//! behind and should read everything again; `revoked` (then the end) when the device was
//! revoked meanwhile — checked every 10 s. A comment every 15 s keeps proxies from
//! closing it; the stream ends when the server stops. `EventSource` sends no headers:
//! the token may ride as `?token=`.

use std::convert::Infallible;

use axum::Router;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures_util::Stream;
use serde::Serialize;
use sqlx::AssertSqlSafe;
use tokio::sync::broadcast::error::RecvError;

use crate::accounts;
use crate::api::ErrorBody;
use crate::api::signed::Signed;
use crate::hub::Stored;
use crate::state::AppState;
use crate::store;

/// These routes in the OpenAPI document (`openapi.rs`).
#[derive(utoipa::OpenApi)]
#[openapi(paths(events))]
pub(super) struct Doc;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

#[derive(Debug, Serialize, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
struct Changed {
    id: String,
    kind: String,
    area_id: String,
    status: Option<String>,
}

/// The records among `ids` the caller may see.
async fn visible(state: &AppState, signed: &Signed, ids: &Stored) -> sqlx::Result<Vec<Changed>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT doc_id AS id, kind, area_id, status FROM records WHERE doc_id IN ({})",
        store::marks(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, Changed>(AssertSqlSafe(sql));
    for id in ids.iter() {
        query = query.bind(id.to_string());
    }
    let rows = query.fetch_all(state.store.pool()).await?;
    Ok(match signed.area_filter() {
        None => rows,
        Some(areas) => rows
            .into_iter()
            .filter(|r| areas.contains(&r.area_id))
            .collect(),
    })
}

struct Follow {
    state: AppState,
    signed: Signed,
    stored: tokio::sync::broadcast::Receiver<Stored>,
    greeted: bool,
    /// The device was revoked and told so: nothing more.
    ended: bool,
    /// When to ask again whether the device was revoked meanwhile.
    recheck: tokio::time::Interval,
}

/// How often a live screen's device is checked against revocations.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(10);

impl Follow {
    /// Whether the screen's device was revoked since it connected (the stream then says
    /// so and ends; the console signs out and says why).
    async fn revoked(&self) -> bool {
        let device = std::collections::BTreeSet::from([self.signed.grant.device.as_str()]);
        accounts::revoked_among(self.state.store.pool(), &device)
            .await
            .is_ok_and(|revoked| !revoked.is_empty())
    }

    async fn next(&mut self) -> Option<Event> {
        if self.ended {
            return None;
        }
        if !self.greeted {
            self.greeted = true;
            return Some(Event::default().event("ready").data("{}"));
        }
        let mut shutdown = self.state.shutdown.clone();
        loop {
            let got = tokio::select! {
                got = self.stored.recv() => got,
                () = crate::clock::stopping(&mut shutdown) => return None,
                _ = self.recheck.tick() => {
                    if self.revoked().await {
                        self.ended = true;
                        return Some(Event::default().event("revoked").data("{}"));
                    }
                    continue;
                }
            };
            match got {
                Ok(ids) => match visible(&self.state, &self.signed, &ids).await {
                    Ok(rows) if rows.is_empty() => continue,
                    Ok(rows) => {
                        let data = serde_json::json!({ "documents": rows });
                        return Some(Event::default().event("changed").data(data.to_string()));
                    }
                    Err(e) => {
                        tracing::warn!("could not read what changed for a live screen: {e}");
                        return Some(Event::default().event("resync").data("{}"));
                    }
                },
                Err(RecvError::Lagged(_)) => {
                    return Some(Event::default().event("resync").data("{}"));
                }
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

#[utoipa::path(get, operation_id = "events", path = "/api/events", tag = "records", responses((status = 200, description = "Server-Sent Events：ready、changed（{documents: [{id, kind, areaId, status}]}）、resync", content_type = "text/event-stream"), (status = 401, body = ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    signed: Signed,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let follow = Follow {
        stored: state.hub.stored(),
        state,
        signed,
        greeted: false,
        ended: false,
        recheck: tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK),
    };
    let stream = futures_util::stream::unfold(follow, |mut follow| async move {
        let event = follow.next().await?;
        Some((Ok(event), follow))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}
