//! The hostile peer: signed in as a housekeeper of the area like the honest phones, it
//! makes the changes the access rules forbid, and some they allow, on its own replica, and
//! sends them as a modified phone would. It keeps the hash of every forbidden change; the
//! server must store none of them, nor any document outside the area.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use automerge::{AutoCommit, ChangeHash, ObjType, ROOT, ReadDoc, transaction::Transactable};
use estate_core::DocumentId;
use estate_core::access::Owner;
use estate_core::ids::PeerId;
use estate_core::protocol::Message;
use estate_core::records::ticket::Ticket;
use estate_core::records::{Actor, Input, StaffRole};
use estate_core::storage::chunks_in_memory;
use rand::Rng;

use super::{Frame, HOSTILE, INFLATION_CAP, World, actor, device, user};

/// What the hostile peer has done.
#[derive(Default)]
pub struct Hostile {
    /// Each forbidden change it made, and which attack made it.
    forbidden: BTreeMap<ChangeHash, &'static str>,
    /// It holds forbidden changes of its own, so its next turn starts afresh.
    dirty: bool,
}

impl Hostile {
    pub fn forbidden(&self) -> usize {
        self.forbidden.len()
    }
}

/// The attacks, in the order a draw picks them; draws past the end make an allowed note.
const ATTACKS: [&str; 8] = [
    "rewrite an event",
    "delete an event",
    "repeat an event's ID",
    "sign as another device",
    "move the record to another area",
    "file a record in another area",
    "replace the journal",
    "send a compressed bomb",
];

impl World {
    /// The hostile peer's turn: one attack, or an allowed note now and then. After a
    /// forbidden change it starts again from an empty replica, so that every attack is
    /// judged on its own rather than stuck behind the last one.
    pub(super) fn attack(&mut self, step: usize) {
        let ticket = self.ticket;
        if self.hostile.dirty {
            self.hostile.dirty = false;
            self.partition(HOSTILE);
            self.phones[HOSTILE] = self.start_phone(HOSTILE, Default::default());
        }
        self.connect(HOSTILE);
        self.catch_up();
        if !self.phones[HOSTILE].replica.engine().holds(ticket) {
            return;
        }
        let pick = self.rng.random_range(0..ATTACKS.len() + 2);
        let Some(&what) = ATTACKS.get(pick) else {
            let actor = Actor::new(user(HOSTILE), StaffRole::Housekeeper);
            let input = Input::note(format!("intruder-{step}"));
            let _ = self.phones[HOSTILE]
                .replica
                .act::<Ticket>(ticket, input, &actor, step as i64);
            self.settle(HOSTILE);
            return;
        };
        match what {
            "file a record in another area" => self.file_elsewhere(step),
            "send a compressed bomb" => self.bomb(),
            _ => self.forge(ticket, what, step),
        }
        self.hostile.dirty = true;
        self.settle(HOSTILE);
    }

    /// Delivers the hostile peer's own traffic, both ways, until it has none: it comes
    /// to each attack holding what the server holds (the honest traffic waits).
    fn catch_up(&mut self) {
        for _ in 0..10_000 {
            let Some(at) = self.wire.iter().position(|f| f.phone == HOSTILE) else {
                return;
            };
            let frame = self.wire.remove(at).expect("in range");
            if self.phones[HOSTILE].conn != Some(frame.conn) {
                continue;
            }
            if frame.to_server {
                if super::inflates_too_far(&frame.bytes) {
                    self.refusals += 1;
                    self.partition(HOSTILE);
                    return;
                }
                self.server.receive(frame.conn, &frame.bytes, 0);
                self.settle(super::SERVER);
            } else {
                self.phones[HOSTILE]
                    .replica
                    .engine()
                    .receive(frame.conn, &frame.bytes, 0);
                self.settle(HOSTILE);
            }
        }
    }

    /// Makes one forbidden change to document `id` on the hostile replica and notes its
    /// hashes.
    fn forge(&mut self, id: DocumentId, what: &'static str, step: usize) {
        let engine = self.phones[HOSTILE].replica.engine();
        let Ok(doc) = engine.doc_mut(id) else {
            return;
        };
        let before = doc.get_heads();
        let done = engine.change(id, |doc| forbidden_edit(doc, what, step));
        if !matches!(done, Ok(Ok(()))) {
            return;
        }
        let Ok(doc) = engine.doc_mut(id) else {
            return;
        };
        for change in doc.get_changes(&before) {
            self.hostile.forbidden.insert(change.hash(), what);
        }
    }

    /// A new record claiming area `B2`, which the peer's grant does not cover.
    fn file_elsewhere(&mut self, step: usize) {
        let mut doc = AutoCommit::new().with_actor(actor(HOSTILE));
        let made = doc
            .put(ROOT, "kind", "ticket")
            .and_then(|()| doc.put(ROOT, "areaId", "B2"))
            .and_then(|()| doc.put_object(ROOT, "events", ObjType::List).map(|_| ()));
        if made.is_err() {
            return;
        }
        let mut id = [0xb2; 16];
        id[..8].copy_from_slice(&(step as u64).to_be_bytes());
        for change in doc.get_changes(&[]) {
            self.hostile
                .forbidden
                .insert(change.hash(), "file a record in another area");
        }
        let _ = self.phones[HOSTILE]
            .replica
            .engine()
            .create(DocumentId::from_bytes(id), doc);
    }

