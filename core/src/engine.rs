//! The sans-IO sync engine: automerge-repo's protocol over many documents at once.
//!
//! The host feeds it connections, frames, storage reads and local edits, then calls
//! [`Engine::flush`] and carries out the returned [`Effects`] (see `effects.rs` for the
//! order that keeps acknowledged changes durable). Nothing here blocks, sleeps or reads a
//! clock: `now` always comes from the host.
//!
//! Pipelining: every input only marks documents dirty; `flush` then writes and answers
//! for all of them together, so thousands of documents cost one storage batch and one
//! burst of frames rather than a round trip each.

mod document;
mod effects;
mod order;
mod stored;
mod submit;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use automerge::sync;
use automerge::{ActorId, AutoCommit, ChangeHash};

pub use document::SyncError;
use document::{Document, Follower, Known, Loaded, PeerSync, Rest, Slot};
pub use effects::{ConnId, Effects, Event};
use order::SendOrder;
pub use submit::SubmitError;

use crate::ids::{DocumentId, PeerId};
use crate::protocol::{Message, PROTOCOL_VERSION, PeerMetadata};
use crate::storage::{StorageKey, StorageOp};

/// Which side of the protocol this engine plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Sends `join`, offers every document it holds to the server, keeps everything.
    Client,
    /// Answers `join`, serves documents peers ask for, evicts idle documents.
    Server,
}

/// Fixed settings of one engine.
#[derive(Debug, Clone)]
pub struct Config {
    pub role: Role,
    pub peer_id: PeerId,
    /// Names this replica's storage, so peers can keep sync state about it.
    pub storage_id: String,
    /// Actor for local edits; each device has its own.
    pub actor: Option<ActorId>,
    /// Server role: unused documents are dropped from memory after this many ms.
    pub evict_after_ms: u64,
    /// Server role: the most documents held in memory. Past it, the least recently used
    /// quiet ones rest at the end of a flush (down to nine tenths of it), however recently
    /// used; `None` holds as many as are in use.
    pub max_resident: Option<usize>,
    /// Whether documents are written to storage. `false` for a replica that lives in
    /// memory alone and never reopens (the load generator's simulated phones, whose saving
    /// would be each phone's own work): nothing is encoded for storage and no storage
    /// operations are emitted; everything else, events included, is as with storage.
    pub saves: bool,
}

impl Config {
    pub fn new(role: Role, peer_id: impl Into<String>) -> Self {
        let peer_id = PeerId::new(peer_id);
        Self {
            role,
            storage_id: peer_id.as_str().to_owned(),
            peer_id,
            actor: None,
            evict_after_ms: 30_000,
            max_resident: None,
            saves: true,
        }
    }
}

/// Why a local operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("document {0} is not loaded")]
    NotLoaded(DocumentId),
    #[error("document {0} already exists")]
    Exists(DocumentId),
}

#[derive(Debug, Default)]
struct Conn {
    /// The remote's self-chosen ID, once the handshake is done.
    remote: Option<PeerId>,
    remote_storage: Option<String>,
    /// Documents whose changes from this connection were refused: nothing more about
    /// them is taken from it until it reconnects.
    denied: BTreeSet<DocumentId>,
}

/// Who may see and change which document. The host supplies the rules (the server's
/// are in `access.rs`); a client's engine lets everything through ([`Open`]).
pub trait Gate {
    /// What of a document decides who may read it (its owner, for the server), read
    /// once per document and flush rather than once per connection.
    type Label;

    /// `doc`'s label.
    fn label(&self, doc: &AutoCommit) -> Self::Label;

    /// Whether `conn` may see a document that has content and this label. One it may
    /// not see is answered exactly as one that does not exist.
    fn may_read(&self, conn: ConnId, label: &Self::Label) -> bool;

    /// Whether the changes `conn` just added to `doc` (everything since `before`) stand.
    /// On refusal they are taken back before anything is written or sent.
    fn may_write(
        &mut self,
        conn: ConnId,
        document: DocumentId,
        doc: &mut AutoCommit,
        before: &[ChangeHash],
    ) -> Result<(), String>;

    /// Changes `may_write` let in were not kept after all (they went into a document the
    /// peer may not see, which stays as it was): forget them.
    fn not_kept(&mut self, _conn: ConnId, _document: DocumentId) {}
}

/// The gate that lets everything through.
#[derive(Debug, Default, Clone, Copy)]
pub struct Open;

impl Gate for Open {
    type Label = ();

    fn label(&self, _: &AutoCommit) {}

    fn may_read(&self, _: ConnId, (): &()) -> bool {
        true
    }

    fn may_write(
        &mut self,
        _: ConnId,
        _: DocumentId,
        _: &mut AutoCommit,
        _: &[ChangeHash],
    ) -> Result<(), String> {
        Ok(())
    }
}

