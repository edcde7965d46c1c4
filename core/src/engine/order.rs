//! Client role: a new record reaches the server before the index entry that lists it.
//!
//! A new record and its area-index entry are two documents. The index is already shared,
//! so its change would go out at once, while the new document first needs a round trip to
//! learn that the server lacks it; a server that stopped in between would hold, and list to
//! every other phone, an entry for a record it never received. So while any document this
//! replica holds has never been acknowledged by the server, the held document (the area
//! index) takes in what the server sends but offers nothing of its own. It goes out once
//! each such document is acknowledged or refused.

use std::collections::BTreeSet;

use crate::ids::DocumentId;

#[derive(Debug, Default)]
pub(super) struct SendOrder {
    /// The document that waits (the area index), if any.
    held: Option<DocumentId>,
    /// Documents with content the server has never acknowledged, and has not refused.
    unacknowledged: BTreeSet<DocumentId>,
}

impl SendOrder {
    pub fn hold(&mut self, document: DocumentId) {
        self.unacknowledged.remove(&document);
        self.held = Some(document);
    }

    /// A document with content the server has not acknowledged yet.
    pub fn awaiting(&mut self, document: DocumentId) {
        if self.held != Some(document) {
            self.unacknowledged.insert(document);
        }
    }

    /// The server acknowledged or refused `document`. Returns the held document when this
    /// lets it go, so it can be offered at once.
    pub fn settled(&mut self, document: DocumentId) -> Option<DocumentId> {
        let last = self.unacknowledged.remove(&document) && self.unacknowledged.is_empty();
        last.then_some(self.held).flatten()
    }

    /// Whether `document` must not be offered yet.
    pub fn waits(&self, document: DocumentId) -> bool {
        self.held == Some(document) && !self.unacknowledged.is_empty()
    }
}
