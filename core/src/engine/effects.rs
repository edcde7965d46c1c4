//! What the engine asks its host to do. The host performs, in this order:
//! 1. `storage` — durably, atomically if it can (one transaction);
//! 2. `loads` — read every chunk of each document and hand them to [`super::Engine::loaded`];
//! 3. `sends` and `closes` — only after step 1 is durable, so nothing leaves that a crash
//!    could take back.

use crate::ids::DocumentId;
use crate::storage::StorageOp;

/// A host-chosen handle for one connection (the engine never sees sockets).
pub type ConnId = u64;

/// Something the host or the UI may want to react to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The document's content changed and the change is in this batch's storage ops.
    DocChanged { document: DocumentId },
    /// A peer answered that it does not have the document.
    DocUnavailable { conn: ConnId, document: DocumentId },
    /// The handshake with this connection completed.
    PeerReady { conn: ConnId },
    /// The peer reported an error.
    PeerError { conn: ConnId, message: String },
    /// This side ends the connection with an `error` (a broken protocol, or the host's
    /// own reason); it is in this batch's closes.
    Refused { conn: ConnId, message: String },
    /// Changes to one document were refused — by this side's gate (server), or by the
    /// peer (client) — and taken back or set aside; the connection goes on for every
    /// other document.
    Denied {
        conn: ConnId,
        document: DocumentId,
        reason: String,
    },
    /// Some of a document's stored chunks could not be read (damaged, or changes kept
    /// without what they build on) and were left out; the document holds the rest.
    StorageDamaged {
        document: DocumentId,
        problems: Vec<String>,
    },
}

/// One batch of work for the host.
#[derive(Debug, Default)]
pub struct Effects {
    pub storage: Vec<StorageOp>,
    pub loads: Vec<DocumentId>,
    pub sends: Vec<(ConnId, Vec<u8>)>,
    pub closes: Vec<ConnId>,
    pub events: Vec<Event>,
}

impl Effects {
    pub fn is_empty(&self) -> bool {
        self.storage.is_empty()
            && self.loads.is_empty()
            && self.sends.is_empty()
            && self.closes.is_empty()
            && self.events.is_empty()
    }
}
