use automerge::transaction::Transactable;
use automerge::{ActorId, ObjId, ObjType, ROOT, ReadDoc};
use serde_json::json;

use super::*;
use crate::engine::{Config, Engine, Role};
use crate::protocol::Message;

/// Device prefixes (16 hex digits) and full actors built from them.
const PHONE_A: &str = "aaaaaaaaaaaaaaaa";
const PHONE_B: &str = "bbbbbbbbbbbbbbbb";
const DESK: &str = "0ff1ce0000000000";

fn actor(device: &str) -> ActorId {
    ActorId::from(hex::decode(format!("{device}0123456789abcdef")).expect("hex"))
}

fn grant(user: &str, role: StaffRole, areas: &[&str], device: &str) -> Grant {
    Grant {
        user: user.into(),
        role,
        areas: areas.iter().map(|a| a.to_string()).collect(),
        projects: ["P1".to_owned()].into(),
        device: device.into(),
    }
}

fn housekeeper_a() -> Grant {
    grant("hk-a", StaffRole::Housekeeper, &["A"], PHONE_A)
}

fn office() -> Grant {
    grant("desk", StaffRole::Office, &[], DESK)
}

/// A record document as a phone makes it: the header at the root, an empty journal.
fn record(kind: &str, area: &str, device: &str) -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(actor(device));
    let header = json!({"kind": kind, "areaId": area, "unitCode": "1-101", "events": []});
    for (key, value) in header.as_object().expect("map") {
        json::put(&mut doc, &ROOT, key, value).expect("put");
    }
    doc.commit();
    doc
}

fn append(doc: &mut AutoCommit, device: &str, id: &str, kind: &str, by: &str) {
    doc.set_actor(actor(device));
    let events = match doc.get(ROOT, EVENTS).expect("read") {
        Some((_, obj)) => obj,
        None => doc.put_object(ROOT, EVENTS, ObjType::List).expect("list"),
    };
    let end = doc.length(&events);
    let event = json!({"id": id, "type": kind, "by": by, "note": ""});
    json::insert(doc, &events, end, &event).expect("insert");
    doc.commit();
}

/// What happened to `doc` since `before`, judged for `grant`.
fn judge(grant: &Grant, doc: &mut AutoCommit, before: &[ChangeHash]) -> Result<(), String> {
    grant.may_write(&Delta::between(doc, before))
}

#[test]
fn the_owner_is_the_area_or_for_a_calendar_the_project() {
    let owner = |v: Value| Owner::of(&v);
    assert_eq!(
        owner(json!({"kind": "ticket", "areaId": "A"})),
        Some(Owner::Area("A".into()))
    );
    assert_eq!(
        owner(json!({"kind": "area-index", "areaId": "A", "entries": {}})),
        Some(Owner::Area("A".into()))
    );
    assert_eq!(
        owner(json!({"kind": "project", "projectId": "P1", "areas": ["A"]})),
        Some(Owner::Project("P1".into()))
    );
    assert_eq!(owner(json!({"kind": "ticket", "areaId": ""})), None);
    assert_eq!(owner(json!({"title": "no area"})), None);
    let doc = record("unit", "A", PHONE_A);
    assert_eq!(Owner::of_doc(&doc), Some(Owner::Area("A".into())));
}

#[test]
fn a_housekeeper_writes_in_their_own_area_only() {
    let hk = housekeeper_a();
    let mut mine = record("vacant-inspection", "A", PHONE_A);
    assert_eq!(judge(&hk, &mut mine, &[]), Ok(()));
    let before = mine.get_heads();
    append(&mut mine, PHONE_A, "aaaaaaaaaaaaaaaa-1", "inspect", "hk-a");
    assert_eq!(judge(&hk, &mut mine, &before), Ok(()));

    let mut theirs = record("vacant-inspection", "B", PHONE_A);
    let refused = judge(&hk, &mut theirs, &[]).expect_err("area B is not theirs");
    assert!(refused.contains("area B"), "{refused}");
}