    /// A sync message whose change inflates past the host's cap, put on the wire as is.
    fn bomb(&mut self) {
        let Some(conn) = self.phones[HOSTILE].conn else {
            return;
        };
        let (hash, data) = bomb();
        self.hostile
            .forbidden
            .insert(*hash, "send a compressed bomb");
        let frame = Message::Sync {
            sender: PeerId::new(format!("phone-{HOSTILE}")),
            target: PeerId::new("server"),
            document: self.ticket,
            data: data.clone(),
        };
        self.wire.push_back(Frame {
            phone: HOSTILE,
            to_server: true,
            conn,
            bytes: frame.encode(),
        });
    }

    /// Nothing the hostile peer was forbidden is stored, and every stored document
    /// belongs to the area.
    pub(super) fn nothing_forbidden_stored(&self) -> Result<(), String> {
        let ids: std::collections::BTreeSet<DocumentId> =
            self.server_storage.keys().map(|k| k.document).collect();
        for id in ids {
            let mut doc = AutoCommit::new();
            for (_, bytes) in chunks_in_memory(&self.server_storage, id) {
                doc.load_incremental(&bytes)
                    .map_err(|e| format!("server chunk of {id} does not load: {e}"))?;
            }
            if let Some((_, what)) = self
                .hostile
                .forbidden
                .iter()
                .find(|(hash, _)| doc.get_change_by_hash(hash).is_some())
            {
                return Err(format!("a forbidden change ({what}) was stored in {id}"));
            }
            let owner = Owner::of_doc(&doc);
            if owner != Some(Owner::Area("B1".into())) {
                return Err(format!("document {id} of {owner:?} was stored"));
            }
        }
        Ok(())
    }
}

/// One forbidden edit of the shared ticket.
fn forbidden_edit(doc: &mut AutoCommit, what: &str, step: usize) -> Result<(), String> {
    let err = |e: automerge::AutomergeError| e.to_string();
    let (_, events) = doc.get(ROOT, "events").map_err(err)?.ok_or("no journal")?;
    let first = doc.get(&events, 0).map_err(err)?;
    match (what, first) {
        ("rewrite an event", Some((_, event))) => doc.put(&event, "note", "rewritten").map_err(err),
        ("delete an event", Some(_)) => doc.delete(&events, 0).map_err(err),
        ("repeat an event's ID", Some((_, event))) => {
            let id = doc
                .get(&event, "id")
                .map_err(err)?
                .and_then(|(v, _)| match v {
                    automerge::Value::Scalar(s) => s.as_str().map(str::to_owned),
                    automerge::Value::Object(_) => None,
                })
                .ok_or("an event without an ID")?;
            append(doc, &events, &id, &user(HOSTILE))
        }
        ("sign as another device", _) => {
            // An actor of phone 0's device, and its user's name on the event.
            let theirs = automerge::ActorId::from(
                hex::decode(format!("{}{:016x}", device(0), u64::MAX)).expect("hex"),
            );
            doc.set_actor(theirs);
            let id = format!("{}-9{step}", device(0));
            let made = append(doc, &events, &id, &user(0));
            doc.set_actor(actor(HOSTILE));
            made
        }
        ("move the record to another area", _) => doc.put(ROOT, "areaId", "B2").map_err(err),
        ("replace the journal", _) => doc
            .put_object(ROOT, "events", ObjType::List)
            .map(|_| ())
            .map_err(err),
        _ => Err("nothing to attack yet".into()),
    }
}

/// Appends a note event with this ID, signed by `by`.
fn append(
    doc: &mut AutoCommit,
    events: &automerge::ObjId,
    id: &str,
    by: &str,
) -> Result<(), String> {
    let err = |e: automerge::AutomergeError| e.to_string();
    let end = doc.length(events);
    let event = doc.insert_object(events, end, ObjType::Map).map_err(err)?;
    doc.put(&event, "id", id).map_err(err)?;
    doc.put(&event, "type", "note").map_err(err)?;
    doc.put(&event, "by", by).map_err(err)?;
    doc.put(&event, "note", "forged").map_err(err)
}

/// A sync message carrying one change that inflates past the cap (made once), and the
/// change's hash.
fn bomb() -> &'static (ChangeHash, Vec<u8>) {
    static BOMB: OnceLock<(ChangeHash, Vec<u8>)> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut doc = AutoCommit::new().with_actor(actor(HOSTILE));
        doc.put(ROOT, "bomb", "a".repeat(2 * INFLATION_CAP))
            .expect("a long string");
        let hash = doc.get_heads()[0];
        let data = automerge::sync::Message {
            heads: vec![hash],
            need: Vec::new(),
            have: Vec::new(),
            changes: doc.save().into(),
            flags: None,
            version: automerge::sync::MessageVersion::V2,
        }
        .encode();
        (hash, data)
    })
}
