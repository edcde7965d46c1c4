//! Deterministic simulation of the sync engine: several phones and the server, in memory,
//! with messages dropped, duplicated and reordered, links partitioned and healed, and
//! nodes restarted from what they had persisted. After the chaos every link heals and
//! delivery becomes reliable; then every replica must hold the same heads for every
//! document and every edit a phone ever saved. The phones also work one shared ticket
//! through its lifecycle while cut off from each other: every phone must then derive the
//! same state and the same flags, and every event any phone saved must be there.
//!
//! The server judges every change with the access rules, as the real one does, and a
//! hostile peer (`simulation/hostile.rs`), signed in like a phone of the same area, mixes
//! forbidden changes into the honest traffic: rewritten and deleted events, duplicate
//! event IDs, changes under another device's actor, documents of another area, replaced
//! journals, compressed bombs. None of them may ever be stored, and the honest phones must
//! still converge with nothing lost.
//!
//! A failing seed is printed; `SIM_SEED=n cargo test -p estate-core --test simulation`
//! replays exactly that run, and `SIM_SEEDS=n` runs more seeds.

#[path = "simulation/hostile.rs"]
mod hostile;

use std::collections::{BTreeSet, VecDeque};

use automerge::AutoCommit;
use estate_core::access::{Grant, Grants, Owner};
use estate_core::demo::bench_area;
use estate_core::engine::Event;
use estate_core::protocol::{Message, inflation};
use estate_core::records::any::AnyRecord;
use estate_core::records::index::AreaIndex;
use estate_core::records::inspection::{Inspection, InspectionForm};
use estate_core::records::ticket::{
    Category, Channel, Location, RepairInfo, RepairScale, RepairScope, Satisfaction, TicketAction,
    TicketHeader, TicketRecord,
};
use estate_core::records::{Actor, EventId, Input, StaffRole, json};
use estate_core::replica::Replica;
use estate_core::rules::portfolio::Portfolio;
use estate_core::storage::{MemoryStore, StorageKey, apply_in_memory, chunks_in_memory};
use estate_core::time::Month;
use estate_core::{Config, ConnId, DocumentId, Engine, Role};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

type Storage = MemoryStore;

/// Honest phones; the hostile peer is one more, after them (`HOSTILE`).
const PHONES: usize = 3;
const HOSTILE: usize = PHONES;
const SERVER: usize = usize::MAX;
/// How far the simulated host lets a message's compressed data inflate (the real server's
/// limit is larger; the check is the same).
const INFLATION_CAP: usize = 1024 * 1024;

struct Faults {
    drop: f64,
    duplicate: f64,
    reorder: f64,
}

struct Frame {
    phone: usize,
    to_server: bool,
    conn: ConnId,
    bytes: Vec<u8>,
}

struct Phone {
    replica: Replica,
    storage: Storage,
    /// The live connection to the server, if the link is up.
    conn: Option<ConnId>,
}

/// An edit a phone saved, and how to recognise it later.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Saved {
    /// An inspection whose notes carry a marker.
    Inspection(DocumentId, String),
    /// An event a phone appended to the shared ticket: a step, or a note.
    Event(EventId),
}

struct World {
    rng: ChaCha8Rng,
    index: DocumentId,
    /// The ticket every phone works on.
    ticket: DocumentId,
    server: Engine<Grants>,
    server_storage: Storage,
    /// The honest phones, then the hostile peer.
    phones: Vec<Phone>,
    hostile: hostile::Hostile,
    /// Changes the server's rules refused, or connections its host cut.
    refusals: usize,
    wire: VecDeque<Frame>,
    next_conn: ConnId,
    /// Phones started so far.
    starts: u64,
    saved: BTreeSet<Saved>,
    log: Vec<String>,
}

/// Phone `n`'s device (16 hex digits): its actors start with it.
fn device(n: usize) -> String {
    format!("{:016x}", 0xd0_0000 + n)
}

/// Phone `n`'s user, who signs its events.
fn user(n: usize) -> String {
    if n == HOSTILE {
        "intruder".into()
    } else {
        format!("user-{n}")
    }
}

/// Phone `n`'s Automerge actor: its device and a fixed tail, so a seed replays exactly.
fn actor(n: usize) -> automerge::ActorId {
    automerge::ActorId::from(hex::decode(format!("{}{:016x}", device(n), n)).expect("hex"))
}

