//! What the fuzz targets in `fuzz/` run, one function each, so that the same code runs
//! under `cargo fuzz` and in the regression tests that replay every input it ever found
//! (`core/tests/fuzz_regressions.rs`). Each takes arbitrary bytes and must neither panic
//! nor hang; where a property can be checked, it asserts it, and a broken property is a
//! crash like any other.
//!
//! - [`protocol_decode`]: a frame as the wire brings it; what decodes encodes back to the
//!   same message.
//! - [`engine_frames`]: a signed-in phone's traffic to the server's engine and its gate.
//!   Nothing it sends changes another area's documents, moves a document out of its area,
//!   or removes an event a journal held.
//! - [`storage_chunks`]: stored chunks loaded into the engine (a damaged disk or database).
//! - [`record_parse`]: a document read as every record kind and as an area index.
//! - [`journal_delta`]: changes applied to a real record, judged by the gate.
//!
//! [`corpus`] writes seed inputs for each from real traffic: the demo estate synced by a
//! phone that then edits.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use automerge::{ActorId, AutoCommit, ChangeHash, ROOT, ReadDoc, Value};

use crate::access::{Delta, Grant, Grants, Owner};
use crate::demo::demo_estate;
use crate::engine::{Config, ConnId, Engine, Gate, Role};
use crate::ids::{DocumentId, PeerId};
use crate::protocol::{Message, PROTOCOL_VERSION, PeerMetadata, inflation};
use crate::records::StaffRole;
use crate::records::any::AnyRecord;
use crate::records::index::AreaIndex;
use crate::storage::{
    ChunkKind, MemoryStore, StorageKey, StorageOp, apply_in_memory, chunks_in_memory,
};

/// How far a peer's compressed data may inflate, as the server's default limit has it.
const INFLATION_CAP: usize = 16 * 1024 * 1024;
/// The fuzzed phone's device (16 hex digits) and its area; the estate's other area is
/// one it may not touch.
const DEVICE: &str = "f022f022f022f022";
const OWN_AREA: &str = "A1";
const CONN: ConnId = 1;
/// How many of the world's documents (those with the longest journals) seed the corpus.
const CORPUS_DOCUMENTS: usize = 48;

/// A frame as the wire brings it: decoding never panics, and what decodes encodes back
/// to the same message. The inflation check the server runs first never panics either.
pub fn protocol_decode(data: &[u8]) {
    let_caught_panics_pass();
    if let Ok(message) = Message::decode(data) {
        let again = Message::decode(&message.encode()).expect("what we encode decodes");
        assert_eq!(again, message, "a message survives encoding and decoding");
    }
    let _ = inflation::check(data, INFLATION_CAP);
}

/// The server's world for the targets: the demo estate (two areas, every record kind,
/// journals with history), stored; and what must hold of each document afterwards.
struct World {
    store: MemoryStore,
    /// Every document, records with journals first, for inputs to name by index.
    ids: Vec<DocumentId>,
    before: BTreeMap<DocumentId, Summary>,
}

/// What must hold of a stored document across a hostile phone's traffic: its owner, its
/// heads (a document outside the phone's area never changes), and the event IDs of its
/// journal, which only grow.
#[derive(Debug)]
struct Summary {
    owner: Option<Owner>,
    heads: Vec<ChangeHash>,
    events: BTreeSet<String>,
}

impl Summary {
    fn of(mut doc: AutoCommit) -> Self {
        Self {
            owner: Owner::of_doc(&doc),
            events: event_ids(&doc),
            heads: doc.get_heads(),
        }
    }
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let estate = demo_estate().expect("the demo estate builds");
        let mut store = MemoryStore::new();
        let mut before = BTreeMap::new();
        for (id, mut doc) in estate.docs {
            store.insert(StorageKey::snapshot(id, &doc.get_heads()), doc.save());
            before.insert(id, Summary::of(doc));
        }
        let mut ids: Vec<DocumentId> = before.keys().copied().collect();
        ids.sort_by_key(|id| std::cmp::Reverse(before[id].events.len()));
        World { store, ids, before }
    })
}