/// The engine: all documents and connections of one replica.
#[derive(Debug)]
pub struct Engine<G: Gate = Open> {
    config: Config,
    gate: G,
    conns: BTreeMap<ConnId, Conn>,
    docs: HashMap<DocumentId, Document>,
    /// Documents with something to write or send at the next flush.
    dirty: BTreeSet<DocumentId>,
    /// Client role: documents read from storage, received changes, created or edited
    /// since the host last asked (`take_changed`): what its reading of records must look
    /// at again, and all of it.
    changed: HashSet<DocumentId>,
    /// Documents the host must read from storage.
    loads: BTreeSet<DocumentId>,
    /// Client role: the host has handed over every document its storage holds
    /// (`all_stored_loaded`), so one wanted and not in memory is not stored.
    all_stored_loaded: bool,
    /// Server role: documents let go of while phones still follow them (idle past
    /// `evict_after_ms`, but their areas' phones are connected), with each phone's sync
    /// state cut down to what both sides know. When the document is read again — a phone
    /// changes it, or another server stored changes to it — its followers are restored
    /// and hear what they lack, exactly as if it had stayed in memory.
    /// A document is either here or in `docs`, never both (`let_go` and `start_load`
    /// move it between them).
    resting: HashMap<DocumentId, Rest>,
    /// Client role: new records go out before the index entries that list them.
    order: SendOrder,
    /// Client role: documents that may hold changes made here the server has not
    /// confirmed — every one created, changed or read from storage since it was last found
    /// confirmed (`holds_unsent` prunes it), so the check costs what was touched here, not
    /// the whole area.
    made_here: BTreeSet<DocumentId>,
    /// Server role: documents the host is about to use (an API edit waiting for them to
    /// load), each with how many holds it has. They stay in memory past `max_resident`
    /// and `evict_after_ms`, so a busy server cannot let one go before it is used.
    held: HashMap<DocumentId, usize>,
    now: u64,
    out: Effects,
}

impl Engine {
    pub fn new(config: Config) -> Self {
        Self::with_gate(config, Open)
    }
}

