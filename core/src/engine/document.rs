//! One document as the engine holds it: loading, or loaded with its per-connection sync
//! states and what has been written to storage.

use std::cell::{Cell, OnceCell};
use std::collections::{BTreeSet, HashMap};

use automerge::sync::{self, Capability, MessageFlags, SyncDoc};
use automerge::{AutoCommit, ChangeHash};

use super::effects::ConnId;
use crate::ids::DocumentId;
use crate::storage::{ChunkKind, StorageKey, StorageOp, should_compact, snapshot_bytes};
use crate::untrusted::untrusted;

use super::stored::{self, Snapshot};

/// Sync progress with one connection for one document.
#[derive(Debug, Default)]
pub(super) struct PeerSync {
    pub state: sync::State,
    /// They asked with `request`: they did not have the document.
    pub they_requested: bool,
    /// We already told them we do not have it either.
    pub told_unavailable: bool,
    /// We sent at least one message about this document.
    pub announced: bool,
    /// They sent changes we have not yet answered (server role): the next flush answers
    /// with our heads even when automerge sees nothing to say, so the phone learns its
    /// changes are stored.
    pub owes_ack: bool,
    /// Server role, for a document this peer may not see: the empty document it is
    /// answered from instead, exactly as if the server did not have it. Never stored.
    pub shadow: Option<Box<Loaded>>,
}

/// Server role: a document out of memory whose phones still follow it.
#[derive(Debug, Default)]
pub(super) struct Rest {
    /// Usually one: kept small, since a server may have hundreds of thousands resting.
    pub followers: Vec<Follower>,
    /// The heads stored when it came to rest; empty when not known.
    pub heads: Vec<ChangeHash>,
}

/// What is kept of a phone's sync with a resting document: where the exchange stood, and
/// the flags. The rest of automerge's sync state is rebuilt when the document is read again.
#[derive(Debug)]
pub(super) struct Follower {
    pub conn: ConnId,
    pub known: Known,
    pub they_requested: bool,
    pub told_unavailable: bool,
    pub announced: bool,
}

/// Where a follower's exchange stood when its document came to rest.
#[derive(Debug, PartialEq)]
pub(super) enum Known {
    /// The heads both sides were known to share (automerge's persistent sync state).
    Shared(Box<[ChangeHash]>),
    /// Answered from storage with the resting heads (`stored::answered`), and, once it
    /// said so, known to hold exactly them.
    Told { they_have_them: bool },
}

impl Follower {
    /// A peer of a document coming to rest with `heads` stored (empty when not known). A
    /// peer in the state an answer from storage leaves is kept as that, so a peer that holds
    /// exactly our heads gets the next change in one message, whichever way the document
    /// came to rest.
    pub fn at_rest(conn: ConnId, peer: &PeerSync, heads: &[ChangeHash]) -> Self {
        let s = &peer.state;
        let told = !heads.is_empty() && s.have_responded && s.last_sent_heads == heads;
        let known = if told && s.their_heads.as_deref() == Some(heads) && s.shared_heads == heads {
            Known::Told {
                they_have_them: true,
            }
        } else if told && s.their_heads.is_none() && s.shared_heads.is_empty() {
            Known::Told {
                they_have_them: false,
            }
        } else {
            Known::Shared(s.shared_heads.clone().into())
        };
        Self::with(conn, peer, known)
    }

    /// `peer`'s flags, with what is known of its exchange.
    pub fn with(conn: ConnId, peer: &PeerSync, known: Known) -> Self {
        Self {
            conn,
            known,
            they_requested: peer.they_requested,
            told_unavailable: peer.told_unavailable,
            announced: peer.announced,
        }
    }

    /// Its sync again, for a document read back whose resting heads were `heads`.
    pub fn wake(self, heads: &[ChangeHash]) -> PeerSync {
        let state = match self.known {
            Known::Shared(shared) => {
                let mut state = sync::State::new();
                state.shared_heads = shared.into_vec();
                state
            }
            Known::Told { they_have_them } => stored::answered(heads, they_have_them),
        };
        PeerSync {
            state,
            they_requested: self.they_requested,
            told_unavailable: self.told_unavailable,
            announced: self.announced,
            ..PeerSync::default()
        }
    }
}