#[test]
fn a_change_under_another_devices_actor_is_refused() {
    let hk = housekeeper_a();
    let mut doc = record("unit", "A", PHONE_A);
    let before = doc.get_heads();
    append(&mut doc, PHONE_B, "bbbbbbbbbbbbbbbb-1", "note", "hk-a");
    let refused = judge(&hk, &mut doc, &before).expect_err("forged actor");
    assert!(refused.contains("another device"), "{refused}");
}

#[test]
fn headers_and_past_events_never_change_and_events_carry_their_sender() {
    let hk = housekeeper_a();
    let mut doc = record("unit", "A", PHONE_A);
    append(&mut doc, PHONE_A, "e1", "note", "hk-a");
    let before = doc.get_heads();

    let mut moved = doc.fork().with_actor(actor(PHONE_A));
    moved.put(ROOT, "areaId", "B").expect("put");
    moved.commit();
    assert!(judge(&hk, &mut moved, &before).is_err(), "moved to area B");

    let mut renamed = doc.fork().with_actor(actor(PHONE_A));
    renamed.put(ROOT, "unitCode", "9-909").expect("put");
    renamed.commit();
    let refused = judge(&hk, &mut renamed, &before).expect_err("header edit");
    assert!(refused.contains("header"), "{refused}");

    let mut rewritten = doc.fork().with_actor(actor(PHONE_A));
    let (_, events) = rewritten.get(ROOT, EVENTS).expect("read").expect("events");
    rewritten.delete(&events, 0).expect("delete");
    rewritten.commit();
    let refused = judge(&hk, &mut rewritten, &before).expect_err("event removed");
    assert!(refused.contains("e1"), "{refused}");

    let mut forged = doc.fork();
    append(&mut forged, PHONE_A, "e2", "note", "someone-else");
    let refused = judge(&hk, &mut forged, &before).expect_err("signed by another");
    assert!(refused.contains("someone-else"), "{refused}");
}

/// Found by the simulation's hostile peer: a batch that rewrites an event, then deletes
/// it. Placing the rewrite asked Automerge for the rewritten event's parent at the
/// batch's own heads, where the event is deleted, and that tripped Automerge's own check
/// (its fast and slow list seeks disagree over a deleted element). The gate now asks at
/// the heads from before the batch, where the rule is decided anyway.
#[test]
fn a_batch_that_rewrites_an_event_then_deletes_it_is_refused_without_a_panic() {
    let hk = housekeeper_a();
    let mut doc = record("unit", "A", PHONE_A);
    append(&mut doc, PHONE_A, "e1", "note", "hk-a");
    let before = doc.get_heads();
    let mut forged = doc.fork().with_actor(actor(PHONE_A));
    let (_, events) = forged.get(ROOT, EVENTS).expect("read").expect("events");
    let (_, first) = forged.get(&events, 0).expect("read").expect("e1");
    forged.put(&first, "note", "rewritten").expect("put");
    forged.commit();
    forged.delete(&events, 0).expect("delete");
    forged.commit();
    let refused = judge(&hk, &mut forged, &before).expect_err("rewritten and deleted");
    assert!(refused.contains("e1"), "{refused}");
}