impl<G: Gate> Engine<G> {
    pub fn with_gate(config: Config, gate: G) -> Self {
        Self {
            config,
            gate,
            conns: BTreeMap::new(),
            docs: HashMap::new(),
            dirty: BTreeSet::new(),
            changed: HashSet::new(),
            loads: BTreeSet::new(),
            all_stored_loaded: false,
            resting: HashMap::new(),
            order: SendOrder::default(),
            made_here: BTreeSet::new(),
            held: HashMap::new(),
            now: 0,
            out: Effects::default(),
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn gate(&self) -> &G {
        &self.gate
    }

    pub fn gate_mut(&mut self) -> &mut G {
        &mut self.gate
    }

    /// A connection opened. A client starts the handshake.
    pub fn connect(&mut self, conn: ConnId, now: u64) {
        self.now = now;
        self.conns.insert(conn, Conn::default());
        if self.config.role == Role::Client {
            let join = Message::Join {
                sender: self.config.peer_id.clone(),
                metadata: self.metadata(),
                versions: vec![PROTOCOL_VERSION.to_owned()],
            };
            self.send(conn, &join);
        }
    }

    /// A connection closed: forget every sync state that belonged to it.
    pub fn disconnect(&mut self, conn: ConnId) {
        self.conns.remove(&conn);
        for doc in self.docs.values_mut() {
            doc.peers.remove(&conn);
            if let Slot::Loading { asleep, .. } = &mut doc.slot {
                asleep.followers.retain(|f| f.conn != conn);
            }
        }
        self.resting.retain(|_, rest| {
            rest.followers.retain(|f| f.conn != conn);
            !rest.followers.is_empty()
        });
    }

    /// Connections whose handshake completed.
    pub fn ready_conns(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.conns
            .iter()
            .filter(|(_, c)| c.remote.is_some())
            .map(|(id, _)| *id)
    }

    /// One frame arrived. Protocol violations close the connection with an `error` message;
    /// they never touch another connection's documents.
    pub fn receive(&mut self, conn: ConnId, frame: &[u8], now: u64) {
        self.now = now;
        if !self.conns.contains_key(&conn) {
            return;
        }
        let message = match Message::decode(frame) {
            Ok(message) => message,
            Err(e) => return self.fail(conn, e.to_string()),
        };
        match message {
            Message::Join {
                sender,
                metadata,
                versions,
            } => self.on_join(conn, sender, metadata, &versions),
            Message::Peer {
                sender, metadata, ..
            } => self.on_peer(conn, sender, metadata),
            Message::Request { document, data, .. } => self.on_sync(conn, document, data, true),
            Message::Sync { document, data, .. } => self.on_sync(conn, document, data, false),
            Message::DocUnavailable { document, .. } => {
                self.out
                    .events
                    .push(Event::DocUnavailable { conn, document });
            }
            Message::Leave { .. } => {
                self.disconnect(conn);
                self.out.closes.push(conn);
            }
            Message::Error {
                message,
                document: Some(document),
                ..
            } if self.config.role == Role::Client => self.denied_by_peer(conn, document, message),
            Message::Error { message, .. } => {
                self.out.events.push(Event::PeerError { conn, message });
            }
            Message::Unknown { .. } => {}
        }
    }

    /// The host ends a connection for a reason of its own (a broken limit): the peer gets
    /// a protocol `error` saying why, and the connection is closed.
    pub fn refuse(&mut self, conn: ConnId, message: String) {
        if self.conns.contains_key(&conn) {
            self.fail(conn, message);
        }
    }

    /// The host read a document's chunks (empty if storage has none).
    pub fn loaded(&mut self, document: DocumentId, chunks: Vec<(StorageKey, Vec<u8>)>) {
        self.loaded_with(document, chunks, None);
    }

    /// The host read a document's chunks and knows who may read it (its gate label, kept
    /// beside it). Server role: when every phone waiting for it has nothing of it or
    /// exactly what is stored, they are answered from the stored snapshot and the
    /// document rests with them, never loaded (`stored.rs`).
    pub fn loaded_with(
        &mut self,
        document: DocumentId,
        chunks: Vec<(StorageKey, Vec<u8>)>,
        label: Option<G::Label>,
    ) {
        self.loads.remove(&document);
        if label.is_some_and(|label| self.serve_stored(document, &chunks, &label)) {
            return;
        }
        let (mut loaded, problems) = Loaded::from_chunks(chunks, self.config.actor.as_ref());
        if !problems.is_empty() {
            self.out
                .events
                .push(Event::StorageDamaged { document, problems });
        }
        if self.config.role == Role::Client {
            self.changed.insert(document);
            self.made_here.insert(document);
            if loaded.confirmed.is_empty() && !loaded.is_empty() {
                self.order.awaiting(document);
            }
        }
        let entry = self.docs.entry(document).or_insert_with(|| Document {
            slot: Slot::Loading {
                queued: Vec::new(),
                asleep: Rest::default(),
            },
            peers: HashMap::new(),
            last_used: self.now,
        });
        let queued = match std::mem::replace(&mut entry.slot, Slot::Ready(Box::new(loaded))) {
            Slot::Loading { queued, asleep } => {
                entry.peers.extend(asleep.wake());
                queued
            }
            Slot::Ready(_) => Vec::new(),
        };
        self.dirty.insert(document);
        for (conn, data, is_request) in queued {
            self.on_sync(conn, document, data, is_request);
        }
    }

    /// Another server sharing the database stored these chunks of a document (several
    /// nodes on one PostgreSQL). A document in memory takes in the changes it lacks and
    /// offers them to its peers at the next flush; they are stored already, so nothing
    /// is written again. A document not in memory is left alone: its next load reads them.
    /// True when the document gained changes.
    pub fn stored_elsewhere(
        &mut self,
        document: DocumentId,
        chunks: Vec<(StorageKey, Vec<u8>)>,
    ) -> bool {
        if self.resting.contains_key(&document) {
            // Phones here follow it: read it back, and they hear the new changes.
            self.start_load(document);
            self.loaded(document, chunks);
            return false;
        }
        let Some(Slot::Ready(loaded)) = self.docs.get_mut(&document).map(|d| &mut d.slot) else {
            return false;
        };
        let gained = loaded.absorb(chunks);
        if gained {
            self.dirty.insert(document);
        }
        gained
    }

    /// Makes sure a document is in memory and, for a client, being synced with the server.
    pub fn want(&mut self, document: DocumentId) {
        if self.docs.contains_key(&document) {
            self.dirty.insert(document);
            return;
        }
        self.start_load(document);
        if self.all_stored_loaded {
            // Storage has nothing of it: asking would only hear so (a first sync wants
            // every document of an area, none of them stored).
            self.loaded(document, Vec::new());
        }
    }

    /// Client role: the host has loaded every document its storage holds (a phone reads
    /// its whole area when it opens). From now on a document wanted and not in memory is
    /// taken as not stored, and made empty at once instead of read from storage.
    pub fn all_stored_loaded(&mut self) {
        self.all_stored_loaded = self.config.role == Role::Client;
    }

    /// Wants a document and keeps it in memory until as many `release`s as `hold`s.
    pub fn hold(&mut self, document: DocumentId) {
        *self.held.entry(document).or_default() += 1;
        self.want(document);
    }

    /// Ends one `hold`: the document may rest again once nothing else holds it.
    pub fn release(&mut self, document: DocumentId) {
        if let Some(holds) = self.held.get_mut(&document) {
            *holds -= 1;
            if *holds == 0 {
                self.held.remove(&document);
            }
        }
    }

    /// Adds a document made locally. Its first flush writes it and offers it to peers.
    pub fn create(&mut self, document: DocumentId, mut doc: AutoCommit) -> Result<(), EngineError> {
        if self.docs.contains_key(&document) {
            return Err(EngineError::Exists(document));
        }
        if let Some(actor) = &self.config.actor {
            doc.set_actor(actor.clone());
        }
        let mut loaded = Loaded::of(doc);
        if self.config.role == Role::Client {
            self.changed.insert(document);
            self.made_here.insert(document);
            if !loaded.is_empty() {
                self.order.awaiting(document);
            }
        }
        self.docs.insert(
            document,
            Document {
                slot: Slot::Ready(Box::new(loaded)),
                peers: HashMap::new(),
                last_used: self.now,
            },
        );
        self.dirty.insert(document);
        Ok(())
    }

    /// Client role: `document` (the area index) is offered only once every document with
    /// content the server has never acknowledged is acknowledged or refused, so that an
    /// index entry never reaches the server before the new record it lists.
    pub fn send_after_new_records(&mut self, document: DocumentId) {
        self.order.hold(document);
    }

    /// Edits a loaded document; the edit is written and offered at the next flush.
    pub fn change<T>(
        &mut self,
        document: DocumentId,
        edit: impl FnOnce(&mut AutoCommit) -> T,
    ) -> Result<T, EngineError> {
        let doc = self.doc_mut(document)?;
        let result = edit(doc);
        self.dirty.insert(document);
        if self.config.role == Role::Client {
            self.changed.insert(document);
            self.made_here.insert(document);
        }
        Ok(result)
    }

    /// A loaded document, for reading without changing anything.
    pub fn doc(&self, document: DocumentId) -> Result<&AutoCommit, EngineError> {
        match self.docs.get(&document).map(|d| &d.slot) {
            Some(Slot::Ready(loaded)) => Ok(loaded.doc()),
            _ => Err(EngineError::NotLoaded(document)),
        }
    }

    /// A loaded document, for reading.
    pub fn doc_mut(&mut self, document: DocumentId) -> Result<&mut AutoCommit, EngineError> {
        match self.docs.get_mut(&document).map(|d| &mut d.slot) {
            Some(Slot::Ready(loaded)) => Ok(loaded.doc_mut()),
            _ => Err(EngineError::NotLoaded(document)),
        }
    }

    /// The host could not carry out a batch's writes for these documents. What the engine
    /// counted as stored may not be, and a later increment without it could not be read:
    /// each is written whole (or as it arrived) at the next flush.
    pub fn storage_failed(&mut self, documents: impl IntoIterator<Item = DocumentId>) {
        for id in documents {
            if let Some(Slot::Ready(loaded)) = self.docs.get_mut(&id).map(|d| &mut d.slot) {
                loaded.stored_heads.clear();
                self.dirty.insert(id);
            }
        }
    }

    /// Client role: the documents read from storage, created, edited here or changed by
    /// a peer since the last call, flushed or not.
    pub fn take_changed(&mut self) -> HashSet<DocumentId> {
        std::mem::take(&mut self.changed)
    }

    /// Whether a document is in memory and loaded.
    pub fn holds(&self, document: DocumentId) -> bool {
        matches!(
            self.docs.get(&document).map(|d| &d.slot),
            Some(Slot::Ready(_))
        )
    }

    /// Documents kept as they arrived whole and not yet read (client role): each is read
    /// into Automerge the first time something reads or changes it.
    pub fn unread(&self) -> usize {
        self.docs
            .values()
            .filter(|d| matches!(&d.slot, Slot::Ready(l) if l.unread()))
            .count()
    }

    /// Whether phones here follow the document: it is in memory, or resting.
    pub fn follows(&self, document: DocumentId) -> bool {
        self.holds(document) || self.resting.contains_key(&document)
    }

    /// Every document in memory or resting (see [`Self::follows`]).
    pub fn followed_ids(&self) -> Vec<DocumentId> {
        let mut ids = self.loaded_ids();
        ids.extend(self.resting.keys());
        ids.sort();
        ids
    }

    /// Every document currently in memory and loaded.
    pub fn loaded_ids(&self) -> Vec<DocumentId> {
        let mut ids: Vec<_> = self
            .docs
            .iter()
            .filter(|(_, d)| matches!(d.slot, Slot::Ready(_)))
            .map(|(id, _)| *id)
            .collect();
        ids.sort();
        ids
    }

    /// Documents with local changes the server has not confirmed (client role).
    pub fn unconfirmed(&mut self) -> Vec<DocumentId> {
        let mut ids: Vec<_> = self
            .docs
            .iter_mut()
            .filter_map(|(id, d)| Self::awaits_server(&mut d.slot).then_some(*id))
            .collect();
        ids.sort();
        ids
    }

    /// Whether anything made here may not be on the server yet (client role): true
    /// whenever `unconfirmed` is not empty, and while a document made here is loading.
    pub fn holds_unsent(&mut self) -> bool {
        let docs = &mut self.docs;
        self.made_here.retain(|id| {
            docs.get_mut(id).is_some_and(|d| match &mut d.slot {
                Slot::Loading { .. } => true,
                slot => Self::awaits_server(slot),
            })
        });
        !self.made_here.is_empty()
    }

    /// A held document with changes the server has not confirmed (not counting one the
    /// server refused: sending it again will not help).
    fn awaits_server(slot: &mut Slot) -> bool {
        match slot {
            Slot::Ready(l) if l.refused.is_some() => false,
            Slot::Ready(l) => {
                let heads = l.heads();
                !heads.iter().all(|h| l.confirmed.contains(h))
            }
            Slot::Loading { .. } => false,
        }
    }

    /// Documents whose changes the server refused (client role), with its reason.
    pub fn refused(&self) -> Vec<(DocumentId, String)> {
        let mut refused: Vec<_> = self
            .docs
            .iter()
            .filter_map(|(id, d)| match &d.slot {
                Slot::Ready(l) => l.refused.clone().map(|why| (*id, why)),
                Slot::Loading { .. } => None,
            })
            .collect();
        refused.sort();
        refused
    }

    /// Whether a document is in memory, loaded, and has content (from storage or a peer).
    pub fn has_content(&mut self, document: DocumentId) -> bool {
        match self.docs.get_mut(&document).map(|d| &mut d.slot) {
            Some(Slot::Ready(loaded)) => !loaded.is_empty(),
            _ => false,
        }
    }

    /// Time passes: the server lets go of documents idle past `evict_after_ms` (those
    /// phones follow rest, see `resting`).
    pub fn tick(&mut self, now: u64) {
        self.now = now;
        if self.config.role != Role::Server {
            return;
        }
        let horizon = now.saturating_sub(self.config.evict_after_ms);
        let idle: Vec<DocumentId> = self
            .docs
            .iter()
            .filter(|(id, d)| d.last_used <= horizon && self.may_rest(id, d))
            .map(|(id, _)| *id)
            .collect();
        for id in idle {
            self.let_go(id);
        }
    }

    /// Server role: past `max_resident`, the least recently used quiet documents rest.
    fn rest_beyond_capacity(&mut self) {
        let Some(most) = self.config.max_resident else {
            return;
        };
        if self.config.role != Role::Server || self.docs.len() <= most {
            return;
        }
        // Down to nine tenths, so that a busy server does not sort at every flush.
        let keep = most - most / 10;
        let mut quiet: Vec<(u64, DocumentId)> = self
            .docs
            .iter()
            .filter(|(id, d)| self.may_rest(id, d))
            .map(|(id, d)| (d.last_used, *id))
            .collect();
        quiet.sort_unstable();
        let excess = self.docs.len().saturating_sub(keep);
        for (_, id) in quiet.into_iter().take(excess) {
            self.let_go(id);
        }
    }

    /// Whether a document in memory may leave it now: nothing waits to be written or sent,
    /// no peer needs it, and the host does not hold it.
    fn may_rest(&self, id: &DocumentId, document: &Document) -> bool {
        !self.dirty.contains(id) && !self.held.contains_key(id) && document.may_rest()
    }

    /// Drops a document from memory; if phones follow it, it rests with them.
    fn let_go(&mut self, id: DocumentId) {
        let Some(document) = self.docs.remove(&id) else {
            return;
        };
        if document.peers.is_empty() {
            return;
        }
        // Only what is known to be stored: then a phone that has exactly it is answered
        // without reading the document again.
        let mut heads = Vec::new();
        if let Slot::Ready(mut loaded) = document.slot
            && loaded.heads() == loaded.stored_heads
        {
            heads = loaded.stored_heads;
        }
        // No peer here is answered from a shadow (`Document::may_rest`): each follows it.
        let followers = document
            .peers
            .into_iter()
            .map(|(conn, peer)| Follower::at_rest(conn, &peer, &heads))
            .collect();
        self.resting.insert(id, Rest { followers, heads });
    }

    /// Documents held in memory (for metrics and tests of eviction).
    pub fn resident(&self) -> usize {
        self.docs.len()
    }

    /// Writes and answers for everything that changed, and hands the host its work.
    pub fn flush(&mut self) -> Effects {
        let dirty = std::mem::take(&mut self.dirty);
        for id in dirty {
            self.flush_document(id);
        }
        self.out.loads.extend(std::mem::take(&mut self.loads));
        self.rest_beyond_capacity();
        std::mem::take(&mut self.out)
    }

    fn flush_document(&mut self, id: DocumentId) {
        let role = self.config.role;
        let me = &self.config.peer_id;
        let Some(document) = self.docs.get_mut(&id) else {
            return;
        };
        document.last_used = self.now;
        let Slot::Ready(loaded) = &mut document.slot else {
            return;
        };
        let changed = if self.config.saves {
            loaded.persist(id, &mut self.out.storage)
        } else {
            loaded.count_saved()
        };
        if changed {
            self.out.events.push(Event::DocChanged { document: id });
        }
        if self.order.waits(id) {
            return;
        }
        if role == Role::Client {
            // A client offers every document to every server it is connected to.
            for (conn, c) in &self.conns {
                if c.remote.is_some() {
                    document.peers.entry(*conn).or_default();
                }
            }
        }
        // Only the connections syncing this document, in a fixed order (the simulation
        // replays a seed exactly): not every connection the server has.
        let mut syncing: Vec<ConnId> = document.peers.keys().copied().collect();
        syncing.sort_unstable();
        // Who may read it is judged once here, not once per connection: with a hundred
        // phones on an area, reading the owner from the document per phone was most of
        // the cost of relaying one change.
        // Gates judge what phones send a server: a client keeps a whole document it
        // received unread (`Loaded::receive`), and has nothing to judge.
        let label =
            (role == Role::Server && !loaded.is_empty()).then(|| self.gate.label(loaded.doc()));
        for conn in syncing {
            let Some(remote) = self.conns.get(&conn).and_then(|c| c.remote.as_ref()) else {
                continue;
            };
            let Some(peer) = document.peers.get_mut(&conn) else {
                continue;
            };
            let hidden = label.as_ref().is_some_and(|l| !self.gate.may_read(conn, l));
            // A peer that may not see the document is answered from its empty shadow,
            // exactly as if the server did not have it.
            let view: &mut Loaded = match (hidden, &mut peer.shadow) {
                (false, _) => loaded,
                (true, Some(shadow)) => shadow,
                (true, None) => {
                    Self::unavailable(&mut self.out, me, conn, remote.clone(), id, peer);
                    continue;
                }
            };
            let empty = view.is_empty();
            if role == Role::Server && empty && peer.they_requested {
                Self::unavailable(&mut self.out, me, conn, remote.clone(), id, peer);
                continue;
            }
            if std::mem::take(&mut peer.owes_ack) {
                // Automerge skips the reply when the phone's last message already named
                // our heads (it sent changes, then a bare message before our answer); the
                // phone would then never hear that its changes are stored.
                peer.state.last_sent_heads.clear();
            }
            if let Some(data) = view.sync_message(&mut peer.state) {
                let msg = if empty && !peer.announced {
                    Message::Request {
                        sender: me.clone(),
                        target: remote.clone(),
                        document: id,
                        data,
                    }
                } else {
                    Message::Sync {
                        sender: me.clone(),
                        target: remote.clone(),
                        document: id,
                        data,
                    }
                };
                peer.announced = true;
                self.out.sends.push((conn, msg.encode()));
            }
        }
    }

    /// Tells a peer, once, that the server does not have a document (or that it may not
    /// see it: the two answers are the same).
    fn unavailable(
        out: &mut Effects,
        me: &PeerId,
        conn: ConnId,
        remote: PeerId,
        document: DocumentId,
        peer: &mut PeerSync,
    ) {
        if peer.they_requested && !peer.told_unavailable {
            peer.told_unavailable = true;
            let msg = Message::DocUnavailable {
                sender: me.clone(),
                target: remote,
                document,
            };
            out.sends.push((conn, msg.encode()));
        }
    }

    fn on_join(
        &mut self,
        conn: ConnId,
        sender: PeerId,
        metadata: PeerMetadata,
        versions: &[String],
    ) {
        if self.config.role != Role::Server {
            return self.fail(conn, "a client does not accept `join`".into());
        }
        if !versions.iter().any(|v| v == PROTOCOL_VERSION) {
            return self.fail(
                conn,
                format!("unsupported protocol versions {versions:?}; this server speaks 1"),
            );
        }
        let reply = Message::Peer {
            sender: self.config.peer_id.clone(),
            target: sender.clone(),
            metadata: self.metadata(),
            version: PROTOCOL_VERSION.to_owned(),
        };
        self.send(conn, &reply);
        self.mark_ready(conn, sender, metadata);
    }

    fn on_peer(&mut self, conn: ConnId, sender: PeerId, metadata: PeerMetadata) {
        if self.config.role != Role::Client {
            return self.fail(conn, "a server does not accept `peer`".into());
        }
        self.mark_ready(conn, sender, metadata);
        // Offer everything held, and ask for everything wanted, in one burst.
        self.dirty.extend(self.docs.keys().copied());
    }

    fn mark_ready(&mut self, conn: ConnId, sender: PeerId, metadata: PeerMetadata) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.remote = Some(sender);
            c.remote_storage = metadata.storage_id;
        }
        self.out.events.push(Event::PeerReady { conn });
    }

