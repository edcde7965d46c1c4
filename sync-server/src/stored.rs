//! Records read from storage outside the engine: by the projection (inside its
//! transaction, what it wrote so far included) and by the API (a record as someone
//! opens it, with its clocks under its project's calendar).

use estate_core::DocumentId;
use estate_core::records::RecordError;
use estate_core::records::any::AnyRecord;
use estate_core::records::people::StaffRole;
use estate_core::replica::RecordView;
use estate_core::rules::clocks::record_clocks;
use estate_core::rules::portfolio::Portfolio;
use sqlx::AnyConnection;

use crate::store;

/// Why a stored record could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// The record stored as `id`; `None` if nothing is stored or it is no record.
pub async fn record(
    conn: &mut AnyConnection,
    id: DocumentId,
) -> Result<Option<AnyRecord>, ReadError> {
    let Some((_, chunks)) = store::load_in(conn, &[id]).await?.pop() else {
        return Ok(None);
    };
    if chunks.is_empty() {
        return Ok(None);
    }
    Ok(AnyRecord::from_doc(&store::assemble(id, chunks))?)
}

/// The project record holding `area`'s calendar, if one is stored.
pub async fn calendar_of(
    conn: &mut AnyConnection,
    area: &str,
) -> Result<Option<(DocumentId, AnyRecord)>, ReadError> {
    let doc: Option<String> =
        sqlx::query_scalar("SELECT project_doc FROM project_calendars WHERE area_id = $1")
            .bind(area)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(id) = doc.and_then(|d| d.parse::<DocumentId>().ok()) else {
        return Ok(None);
    };
    Ok(record(conn, id).await?.map(|r| (id, r)))
}

/// The record `id` as `viewer` opens it at `now`: its offers, and its clocks under its
/// project's calendar. `None` if no record is stored as `id`.
pub async fn view(
    conn: &mut AnyConnection,
    id: DocumentId,
    viewer: StaffRole,
    now: i64,
) -> Result<Option<(AnyRecord, RecordView)>, ReadError> {
    let Some(record) = record(conn, id).await? else {
        return Ok(None);
    };
    let calendar = calendar_of(conn, record.area()).await?;
    let portfolio = Portfolio::new(
        std::iter::once((id, &record)).chain(calendar.as_ref().map(|(id, r)| (*id, r))),
    );
    let clocks = record_clocks(&portfolio, id, now);
    let view = RecordView::new(&record, clocks, viewer, now)?;
    Ok(Some((record, view)))
}
