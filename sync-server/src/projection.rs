//! Projects typed records into SQL tables in the same transaction as their chunks, so
//! office lists and statistics are plain indexed queries that never lag the sync.

use automerge::AutoCommit;
use estate_core::DocumentId;
use estate_core::records::inspection::{self, Inspection};
use estate_core::records::unit::{self, UnitRecord};
use estate_core::records::{RecordError, kind_of};

use crate::store::Tx;

/// Why a document could not be projected. The chunks are stored regardless: a record
/// that does not parse today is kept, and shows up once it is mended.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// Upserts the SQL row(s) of one document, by its kind. Unknown kinds are not projected.
pub async fn project(
    tx: &mut Tx<'_>,
    id: DocumentId,
    doc: &AutoCommit,
    received_at: i64,
) -> Result<(), ProjectionError> {
    match kind_of(doc).as_deref() {
        Some(unit::KIND) => {
            let u = UnitRecord::from_doc(doc)?;
            sqlx::query(
                "INSERT INTO units (doc_id, area_id, code, building, status, received_at) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (doc_id) DO UPDATE SET area_id = excluded.area_id, code = excluded.code,
                   building = excluded.building, status = excluded.status, received_at = excluded.received_at",
            )
            .bind(id.to_string())
            .bind(&u.header.area_id)
            .bind(u.header.code.as_str())
            .bind(u.header.code.building())
            .bind(u.state.status.as_str())
            .bind(received_at)
            .execute(&mut **tx)
            .await?;
        }
        Some(inspection::KIND) => {
            let i = Inspection::from_doc(doc)?;
            sqlx::query(
                "INSERT INTO vacant_inspections (doc_id, unit_doc, unit_code, area_id, month, occasion, ventilated,
                   cleaning_arranged, abnormal, findings, notes, inspector, inspected_at, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
                 ON CONFLICT (doc_id) DO UPDATE SET unit_doc = excluded.unit_doc, unit_code = excluded.unit_code,
                   area_id = excluded.area_id, month = excluded.month, occasion = excluded.occasion,
                   ventilated = excluded.ventilated, cleaning_arranged = excluded.cleaning_arranged,
                   abnormal = excluded.abnormal, findings = excluded.findings, notes = excluded.notes,
                   inspector = excluded.inspector, inspected_at = excluded.inspected_at,
                   received_at = excluded.received_at",
            )
            .bind(id.to_string())
            .bind(i.unit.to_string())
            .bind(i.unit_code.as_str())
            .bind(&i.area_id)
            .bind(i.month.to_string())
            .bind(i.occasion.as_str())
            .bind(i64::from(i.ventilated))
            .bind(i64::from(i.cleaning_arranged))
            .bind(i64::from(i.checklist.any_abnormal()))
            .bind(&i.findings)
            .bind(&i.notes)
            .bind(&i.inspector)
            .bind(i.inspected_at)
            .bind(received_at)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}