    fn on_sync(&mut self, conn: ConnId, id: DocumentId, data: Vec<u8>, is_request: bool) {
        // A message queued while its document loaded may outlive its connection.
        let Some(state) = self.conns.get(&conn) else {
            return;
        };
        if state.remote.is_none() {
            return self.fail(conn, "sync before the handshake".into());
        }
        if state.denied.contains(&id) {
            return;
        }
        if !self.docs.contains_key(&id) && self.answer_resting(conn, id, &data) {
            return;
        }
        let Some(document) = self.docs.get_mut(&id) else {
            self.start_load(id);
            if let Some(Document {
                slot: Slot::Loading { queued, .. },
                ..
            }) = self.docs.get_mut(&id)
            {
                queued.push((conn, data, is_request));
            }
            return;
        };
        document.last_used = self.now;
        let loaded = match &mut document.slot {
            Slot::Loading { queued, .. } => return queued.push((conn, data, is_request)),
            Slot::Ready(loaded) => loaded,
        };
        let peer = document.peers.entry(conn).or_insert_with(PeerSync::default);
        peer.they_requested |= is_request;
        let hidden = self.config.role == Role::Server
            && !loaded.is_empty()
            && !self.gate.may_read(conn, &self.gate.label(loaded.doc()));
        let PeerSync {
            state,
            shadow,
            owes_ack,
            ..
        } = peer;
        // A document the peer may not see is, for that peer, an empty one of its own:
        // every message about it is answered as for a document the server lacks, and
        // nothing written into it is ever stored or shown to anyone else.
        let target: &mut Loaded = if hidden {
            shadow.get_or_insert_with(|| Box::new(Loaded::empty()))
        } else {
            loaded
        };
        let before = target.heads();
        let keep_whole = self.config.role == Role::Client;
        match target.receive(state, &data, keep_whole) {
            Err(e) => return self.fail(conn, format!("document {id}: {e}")),
            Ok(false) => {}
            Ok(true) => {
                *owes_ack = self.config.role == Role::Server;
                if keep_whole {
                    self.changed.insert(id);
                }
                let judged = if keep_whole && target.unread() {
                    Ok(())
                } else {
                    self.gate.may_write(conn, id, target.doc_mut(), &before)
                };
                if let Err(reason) = judged {
                    let refused_own = !hidden
                        && target
                            .take_back(&before, self.config.actor.as_ref())
                            .is_err();
                    document.peers.remove(&conn);
                    if refused_own {
                        // Cannot happen (`before` are the document's own heads); if it
                        // did, reading it again from storage drops the refused changes.
                        self.docs.remove(&id);
                    }
                    return self.deny(conn, id, reason);
                }
                if hidden {
                    // Let in as a new document would be, but this ID is another area's:
                    // what was written stays in the shadow, and the gate forgets it.
                    self.gate.not_kept(conn, id);
                }
            }
        }
        let Slot::Ready(loaded) = &mut document.slot else {
            return;
        };
        let Some(peer) = document.peers.get_mut(&conn) else {
            return;
        };
        if self.config.role == Role::Client {
            Self::confirm(
                id,
                loaded,
                peer,
                &self.config.storage_id,
                &mut self.out.storage,
            );
            if !loaded.confirmed.is_empty() {
                self.dirty.extend(self.order.settled(id));
            }
        }
        self.dirty.insert(id);
    }

