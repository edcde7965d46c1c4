//! Photos and signatures by content (SHA-256), never inside the CRDT: the phone uploads
//! the bytes, records hold the hash. Stored in the database by default, behind
//! [`Blobs`] so an object store can take their place; who may read one is decided from
//! the records that refer to it (`attachment_refs`, written by the projection).

use futures_util::future::BoxFuture;
use sqlx::Row;

use crate::store::Store;
use estate_core::access::{Grant, Owner};

/// What is known of one stored attachment without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub content_type: String,
    pub size: i64,
    /// The device that sent it first.
    pub device: String,
}

/// An attachment's metadata and bytes.
pub type Blob = (Meta, Vec<u8>);

/// Where attachments' bytes live.
pub trait Blobs: Send + Sync + std::fmt::Debug {
    /// Keeps `data` under `hash` (already checked to be its SHA-256); true when it was
    /// new, false when the same content was stored before (nothing is written twice).
    fn put<'a>(
        &'a self,
        hash: &'a str,
        content_type: &'a str,
        data: &'a [u8],
        device: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, sqlx::Result<bool>>;

    fn meta<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, sqlx::Result<Option<Meta>>>;

    fn get<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, sqlx::Result<Option<Blob>>>;
}

/// Attachments in the `attachments` table of the server's own database.
#[derive(Clone, Debug)]
pub struct DatabaseBlobs {
    store: Store,
}

impl DatabaseBlobs {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

fn meta_of(row: &sqlx::any::AnyRow) -> sqlx::Result<Meta> {
    Ok(Meta {
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        device: row.try_get("device")?,
    })
}

impl Blobs for DatabaseBlobs {
    fn put<'a>(
        &'a self,
        hash: &'a str,
        content_type: &'a str,
        data: &'a [u8],
        device: &'a str,
        now_ms: i64,
    ) -> BoxFuture<'a, sqlx::Result<bool>> {
        Box::pin(async move {
            let done = sqlx::query(
                "INSERT INTO attachments (hash, content_type, size, data, device, stored_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING",
            )
            .bind(hash)
            .bind(content_type)
            .bind(i64::try_from(data.len()).unwrap_or(i64::MAX))
            .bind(data)
            .bind(device)
            .bind(now_ms)
            .execute(self.store.pool())
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    fn meta<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, sqlx::Result<Option<Meta>>> {
        Box::pin(async move {
            sqlx::query("SELECT content_type, size, device FROM attachments WHERE hash = $1")
                .bind(hash)
                .fetch_optional(self.store.pool())
                .await?
                .map(|row| meta_of(&row))
                .transpose()
        })
    }

    fn get<'a>(&'a self, hash: &'a str) -> BoxFuture<'a, sqlx::Result<Option<Blob>>> {
        Box::pin(async move {
            let row = sqlx::query(
                "SELECT content_type, size, device, data FROM attachments WHERE hash = $1",
            )
            .bind(hash)
            .fetch_optional(self.store.pool())
            .await?;
            row.map(|row| Ok((meta_of(&row)?, row.try_get("data")?)))
                .transpose()
        })
    }
}

/// Whether `grant` may read the content `hash` stored as `meta`: its uploader may, and
/// so may whoever may read a record that refers to it.
pub async fn may_read(store: &Store, grant: &Grant, hash: &str, meta: &Meta) -> sqlx::Result<bool> {
    if meta.device == grant.device {
        return Ok(true);
    }
    let areas: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT area_id FROM attachment_refs WHERE hash = $1")
            .bind(hash)
            .fetch_all(store.pool())
            .await?;
    Ok(areas
        .into_iter()
        .any(|area| grant.may_read(Some(&Owner::Area(area)))))
}
