//! The database: chunks in automerge-repo's layout, places and people, and the SQL
//! projections of records. SQLite (a file in the data directory) by default.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use estate_core::DocumentId;
use estate_core::storage::{ChunkKind, StorageKey, StorageOp};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool, Transaction};

/// The database handle shared by every task.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

pub type Tx<'a> = Transaction<'a, sqlx::Sqlite>;

/// How many document IDs one load query asks for.
const LOAD_BATCH: usize = 500;

impl Store {
    /// Opens (creating if needed) `estate.sqlite3` in `dir` and applies migrations.
    pub async fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(dir.join("estate.sqlite3"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before the reply that depends on it is sent.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn begin(&self) -> sqlx::Result<Tx<'static>> {
        self.pool.begin().await
    }

    /// Every chunk of each document, one query per batch of documents.
    pub async fn load(
        &self,
        docs: &[DocumentId],
    ) -> sqlx::Result<Vec<(DocumentId, Vec<(StorageKey, Vec<u8>)>)>> {
        let mut found: std::collections::HashMap<DocumentId, Vec<(StorageKey, Vec<u8>)>> =
            docs.iter().map(|d| (*d, Vec::new())).collect();
        for batch in docs.chunks(LOAD_BATCH) {
            let ids =
                serde_json::to_string(&batch.iter().map(ToString::to_string).collect::<Vec<_>>())
                    .expect("a list of strings serializes");
            let rows = sqlx::query(
                "SELECT doc_id, kind, name, data FROM chunks WHERE doc_id IN (SELECT value FROM json_each(?))",
            )
            .bind(ids)
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                let parts: [String; 3] = [row.get(0), row.get(1), row.get(2)];
                if let Some(key) = StorageKey::from_parts(&parts) {
                    found
                        .entry(key.document)
                        .or_default()
                        .push((key, row.get(3)));
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Document IDs that have any chunk, for tests and tools.
    pub async fn document_count(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(DISTINCT doc_id) FROM chunks")
            .fetch_one(&self.pool)
            .await
    }
}

/// Applies storage writes inside a transaction, in order.
pub async fn apply(tx: &mut Tx<'_>, ops: &[StorageOp]) -> sqlx::Result<()> {
    for op in ops {
        match op {
            StorageOp::Put(key, data) => {
                let [doc, kind, name] = key.to_parts();
                sqlx::query(
                    "INSERT INTO chunks (doc_id, kind, name, data) VALUES (?, ?, ?, ?)
                     ON CONFLICT (doc_id, kind, name) DO UPDATE SET data = excluded.data",
                )
                .bind(doc)
                .bind(kind)
                .bind(name)
                .bind(data.as_slice())
                .execute(&mut **tx)
                .await?;
            }
            StorageOp::Delete(key) => {
                let [doc, kind, name] = key.to_parts();
                sqlx::query("DELETE FROM chunks WHERE doc_id = ? AND kind = ? AND name = ?")
                    .bind(doc)
                    .bind(kind)
                    .bind(name)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Writes a whole document as one snapshot (demo data and imports).
pub async fn put_snapshot(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &mut automerge::AutoCommit,
) -> sqlx::Result<()> {
    let key = StorageKey::snapshot(id, &doc.get_heads());
    debug_assert_eq!(key.kind, ChunkKind::Snapshot);
    apply(tx, &[StorageOp::Put(key, doc.save())]).await
}