    /// Client role: remember (durably) that the server holds our heads.
    fn confirm(
        id: DocumentId,
        loaded: &mut Loaded,
        peer: &PeerSync,
        storage_id: &str,
        out: &mut Vec<StorageOp>,
    ) {
        let heads: Vec<ChangeHash> = loaded.heads();
        let Some(theirs) = &peer.state.their_heads else {
            return;
        };
        if heads.iter().all(|h| theirs.contains(h)) && loaded.confirmed != heads {
            loaded.refused = None;
            loaded.confirmed = heads.clone();
            let mut state = sync::State::new();
            state.shared_heads = heads;
            out.push(StorageOp::Put(
                StorageKey::sync_state(id, storage_id),
                state.encode(),
            ));
        }
    }

    /// See [`Self::loaded_with`]: false, with nothing done, unless every message waiting
    /// for `id` could be answered from its one stored snapshot.
    fn serve_stored(
        &mut self,
        id: DocumentId,
        chunks: &[(StorageKey, Vec<u8>)],
        label: &G::Label,
    ) -> bool {
        if self.config.role != Role::Server || self.held.contains_key(&id) {
            return false;
        }
        let Some(Document {
            slot: Slot::Loading { queued, .. },
            ..
        }) = self.docs.get(&id)
        else {
            return false;
        };
        let Some(snapshot) = stored::Snapshot::of(chunks) else {
            return false;
        };
        let mut asks = BTreeMap::new();
        for (conn, data, is_request) in queued {
            let whole = match stored::ask(data, &snapshot.heads) {
                stored::Ask::Everything => true,
                stored::Ask::Nothing => false,
                stored::Ask::More => return false,
            };
            if !self.gate.may_read(*conn, label) {
                return false;
            }
            if asks.insert(*conn, (whole, *is_request)).is_some() {
                return false;
            }
        }
        if asks.is_empty() {
            return false;
        }
        let Some(Document {
            slot: Slot::Loading { mut asleep, .. },
            ..
        }) = self.docs.remove(&id)
        else {
            return false;
        };
        // Its followers stay as they rested; those waiting are answered and join them.
        asleep.rebase(&snapshot.heads);
        for (conn, (whole, is_request)) in asks {
            let Some(remote) = self.conns.get(&conn).and_then(|c| c.remote.clone()) else {
                continue;
            };
            let follower = asleep.entry(conn);
            follower.known = Known::Told {
                they_have_them: !whole,
            };
            follower.they_requested |= is_request;
            follower.announced = true;
            let bytes = whole.then_some(snapshot.bytes.as_slice());
            let data = stored::answer(&snapshot.heads, bytes);
            self.send_sync(conn, remote, id, data);
        }
        self.resting.insert(id, asleep);
        true
    }

