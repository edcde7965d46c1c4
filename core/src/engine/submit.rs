//! Changes made on behalf of a writer that is no peer — the office working through the
//! server's API, signed in on a device of its own. They pass the same gate as a peer's
//! changes, are written and offered to every peer by the next flush like any other, and
//! are refused as a whole: if one document's changes are refused, none are kept.

use automerge::ChangeHash;

use super::document::Slot;
use super::{ConnId, Engine, Gate};
use crate::ids::DocumentId;

/// Why submitted changes were not kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    #[error("document {0} is not loaded")]
    NotLoaded(DocumentId),
    /// The writer may not see the document: to them it does not exist.
    #[error("document {0} does not exist")]
    Hidden(DocumentId),
    #[error("document {document}: the changes do not load: {reason}")]
    Unreadable {
        document: DocumentId,
        reason: String,
    },
    #[error("document {document}: refused: {reason}")]
    Denied {
        document: DocumentId,
        reason: String,
    },
}

impl<G: Gate> Engine<G> {
    /// Lets in `changes` (each document's, as `save_after` bytes) through the gate as if
    /// connection `conn` — a grant the gate knows, with no socket — had sent them. Every
    /// document must be loaded ([`Engine::want`], then [`Engine::holds`]).
    pub fn submit(
        &mut self,
        conn: ConnId,
        changes: &[(DocumentId, Vec<u8>)],
    ) -> Result<(), SubmitError> {
        // Each document as it was, and whether the gate has let its changes in.
        let mut taken: Vec<(DocumentId, Vec<ChangeHash>, bool)> = Vec::new();
        let mut failure = None;
        for (id, bytes) in changes {
            if let Err(e) = self.submit_one(conn, *id, bytes, &mut taken) {
                failure = Some(e);
                break;
            }
        }
        let Some(failure) = failure else {
            self.dirty.extend(taken.into_iter().map(|(id, ..)| id));
            return Ok(());
        };
        for (id, before, admitted) in taken.into_iter().rev() {
            if let Some(Slot::Ready(loaded)) = self.docs.get_mut(&id).map(|d| &mut d.slot) {
                // `before` are the document's own heads: taking back cannot fail.
                let _ = loaded.take_back(&before, self.config.actor.as_ref());
            }
            if admitted {
                self.gate.not_kept(conn, id);
            }
        }
        Err(failure)
    }

    fn submit_one(
        &mut self,
        conn: ConnId,
        id: DocumentId,
        bytes: &[u8],
        taken: &mut Vec<(DocumentId, Vec<ChangeHash>, bool)>,
    ) -> Result<(), SubmitError> {
        let Some(Slot::Ready(loaded)) = self.docs.get_mut(&id).map(|d| &mut d.slot) else {
            return Err(SubmitError::NotLoaded(id));
        };
        if !loaded.is_empty() && !self.gate.may_read(conn, &self.gate.label(loaded.doc())) {
            return Err(SubmitError::Hidden(id));
        }
        let before = loaded.heads();
        taken.push((id, before.clone(), false));
        if let Err(e) = loaded.doc_mut().load_incremental(bytes) {
            return Err(SubmitError::Unreadable {
                document: id,
                reason: e.to_string(),
            });
        }
        if loaded.heads() == before {
            return Ok(());
        }
        self.gate
            .may_write(conn, id, loaded.doc_mut(), &before)
            .map_err(|reason| SubmitError::Denied {
                document: id,
                reason,
            })?;
        if let Some(last) = taken.last_mut() {
            last.2 = true;
        }
        Ok(())
    }
}