impl Rest {
    /// Its stored heads are now `heads`: a follower told the old ones keeps only what it
    /// is known to share.
    pub fn rebase(&mut self, heads: &[ChangeHash]) {
        if self.heads == heads {
            return;
        }
        for f in &mut self.followers {
            if let Known::Told { they_have_them } = f.known {
                let shared = if they_have_them { &self.heads[..] } else { &[] };
                f.known = Known::Shared(shared.into());
            }
        }
        self.heads = heads.to_vec();
    }

    /// The follower on `conn`, added (knowing nothing) if it did not follow.
    pub fn entry(&mut self, conn: ConnId) -> &mut Follower {
        let at = match self.followers.iter().position(|f| f.conn == conn) {
            Some(at) => at,
            None => {
                self.followers.push(Follower::with(
                    conn,
                    &PeerSync::default(),
                    Known::Shared(Box::default()),
                ));
                self.followers.len() - 1
            }
        };
        &mut self.followers[at]
    }

    /// The follower on `conn`, if it follows.
    pub fn follower(&mut self, conn: ConnId) -> Option<&mut Follower> {
        self.followers.iter_mut().find(|f| f.conn == conn)
    }

    /// Every follower's sync again, as the document is read back.
    pub fn wake(self) -> HashMap<ConnId, PeerSync> {
        let heads = self.heads;
        self.followers
            .into_iter()
            .map(|f| (f.conn, f.wake(&heads)))
            .collect()
    }
}

/// A document whose chunks are in memory.
#[derive(Debug)]
pub(super) struct Loaded {
    /// The document, read; not yet read while it is a whole document received as it
    /// came (`arrived`), which is read into it at first use.
    doc: OnceCell<AutoCommit>,
    /// The actor the document writes as, for reading `arrived` into it.
    actor: Option<automerge::ActorId>,
    /// Reading a received document at first use failed: whole documents are read as they
    /// arrive from then on, so a bad one is refused rather than taken in again.
    unreadable: Cell<bool>,
    /// Heads covered by the chunks in storage.
    pub stored_heads: Vec<ChangeHash>,
    /// Chunks in storage (key, size) — replaced wholesale at compaction.
    pub chunks: Vec<(StorageKey, usize)>,
    /// Heads the server is known to hold (client role), persisted as a sync state.
    pub confirmed: Vec<ChangeHash>,
    /// Client role: why the server refused this document's changes, until it confirms
    /// them after all. Refused work is not "waiting to be sent".
    pub refused: Option<String>,
    /// A whole document a peer sent into this empty one, as it came: while the document
    /// is still exactly that, its first save writes these bytes instead of encoding the
    /// document again.
    pub arrived: Option<Snapshot>,
}

/// Client role: a sync message that brings a whole document into an empty one, with
/// nothing else to act on. It is kept as it came and acknowledged from its heads; the
/// document is read at first use.
fn whole_and_nothing_else(message: &sync::Message) -> Option<Snapshot> {
    let mut changes = message.changes.iter();
    let snapshot = Snapshot::parse(changes.next()?)?;
    let theirs: BTreeSet<&ChangeHash> = message.heads.iter().collect();
    (changes.next().is_none()
        && message.need.is_empty()
        && theirs == snapshot.heads.iter().collect())
    .then_some(snapshot)
}

#[derive(Debug)]
pub(super) enum Slot {
    /// Waiting for the host to read storage; messages that arrived meanwhile wait too.
    Loading {
        queued: Vec<(ConnId, Vec<u8>, bool)>,
        /// Its followers while it rested, kept as they were until it is read (or answered
        /// from storage and put to rest again without waking them). A loading document has
        /// no other peers: messages for it wait in `queued`.
        asleep: Rest,
    },
    Ready(Box<Loaded>),
}

#[derive(Debug)]
pub(super) struct Document {
    pub slot: Slot,
    pub peers: HashMap<ConnId, PeerSync>,
    /// Logical time of last use, for eviction.
    pub last_used: u64,
}