    /// Server role: a phone following a resting document sent exactly the stored heads
    /// and nothing to apply. It is answered (once) with our heads, without reading the
    /// document. False, with nothing done, for any other message.
    fn answer_resting(&mut self, conn: ConnId, id: DocumentId, data: &[u8]) -> bool {
        let Some(rest) = self.resting.get_mut(&id) else {
            return false;
        };
        if rest.heads.is_empty() || stored::ask(data, &rest.heads) != stored::Ask::Nothing {
            return false;
        }
        let Some(follower) = rest.follower(conn) else {
            return false;
        };
        let told = matches!(follower.known, Known::Told { .. });
        follower.known = Known::Told {
            they_have_them: true,
        };
        if !told {
            let data = stored::answer(&rest.heads, None);
            if let Some(remote) = self.conns.get(&conn).and_then(|c| c.remote.clone()) {
                self.send_sync(conn, remote, id, data);
            }
        }
        true
    }

    fn send_sync(&mut self, conn: ConnId, target: PeerId, document: DocumentId, data: Vec<u8>) {
        let message = Message::Sync {
            sender: self.config.peer_id.clone(),
            target,
            document,
            data,
        };
        self.send(conn, &message);
    }

    fn start_load(&mut self, id: DocumentId) {
        self.docs.insert(
            id,
            Document {
                slot: Slot::Loading {
                    queued: Vec::new(),
                    asleep: self.resting.remove(&id).unwrap_or_default(),
                },
                peers: HashMap::new(),
                last_used: self.now,
            },
        );
        self.loads.insert(id);
    }