/// The world's storage with a run's writes over it: a document the run writes is copied
/// out of the world first, so the world stays as it is for the next input.
struct Overlay<'a> {
    base: &'a MemoryStore,
    own: MemoryStore,
    touched: BTreeSet<DocumentId>,
}

impl<'a> Overlay<'a> {
    fn new(base: &'a MemoryStore) -> Self {
        Self {
            base,
            own: MemoryStore::new(),
            touched: BTreeSet::new(),
        }
    }

    fn chunks(&self, id: DocumentId) -> Vec<(StorageKey, Vec<u8>)> {
        if self.touched.contains(&id) {
            chunks_in_memory(&self.own, id)
        } else {
            chunks_in_memory(self.base, id)
        }
    }

    fn apply(&mut self, ops: Vec<StorageOp>) {
        for op in &ops {
            let (StorageOp::Put(key, _) | StorageOp::Delete(key)) = op;
            if self.touched.insert(key.document) {
                self.own.extend(chunks_in_memory(self.base, key.document));
            }
        }
        apply_in_memory(&mut self.own, ops);
    }
}

/// One step of a fuzzed phone's traffic, read from the input by [`steps`].
#[derive(Debug)]
enum Step<'a> {
    /// A frame as it is.
    Raw(&'a [u8]),
    /// A `sync` message about a document, with this data.
    Sync(DocumentId, &'a [u8]),
    /// A `request` message about a document, with this data.
    Request(DocumentId, &'a [u8]),
    /// A sync message about a document carrying these bytes as its changes.
    Changes(DocumentId, &'a [u8]),
}

/// Reads an input as steps: `[mode][document][length, 2 bytes LE][payload]`, repeated; a
/// short tail is the last payload.
fn steps(mut data: &[u8]) -> Vec<Step<'_>> {
    let ids = &world().ids;
    let mut out = Vec::new();
    while let [mode, doc, rest @ ..] = data {
        let (len, rest) = match rest {
            [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
            rest => (rest.len(), rest),
        };
        let (payload, rest) = rest.split_at(len.min(rest.len()));
        let id = ids[usize::from(*doc) % ids.len()];
        out.push(match mode % 4 {
            0 => Step::Raw(payload),
            1 => Step::Sync(id, payload),
            2 => Step::Request(id, payload),
            _ => Step::Changes(id, payload),
        });
        data = rest;
    }
    out
}

fn frame(step: &Step<'_>) -> Vec<u8> {
    let (sender, target) = (PeerId::new("fuzzed-phone"), PeerId::new("server"));
    let message = |document, data: &[u8]| Message::Sync {
        sender: sender.clone(),
        target: target.clone(),
        document,
        data: data.to_vec(),
    };
    match *step {
        Step::Raw(bytes) => bytes.to_vec(),
        Step::Sync(document, data) => message(document, data).encode(),
        Step::Request(document, data) => Message::Request {
            sender,
            target,
            document,
            data: data.to_vec(),
        }
        .encode(),
        Step::Changes(document, chunk) => message(document, &carrying(chunk)).encode(),
    }
}

/// libFuzzer's panic hook aborts on every panic, even one [`crate::untrusted::untrusted`] catches (as the
/// server does with Automerge's panics on malformed bytes): those pass; any other still
/// ends the run.
fn let_caught_panics_pass() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let theirs = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !crate::untrusted::guarded() {
                theirs(info);
            }
        }));
    });
}

/// A sync message whose changes are `chunk`, as a phone sends what the server lacks.
fn carrying(chunk: &[u8]) -> Vec<u8> {
    automerge::sync::Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes: chunk.to_vec().into(),
        flags: None,
        version: automerge::sync::MessageVersion::V2,
    }
    .encode()
}

