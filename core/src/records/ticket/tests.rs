//! The ticket lifecycle, table-driven: each row is a path of actions and what the
//! record must say at its end.

use super::*;
use crate::records::journal::{Flag, Input, Step};
use crate::records::people::{Actor, StaffRole};
use crate::time::{HOUR_MS, MINUTE_MS};

const T0: i64 = 1_792_000_000_000;

fn keeper() -> Actor {
    Actor::new("hk-zhang", StaffRole::Housekeeper)
}

pub(crate) fn header(category: Category, repair: Option<RepairInfo>) -> TicketHeader {
    TicketHeader {
        area_id: "A1".into(),
        category,
        channel: Channel::Hotline,
        location: Location::Unit {
            unit: DocumentId::from_bytes([4; 16]),
            code: "1-1-0101".parse().expect("code"),
        },
        description: "厨房水龙头漏水".into(),
        reporter: None,
        registered_at: T0,
        registered_by: "hk-zhang".into(),
        repair,
        complaint: None,
        photos: Vec::new(),
        source: None,
    }
}

fn household(scale: RepairScale) -> Option<RepairInfo> {
    Some(RepairInfo {
        scope: RepairScope::Household,
        scale,
        leak: false,
    })
}

fn sig() -> Option<ContentHash> {
    Some(ContentHash::of(b"owner signature"))
}

/// Applies `steps` in order; returns the final status, or the first refusal's text.
fn run(header: &TicketHeader, steps: &[TicketAction]) -> Result<Status, String> {
    let mut doc = TicketRecord::new_doc(header).expect("creates");
    for (i, step) in steps.iter().enumerate() {
        let at = T0 + (i as i64 + 1) * 10 * MINUTE_MS;
        TicketRecord::act(&mut doc, Input::act(step.clone()), &keeper(), at)
            .map_err(|e| e.to_string())?;
    }
    Ok(TicketRecord::from_doc(&doc).expect("reads").state.status)
}

fn check(header: &TicketHeader, steps: &[TicketAction], expected: Result<Status, &str>) {
    let got = run(header, steps);
    match (&got, expected) {
        (Ok(s), Ok(e)) => assert_eq!(*s, e, "{steps:?}"),
        (Err(msg), Err(part)) => assert!(msg.contains(part), "{msg} should mention {part}"),
        _ => panic!("{steps:?}: got {got:?}, expected {expected:?}"),
    }
}

fn dispatch() -> TicketAction {
    TicketAction::Dispatch {
        to: "维修组".into(),
    }
}

fn callback(satisfaction: Satisfaction, resolved: bool) -> TicketAction {
    TicketAction::Callback {
        satisfaction,
        resolved,
    }
}

#[test]
fn the_lifecycle_goes_in_order_and_refuses_what_makes_no_sense() {
    use TicketAction::*;
    let repair = header(Category::Repair, household(RepairScale::General));
    let complaint = header(Category::Complaint, None);
    let consultation = header(Category::Consultation, None);
    let done = Complete { signature: sig() };
    let ok = callback(Satisfaction::Satisfied, true);
    // The seed's path: 登记 → 派工 → 处理中 → 完成 → 回访 → 关闭.
    check(
        &repair,
        &[dispatch(), Start {}, done.clone(), ok.clone(), Close {}],
        Ok(Status::Closed),
    );
    // A callback before completion is refused.
    check(&repair, &[dispatch(), ok.clone()], Err("完成后才能回访"));
    // Starting needs a dispatch.
    check(&repair, &[Start {}], Err("派工后才能开始处理"));
    // A household repair ends with the owner's signature (seed 003 "维修后由业主签字").
    check(
        &repair,
        &[dispatch(), Complete { signature: None }],
        Err("业主签字"),
    );
    // A repair may be closed without a callback (target ≥ 30 %), a complaint may not (100 %).
    check(
        &repair,
        &[dispatch(), done.clone(), Close {}],
        Ok(Status::Closed),
    );
    check(
        &complaint,
        &[dispatch(), done.clone(), Close {}],
        Err("投诉须先回访"),
    );
    // A callback that finds the problem remains cannot close: reopen and re-dispatch.
    let remains = callback(Satisfaction::Unsatisfied, false);
    check(
        &repair,
        &[dispatch(), done.clone(), remains.clone(), Close {}],
        Err("重新打开"),
    );
    check(
        &repair,
        &[dispatch(), done.clone(), remains, Reopen {}, dispatch()],
        Ok(Status::Dispatched),
    );
    // Reassigning while in progress is allowed; dispatching a closed ticket is not.
    check(
        &repair,
        &[dispatch(), Start {}, dispatch()],
        Ok(Status::Dispatched),
    );
    check(
        &repair,
        &[dispatch(), done, ok, Close {}, dispatch()],
        Err("不能派工"),
    );
    // A consultation is answered at intake and may close at once.
    check(&consultation, &[Close {}], Ok(Status::Closed));
    check(&complaint, &[Close {}], Err("不能关闭"));
}

