//! The database: chunks in automerge-repo's layout, places and people, and the SQL
//! projections of records. SQLite (a file in the data directory) by default, PostgreSQL
//! when given a URL; one dialect of SQL serves both through sqlx's `Any` driver (`$1`
//! placeholders, which sqlx's SQLite driver reads too).

use std::str::FromStr;

use estate_core::DocumentId;
use estate_core::storage::{ChunkKind, StorageKey, StorageOp, snapshot_bytes};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, AssertSqlSafe, ConnectOptions, Row, Transaction};

use crate::config::Database;

/// The database handle shared by every task.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Which kind of database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub type Tx<'a> = Transaction<'a, Any>;

/// How many document IDs one load query asks for.
pub const LOAD_BATCH: usize = 500;

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("unsupported database URL {0:?}: use postgres://… or sqlite://…")]
    Scheme(String),
    #[error("cannot create the data directory {0}: {1}")]
    Directory(std::path::PathBuf, std::io::Error),
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies the migrations.
    pub async fn open(database: &Database) -> Result<Self, OpenError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = match database {
            Database::SqliteIn(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| OpenError::Directory(dir.clone(), e))?;
                let options = SqliteConnectOptions::new()
                    .filename(dir.join("estate.sqlite3"))
                    .create_if_missing(true);
                (options.to_url_lossy().to_string(), Backend::Sqlite)
            }
            Database::Url(url)
                if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
            {
                (url.clone(), Backend::Postgres)
            }
            Database::Url(url) if url.starts_with("sqlite:") => (url.clone(), Backend::Sqlite),
            Database::Url(url) => return Err(OpenError::Scheme(redact(url))),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(OpenError::Connect)?;
        let pool = AnyPoolOptions::new()
            // SQLite has one writer at a time; PostgreSQL serves many.
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 16,
            })
            .connect_with(options)
            .await
            .map_err(OpenError::Connect)?;
        if backend == Backend::Sqlite {
            // Readers never wait for the writer; stays set in the file. `synchronous`
            // keeps SQLite's default, FULL: a commit is on disk before the reply that
            // depends on it is sent.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(OpenError::Connect)?;
        }
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
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
        let mut conn = self.pool.acquire().await?;
        load_in(&mut conn, docs).await
    }

    /// Writes a consistent copy of a SQLite database to `to` while the server keeps
    /// running (`VACUUM INTO`). PostgreSQL has `pg_dump` for this.
    pub async fn backup(&self, to: &std::path::Path) -> Result<(), BackupError> {
        if self.backend != Backend::Sqlite {
            return Err(BackupError::Postgres);
        }
        if to.exists() {
            return Err(BackupError::Exists(to.to_owned()));
        }
        let path = to
            .to_str()
            .ok_or_else(|| BackupError::Path(to.to_owned()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Document IDs that have any chunk, for tests and tools.
    pub async fn document_count(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(DISTINCT doc_id) FROM chunks")
            .fetch_one(&self.pool)
            .await
    }
}

/// Why a backup was not made.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "the backup command copies SQLite databases; back PostgreSQL up with pg_dump (see the README)"
    )]
    Postgres,
    #[error("{0} exists already; name a new file")]
    Exists(std::path::PathBuf),
    #[error("{0} is not a UTF-8 path")]
    Path(std::path::PathBuf),
    #[error("backup failed: {0}")]
    Sql(#[from] sqlx::Error),
}

/// Every chunk of each document, read on one connection (inside a transaction, what it
/// has written so far included).
pub async fn load_in(
    conn: &mut AnyConnection,
    docs: &[DocumentId],
) -> sqlx::Result<Vec<(DocumentId, Vec<(StorageKey, Vec<u8>)>)>> {
    let mut found: std::collections::HashMap<DocumentId, Vec<(StorageKey, Vec<u8>)>> =
        docs.iter().map(|d| (*d, Vec::new())).collect();
    for batch in docs.chunks(LOAD_BATCH) {
        let sql = format!(
            "SELECT doc_id, kind, name, data FROM chunks WHERE doc_id IN ({})",
            marks(1, batch.len())
        );
        // Only numbered markers are spliced in; the IDs travel as bound values.
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in batch {
            query = query.bind(id.to_string());
        }
        for row in query.fetch_all(&mut *conn).await? {
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

/// Applies storage writes inside a transaction, in order.
pub async fn apply(tx: &mut Tx<'_>, ops: &[StorageOp]) -> sqlx::Result<()> {
    for op in ops {
        match op {
            StorageOp::Put(key, data) => {
                let [doc, kind, name] = key.to_parts();
                sqlx::query(
                    "INSERT INTO chunks (doc_id, kind, name, data) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (doc_id, kind, name) DO UPDATE SET data = excluded.data",
                )
                .bind(doc)
                .bind(kind)
                .bind(name)
                .bind(data.clone())
                .execute(&mut **tx)
                .await?;
            }
            StorageOp::Delete(key) => {
                let [doc, kind, name] = key.to_parts();
                sqlx::query("DELETE FROM chunks WHERE doc_id = $1 AND kind = $2 AND name = $3")
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

/// A document from its stored chunks, read outside the engine (imports, rebuilding the
/// office tables). A chunk that does not load is skipped, as the engine does.
pub fn assemble(id: DocumentId, chunks: Vec<(StorageKey, Vec<u8>)>) -> automerge::AutoCommit {
    let mut doc = automerge::AutoCommit::new();
    for (key, bytes) in chunks {
        if key.kind != ChunkKind::SyncState
            && let Err(e) = doc.load_incremental(&bytes)
        {
            tracing::warn!(document = %id, "skipping a chunk that does not load: {e}");
        }
    }
    doc
}

/// Writes a whole document as one snapshot (demo data and imports).
pub async fn put_snapshot(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &mut automerge::AutoCommit,
) -> sqlx::Result<()> {
    let key = StorageKey::snapshot(id, &doc.get_heads());
    debug_assert_eq!(key.kind, ChunkKind::Snapshot);
    apply(tx, &[StorageOp::Put(key, snapshot_bytes(doc))]).await
}

/// A database URL fit for a log line: the password, if any, replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme && url[scheme + 3..at].contains(':') => {
            let user_info = &url[scheme + 3..at];
            let user = user_info.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// Numbered markers `$from, …` for `n` values bound in an `IN (…)` list. Only markers are
/// ever spliced into SQL; the values travel bound.
pub fn marks(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_the_log() {
        assert_eq!(
            redact("postgres://estate:s3cret@db:5432/estate"),
            "postgres://estate:***@db:5432/estate"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/x"),
            "postgres://postgres@127.0.0.1/x"
        );
        assert_eq!(redact("sqlite://data/e.db"), "sqlite://data/e.db");
    }

    #[tokio::test]
    async fn an_unknown_database_scheme_is_refused_clearly() {
        let err = Store::open(&Database::Url("mysql://root:pw@db/estate".into()))
            .await
            .expect_err("refused");
        let text = err.to_string();
        assert!(text.contains("postgres://"), "{text}");
        assert!(!text.contains("pw"), "{text}");
    }
}
