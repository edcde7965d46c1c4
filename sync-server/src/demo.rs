//! Loads a generated estate into an empty database: areas, housekeepers, every document
//! as a snapshot, and the projections.

use estate_core::demo::Estate;

use crate::projection;
use crate::store::{self, Store};

/// Stores the estate unless its areas are already there. Returns whether it wrote.
pub async fn seed(store: &Store, mut estate: Estate, received_at: i64) -> anyhow::Result<bool> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM areas")
        .fetch_one(store.pool())
        .await?;
    if existing > 0 {
        return Ok(false);
    }
    let mut tx = store.begin().await?;
    for area in &estate.areas {
        sqlx::query(
            "INSERT INTO areas (id, name, project_id, project_name, index_doc) VALUES ($1, $2, $3, $4, $5)",
        )
            .bind(&area.id)
            .bind(&area.name)
            .bind(&area.project_id)
            .bind(&estate.project)
            .bind(area.index.to_string())
            .execute(&mut *tx)
            .await?;
    }
    for keeper in &estate.housekeepers {
        sqlx::query("INSERT INTO housekeepers (id, name, area_id) VALUES ($1, $2, $3)")
            .bind(&keeper.id)
            .bind(&keeper.name)
            .bind(&keeper.area_id)
            .execute(&mut *tx)
            .await?;
    }
    for (id, doc) in &mut estate.docs {
        store::put_snapshot(&mut tx, *id, doc).await?;
        projection::project(&mut tx, *id, doc, received_at).await?;
    }
    tx.commit().await?;
    Ok(true)
}