impl Document {
    /// Whether it may leave memory now: read, and no peer is answered from a shadow or
    /// owed an answer.
    pub fn may_rest(&self) -> bool {
        matches!(self.slot, Slot::Ready(_))
            && self
                .peers
                .values()
                .all(|p| p.shadow.is_none() && !p.owes_ack)
    }
}

impl Loaded {
    /// A document with no content, as one the server does not have.
    pub fn empty() -> Self {
        Self::of(AutoCommit::new())
    }

    /// `doc`, never stored.
    pub fn of(doc: AutoCommit) -> Self {
        Self {
            doc: OnceCell::from(doc),
            actor: None,
            unreadable: Cell::new(false),
            stored_heads: Vec::new(),
            chunks: Vec::new(),
            confirmed: Vec::new(),
            refused: None,
            arrived: None,
        }
    }

    /// The document, read now if it is still as it arrived.
    pub fn doc(&self) -> &AutoCommit {
        self.doc.get_or_init(|| {
            let read = self.arrived.as_ref().and_then(|arrived| {
                let mut doc = untrusted(|| AutoCommit::load(&arrived.bytes)).ok()?;
                (doc.get_heads() == arrived.heads).then_some(doc)
            });
            self.unreadable.set(read.is_none());
            let mut doc = read.unwrap_or_default();
            if let Some(actor) = &self.actor {
                doc.set_actor(actor.clone());
            }
            doc
        })
    }

