use automerge::transaction::Transactable;
use automerge::{ActorId, ObjType, ROOT, ReadDoc};
use serde_json::json;

use super::*;
use crate::engine::{Config, Engine, Role};

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

#[test]
fn office_staff_register_tickets_and_call_back_but_never_touch_field_records() {
    let desk = office();
    let mut ticket = record("ticket", "B", DESK);
    assert_eq!(judge(&desk, &mut ticket, &[]), Ok(()), "hotline intake");
    for (n, kind) in ["callback", "note", "escalate"].into_iter().enumerate() {
        let before = ticket.get_heads();
        append(&mut ticket, DESK, &format!("d-{n}"), kind, "desk");
        assert_eq!(judge(&desk, &mut ticket, &before), Ok(()), "{kind}");
    }
    let before = ticket.get_heads();
    append(&mut ticket, DESK, "d-9", "close", "desk");
    assert!(
        judge(&desk, &mut ticket, &before).is_err(),
        "closing is the field's"
    );

    let mut inspection = record("vacant-inspection", "A", PHONE_A);
    let before = inspection.get_heads();
    append(&mut inspection, DESK, "d-1", "note", "desk");
    let refused = judge(&desk, &mut inspection, &before).expect_err("inspection");
    assert!(refused.contains("vacant-inspection"), "{refused}");
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
                if let crate::engine::Event::Refused { message, .. } = event {
                    errors.push(message);
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
}