/// What the server grants phone `n`: a housekeeper of the area `B1`.
fn grant(n: usize) -> Grant {
    Grant {
        user: user(n),
        role: StaffRole::Housekeeper,
        areas: ["B1".to_owned()].into(),
        projects: BTreeSet::new(),
        device: device(n),
    }
}

fn server() -> Engine<Grants> {
    Engine::with_gate(Config::new(Role::Server, "server"), Grants::default())
}

/// Phone `n` started for the `start`-th time in the run (every start files records under
/// its own IDs).
fn new_phone(index: DocumentId, n: usize, start: u64, storage: Storage) -> Phone {
    let mut config = Config::new(Role::Client, format!("phone-{n}"));
    config.actor = Some(actor(n));
    let mut replica = Replica::new(config, index).with_seeded_ids(start);
    // Like the app: everything stored is handed over at start.
    let docs: BTreeSet<DocumentId> = storage.keys().map(|k| k.document).collect();
    for id in docs {
        replica.engine().loaded(id, chunks_in_memory(&storage, id));
    }
    Phone {
        replica,
        storage,
        conn: None,
    }
}

impl World {
    fn new(seed: u64) -> Self {
        let mut estate = bench_area(30).expect("estate");
        let index = estate.areas[0].index;
        let ticket = DocumentId::from_bytes([0x7e; 16]);
        let header = shared_ticket();
        let entry = TicketRecord::from_parts(header.clone(), Vec::new()).entry();
        estate
            .docs
            .push((ticket, TicketRecord::new_doc(&header).expect("ticket")));
        for (id, doc) in &mut estate.docs {
            if *id == index {
                AreaIndex::put_entry(doc, ticket, &entry).expect("listed");
            }
        }
        let mut server_storage = Storage::new();
        for (id, doc) in estate.docs {
            // Written by one fixed actor rather than random ones, so change hashes, and
            // with them every sync message, are the same in every run of a seed.
            let mut doc =
                json::rewrite(&doc, automerge::ActorId::from([0xee; 16])).expect("rewrite");
            server_storage.insert(StorageKey::snapshot(id, &doc.get_heads()), doc.save());
        }
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            index,
            ticket,
            server: server(),
            server_storage,
            phones: (0..=HOSTILE)
                .map(|n| new_phone(index, n, n as u64, Storage::new()))
                .collect(),
            hostile: hostile::Hostile::default(),
            refusals: 0,
            wire: VecDeque::new(),
            next_conn: 1,
            starts: HOSTILE as u64 + 1,
            saved: BTreeSet::new(),
            log: Vec::new(),
        }
    }

    /// Carries out a node's effects until it is quiet, as a host would: storage first,
    /// then loads, then frames.
    fn settle(&mut self, node: usize) {
        loop {
            let effects = if node == SERVER {
                self.server.flush()
            } else {
                self.phones[node].replica.flush()
            };
            let storage = if node == SERVER {
                &mut self.server_storage
            } else {
                &mut self.phones[node].storage
            };
            apply_in_memory(storage, effects.storage);
            if node == SERVER {
                self.refusals += effects
                    .events
                    .iter()
                    .filter(|e| matches!(e, Event::Denied { .. } | Event::Refused { .. }))
                    .count();
            }
            let loads: Vec<_> = effects
                .loads
                .iter()
                .map(|id| (*id, chunks_in_memory(storage, *id)))
                .collect();
            for (conn, bytes) in effects.sends {
                let phone = if node == SERVER {
                    self.phone_of(conn)
                } else {
                    Some(node)
                };
                if let Some(phone) = phone {
                    self.wire.push_back(Frame {
                        phone,
                        to_server: node != SERVER,
                        conn,
                        bytes,
                    });
                }
            }
            for conn in effects.closes {
                if let Some(phone) = if node == SERVER {
                    self.phone_of(conn)
                } else {
                    Some(node)
                } {
                    self.partition(phone);
                }
            }
            if loads.is_empty() {
                if node != SERVER {
                    // As the app does after each batch: its screens read what changed.
                    self.phones[node].replica.read_loaded();
                }
                return;
            }
            for (id, chunks) in loads {
                if node == SERVER {
                    // The real server keeps each document's owner beside it, as first
                    // stored; a header never changes, so reading it now gives the same.
                    let label = stored_owner(&chunks);
                    self.server.loaded_with(id, chunks, label);
                } else {
                    self.phones[node].replica.engine().loaded(id, chunks);
                }
            }
        }
    }

    fn phone_of(&self, conn: ConnId) -> Option<usize> {
        self.phones.iter().position(|p| p.conn == Some(conn))
    }

    fn connect(&mut self, phone: usize) {
        if self.phones[phone].conn.is_some() {
            return;
        }
        let conn = self.next_conn;
        self.next_conn += 1;
        self.phones[phone].conn = Some(conn);
        self.server.gate_mut().insert(conn, grant(phone));
        self.server.connect(conn, 0);
        self.phones[phone].replica.engine().connect(conn, 0);
        self.settle(SERVER);
        self.settle(phone);
    }

    fn partition(&mut self, phone: usize) {
        if let Some(conn) = self.phones[phone].conn.take() {
            self.server.disconnect(conn);
            self.phones[phone].replica.engine().disconnect(conn);
            self.wire.retain(|f| f.conn != conn);
        }
    }

    fn restart_phone(&mut self, phone: usize) {
        self.partition(phone);
        let storage = std::mem::take(&mut self.phones[phone].storage);
        self.phones[phone] = self.start_phone(phone, storage);
        self.settle(phone);
    }

    fn start_phone(&mut self, phone: usize, storage: Storage) -> Phone {
        self.starts += 1;
        new_phone(self.index, phone, self.starts, storage)
    }

    fn restart_server(&mut self) {
        for phone in 0..=HOSTILE {
            self.partition(phone);
        }
        self.server = server();
    }

    fn deliver(&mut self, faults: &Faults) -> bool {
        if self.wire.is_empty() {
            return false;
        }
        let at = if self.rng.random_bool(faults.reorder) {
            self.rng.random_range(0..self.wire.len())
        } else {
            0
        };
        let frame = self.wire.remove(at).expect("in range");
        if self.rng.random_bool(faults.drop) {
            return true;
        }
        if self.rng.random_bool(faults.duplicate) {
            let copy = Frame {
                phone: frame.phone,
                to_server: frame.to_server,
                conn: frame.conn,
                bytes: frame.bytes.clone(),
            };
            self.wire.push_back(copy);
        }
        if self.phones[frame.phone].conn != Some(frame.conn) {
            return true;
        }
        if frame.to_server {
            // The host's own check before the engine sees a frame, as the server's limits
            // do: data that would inflate past the cap ends the connection.
            if inflates_too_far(&frame.bytes) {
                self.refusals += 1;
                self.partition(frame.phone);
                return true;
            }
            self.server.receive(frame.conn, &frame.bytes, 0);
            self.settle(SERVER);
        } else {
            self.phones[frame.phone]
                .replica
                .engine()
                .receive(frame.conn, &frame.bytes, 0);
            self.settle(frame.phone);
        }
        true
    }

    /// A phone edits: a new inspection, a step on the shared ticket, or a note on it.
    fn edit(&mut self, phone: usize, n: usize) {
        let marker = format!("edit-{phone}-{n}");
        let inspect = self.rng.random_bool(0.4);
        let step = self.rng.random_bool(0.6);
        let pick = self.rng.random::<u32>() as usize;
        let replica = &mut self.phones[phone].replica;
        if !inspect && replica.engine().holds(self.ticket) {
            let input = if step {
                let steps = ticket_steps();
                Input::act(steps[pick % steps.len()].clone()).with_note(marker)
            } else {
                Input::note(marker)
            };
            let actor = Actor::new(user(phone), StaffRole::Housekeeper);
            if let Ok((event, _)) = replica.act::<estate_core::records::ticket::Ticket>(
                self.ticket,
                input,
                &actor,
                n as i64,
            ) {
                self.saved.insert(Saved::Event(event));
            }
            self.settle(phone);
            return;
        }
        let Ok(units) = replica.vacant_units(Month::at(0)) else {
            return;
        };
        if !units.is_empty() {
            let unit = units[pick % units.len()].id;
            let form = InspectionForm {
                notes: marker.clone(),
                ventilated: true,
                ..InspectionForm::default()
            };
            if let Ok(id) = replica.record_inspection(unit, form, &user(phone), 0) {
                self.saved.insert(Saved::Inspection(id, marker));
            }
        }
        self.settle(phone);
    }

    fn run(&mut self, steps: usize, faults: &Faults) {
        for phone in 0..PHONES {
            self.connect(phone);
        }
        for step in 0..steps {
            let roll: f64 = self.rng.random();
            let phone = self.rng.random_range(0..PHONES);
            match roll {
                r if r < 0.12 => self.edit(phone, step),
                r if r < 0.16 => self.attack(step),
                r if r < 0.15 => {
                    self.log.push(format!("{step}: partition phone {phone}"));
                    self.partition(phone);
                }
                r if r < 0.20 => self.connect(phone),
                r if r < 0.215 => {
                    self.log.push(format!("{step}: restart phone {phone}"));
                    self.restart_phone(phone);
                }
                r if r < 0.22 => {
                    self.log.push(format!("{step}: restart server"));
                    self.restart_server();
                }
                _ => {
                    self.deliver(faults);
                }
            }
        }
    }

    /// Every link up, reliable in-order delivery, until nothing is in flight.
    fn heal(&mut self) -> Result<(), String> {
        // The hostile peer is gone by now; the honest phones must sort out what it left.
        self.partition(HOSTILE);
        for phone in 0..PHONES {
            self.partition(phone);
            self.connect(phone);
        }
        let reliable = Faults {
            drop: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
        };
        for _ in 0..200_000 {
            if !self.deliver(&reliable) {
                return Ok(());
            }
        }
        Err("still exchanging messages after 200,000 deliveries".into())
    }

    fn check(&mut self) -> Result<(), String> {
        let stored = |storage: &Storage, id: DocumentId| -> Result<AutoCommit, String> {
            let mut doc = AutoCommit::new();
            for (_, bytes) in chunks_in_memory(storage, id) {
                doc.load_incremental(&bytes)
                    .map_err(|e| format!("server chunk of {id} does not load: {e}"))?;
            }
            Ok(doc)
        };
        let ids: BTreeSet<DocumentId> = self.server_storage.keys().map(|k| k.document).collect();
        for id in ids {
            let heads = stored(&self.server_storage, id)?.get_heads();
            for (n, phone) in self.phones[..PHONES].iter_mut().enumerate() {
                let doc = phone
                    .replica
                    .engine()
                    .doc_mut(id)
                    .map_err(|e| format!("phone {n}: {e}"))?;
                if doc.get_heads() != heads {
                    return Err(format!("phone {n} and the server disagree on {id}"));
                }
            }
        }
        // Every phone derives the same ticket: state, journal order and flags.
        let mut derived = Vec::new();
        for (n, phone) in self.phones[..PHONES].iter_mut().enumerate() {
            let doc = phone
                .replica
                .doc(self.ticket)
                .map_err(|e| format!("phone {n}: {e}"))?;
            derived.push(TicketRecord::from_doc(doc).map_err(|e| format!("phone {n}: {e}"))?);
        }
        if derived.windows(2).any(|w| w[0] != w[1]) {
            return Err("phones derive different states for the shared ticket".into());
        }
        // What a phone's screens read, re-read only where something changed since the last
        // screen, is what its documents hold.
        for (n, phone) in self.phones[..PHONES].iter_mut().enumerate() {
            let mut records = Vec::new();
            for id in phone.replica.engine().loaded_ids() {
                let doc = phone
                    .replica
                    .doc(id)
                    .map_err(|e| format!("phone {n}: {e}"))?;
                if let Ok(Some(record)) = AnyRecord::from_doc(doc) {
                    records.push((id, record));
                }
            }
            let read_afresh = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
            if phone.replica.portfolio() != read_afresh {
                return Err(format!("phone {n}'s screens show stale records"));
            }
        }
        for saved in &self.saved {
            let ok = match saved {
                Saved::Inspection(id, marker) => {
                    Inspection::from_doc(&stored(&self.server_storage, *id)?)
                        .map(|i| &i.notes == marker)
                        .unwrap_or(false)
                }
                Saved::Event(event) => {
                    TicketRecord::from_doc(&stored(&self.server_storage, self.ticket)?)
                        .map(|t| t.events.iter().any(|e| &e.id == event))
                        .unwrap_or(false)
                }
            };
            if !ok {
                return Err(format!("a saved edit was lost: {saved:?}"));
            }
        }
        self.nothing_forbidden_stored()
    }
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Saved::Inspection(id, m) => write!(f, "inspection {id} ({m})"),
            Saved::Event(e) => write!(f, "ticket event {e}"),
        }
    }
}

