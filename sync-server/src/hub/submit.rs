//! Edits made through the HTTP API — the office registering a ticket or acting on a
//! record. The hub runs each on the documents as they stand, under a fresh actor of the
//! signed-in device, lets the changes in through the same gate as a phone's
//! (`Engine::submit`), and answers only once the commit holding them is done: a record
//! acted on through the API is in the history like any phone's change.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit, ChangeHash};
use estate_core::DocumentId;
use estate_core::access::Grant;
use estate_core::engine::SubmitError;
use estate_core::problem::Problem;
use estate_core::records::json;
use serde_json::Value;
use tokio::sync::oneshot;

/// An edit of some documents; what it returns is the answer to the request.
pub type Edit = Box<dyn FnOnce(&mut Drafts) -> Result<Value, Problem> + Send>;

/// Why an edit was not stored.
#[derive(Debug, thiserror::Error)]
pub enum SubmitFailure {
    /// The core refused it (an action that makes no sense now, a bad input).
    #[error("{}", .0.message)]
    Problem(Problem),
    /// The access rules refused the changes it made.
    #[error(transparent)]
    Gate(#[from] SubmitError),
    /// The signed-in device has no actor to write with.
    #[error("device {0} cannot write")]
    NoActor(String),
    /// The server stopped (or its storage failed) before the edit was stored.
    #[error("the server is stopping")]
    Stopping,
}

/// Where the outcome of an edit goes.
pub type Reply = oneshot::Sender<Result<Value, SubmitFailure>>;

/// What the hub runs for one request.
pub struct Submission {
    pub grant: Grant,
    /// Every document the edit reads or writes (a new one is empty).
    pub docs: Vec<DocumentId>,
    pub edit: Edit,
    pub reply: Reply,
}

impl std::fmt::Debug for Submission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Submission")
            .field("user", &self.grant.user)
            .field("docs", &self.docs)
            .finish_non_exhaustive()
    }
}

/// The documents an edit works on: copies of them as they stand, written by the
/// device's actor.
#[derive(Debug)]
pub struct Drafts {
    actor: ActorId,
    docs: BTreeMap<DocumentId, (AutoCommit, Vec<ChangeHash>)>,
}

impl Drafts {
    pub(super) fn new(actor: ActorId) -> Self {
        Self {
            actor,
            docs: BTreeMap::new(),
        }
    }

    pub(super) fn add(&mut self, id: DocumentId, mut doc: AutoCommit) {
        doc.set_actor(self.actor.clone());
        let before = doc.get_heads();
        self.docs.insert(id, (doc, before));
    }

    /// A document to read or change (one the submission named).
    pub fn doc(&mut self, id: DocumentId) -> Result<&mut AutoCommit, Problem> {
        self.docs
            .get_mut(&id)
            .map(|(doc, _)| doc)
            .ok_or_else(|| Problem::internal(format!("document {id} was not asked for")))
    }

    /// Makes the new document `id` hold what `made` holds (a record made by a throwaway
    /// actor), written afresh by the device's actor.
    pub fn create(&mut self, id: DocumentId, made: &AutoCommit) -> Result<(), Problem> {
        let fresh = json::rewrite(made, self.actor.clone()).map_err(|e| Problem::from(&e))?;
        match self.docs.get_mut(&id) {
            Some((doc, before)) if before.is_empty() => {
                *doc = fresh;
                Ok(())
            }
            _ => Err(Problem::internal(format!("document {id} already exists"))),
        }
    }

    /// Each document's new changes.
    pub(super) fn changes(self) -> Vec<(DocumentId, Vec<u8>)> {
        self.docs
            .into_iter()
            .map(|(id, (mut doc, before))| (id, doc.save_after(&before)))
            .filter(|(_, bytes)| !bytes.is_empty())
            .collect()
    }
}