#[test]
fn office_staff_register_dispatch_and_call_back_but_never_touch_field_records() {
    let desk = office();
    let mut ticket = record("ticket", "B", DESK);
    assert_eq!(judge(&desk, &mut ticket, &[]), Ok(()), "hotline intake");
    let desk_events = [
        "dispatch", "contact", "callback", "reopen", "close", "note", "escalate",
    ];
    for (n, kind) in desk_events.into_iter().enumerate() {
        let before = ticket.get_heads();
        append(&mut ticket, DESK, &format!("d-{n}"), kind, "desk");
        assert_eq!(judge(&desk, &mut ticket, &before), Ok(()), "{kind}");
    }
    let before = ticket.get_heads();
    append(&mut ticket, DESK, "d-9", "complete", "desk");
    assert!(
        judge(&desk, &mut ticket, &before).is_err(),
        "the work itself is the field's"
    );

    let mut inspection = record("vacant-inspection", "A", PHONE_A);
    let before = inspection.get_heads();
    append(&mut inspection, DESK, "d-1", "note", "desk");
    let refused = judge(&desk, &mut inspection, &before).expect_err("inspection");
    assert!(refused.contains("vacant-inspection"), "{refused}");

    // 004 §4.4.5: "运营管理部/客户服务组每月抽样回访服务中心客户拜访情况" — the desk checks a
    // housekeeper's visit; it neither makes one nor adds anything else to it.
    let mut visit = record("visit", "A", PHONE_A);
    let before = visit.get_heads();
    append(&mut visit, DESK, "v-1", "verify", "desk");
    assert_eq!(
        judge(&desk, &mut visit, &before),
        Ok(()),
        "the sample check"
    );
    let before = visit.get_heads();
    append(&mut visit, DESK, "v-2", "ticket", "desk");
    assert!(
        judge(&desk, &mut visit, &before).is_err(),
        "linking is the housekeeper's"
    );
    let mut made = record("visit", "A", DESK);
    let refused = judge(&desk, &mut made, &[]).expect_err("a visit by the desk");
    assert!(refused.contains("makes it"), "{refused}");

    // 001 篇2 4.1.2 b, 4.1.5 and 000: the company approves a survey's plan, analyses it
    // and calls back; handing out and collecting forms is the management office's.
    let mut survey = record("survey", "A", PHONE_A);
    for (n, event) in ["approve", "analyse", "call_back"].into_iter().enumerate() {
        let before = survey.get_heads();
        append(&mut survey, DESK, &format!("s-{n}"), event, "desk");
        assert_eq!(judge(&desk, &mut survey, &before), Ok(()), "{event}");
    }
    let before = survey.get_heads();
    append(&mut survey, DESK, "s-9", "hand", "desk");
    assert!(
        judge(&desk, &mut survey, &before).is_err(),
        "forms are the field's"
    );
    let mut made = record("survey", "A", DESK);
    assert!(
        judge(&desk, &mut made, &[]).is_err(),
        "a survey by the desk"
    );
}

#[test]
fn reading_follows_areas_and_projects_and_office_reads_everything() {
    let hk = housekeeper_a();
    let area = |a: &str| Some(Owner::Area(a.into()));
    assert!(hk.may_read(area("A").as_ref()));
    assert!(!hk.may_read(area("B").as_ref()));
    assert!(hk.may_read(Some(&Owner::Project("P1".into()))));
    assert!(!hk.may_read(Some(&Owner::Project("P2".into()))));
    assert!(!hk.may_read(None));
    assert!(office().may_read(area("B").as_ref()));
}

/// The server's engine with grants, and two phones (areas A and B) over in-memory links.
struct Net {
    server: Engine<Grants>,
    phones: Vec<Engine>,
}

impl Net {
    fn new(grants: Vec<Grant>) -> Net {
        let mut server = Engine::with_gate(Config::new(Role::Server, "server"), Grants::default());
        let mut phones = Vec::new();
        for (n, grant) in grants.into_iter().enumerate() {
            let conn = n as ConnId;
            let mut config = Config::new(Role::Client, format!("phone-{n}"));
            config.actor = Some(actor(&grant.device));
            server.gate_mut().insert(conn, grant);
            server.connect(conn, 0);
            let mut phone = Engine::new(config);
            phone.connect(conn, 0);
            phones.push(phone);
        }
        Net { server, phones }
    }

    /// Delivers frames both ways until nothing moves; returns the errors the server sent.
    fn settle(&mut self) -> Vec<String> {
        let mut errors = Vec::new();
        for _ in 0..50 {
            let mut moved = false;
            for (n, phone) in self.phones.iter_mut().enumerate() {
                let effects = phone.flush();
                for id in effects.loads {
                    phone.loaded(id, Vec::new());
                }
                for (_, frame) in effects.sends {
                    moved = true;
                    self.server.receive(n as ConnId, &frame, 0);
                }
            }
            let effects = self.server.flush();
            for id in effects.loads {
                self.server.loaded(id, Vec::new());
                moved = true;
            }
            for event in effects.events {
                match event {
                    crate::engine::Event::Refused { message, .. } => errors.push(message),
                    crate::engine::Event::Denied { reason, .. } => errors.push(reason),
                    _ => {}
                }
            }
            for (conn, frame) in effects.sends {
                moved = true;
                self.phones[conn as usize].receive(conn, &frame, 0);
            }
            if !moved {
                break;
            }
        }
        errors
    }
}