/// A household repair every phone works on.
fn shared_ticket() -> TicketHeader {
    TicketHeader {
        area_id: "B1".into(),
        category: Category::Repair,
        channel: Channel::Hotline,
        location: Location::Public {
            place: "1号楼大堂".into(),
        },
        description: "大堂漏水".into(),
        reporter: None,
        registered_at: 0,
        registered_by: "sim".into(),
        repair: Some(RepairInfo {
            scope: RepairScope::Public,
            scale: RepairScale::General,
            leak: true,
        }),
        complaint: None,
        photos: Vec::new(),
        source: None,
    }
}

/// The steps phones try on the shared ticket (many are refused where they land).
fn ticket_steps() -> Vec<TicketAction> {
    vec![
        TicketAction::Dispatch {
            to: "维修组".into(),
        },
        TicketAction::Dispatch {
            to: "外包".into()
        },
        TicketAction::Start {},
        TicketAction::Complete { signature: None },
        TicketAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            resolved: true,
        },
        TicketAction::Callback {
            satisfaction: Satisfaction::Unsatisfied,
            resolved: false,
        },
        TicketAction::Reopen {},
        TicketAction::Close {},
    ]
}

/// What one seed did: edits saved, ticket events among them, the hostile peer's
/// forbidden changes, and what the server refused.
struct Ran {
    edits: usize,
    events: usize,
    forbidden: usize,
    refusals: usize,
}