    fn metadata(&self) -> PeerMetadata {
        PeerMetadata {
            storage_id: Some(self.config.storage_id.clone()),
            is_ephemeral: false,
        }
    }

    fn send(&mut self, conn: ConnId, message: &Message) {
        self.out.sends.push((conn, message.encode()));
    }

    /// Server role: the gate refused `conn`'s changes to `document`. The peer hears why
    /// (the `error` names the document), the connection stays open for everything else,
    /// and nothing more about this document is taken from it until it reconnects.
    fn deny(&mut self, conn: ConnId, document: DocumentId, reason: String) {
        if let Some(c) = self.conns.get_mut(&conn) {
            c.denied.insert(document);
        }
        let error = Message::Error {
            sender: Some(self.config.peer_id.clone()),
            message: format!("document {document}: refused: {reason}"),
            document: Some(document),
        };
        self.send(conn, &error);
        self.out.events.push(Event::Denied {
            conn,
            document,
            reason,
        });
    }

    /// Client role: the server refused this document's changes. They stay on the phone,
    /// shown as refused with the reason, and stop counting as waiting to be sent.
    fn denied_by_peer(&mut self, conn: ConnId, document: DocumentId, reason: String) {
        if let Some(Slot::Ready(loaded)) = self.docs.get_mut(&document).map(|d| &mut d.slot) {
            loaded.refused = Some(reason.clone());
        }
        self.dirty.extend(self.order.settled(document));
        self.out.events.push(Event::Denied {
            conn,
            document,
            reason,
        });
    }

    fn fail(&mut self, conn: ConnId, message: String) {
        let error = Message::Error {
            sender: Some(self.config.peer_id.clone()),
            message: message.clone(),
            document: None,
        };
        self.send(conn, &error);
        self.out.events.push(Event::Refused { conn, message });
        self.out.closes.push(conn);
        self.disconnect(conn);
    }
}

#[cfg(test)]
mod tests;