#[test]
fn the_engine_hides_other_areas_and_takes_back_refused_changes() {
    let hk_b = grant("hk-b", StaffRole::Housekeeper, &["B"], PHONE_B);
    let mut net = Net::new(vec![housekeeper_a(), hk_b]);
    let in_b = DocumentId::from_bytes([2; 16]);
    net.phones[1]
        .create(in_b, record("unit", "B", PHONE_B))
        .expect("create");
    assert!(net.settle().is_empty());
    assert!(
        !net.server
            .doc_mut(in_b)
            .expect("held")
            .get_heads()
            .is_empty()
    );

    // Phone A asks for B's document: told it is unavailable, given nothing.
    net.phones[0].want(in_b);
    assert!(net.settle().is_empty());
    assert!(
        net.phones[0]
            .doc_mut(in_b)
            .expect("slot")
            .get_heads()
            .is_empty()
    );

    // Phone A makes a record in area B: refused with an error, and the server keeps nothing.
    let forged = DocumentId::from_bytes([3; 16]);
    net.phones[0]
        .create(forged, record("unit", "B", PHONE_A))
        .expect("create");
    let errors = net.settle();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("area B"), "{errors:?}");
    let kept = net.server.doc_mut(forged).map(|d| d.get_heads());
    assert!(kept.is_ok_and(|h| h.is_empty()), "nothing of it was kept");
    let admitted: Vec<_> = net.server.gate_mut().take_admitted();
    assert_eq!(admitted.len(), 1, "only phone B's record was let in");
    assert_eq!(admitted[0].document, in_b);

    // Phone A keeps its refused record, shown as refused rather than waiting; the
    // connection goes on, and its own area's record is stored.
    let refused = net.phones[0].refused();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].0, forged);
    assert!(refused[0].1.contains("area B"), "{refused:?}");
    assert!(
        net.phones[0].unconfirmed().is_empty(),
        "refused is not pending"
    );
    let in_a = DocumentId::from_bytes([5; 16]);
    net.phones[0]
        .create(in_a, record("unit", "A", PHONE_A))
        .expect("create");
    assert!(
        net.settle().is_empty(),
        "the forged record is not offered again"
    );
    assert!(
        net.phones[0].unconfirmed().is_empty(),
        "phone A's own record is stored"
    );
    assert!(
        !net.server
            .doc_mut(in_a)
            .expect("held")
            .get_heads()
            .is_empty()
    );
}

/// A unit record with one event (`e1`, by hk-a on phone A) and an area index with a unit
/// entry and a ticket entry, as the server holds them before a hostile batch.
fn journal_and_index() -> (AutoCommit, AutoCommit) {
    let mut record = record("ticket", "A", PHONE_A);
    append(&mut record, PHONE_A, "e1", "note", "hk-a");
    let mut index = index::AreaIndex::new_doc("A", "一区", Some("P1")).expect("index");
    index.set_actor(actor(PHONE_A));
    for (key, kind) in [(unit_entry(), "unit"), (ticket_entry(), "ticket")] {
        let entry = index::Entry {
            kind: kind.into(),
            status: Some("open".into()),
            ..index::Entry::default()
        };
        index::AreaIndex::put_entry(&mut index, key, &entry).expect("entry");
    }
    index.commit();
    (record, index)
}

fn unit_entry() -> DocumentId {
    DocumentId::from_bytes([7; 16])
}

fn ticket_entry() -> DocumentId {
    DocumentId::from_bytes([8; 16])
}

/// One hostile or honest batch: what it does to the record or the index, who sends it,
/// and what the gate must answer (`None`: let in; `Some(words)`: refused, saying them).
struct Case {
    name: &'static str,
    grant: Grant,
    on_index: bool,
    edit: fn(&mut AutoCommit),
    refused: Option<&'static str>,
}

