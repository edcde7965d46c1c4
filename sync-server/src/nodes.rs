//! Several servers on one PostgreSQL. Each commit that stores documents announces their
//! IDs with `NOTIFY` (delivered only once the commit lands); every other server listens,
//! and the ones holding those documents in memory read the new chunks and pass the
//! changes on to their phones. SQLite has one server, so nothing is announced there.

use std::time::Duration;

use estate_core::DocumentId;
use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::hub::{HubHandle, Inbound};
use crate::store::Tx;

/// The PostgreSQL channel the announcements travel on.
pub const CHANNEL: &str = "estate_stored";

/// Document IDs per notification: PostgreSQL caps a payload at 8000 bytes.
const IDS_PER_NOTICE: usize = 200;

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

/// The documents another node stored, from one notification; none for our own.
fn parse(payload: &str, node: &str) -> Vec<DocumentId> {
    let mut words = payload.split(' ');
    if words.next() == Some(node) {
        return Vec::new();
    }
    words.filter_map(|w| w.parse().ok()).collect()
}

/// Listens for the other nodes' announcements and hands them to the hub. Subscribes
/// before returning, so nothing stored after the server starts serving is missed; a
/// lost connection is re-established, and the hub then re-reads everything it holds.
pub async fn listen(
    url: &str,
    node: String,
    hub: HubHandle,
    mut shutdown: watch::Receiver<bool>,
) -> sqlx::Result<tokio::task::JoinHandle<()>> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    Ok(tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                next = listener.try_recv() => next,
                () = crate::stopping(&mut shutdown) => return,
            };
            let message = match next {
                Ok(Some(notice)) => {
                    let documents = parse(notice.payload(), &node);
                    if documents.is_empty() {
                        continue;
                    }
                    Inbound::StoredElsewhere { documents }
                }
                Ok(None) => {
                    tracing::warn!("lost the announcements connection; re-reading held documents");
                    Inbound::StoredElsewhereMissed
                }
                Err(e) => {
                    tracing::warn!("announcements connection failed, retrying: {e}");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            if !hub.send(message).await {
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