    /// The document to change, read now if it is still as it arrived.
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        self.doc();
        if !self.chunks.is_empty() {
            // Read and stored: the bytes as they came are needed no more.
            self.arrived = None;
        }
        self.doc.get_mut().expect("read just above")
    }

    /// Its heads, without reading a document that is still as it arrived.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        match (self.doc.get_mut(), &self.arrived) {
            (Some(doc), _) => doc.get_heads(),
            (None, Some(arrived)) => arrived.heads.clone(),
            (None, None) => Vec::new(),
        }
    }

    /// Our next sync message to a peer, if there is anything to say. A document kept as
    /// it arrived is not read to acknowledge it: the peer that sent it holds exactly its
    /// heads, and hears ours (as a server answers from storage, `stored::answer`).
    pub fn sync_message(&mut self, state: &mut sync::State) -> Option<Vec<u8>> {
        if let (true, Some(arrived)) = (self.unread(), &self.arrived)
            && state.their_heads.as_ref() == Some(&arrived.heads)
        {
            if state.have_responded && state.last_sent_heads == arrived.heads {
                return None;
            }
            state.have_responded = true;
            state.last_sent_heads.clone_from(&arrived.heads);
            return Some(stored::answer(&arrived.heads, None));
        }
        self.doc_mut()
            .sync()
            .generate_sync_message(state)
            .map(|m| m.encode())
    }

    /// Whether it is still a whole document as it arrived, not yet read.
    pub fn unread(&self) -> bool {
        self.doc.get().is_none()
    }

    /// Builds a document from its stored chunks. Corrupt chunks are skipped one by one
    /// rather than losing the whole document.
    pub fn from_chunks(
        chunks: Vec<(StorageKey, Vec<u8>)>,
        actor: Option<&automerge::ActorId>,
    ) -> (Self, Vec<String>) {
        let mut doc = AutoCommit::new();
        let mut kept = Vec::new();
        let mut problems = Vec::new();
        let mut confirmed = Vec::new();
        let (mut data, sync_states): (Vec<_>, Vec<_>) = chunks
            .into_iter()
            .partition(|(key, _)| key.kind != ChunkKind::SyncState);
        // Snapshots first: loading changes onto a snapshot is the cheap direction.
        data.sort_by_key(|(key, _)| key.kind != ChunkKind::Snapshot);
        for (key, bytes) in data {
            match untrusted(|| doc.load_incremental(&bytes)) {
                Ok(_) => kept.push((key, bytes.len())),
                Err(e) => problems.push(format!("{key:?}: {e}")),
            }
        }
        // Changes stored without their dependencies (older snapshots kept them) were never
        // applied, so never judged: leave them out; sync fetches them again if they are real.
        if !doc.get_missing_deps(&[]).is_empty() {
            let heads = doc.get_heads();
            match doc.fork_at(&heads) {
                Ok(applied) => {
                    problems.push("dropped changes stored without their dependencies".into());
                    doc = applied;
                }
                Err(e) => problems.push(format!("could not drop unapplied changes: {e}")),
            }
        }
        for (_, bytes) in sync_states {
            if let Ok(state) = sync::State::decode(&bytes) {
                confirmed = state.shared_heads;
            }
        }
        // A snapshot stored as the server sent it, alone and whole, is what the server
        // holds. Anything beside it (changes made here, another snapshot) may not be, and
        // then only a sync state says what is.
        if let ([(key, _)], []) = (kept.as_slice(), problems.as_slice())
            && key.is_served()
            && confirmed.is_empty()
        {
            confirmed = doc.get_heads();
        }
        if let Some(actor) = actor {
            doc.set_actor(actor.clone());
        }
        let stored_heads = doc.get_heads();
        (
            Self {
                actor: actor.cloned(),
                stored_heads,
                chunks: kept,
                confirmed,
                ..Self::of(doc)
            },
            problems,
        )
    }

    /// Counts the document as saved, writing nothing (an engine that does not save).
    /// Returns whether it changed since last counted, as [`Self::persist`] does.
    pub fn count_saved(&mut self) -> bool {
        let heads = self.heads();
        let changed = heads != self.stored_heads;
        self.stored_heads = heads;
        changed
    }

    /// Writes whatever changed since the last save: an incremental chunk, or a new snapshot
    /// that replaces every older chunk once the increments outgrow it.
    pub fn persist(&mut self, id: DocumentId, out: &mut Vec<StorageOp>) -> bool {
        let heads = self.heads();
        if heads == self.stored_heads {
            return false;
        }
        if self.unread() {
            // Kept as it came until read: it is its own first snapshot, and, as the
            // server sent exactly it, its own proof that the server holds these heads.
            let Some(arrived) = &self.arrived else {
                return false;
            };
            let key = StorageKey::served(id, &heads);
            out.push(StorageOp::Put(key.clone(), arrived.bytes.clone()));
            if !self.chunks.iter().any(|(k, _)| *k == key) {
                self.chunks.push((key, arrived.bytes.len()));
            }
            self.stored_heads = heads;
            return true;
        }
        let (snapshot, incremental): (usize, usize) =
            self.chunks
                .iter()
                .fold((0, 0), |(s, i), (key, size)| match key.kind {
                    ChunkKind::Snapshot => (s + size, i),
                    _ => (s, i + size),
                });
        // With no snapshot yet the rule compacts whatever the increment holds, so the
        // changes are not encoded on their own first (a whole document arriving in a
        // first sync was encoded twice).
        let stored = self.stored_heads.clone();
        let increment = (snapshot > 0).then(|| self.doc_mut().save_after(&stored));
        let Some(increment) =
            increment.filter(|inc| !should_compact(snapshot, incremental + inc.len()))
        else {
            let as_it_came = (self.arrived.take())
                .filter(|arrived| self.chunks.is_empty() && arrived.heads == heads);
            let whole = match as_it_came {
                Some(arrived) => arrived.bytes,
                None => snapshot_bytes(self.doc_mut()),
            };
            let size = whole.len();
            let key = StorageKey::snapshot(id, &heads);
            // The new snapshot is written before what it replaces is deleted.
            out.push(StorageOp::Put(key.clone(), whole));
            for (old, _) in self.chunks.drain(..) {
                if old != key {
                    out.push(StorageOp::Delete(old));
                }
            }
            self.chunks.push((key, size));
            self.stored_heads = heads;
            return true;
        };
        let key = StorageKey::incremental(id, &increment);
        self.chunks.push((key.clone(), increment.len()));
        out.push(StorageOp::Put(key, increment));
        self.stored_heads = heads;
        true
    }

    /// Takes in chunks another writer stored. They count as stored here too, unless this
    /// replica has unsaved changes of its own (then its next save covers both).
    pub fn absorb(&mut self, chunks: Vec<(StorageKey, Vec<u8>)>) -> bool {
        let before = self.doc_mut().get_heads();
        let saved = before == self.stored_heads;
        for (key, bytes) in chunks {
            if key.kind == ChunkKind::SyncState || self.chunks.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if self.doc_mut().load_incremental(&bytes).is_ok() {
                self.chunks.push((key, bytes.len()));
            }
        }
        let after = self.doc_mut().get_heads();
        if saved {
            self.stored_heads.clone_from(&after);
        }
        after != before
    }

    /// Takes back every change after `before` (refused ones), keeping the actor.
    pub fn take_back(
        &mut self,
        before: &[ChangeHash],
        actor: Option<&automerge::ActorId>,
    ) -> Result<(), automerge::AutomergeError> {
        let mut doc = if before.is_empty() {
            AutoCommit::new()
        } else {
            self.doc_mut().fork_at(before)?
        };
        if let Some(actor) = actor {
            doc.set_actor(actor.clone());
        }
        self.doc = OnceCell::from(doc);
        Ok(())
    }

    pub fn is_empty(&mut self) -> bool {
        self.heads().is_empty()
    }

    /// Applies one incoming sync message; true when the document gained changes. With
    /// `keep_whole` (client role), a whole document into this empty one is kept as it
    /// came and read at first use (`whole_and_nothing_else`).
    pub fn receive(
        &mut self,
        state: &mut sync::State,
        data: &[u8],
        keep_whole: bool,
    ) -> Result<bool, SyncError> {
        let message = untrusted(|| sync::Message::decode(data)).map_err(SyncError::Decode)?;
        let before = self.heads();
        if keep_whole
            && before.is_empty()
            && !self.unreadable.get()
            && let Some(snapshot) = whole_and_nothing_else(&message)
        {
            keep_as_it_came(state, message);
            self.doc = OnceCell::new();
            // The server holds what it sent; the snapshot stored as it came says so after
            // a restart (`StorageKey::served`), so no sync state is written beside it.
            self.confirmed.clone_from(&snapshot.heads);
            self.arrived = Some(snapshot);
            return Ok(true);
        }
        let whole = match (before.is_empty(), message.changes.len()) {
            (true, 1) => message.changes.iter().next(),
            _ => None,
        };
        let whole = whole
            .filter(|b| stored::is_whole_document(b))
            .map(<[u8]>::to_vec);
        let doc = self.doc_mut();
        untrusted(|| doc.sync().receive_sync_message(state, message)).map_err(SyncError::Apply)?;
        let after = doc.get_heads();
        // Automerge loaded the chunk into the empty document and checked its checksum, and
        // that the heads its header names are the heads it holds.
        if let Some(bytes) = whole.filter(|_| !after.is_empty()) {
            self.arrived = Some(Snapshot {
                heads: after.clone(),
                bytes,
            });
        }
        Ok(after != before)
    }
}

/// What Automerge's own receive records of a message bringing a whole document into an
/// empty one (`whole_and_nothing_else`), without reading the document: they hold exactly
/// its heads, need nothing, and have what they said.
fn keep_as_it_came(state: &mut sync::State, message: sync::Message) {
    state.in_flight = false;
    if let Some(flags) = message.flags {
        let mut capabilities = vec![Capability::MessageV2];
        if flags.contains(MessageFlags::SUPPORTS_SYNC_RESET) {
            capabilities.push(Capability::SyncReset);
        }
        state.their_capabilities = Some(capabilities);
        if flags.contains(MessageFlags::SYNC_RESET) {
            state.sent_hashes.clear();
        }
        state.peer_read_only = flags.contains(MessageFlags::READ_ONLY);
    }
    state.shared_heads.clone_from(&message.heads);
    state.their_have = Some(message.have);
    state.their_heads = Some(message.heads);
    state.their_need = Some(message.need);
}

/// Why a peer's sync message was refused.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("malformed sync message: {0}")]
    Decode(String),
    #[error("sync message could not be applied: {0}")]
    Apply(String),
}