fn events_of(doc: &AutoCommit) -> ObjId {
    doc.get(ROOT, EVENTS).expect("read").expect("events").1
}

fn entry_of(doc: &AutoCommit, key: &str) -> ObjId {
    let (_, entries) = doc.get(ROOT, "entries").expect("read").expect("entries");
    doc.get(&entries, key).expect("read").expect("entry").1
}

fn event(doc: &mut AutoCommit, fields: &Value) {
    let events = events_of(doc);
    let end = doc.length(&events);
    json::insert(doc, &events, end, fields).expect("insert");
}

fn new_entry(doc: &mut AutoCommit, kind: &str) {
    let (_, entries) = doc.get(ROOT, "entries").expect("read").expect("entries");
    let key = DocumentId::from_bytes([9; 16]).to_string();
    json::put(doc, &entries, &key, &json!({"kind": kind})).expect("entry");
}

fn check(case: &Case) {
    let (record, index) = journal_and_index();
    let mut doc = if case.on_index { index } else { record };
    let before = doc.get_heads();
    doc.set_actor(actor(&case.grant.device));
    (case.edit)(&mut doc);
    doc.commit();
    let answer = judge(&case.grant, &mut doc, &before);
    match (case.refused, answer) {
        (None, Ok(())) => {}
        (Some(words), Err(why)) => assert!(why.contains(words), "{}: {why}", case.name),
        (expected, got) => panic!("{}: expected {expected:?}, got {got:?}", case.name),
    }
}

fn supervisor() -> Grant {
    grant("sup", StaffRole::Supervisor, &["A"], PHONE_B)
}

