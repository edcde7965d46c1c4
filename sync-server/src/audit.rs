//! The trusted history: which area each document belongs to, as first seen, and every
//! change with the user and device that sent it and the server's own receive time.
//! Written in the same transaction as the chunks the changes are in.

use std::collections::HashMap;

use estate_core::DocumentId;
use estate_core::access::{Admitted, Owner};
use estate_core::storage::StorageKey;
use serde::Serialize;
use sqlx::{AnyPool, AssertSqlSafe, Row};

use crate::store::{self, Store, Tx};

/// Rows per multi-row insert: well under either database's limit on bound values.
const ROWS_PER_INSERT: usize = 400;

/// Records a document's owner unless one is recorded already: the first sight wins.
pub async fn first_seen(
    tx: &mut Tx<'_>,
    document: &str,
    kind: &str,
    owner: Option<&Owner>,
    at: i64,
    by: Option<(&str, &str)>,
) -> sqlx::Result<()> {
    let (area, project) = match owner {
        Some(Owner::Area(a)) => (Some(a.as_str()), None),
        Some(Owner::Project(p)) => (None, Some(p.as_str())),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO documents (id, kind, area_id, project_id, first_seen_at, created_by, created_device)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
    )
    .bind(document)
    .bind(kind)
    .bind(area)
    .bind(project)
    .bind(at)
    .bind(by.map(|(user, _)| user))
    .bind(by.map(|(_, device)| device))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A document's stored chunks and its owner, when one was recorded.
pub type Owned = (DocumentId, Vec<(StorageKey, Vec<u8>)>, Option<Owner>);

/// Every chunk of each document, with its owner as first stored (`None` for one stored
/// without one, or not stored): what the hub needs to answer phones from storage
/// without reading the document.
pub async fn load_owned(store: &Store, docs: &[DocumentId]) -> sqlx::Result<Vec<Owned>> {
    let mut conn = store.pool().acquire().await?;
    let mut owners = owners_in(&mut conn, docs).await?;
    let chunks = store::load_in(&mut conn, docs).await?;
    Ok(chunks
        .into_iter()
        .map(|(doc, chunks)| (doc, chunks, owners.remove(&doc)))
        .collect())
}

/// The owners recorded for these documents; one with none recorded is left out.
async fn owners_in(
    conn: &mut sqlx::AnyConnection,
    docs: &[DocumentId],
) -> sqlx::Result<HashMap<DocumentId, Owner>> {
    let mut owners = HashMap::new();
    for batch in docs.chunks(store::LOAD_BATCH) {
        let sql = format!(
            "SELECT id, area_id, project_id FROM documents WHERE id IN ({})",
            store::marks(1, batch.len())
        );
        // Only numbered markers are spliced in; the IDs travel as bound values.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in batch {
            query = query.bind(id.to_string());
        }
        for row in query.fetch_all(&mut *conn).await? {
            let (id, area, project): (String, Option<String>, Option<String>) =
                (row.get(0), row.get(1), row.get(2));
            let owner = match (area, project) {
                (_, Some(project)) => Owner::Project(project),
                (Some(area), None) => Owner::Area(area),
                (None, None) => continue,
            };
            if let Ok(id) = id.parse() {
                owners.insert(id, owner);
            }
        }
    }
    Ok(owners)
}

/// Records changes let in, with who sent them and when the server received them.
pub async fn record(tx: &mut Tx<'_>, admitted: &[Admitted], received_at: i64) -> sqlx::Result<()> {
    let mut rows = Vec::new();
    for batch in admitted {
        let document = batch.document.to_string();
        if batch.created {
            let by = Some((batch.user.as_str(), batch.device.as_str()));
            let kind = batch.kind.as_deref().unwrap_or_default();
            first_seen(tx, &document, kind, batch.owner.as_ref(), received_at, by).await?;
        }
        let summary = summary(batch);
        for (hash, actor) in &batch.changes {
            rows.push([
                hash.to_string(),
                document.clone(),
                actor.clone(),
                batch.user.clone(),
                batch.device.clone(),
                summary.clone(),
            ]);
        }
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|n| format!("({}, ${})", store::marks(n * 6 + 2, 6), 1))
            .collect();
        let sql = format!(
            "INSERT INTO changes (hash, document_id, actor, user_id, device_id, summary, received_at)
             VALUES {} ON CONFLICT (hash) DO NOTHING",
            values.join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(received_at);
        for row in chunk {
            for value in row {
                query = query.bind(value.as_str());
            }
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// `created` and the event types a batch added, comma-separated.
fn summary(batch: &Admitted) -> String {
    let created = batch.created.then(|| "created".to_owned());
    created
        .into_iter()
        .chain(batch.events.iter().cloned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One entry of a document's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    /// Server receive time (ms since the epoch).
    pub received_at: i64,
    pub user: String,
    pub user_name: Option<String>,
    pub device: String,
    pub device_name: Option<String>,
    /// `created` and/or the journal event types the changes added.
    pub summary: String,
    pub changes: Vec<String>,
}

/// The owner recorded for a document, if the server has seen it.
pub async fn owner_of(pool: &AnyPool, document: &str) -> sqlx::Result<Option<Option<Owner>>> {
    let row = sqlx::query("SELECT area_id, project_id FROM documents WHERE id = $1")
        .bind(document)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(
        |r| match (r.get::<Option<String>, _>(0), r.get::<Option<String>, _>(1)) {
            (Some(area), _) => Some(Owner::Area(area)),
            (None, Some(project)) => Some(Owner::Project(project)),
            (None, None) => None,
        },
    ))
}

/// A document's history, oldest first: one entry per batch a device sent.
pub async fn history(pool: &AnyPool, document: &str) -> sqlx::Result<Vec<HistoryEntry>> {
    let rows = sqlx::query(
        "SELECT c.received_at, c.user_id, u.name, c.device_id, d.name, c.summary, c.hash
         FROM changes c
         LEFT JOIN users u ON u.id = c.user_id
         LEFT JOIN devices d ON d.id = c.device_id
         WHERE c.document_id = $1
         ORDER BY c.received_at, c.device_id, c.hash",
    )
    .bind(document)
    .fetch_all(pool)
    .await?;
    let mut entries: Vec<HistoryEntry> = Vec::new();
    for r in rows {
        let entry = HistoryEntry {
            received_at: r.get(0),
            user: r.get(1),
            user_name: r.get(2),
            device: r.get(3),
            device_name: r.get(4),
            summary: r.get(5),
            changes: vec![r.get(6)],
        };
        match entries.last_mut() {
            Some(last)
                if (last.received_at, &last.device, &last.summary)
                    == (entry.received_at, &entry.device, &entry.summary) =>
            {
                last.changes.extend(entry.changes);
            }
            _ => entries.push(entry),
        }
    }
    Ok(entries)
}