/// Runs the server's engine until it has nothing more to do, serving its loads from
/// `store` and keeping what it stores there.
fn settle<G: Gate>(server: &mut Engine<G>, store: &mut Overlay<'_>) {
    for _ in 0..8 {
        let effects = server.flush();
        let idle = effects.loads.is_empty() && effects.storage.is_empty();
        store.apply(effects.storage);
        for id in effects.loads {
            server.loaded(id, store.chunks(id));
        }
        if idle {
            return;
        }
    }
}

/// A document from its stored chunks: snapshots first, then incremental changes.
fn assemble(chunks: Vec<(StorageKey, Vec<u8>)>) -> Option<AutoCommit> {
    let mut doc = AutoCommit::new();
    let mut any = false;
    for (key, bytes) in chunks {
        if key.kind != ChunkKind::SyncState && doc.load_incremental(&bytes).is_ok() {
            any = true;
        }
    }
    any.then_some(doc)
}

fn event_ids(doc: &AutoCommit) -> BTreeSet<String> {
    let Ok(Some((_, events))) = doc.get(ROOT, "events") else {
        return BTreeSet::new();
    };
    (0..doc.length(&events))
        .filter_map(|i| {
            let (_, event) = doc.get(&events, i).ok()??;
            match doc.get(&event, "id").ok()?? {
                (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
                _ => None,
            }
        })
        .collect()
}

/// The grant of the fuzzed phone: a housekeeper of area `A1`.
fn grant() -> Grant {
    Grant {
        user: "fuzzed-housekeeper".into(),
        role: StaffRole::Housekeeper,
        areas: [OWN_AREA.to_owned()].into(),
        projects: BTreeSet::new(),
        device: DEVICE.into(),
    }
}

/// A signed-in phone's traffic, from the input, to the server's engine and its gate. The
/// server stores what the gate lets through; afterwards no document of the other area has
/// changed, no document has changed owner, and no journal has lost an event.
pub fn engine_frames(data: &[u8]) {
    let_caught_panics_pass();
    let mut server = Engine::with_gate(Config::new(Role::Server, "server"), Grants::default());
    server.gate_mut().insert(CONN, grant());
    if let Err(broken) = frames_to(server, data) {
        panic!("{broken}");
    }
}

/// [`engine_frames`] on any server engine, its gate already holding the phone's grant;
/// what the run broke, if anything.
fn frames_to<G: Gate>(mut server: Engine<G>, data: &[u8]) -> Result<(), String> {
    let world = world();
    let mut store = Overlay::new(&world.store);
    server.connect(CONN, 0);
    let join = Message::Join {
        sender: PeerId::new("fuzzed-phone"),
        metadata: PeerMetadata::default(),
        versions: vec![PROTOCOL_VERSION.to_owned()],
    };
    server.receive(CONN, &join.encode(), 0);
    settle(&mut server, &mut store);
    for (n, step) in steps(data).iter().enumerate() {
        let frame = frame(step);
        // The server refuses what would inflate past its limit before the engine sees it.
        if inflation::check(&frame, INFLATION_CAP).is_err() {
            continue;
        }
        server.receive(CONN, &frame, n as u64);
        settle(&mut server, &mut store);
    }
    let own = Some(Owner::Area(OWN_AREA.into()));
    for &id in &store.touched {
        let doc = assemble(store.chunks(id))
            .ok_or_else(|| format!("stored document {id} no longer reads"))?;
        let now = Summary::of(doc);
        let Some(was) = world.before.get(&id) else {
            if now.owner != own {
                return Err(format!("document {id} was filed outside the phone's area"));
            }
            continue;
        };
        if now.owner != was.owner {
            return Err(format!("document {id} changed owner"));
        }
        if !was.events.is_subset(&now.events) {
            return Err(format!("document {id} lost journal events"));
        }
        if was.owner != own && now.heads != was.heads {
            return Err(format!("document {id} of another area changed"));
        }
    }
    Ok(())
}

/// Stored chunks, from the input, loaded into the engine as one document's: the engine
/// skips what is damaged and never panics. Input: `[kind][length, 2 bytes LE][bytes]`,
/// repeated.
pub fn storage_chunks(mut data: &[u8]) {
    let_caught_panics_pass();
    let id = world().ids[0];
    let mut chunks = Vec::new();
    while let [kind, a, b, rest @ ..] = data {
        let len = usize::from(u16::from_le_bytes([*a, *b])).min(rest.len());
        let (bytes, rest) = rest.split_at(len);
        let key = match kind % 3 {
            0 => StorageKey::snapshot(id, &[]),
            1 => StorageKey::incremental(id, bytes),
            _ => StorageKey::sync_state(id, "fuzzed-storage"),
        };
        chunks.push((key, bytes.to_vec()));
        data = rest;
    }
    let mut server = Engine::with_gate(Config::new(Role::Server, "server"), Grants::default());
    server.want(id);
    let effects = server.flush();
    for wanted in effects.loads {
        server.loaded(wanted, chunks.clone());
    }
    server.flush();
}

/// A document, from the input's bytes, read as a record of every kind and as an area
/// index: reading refuses what is malformed and never panics.
pub fn record_parse(data: &[u8]) {
    let_caught_panics_pass();
    // Only what the server's check lets through reaches Automerge, as for a phone's data.
    if inflation::check(&carrying(data), INFLATION_CAP).is_err() {
        return;
    }
    let Ok(doc) = crate::untrusted::untrusted(|| AutoCommit::load(data)) else {
        return;
    };
    let _ = AnyRecord::from_doc(&doc);
    let _ = AreaIndex::from_doc(&doc);
    let _ = Owner::of_doc(&doc);
}

/// Changes, from the input, applied to a real record and judged by the gate, as the
/// server judges a phone's changes: neither reading the delta nor judging it panics.
pub fn journal_delta(data: &[u8]) {
    let_caught_panics_pass();
    let world = world();
    let Some((&id, rest)) = data.split_first() else {
        return;
    };
    let id = world.ids[usize::from(id) % world.ids.len()];
    let Some(mut doc) = assemble(chunks_in_memory(&world.store, id)) else {
        return;
    };
    let before: Vec<ChangeHash> = doc.get_heads();
    if inflation::check(&carrying(rest), INFLATION_CAP).is_err() {
        return;
    }
    if doc.load_incremental(rest).is_err() {
        return;
    }
    let delta = Delta::between(&mut doc, &before);
    let _ = grant().may_write(&delta);
}

/// Seed inputs for every target, from real traffic: `(target, name, bytes)`. A phone of
/// area `B1` syncs the estate from a server, edits a record and files a new one; the
/// frames it sends, the chunks the server stores and the documents and changes involved
/// become the seeds.
pub fn corpus() -> Vec<(&'static str, String, Vec<u8>)> {
    let world = world();
    let mut seeds = Vec::new();
    let mut store = Overlay::new(&world.store);
    let mut server = Engine::with_gate(Config::new(Role::Server, "server"), Grants::default());
    server.gate_mut().insert(CONN, grant());
    server.connect(CONN, 0);
    let mut config = Config::new(Role::Client, "fuzzed-phone");
    config.actor = Some(actor());
    let mut phone = Engine::new(config);
    phone.connect(CONN, 0);
    for &id in &world.ids {
        phone.want(id);
    }
    let mut sent = Vec::new();
    for _ in 0..20 {
        let effects = phone.flush();
        for id in effects.loads {
            phone.loaded(id, Vec::new());
        }
        for (_, frame) in effects.sends {
            server.receive(CONN, &frame, 0);
            sent.push(frame);
        }
        let effects = server.flush();
        store.apply(effects.storage);
        for id in effects.loads {
            server.loaded(id, store.chunks(id));
        }
        for (_, frame) in effects.sends {
            phone.receive(CONN, &frame, 0);
        }
    }
    for (n, frame) in sent.iter().enumerate() {
        seeds.push(("protocol_decode", format!("frame-{n}"), frame.clone()));
        let mut input = vec![0, 0];
        input.extend_from_slice(&u16::try_from(frame.len()).unwrap_or(u16::MAX).to_le_bytes());
        input.extend_from_slice(frame);
        seeds.push(("engine_frames", format!("frame-{n}"), input));
    }
    for (n, &id) in world.ids.iter().enumerate().take(CORPUS_DOCUMENTS) {
        let Some(mut doc) = assemble(chunks_in_memory(&world.store, id)) else {
            continue;
        };
        let saved = doc.save();
        seeds.push(("record_parse", format!("doc-{n}"), saved.clone()));
        let mut chunk = vec![0];
        chunk.extend_from_slice(&u16::try_from(saved.len()).unwrap_or(u16::MAX).to_le_bytes());
        chunk.extend_from_slice(&saved);
        seeds.push(("storage_chunks", format!("doc-{n}"), chunk));
        let changes = a_note_on(&mut doc);
        let mut delta = vec![n as u8];
        delta.extend_from_slice(&changes);
        seeds.push(("journal_delta", format!("note-{n}"), delta));
        seeds.push((
            "engine_frames",
            format!("note-{n}"),
            changes_step(n, &changes),
        ));
    }
    seeds
}

/// The fuzzed phone's Automerge actor: its device, then any 8 bytes.
fn actor() -> ActorId {
    ActorId::from(hex::decode(format!("{DEVICE}0123456789abcdef")).expect("hex"))
}

/// The raw changes by which the fuzzed phone adds a note event to `doc`'s journal (or,
/// on a document without one, nothing).
fn a_note_on(doc: &mut AutoCommit) -> Vec<u8> {
    use automerge::transaction::Transactable;
    let heads = doc.get_heads();
    let mut edited = doc.fork().with_actor(actor());
    if let Ok(Some((_, events))) = edited.get(ROOT, "events") {
        let end = edited.length(&events);
        if let Ok(event) = edited.insert_object(&events, end, automerge::ObjType::Map) {
            let _ = edited.put(&event, "id", format!("{DEVICE}-1"));
            let _ = edited.put(&event, "type", "note");
            let _ = edited.put(&event, "by", "fuzzed-housekeeper");
        }
    }
    edited
        .get_changes(&heads)
        .into_iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect()
}

/// An [`engine_frames`] input of one step: `changes` sent for the world's document `n`.
fn changes_step(n: usize, changes: &[u8]) -> Vec<u8> {
    let mut step = vec![3, n as u8];
    step.extend_from_slice(
        &u16::try_from(changes.len())
            .unwrap_or(u16::MAX)
            .to_le_bytes(),
    );
    step.extend_from_slice(changes);
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check after [`engine_frames`] has teeth: with no gate, the same note on a
    /// document of the other area is stored, and the check fails.
    #[test]
    fn without_the_gate_a_note_on_another_areas_record_is_caught() {
        let world = world();
        let (n, mut doc) = world
            .ids
            .iter()
            .enumerate()
            .find_map(|(n, &id)| {
                let doc = assemble(chunks_in_memory(&world.store, id))?;
                let elsewhere = Owner::of_doc(&doc) == Some(Owner::Area("A2".into()));
                (n < 256 && elsewhere && !event_ids(&doc).is_empty()).then_some((n, doc))
            })
            .expect("a record of area A2 with a journal");
        let input = changes_step(n, &a_note_on(&mut doc));
        let broken = frames_to(Engine::new(Config::new(Role::Server, "server")), &input)
            .expect_err("the check catches the note");
        assert!(broken.contains("of another area changed"), "{broken}");
    }

    /// With the gate, the same note is refused and the check holds.
    #[test]
    fn with_the_gate_a_note_on_another_areas_record_is_refused() {
        let world = world();
        for (n, &id) in world.ids.iter().enumerate().take(CORPUS_DOCUMENTS) {
            let Some(mut doc) = assemble(chunks_in_memory(&world.store, id)) else {
                continue;
            };
            engine_frames(&changes_step(n, &a_note_on(&mut doc)));
        }
    }
}