#[test]
fn journals_and_indexes_only_grow_by_new_signed_events_and_entries() {
    let cases = [
        Case {
            name: "a new event appended",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| event(d, &json!({"id": "e2", "type": "note", "by": "hk-a"})),
            refused: None,
        },
        Case {
            name: "an event repeating an existing ID, signed by someone else",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| event(d, &json!({"id": "e1", "type": "note", "by": "sup"})),
            refused: Some("\"e1\" is already in the journal"),
        },
        Case {
            name: "an event repeating an existing ID, own signature",
            grant: office(),
            on_index: false,
            edit: |d| event(d, &json!({"id": "e1", "type": "close", "by": "desk"})),
            refused: Some("\"e1\" is already in the journal"),
        },
        Case {
            name: "two new events with one ID",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| {
                event(d, &json!({"id": "e2", "type": "note", "by": "hk-a"}));
                event(d, &json!({"id": "e2", "type": "note", "by": "hk-a"}));
            },
            refused: Some("\"e2\" is already in the journal"),
        },
        Case {
            name: "an event without an ID",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| event(d, &json!({"type": "note", "by": "hk-a"})),
            refused: Some("needs an `id`"),
        },
        Case {
            name: "an event naming another device",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| {
                event(
                    d,
                    &json!({"id": "e2", "type": "note", "by": "hk-a", "device": PHONE_B}),
                );
            },
            refused: Some("names device"),
        },
        Case {
            name: "a scalar in the journal",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| {
                let events = events_of(d);
                d.insert(&events, 1, "e2").expect("insert");
            },
            refused: Some("must be a map"),
        },
        Case {
            name: "the journal replaced by an equal copy",
            grant: office(),
            on_index: false,
            edit: |d| {
                let copy = json::read_root(d)[EVENTS].clone();
                json::put(d, &ROOT, EVENTS, &copy).expect("replace");
            },
            refused: Some("journal is never replaced"),
        },
        Case {
            name: "the journal deleted",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| d.delete(ROOT, EVENTS).expect("delete"),
            refused: Some("journal is never replaced or removed"),
        },
        Case {
            name: "an event removed",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| {
                let events = events_of(d);
                d.delete(&events, 0).expect("delete");
            },
            refused: Some("(event e1)"),
        },
        Case {
            name: "a field of an event rewritten",
            grant: supervisor(),
            on_index: false,
            edit: |d| {
                let events = events_of(d);
                let (_, first) = d.get(&events, 0).expect("read").expect("e1");
                d.put(&first, "by", "sup").expect("put");
            },
            refused: Some("never changed or removed"),
        },
        Case {
            name: "a header field rewritten",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| d.put(ROOT, "unitCode", "9-909").expect("put"),
            refused: Some("header is fixed"),
        },
        Case {
            name: "a header field added",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| d.put(ROOT, "extra", true).expect("put"),
            refused: Some("header is fixed"),
        },
        Case {
            name: "a counter in the header",
            grant: housekeeper_a(),
            on_index: false,
            edit: |d| {
                d.put(ROOT, "n", automerge::ScalarValue::counter(1))
                    .expect("put");
            },
            refused: Some("header is fixed"),
        },
        Case {
            name: "a new entry filed by the area's housekeeper",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| new_entry(d, "unit"),
            refused: None,
        },
        Case {
            name: "an entry's status kept current",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| {
                let entry = entry_of(d, &unit_entry().to_string());
                d.put(&entry, "status", "vacant").expect("put");
            },
            refused: None,
        },
        Case {
            name: "an entry removed",
            grant: office(),
            on_index: true,
            edit: |d| {
                let (_, entries) = d.get(ROOT, "entries").expect("read").expect("entries");
                d.delete(&entries, ticket_entry().to_string())
                    .expect("delete");
            },
            refused: Some("never removed or replaced"),
        },
        Case {
            name: "an entry replaced by a new map",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| {
                let (_, entries) = d.get(ROOT, "entries").expect("read").expect("entries");
                d.put_object(&entries, unit_entry().to_string(), ObjType::Map)
                    .expect("replace");
            },
            refused: Some("never removed or replaced"),
        },
        Case {
            name: "an entry's kind changed",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| {
                let entry = entry_of(d, &unit_entry().to_string());
                d.put(&entry, "kind", "ticket").expect("put");
            },
            refused: Some("kind never changes"),
        },
        Case {
            name: "an entry's field deleted",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| {
                let entry = entry_of(d, &unit_entry().to_string());
                d.delete(&entry, "status").expect("delete");
            },
            refused: Some("only set"),
        },
        Case {
            name: "the entries replaced",
            grant: housekeeper_a(),
            on_index: true,
            edit: |d| {
                d.put_object(ROOT, "entries", ObjType::Map)
                    .expect("replace");
            },
            refused: Some("entries are never replaced"),
        },
        Case {
            name: "office staff file a ticket they registered",
            grant: office(),
            on_index: true,
            edit: |d| new_entry(d, "ticket"),
            refused: None,
        },
        Case {
            name: "office staff keep a ticket's entry current",
            grant: office(),
            on_index: true,
            edit: |d| {
                let entry = entry_of(d, &ticket_entry().to_string());
                d.put(&entry, "status", "closed").expect("put");
            },
            refused: None,
        },
        Case {
            name: "office staff file a unit",
            grant: office(),
            on_index: true,
            edit: |d| new_entry(d, "unit"),
            refused: Some("not the unit entry"),
        },
        Case {
            name: "office staff change a unit's entry",
            grant: office(),
            on_index: true,
            edit: |d| {
                let entry = entry_of(d, &unit_entry().to_string());
                d.put(&entry, "status", "vacant").expect("put");
            },
            refused: Some("not the unit entry"),
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn a_value_written_concurrently_with_an_older_one_cannot_win_its_place() {
    let hk = housekeeper_a();
    let mut index = index::AreaIndex::new_doc("A", "一区", Some("P1")).expect("index");
    index.set_actor(actor(PHONE_A));
    index.commit();
    let empty = index.get_heads();
    let unit = index::Entry {
        kind: "unit".into(),
        ..index::Entry::default()
    };
    index::AreaIndex::put_entry(&mut index, unit_entry(), &unit).expect("entry");
    index.commit();
    // A batch built on the index as it was before the unit entry existed: its own map at
    // the same key carries no predecessor, so it would win the conflict and hide the
    // entry every phone has.
    let mut stale = index.fork_at(&empty).expect("fork");
    let second = hex::decode(format!("{PHONE_A}fedcba9876543210")).expect("hex");
    stale.set_actor(ActorId::from(second));
    let (_, entries) = stale.get(ROOT, "entries").expect("read").expect("entries");
    json::put(
        &mut stale,
        &entries,
        &unit_entry().to_string(),
        &json!({"kind": "unit", "code": "x"}),
    )
    .expect("put");
    stale.commit();
    let before = index.get_heads();
    index.merge(&mut stale).expect("merge");
    let refused = judge(&hk, &mut index, &before).expect_err("hidden entry");
    assert!(refused.contains("never removed or replaced"), "{refused}");
}

/// A message about one document, built for whichever ID is probed.
type Probe = fn(DocumentId) -> Message;

/// What a server answers on a fresh connection of `grant` to `messages` about document
/// `id` (each built for that ID), with the ID masked, so two documents' answers compare.
fn answers(
    server: &mut Engine<Grants>,
    conn: ConnId,
    grant: Grant,
    id: DocumentId,
    messages: &[Probe],
) -> Vec<String> {
    server.gate_mut().insert(conn, grant);
    server.connect(conn, 0);
    let join = Message::Join {
        sender: crate::ids::PeerId::new("probe"),
        metadata: crate::protocol::PeerMetadata::default(),
        versions: vec![crate::protocol::PROTOCOL_VERSION.to_owned()],
    };
    server.receive(conn, &join.encode(), 0);
    server.flush();
    let mut seen = Vec::new();
    for message in messages {
        server.receive(conn, &message(id).encode(), 0);
        for _ in 0..3 {
            let effects = server.flush();
            for doc in effects.loads {
                server.loaded(doc, Vec::new());
            }
            for (_, frame) in effects.sends {
                let text = format!("{:?}", Message::decode(&frame).expect("decodes"));
                seen.push(text.replace(&id.to_string(), "<doc>"));
            }
            for event in effects.events {
                match event {
                    crate::engine::Event::Refused { message, .. } => {
                        seen.push(message.replace(&id.to_string(), "<doc>"));
                    }
                    crate::engine::Event::Denied { reason, .. } => seen.push(reason),
                    _ => {}
                }
            }
        }
    }
    seen
}

fn probe(document: DocumentId, data: Vec<u8>, request: bool) -> Message {
    let (sender, target) = (
        crate::ids::PeerId::new("probe"),
        crate::ids::PeerId::new("server"),
    );
    if request {
        Message::Request {
            sender,
            target,
            document,
            data,
        }
    } else {
        Message::Sync {
            sender,
            target,
            document,
            data,
        }
    }
}

/// The first sync message a peer holding `doc` sends.
fn first_message(doc: &mut AutoCommit) -> Vec<u8> {
    use automerge::sync::SyncDoc;
    let mut state = automerge::sync::State::new();
    doc.sync()
        .generate_sync_message(&mut state)
        .expect("a message")
        .encode()
}

/// A message carrying the whole of `doc`, as a peer sends once it knows the other side
/// has nothing.
fn carrying(doc: &mut AutoCommit) -> Vec<u8> {
    automerge::sync::Message {
        heads: doc.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: doc.save().into(),
        flags: None,
        version: automerge::sync::MessageVersion::V2,
    }
    .encode()
}

#[test]
fn a_document_another_area_holds_answers_every_message_as_a_missing_one() {
    let cases: [(&str, Vec<Probe>); 5] = [
        (
            "request",
            vec![|id| probe(id, first_message(&mut AutoCommit::new()), true)],
        ),
        (
            "sync from nothing",
            vec![|id| probe(id, first_message(&mut AutoCommit::new()), false)],
        ),
        (
            "sync naming heads the probe knows",
            vec![|id| probe(id, first_message(&mut record("unit", "B", PHONE_A)), false)],
        ),
        (
            "a new record of the probe's own area written into the ID",
            vec![|id| probe(id, carrying(&mut record("unit", "A", PHONE_A)), false)],
        ),
        (
            "a record of another area written into the ID",
            vec![|id| probe(id, carrying(&mut record("unit", "B", PHONE_A)), false)],
        ),
    ];
    for (name, messages) in cases {
        let mut server = Engine::with_gate(Config::new(Role::Server, "server"), Grants::default());
        let hidden = DocumentId::from_bytes([2; 16]);
        let missing = DocumentId::from_bytes([4; 16]);
        // Area B's record, held by the server.
        let owner = grant("hk-b", StaffRole::Housekeeper, &["B"], PHONE_B);
        let mut made = record("unit", "B", PHONE_B);
        answers(&mut server, 9, owner, hidden, &[]);
        server.receive(9, &probe(hidden, carrying(&mut made), false).encode(), 0);
        for _ in 0..2 {
            for doc in server.flush().loads {
                server.loaded(doc, Vec::new());
            }
        }
        assert!(!server.doc_mut(hidden).expect("held").get_heads().is_empty());

        let to_hidden = answers(&mut server, 1, housekeeper_a(), hidden, &messages);
        let to_missing = answers(&mut server, 2, housekeeper_a(), missing, &messages);
        assert_eq!(to_hidden, to_missing, "{name}");
        assert!(!to_hidden.is_empty(), "{name}: answered at all");
        let stored = server.doc_mut(hidden).expect("held").get_heads();
        assert_eq!(
            stored,
            made.get_heads(),
            "{name}: area B's record untouched"
        );
    }
}

/// An edit of a document, by name.
type Edit = (&'static str, fn(&mut AutoCommit));

/// Each hostile edit of a record.
const HOSTILE: [Edit; 5] = [
    ("header rewritten", |d| {
        d.put(ROOT, "areaId", "B").expect("put");
    }),
    ("header field added", |d| {
        d.put(ROOT, "note", "x").expect("put");
    }),
    ("journal replaced", |d| {
        let copy = json::read_root(d)[EVENTS].clone();
        json::put(d, &ROOT, EVENTS, &copy).expect("replace");
    }),
    ("event removed", |d| {
        let events = events_of(d);
        d.delete(&events, 0).expect("delete");
    }),
    ("event ID repeated", |d| {
        let by = json::read_root(d)[EVENTS][0]["by"].clone();
        event(d, &json!({"id": "e1", "type": "note", "by": by}));
    }),
];

#[test]
fn every_kind_refuses_every_rewrite_from_every_role() {
    let kinds = [
        "unit",
        "ticket",
        "vacant-inspection",
        "public-patrol",
        "renovation",
        "visit",
        "visit-plan",
        "key-ledger",
        "fee-account",
        "rectification",
    ];
    let roles = [
        housekeeper_a(),
        supervisor(),
        office(),
        grant("root", StaffRole::Admin, &[], DESK),
    ];
    for kind in kinds {
        for who in &roles {
            for (name, edit) in HOSTILE {
                let mut doc = record(kind, "A", PHONE_A);
                append(&mut doc, PHONE_A, "e1", "note", &who.user);
                let before = doc.get_heads();
                doc.set_actor(actor(&who.device));
                edit(&mut doc);
                doc.commit();
                assert!(
                    judge(who, &mut doc, &before).is_err(),
                    "{kind}, {name}, by {:?}",
                    who.role
                );
            }
        }
    }
    // A project's calendar, whose owner is the project: its supervisor and admins alike.
    for who in [supervisor(), grant("root", StaffRole::Admin, &[], DESK)] {
        for (name, edit) in HOSTILE {
            let mut doc = AutoCommit::new().with_actor(actor(PHONE_A));
            let header = json!({"kind": "project", "projectId": "P1", "events": []});
            for (key, value) in header.as_object().expect("map") {
                json::put(&mut doc, &ROOT, key, value).expect("put");
            }
            doc.commit();
            append(&mut doc, PHONE_A, "e1", "note", &who.user);
            let before = doc.get_heads();
            doc.set_actor(actor(&who.device));
            edit(&mut doc);
            doc.commit();
            assert!(judge(&who, &mut doc, &before).is_err(), "calendar, {name}");
        }
    }
}