/// Runs one seed.
fn run_seed(seed: u64) -> Result<Ran, String> {
    let mut world = World::new(seed);
    let faults = Faults {
        drop: 0.05,
        duplicate: 0.05,
        reorder: 0.2,
    };
    world.run(1_500, &faults);
    world
        .heal()
        .and_then(|()| world.check())
        .map_err(|e| format!("{e}\nevents: {}", world.log.join("; ")))?;
    let events = world
        .saved
        .iter()
        .filter(|s| matches!(s, Saved::Event(_)))
        .count();
    Ok(Ran {
        edits: world.saved.len(),
        events,
        forbidden: world.hostile.forbidden(),
        refusals: world.refusals,
    })
}

#[test]
fn every_replica_converges_and_no_saved_edit_is_lost() {
    let seeds: Vec<u64> = match std::env::var("SIM_SEED") {
        Ok(one) => vec![one.parse().expect("SIM_SEED is a number")],
        Err(_) => (0..std::env::var("SIM_SEEDS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(24))
            .collect(),
    };
    let (mut edits, mut events, mut forbidden, mut refusals) = (0, 0, 0, 0);
    let runs = seeds.len();
    for seed in seeds {
        match run_seed(seed) {
            Ok(ran) => {
                edits += ran.edits;
                events += ran.events;
                forbidden += ran.forbidden;
                refusals += ran.refusals;
            }
            Err(e) => panic!("seed {seed} failed: {e}\nreproduce with SIM_SEED={seed}"),
        }
    }
    eprintln!(
        "{runs} seeds: {edits} honest edits saved ({events} ticket events); the hostile peer made {forbidden} forbidden changes, none stored; the server refused {refusals} times"
    );
    assert!(
        edits > 40 * runs && events > 2 * runs,
        "the simulation made too few edits ({edits}, {events} on the ticket) to mean anything"
    );
    assert!(
        forbidden > 5 * runs && refusals > 5 * runs,
        "the hostile peer tried too little ({forbidden} forbidden changes, {refusals} refusals) to mean anything"
    );
}

/// Whether a frame's sync data would inflate past [`INFLATION_CAP`].
fn inflates_too_far(frame: &[u8]) -> bool {
    match Message::decode(frame) {
        Ok(Message::Sync { data, .. } | Message::Request { data, .. }) => {
            inflation::check(&data, INFLATION_CAP).is_err()
        }
        _ => false,
    }
}

/// A document's owner as read from its stored chunks; `None` (not known) when it names
/// none, as for a document the server has not stored.
fn stored_owner(chunks: &[(StorageKey, Vec<u8>)]) -> Option<Option<Owner>> {
    let mut doc = AutoCommit::new();
    for (_, bytes) in chunks {
        doc.load_incremental(bytes).ok()?;
    }
    Owner::of_doc(&doc).map(Some)
}