#[test]
fn first_response_is_the_first_contact_of_any_kind() {
    let repair = header(Category::Repair, household(RepairScale::General));
    let mut doc = TicketRecord::new_doc(&repair).expect("creates");
    let act = |doc: &mut automerge::AutoCommit, a: TicketAction, at: i64| {
        TicketRecord::act(doc, Input::act(a), &keeper(), at)
            .expect("acts")
            .1
    };
    act(&mut doc, dispatch(), T0 + 5 * MINUTE_MS);
    let started = act(&mut doc, TicketAction::Start {}, T0 + 40 * MINUTE_MS);
    assert_eq!(started.state.responded_at, Some(T0 + 40 * MINUTE_MS));
    let record = act(&mut doc, TicketAction::Respond {}, T0 + 2 * HOUR_MS);
    assert_eq!(
        record.state.responded_at,
        Some(T0 + 40 * MINUTE_MS),
        "the first one counts"
    );
    assert_eq!(record.state.dispatched_at, Some(T0 + 5 * MINUTE_MS));
}

#[test]
fn a_reopened_ticket_starts_a_new_round_of_work() {
    use TicketAction::*;
    let repair = header(Category::Repair, household(RepairScale::General));
    let mut doc = TicketRecord::new_doc(&repair).expect("creates");
    for (i, a) in [
        dispatch(),
        Complete { signature: sig() },
        callback(Satisfaction::Unsatisfied, false),
        Reopen {},
    ]
    .into_iter()
    .enumerate()
    {
        TicketRecord::act(&mut doc, Input::act(a), &keeper(), T0 + i as i64 * HOUR_MS)
            .expect("acts");
    }
    let record = TicketRecord::from_doc(&doc).expect("reads");
    assert_eq!(record.state.status, Status::Reopened);
    assert_eq!(record.state.opened_at, T0 + 3 * HOUR_MS);
    assert_eq!(
        (record.state.dispatched_at, record.state.completed_at),
        (None, None)
    );
    assert_eq!(record.state.reopened, 1);
    assert_eq!(record.state.callbacks.len(), 1, "the history stays");
}

#[test]
fn completed_on_one_phone_and_reassigned_on_another_is_flagged_not_dropped() {
    use TicketAction::*;
    let repair = header(Category::Repair, household(RepairScale::General));
    let mut a = TicketRecord::new_doc(&repair).expect("creates");
    TicketRecord::act(&mut a, Input::act(dispatch()), &keeper(), T0 + MINUTE_MS).expect("dispatch");
    let mut b = a.fork();
    TicketRecord::act(
        &mut a,
        Input::act(Complete { signature: sig() }),
        &keeper(),
        T0 + HOUR_MS,
    )
    .expect("completes on phone A");
    let office = Actor::new("office-1", StaffRole::Office);
    TicketRecord::act(
        &mut b,
        Input::act(Dispatch {
            to: "外包维修".into(),
        })
        .with_note("改派"),
        &office,
        T0 + HOUR_MS,
    )
    .expect("reassigns on phone B");
    let mut merged_ab = a.fork();
    merged_ab.merge(&mut b.fork()).expect("merge");
    let mut merged_ba = b.fork();
    merged_ba.merge(&mut a.fork()).expect("merge");
    let x = TicketRecord::from_doc(&merged_ab).expect("reads");
    let y = TicketRecord::from_doc(&merged_ba).expect("reads");
    assert_eq!(x, y, "both phones derive the same state");
    assert_eq!(x.events.len(), 3, "no event lost");
    let open: Vec<&Flag> = x.open_flags().collect();
    assert_eq!(open.len(), 1, "{:?}", x.flags);
    assert!(open[0].concurrent);
    assert_eq!(open[0].events.len(), 2);
    // A person settles it; the flag closes and stays in the history.
    let settle = Input {
        step: Step::Resolve {
            events: open[0].events.clone(),
        },
        note: "以完成为准".into(),
        photos: Vec::new(),
    };
    let (_, settled) =
        TicketRecord::act(&mut merged_ab, settle, &office, T0 + 2 * HOUR_MS).expect("resolves");
    assert_eq!(settled.open_flags().count(), 0);
    assert_eq!(settled.flags.len(), 1);
}

