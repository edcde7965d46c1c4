//! Several servers on one PostgreSQL. Each commit that stores documents announces their
//! IDs with `NOTIFY` (delivered only once the commit lands); every other server listens,
//! and the ones holding those documents in memory read the new chunks and pass the
//! changes on to their phones. SQLite has one server; what another process (an import)
//! stores there is announced in the `announcements` table, which the server polls.

use std::time::Duration;

use estate_core::DocumentId;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::store::{Backend, Store, Tx};

/// The PostgreSQL channel the announcements travel on.
pub const CHANNEL: &str = "estate_stored";

/// Document IDs per notification: PostgreSQL caps a payload at 8000 bytes.
const IDS_PER_NOTICE: usize = 200;

/// What a server hears from the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Heard {
    /// Another server (or an import) stored these documents.
    Stored(Vec<DocumentId>),
    /// Announcements may have been missed (the listening connection was lost).
    Missed,
}

/// Who is told what was heard (the hub).
pub trait Listener: Send + Sync + 'static {
    /// Hands over what was heard; `false` once nobody listens any more.
    fn tell(&self, heard: Heard) -> impl Future<Output = bool> + Send;
}

/// A name for this server, unique among the servers sharing a database.
pub fn node_id() -> String {
    format!(
        "sync-server-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

/// Announces, inside the commit's transaction, the documents it stores.
pub async fn announce(tx: &mut Tx<'_>, node: &str, documents: &[DocumentId]) -> sqlx::Result<()> {
    for batch in documents.chunks(IDS_PER_NOTICE) {
        let ids: Vec<String> = batch.iter().map(ToString::to_string).collect();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(format!("{node} {}", ids.join(" ")))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Announces documents a process other than a server stored (an import), so running
/// servers take them in: `NOTIFY` on PostgreSQL, a row the server polls on SQLite.
pub async fn announce_from_outside(
    tx: &mut Tx<'_>,
    backend: Backend,
    documents: &[DocumentId],
    now: i64,
) -> sqlx::Result<()> {
    match backend {
        Backend::Postgres => announce(tx, "outside", documents).await,
        Backend::Sqlite => {
            let ids: Vec<String> = documents.iter().map(ToString::to_string).collect();
            sqlx::query(
                "INSERT INTO announcements (id, documents, at)
                 SELECT COALESCE(MAX(id), 0) + 1, $1, $2 FROM announcements",
            )
            .bind(ids.join(" "))
            .bind(now)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }
    }
}

/// SQLite: polls `announcements` once a second and hands new rows to the hub. Rows a day
/// old are cleared at start.
pub async fn poll(
    store: Store,
    hub: impl Listener,
    mut shutdown: watch::Receiver<bool>,
) -> sqlx::Result<tokio::task::JoinHandle<()>> {
    let pool = store.pool().clone();
    sqlx::query("DELETE FROM announcements WHERE at < $1")
        .bind(crate::clock::now_ms() - 24 * 3_600_000)
        .execute(&pool)
        .await?;
    let mut last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM announcements")
        .fetch_one(&pool)
        .await?;
    Ok(tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = crate::clock::stopping(&mut shutdown) => return,
            }
            let rows: Vec<(i64, String)> = match sqlx::query_as(
                "SELECT id, documents FROM announcements WHERE id > $1 ORDER BY id",
            )
            .bind(last)
            .fetch_all(&pool)
            .await
            {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!("cannot read announcements: {e}");
                    continue;
                }
            };
            for (id, documents) in rows {
                last = id;
                let documents = documents
                    .split(' ')
                    .filter_map(|w| w.parse().ok())
                    .collect();
                if !hub.tell(Heard::Stored(documents)).await {
                    return;
                }
            }
        }
    }))
}

/// The documents another node stored, from one notification; none for our own.
fn parse(payload: &str, node: &str) -> Vec<DocumentId> {
    let mut words = payload.split(' ');
    if words.next() == Some(node) {
        return Vec::new();
    }
    words.filter_map(|w| w.parse().ok()).collect()
}

async fn subscribe(url: &str) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Listens for the other nodes' announcements and hands them to the hub. Subscribes
/// before returning, so nothing stored after the server starts serving is missed; a
/// lost connection is re-established, and the hub then re-reads everything it holds.
pub async fn listen(
    url: &str,
    node: String,
    hub: impl Listener,
    mut shutdown: watch::Receiver<bool>,
) -> sqlx::Result<tokio::task::JoinHandle<()>> {
    let mut listener = subscribe(url).await?;
    let url = url.to_owned();
    Ok(tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                next = listener.try_recv() => next,
                () = crate::clock::stopping(&mut shutdown) => return,
            };
            let message = match next {
                Ok(Some(notice)) => {
                    let documents = parse(notice.payload(), &node);
                    if documents.is_empty() {
                        continue;
                    }
                    Heard::Stored(documents)
                }
                Ok(None) => {
                    tracing::warn!("lost the announcements connection; re-reading held documents");
                    Heard::Missed
                }
                Err(e) => {
                    // Reconnected afresh; whatever was announced meanwhile is re-read.
                    tracing::warn!("announcements connection failed, reconnecting: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    match subscribe(&url).await {
                        Ok(fresh) => listener = fresh,
                        Err(_) => continue,
                    }
                    Heard::Missed
                }
            };
            if !hub.tell(message).await {
                return;
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_ignores_its_own_announcements_and_bad_ids() {
        let id = DocumentId::from_bytes([3; 16]);
        let payload = format!("node-b {id} not-an-id");
        assert_eq!(parse(&payload, "node-a"), vec![id]);
        assert!(parse(&payload, "node-b").is_empty());
    }
}
