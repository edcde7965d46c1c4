//! The one way documents are written into storage: their chunks, the trusted history,
//! the announcement to other servers and the office rows, in one transaction. The hub
//! (phones' and the office's changes), the import and the demo all write through
//! [`Commit`], so none of them can forget a step.

use automerge::AutoCommit;
use estate_core::DocumentId;
use estate_core::access::{Admitted, Owner};
use estate_core::storage::StorageOp;

use crate::store::{self, Backend, Store, Tx};
use crate::{audit, nodes, projection};

/// A document the server made itself (the demo, an import): no device sent it.
#[derive(Debug, Clone)]
pub struct Made {
    pub id: DocumentId,
    pub kind: String,
    pub owner: Option<Owner>,
}

/// Who tells the other servers what was stored.
#[derive(Debug, Clone, Copy)]
pub enum Announcer<'a> {
    /// A running server, by its node name (PostgreSQL `NOTIFY`; one SQLite server has
    /// nobody to tell).
    Server(&'a str),
    /// Another process (an import): `NOTIFY`, or a row the SQLite server polls.
    Outside,
}

/// One transaction's writes.
#[derive(Debug)]
pub struct Commit<'a> {
    pub storage: &'a [StorageOp],
    /// Changes let in through the gate, with the user and device that sent them.
    pub admitted: &'a [Admitted],
    /// Documents the server made itself.
    pub made: &'a [Made],
    /// Every document the writes changed, announced to the other servers.
    pub changed: &'a [DocumentId],
    /// The changed documents as they now read, for the office rows.
    pub docs: Vec<(DocumentId, &'a AutoCommit)>,
    pub received_at: i64,
}

impl Commit<'_> {
    /// Writes everything in a transaction of its own.
    pub async fn write(&self, store: &Store, announcer: Announcer<'_>) -> sqlx::Result<()> {
        let mut tx = store.begin().await?;
        self.write_in(&mut tx, store.backend(), announcer).await?;
        tx.commit().await
    }

    /// Writes everything inside `tx`, for a caller with rows of its own to add.
    pub async fn write_in(
        &self,
        tx: &mut Tx<'_>,
        backend: Backend,
        announcer: Announcer<'_>,
    ) -> sqlx::Result<()> {
        store::apply(tx, self.storage).await?;
        for made in self.made {
            let id = made.id.to_string();
            let owner = made.owner.as_ref();
            audit::first_seen(tx, &id, &made.kind, owner, self.received_at, None).await?;
        }
        audit::record(tx, self.admitted, self.received_at).await?;
        match (announcer, backend) {
            (Announcer::Server(node), Backend::Postgres) => {
                nodes::announce(tx, node, self.changed).await?;
            }
            (Announcer::Server(_), Backend::Sqlite) => {}
            (Announcer::Outside, _) => {
                nodes::announce_from_outside(tx, backend, self.changed, self.received_at).await?;
            }
        }
        projection::project_all(tx, &self.docs, self.received_at).await
    }
}