#[test]
fn the_same_step_on_two_phones_is_not_a_conflict() {
    let repair = header(Category::Repair, household(RepairScale::General));
    let mut a = TicketRecord::new_doc(&repair).expect("creates");
    TicketRecord::act(&mut a, Input::act(dispatch()), &keeper(), T0).expect("dispatch");
    let mut b = a.fork();
    TicketRecord::act(
        &mut a,
        Input::act(TicketAction::Start {}),
        &keeper(),
        T0 + 1,
    )
    .expect("start");
    TicketRecord::act(
        &mut b,
        Input::act(TicketAction::Start {}),
        &keeper(),
        T0 + 2,
    )
    .expect("start");
    a.merge(&mut b).expect("merge");
    let record = TicketRecord::from_doc(&a).expect("reads");
    assert_eq!(record.state.status, Status::InProgress);
    assert_eq!(record.flags, Vec::<Flag>::new());
    assert_eq!(record.events.len(), 3);
}

#[test]
fn registration_is_parsed_not_trusted() {
    let mut bad = header(Category::Repair, None);
    assert!(
        TicketRecord::new_doc(&bad).is_err(),
        "a repair needs a scale"
    );
    bad.repair = Some(RepairInfo {
        scope: RepairScope::Household,
        scale: RepairScale::Minor,
        leak: false,
    });
    bad.location = Location::Public {
        place: "3号楼大堂".into(),
    };
    assert!(
        TicketRecord::new_doc(&bad).is_err(),
        "a household repair is in a unit"
    );
    let json = serde_json::json!({"areaId": "A1", "category": "teleport"});
    assert!(crate::records::any::AnyRecord::create("ticket", json).is_err());
}

#[test]
fn a_conflict_is_flagged_even_behind_other_steps_of_the_same_phone() {
    // Phone A reassigns; phone B, not having seen it, first notes its response, then
    // reassigns elsewhere. Wherever the merge puts B's first step, A's and B's
    // reassignments contend and are flagged.
    let repair = header(Category::Repair, household(RepairScale::General));
    let mut base = TicketRecord::new_doc(&repair).expect("creates");
    TicketRecord::act(&mut base, Input::act(dispatch()), &keeper(), T0).expect("dispatch");
    for (a_actor, b_actor) in [([1u8; 16], [2u8; 16]), ([2; 16], [1; 16])] {
        let mut a = base.fork().with_actor(automerge::ActorId::from(a_actor));
        let mut b = base.fork().with_actor(automerge::ActorId::from(b_actor));
        let office = Actor::new("office-1", StaffRole::Office);
        TicketRecord::act(
            &mut a,
            Input::act(TicketAction::Dispatch {
                to: "甲班组".into(),
            }),
            &office,
            T0 + 1,
        )
        .expect("A reassigns");
        TicketRecord::act(
            &mut b,
            Input::act(TicketAction::Respond {}),
            &keeper(),
            T0 + 2,
        )
        .expect("B responds");
        TicketRecord::act(
            &mut b,
            Input::act(TicketAction::Dispatch {
                to: "乙班组".into(),
            }),
            &keeper(),
            T0 + 3,
        )
        .expect("B reassigns");
        a.merge(&mut b).expect("merge");
        let record = TicketRecord::from_doc(&a).expect("reads");
        let open: Vec<&Flag> = record.open_flags().collect();
        assert_eq!(open.len(), 1, "{:?}", record.flags);
        assert!(open[0].concurrent && open[0].events.len() == 2);
    }
}
