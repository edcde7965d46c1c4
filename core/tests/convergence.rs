//! Merge properties for every record kind: any interleaving of edits on two or three
//! replicas, with merges between them at any point, converges to the same journal and
//! the same derived state everywhere, and loses no event, photo reference or note.
//! Actions are drawn at random, so many are refused where they land; what was accepted
//! must all survive.

use automerge::{ActorId, AutoCommit};
use chrono::NaiveDate;
use estate_core::DocumentId;
use estate_core::records::content::ContentHash;
use estate_core::records::fees::{ContactMethod, FeeAccount, FeeAccountHeader, FeeAction, Promise};
use estate_core::records::inspection::{
    Inspection, InspectionAction, InspectionForm, VacantInspection,
};
use estate_core::records::keys::{KeyAction, KeyLedger, KeyLedgerHeader};
use estate_core::records::patrol::{Patrol, PatrolAction, PatrolHeader, PatrolPoint};
use estate_core::records::people::Phone;
use estate_core::records::project::{DayType, Project, ProjectAction, ProjectHeader};
use estate_core::records::rectification::{
    Rectification, RectificationAction, RectificationHeader,
};
use estate_core::records::renovation::{
    AcceptanceResult, Renovation, RenovationAction, RenovationChecks, RenovationHeader,
};
use estate_core::records::ticket::{
    Category, Channel, ComplaintInfo, Escalation, Location, RepairInfo, RepairScale, RepairScope,
    Satisfaction, SpecialReport, Ticket, TicketAction, TicketHeader,
};
use estate_core::records::unit::{Person, Relation, Unit, UnitAction, UnitHeader, UnitStatus};
use estate_core::records::visit::{Visit, VisitAction, VisitHeader, VisitMethod};
use estate_core::records::visit_plan::{VisitPlan, VisitPlanAction, VisitPlanHeader};
use estate_core::records::{Actor, EventId, Input, Kind, Record, StaffRole};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;

const T0: i64 = 1_792_000_000_000;

/// One step of a run.
#[derive(Clone, Debug)]
enum Op<A> {
    /// Replica `replica` acts (or only notes, when `action` is none), maybe with a photo,
    /// as a housekeeper or as a supervisor.
    Act {
        replica: usize,
        action: Option<A>,
        photo: bool,
        supervisor: bool,
    },
    /// Replica `to` receives everything replica `from` has.
    Merge { from: usize, to: usize },
}

fn ops<A: Clone + std::fmt::Debug + 'static>(
    replicas: usize,
    actions: BoxedStrategy<A>,
) -> impl Strategy<Value = Vec<Op<A>>> {
    let act = (
        0..replicas,
        prop::option::weighted(0.85, actions),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(replica, action, photo, supervisor)| Op::Act {
            replica,
            action,
            photo,
            supervisor,
        });
    let merge = (0..replicas, 0..replicas).prop_map(|(from, to)| Op::Merge { from, to });
    prop::collection::vec(prop_oneof![3 => act, 1 => merge], 1..40)
}

/// Plays `ops` on `replicas` replicas of a record, heals every partition, and checks
/// convergence and that nothing accepted was lost.
fn check<K: Kind>(
    header: &K::Header,
    replicas: usize,
    ops: Vec<Op<K::Action>>,
) -> Result<(), TestCaseError> {
    let mut base = Record::<K>::new_doc(header).expect("a valid header");
    let mut docs: Vec<AutoCommit> = (0..replicas)
        .map(|i| base.fork().with_actor(ActorId::from([i as u8 + 1; 16])))
        .collect();
    let mut accepted: Vec<(EventId, String, Vec<ContentHash>)> = Vec::new();
    for (n, op) in ops.into_iter().enumerate() {
        match op {
            Op::Act {
                replica,
                action,
                photo,
                supervisor,
            } => {
                let note = format!("记录{n}");
                let photos = if photo {
                    vec![ContentHash::of(note.as_bytes())]
                } else {
                    Vec::new()
                };
                let input = match action {
                    Some(a) => Input::act(a),
                    None => Input::note(""),
                }
                .with_note(note.clone())
                .with_photos(photos.clone());
                let role = if supervisor {
                    StaffRole::Supervisor
                } else {
                    StaffRole::Housekeeper
                };
                let actor = Actor::new(format!("user-{replica}"), role);
                if let Ok((id, _)) =
                    Record::<K>::act(&mut docs[replica], input, &actor, T0 + n as i64 * 60_000)
                {
                    accepted.push((id, note, photos));
                }
            }
            Op::Merge { from, to } if from != to => {
                let mut other = docs[from].fork();
                docs[to].merge(&mut other).expect("merge");
            }
            Op::Merge { .. } => {}
        }
    }
    // Every partition heals.
    let mut all = docs[0].fork();
    for doc in docs.iter_mut().skip(1) {
        all.merge(doc).expect("merge");
    }
    for doc in &mut docs {
        doc.merge(&mut all.fork()).expect("merge");
    }
    let heads: Vec<_> = docs.iter_mut().map(|d| d.get_heads()).collect();
    prop_assert!(
        heads.windows(2).all(|w| w[0] == w[1]),
        "replicas hold the same changes"
    );
    let records: Vec<Record<K>> = docs
        .iter()
        .map(|d| Record::<K>::from_doc(d).expect("reads"))
        .collect();
    for r in &records[1..] {
        prop_assert_eq!(r, &records[0], "every replica derives the same record");
    }
    let merged = &records[0];
    prop_assert_eq!(
        merged.events.len(),
        accepted.len(),
        "no event lost or duplicated"
    );
    let content = merged.content();
    for (id, note, photos) in &accepted {
        let event = merged.events.iter().find(|e| &e.id == id);
        prop_assert!(event.is_some(), "event {} survived", id);
        prop_assert_eq!(&event.map(|e| e.note.clone()).unwrap_or_default(), note);
        for photo in photos {
            prop_assert!(content.contains(&photo), "photo of {} survived", id);
        }
    }
    Ok(())
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, day).expect("date")
}

fn hash(n: u8) -> ContentHash {
    ContentHash::of(&[n])
}

fn doc_id(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn unit_actions() -> BoxedStrategy<UnitAction> {
    let status = prop::sample::select(UnitStatus::ALL.to_vec());
    let person = (0..3u8, any::<bool>()).prop_map(|(n, phone)| Person {
        id: format!("p{n}"),
        name: format!("住户{n}"),
        relation: Relation::Owner,
        phone: phone.then(|| Phone::try_from(format!("1381234567{n}")).expect("phone")),
    });
    prop_oneof![
        status.prop_map(|status| UnitAction::Status { status }),
        person.prop_map(|person| UnitAction::Person { person }),
        (0..3u8).prop_map(|n| UnitAction::RemovePerson {
            person: format!("p{n}")
        }),
        any::<bool>().prop_map(|key| UnitAction::KeyCustomer { key }),
    ]
    .boxed()
}

fn ticket_actions() -> BoxedStrategy<TicketAction> {
    let satisfaction = prop::sample::select(Satisfaction::ALL.to_vec());
    prop_oneof![
        prop::sample::select(vec!["维修组", "外包"])
            .prop_map(|to| TicketAction::Dispatch { to: to.into() }),
        Just(TicketAction::Respond {}),
        Just(TicketAction::Start {}),
        (0..3u8).prop_map(|n| TicketAction::Complete {
            signature: Some(hash(n))
        }),
        (satisfaction, any::<bool>()).prop_map(|(satisfaction, resolved)| TicketAction::Callback {
            satisfaction,
            resolved
        }),
        Just(TicketAction::Reopen {}),
        Just(TicketAction::Close {}),
        prop::sample::select(RepairScale::ALL.to_vec()).prop_map(|scale| TicketAction::Classify {
            repair: Some(RepairInfo {
                scope: RepairScope::Household,
                scale,
                leak: false
            }),
            complaint: None,
        }),
        Just(TicketAction::Escalate {
            escalation: Escalation::Media,
            amount_yuan: None
        }),
        Just(TicketAction::Report {
            report: SpecialReport {
                description: "情况".into(),
                cause: "原因".into(),
                responsibility: "责任".into(),
                measures: "措施".into(),
            },
        }),
    ]
    .boxed()
}

fn renovation_actions() -> BoxedStrategy<RenovationAction> {
    let result = prop::sample::select(vec![
        AcceptanceResult::Passed,
        AcceptanceResult::MinorFaults,
        AcceptanceResult::StructuralDamage,
    ]);
    prop_oneof![
        any::<bool>().prop_map(|approved| RenovationAction::Review { approved }),
        Just(RenovationAction::Permit {
            number: "ZX-1".into()
        }),
        Just(RenovationAction::Patrol {
            checks: RenovationChecks::default(),
            stopped: false
        }),
        (10..20u32).prop_map(|d| RenovationAction::BookAcceptance { date: date(d) }),
        result.prop_map(|result| RenovationAction::Accept { result }),
        Just(RenovationAction::Rectified {}),
        Just(RenovationAction::ReportAuthority {}),
        (0..3000u64).prop_map(|amount_yuan| RenovationAction::RefundDeposit { amount_yuan }),
    ]
    .boxed()
}

fn key_actions() -> BoxedStrategy<KeyAction> {
    let label = (0..3u8).prop_map(|n| format!("K{n}"));
    prop_oneof![
        label.clone().prop_map(|label| KeyAction::Receive {
            label,
            unit: None,
            unit_code: None,
            signature: hash(1)
        }),
        label.clone().prop_map(|label| KeyAction::Borrow {
            label,
            borrower: "刘师傅".into(),
            signature: hash(2)
        }),
        label.clone().prop_map(|label| KeyAction::Return { label }),
        prop::collection::vec(label.clone(), 0..3).prop_map(|present| KeyAction::Count { present }),
        label.clone().prop_map(|label| KeyAction::Lose { label }),
        label
            .clone()
            .prop_map(|label| KeyAction::ApproveLoss { label }),
        label.prop_map(|label| KeyAction::HandBack { label }),
    ]
    .boxed()
}

fn fee_actions() -> BoxedStrategy<FeeAction> {
    let method = prop::sample::select(vec![
        ContactMethod::Phone,
        ContactMethod::Door,
        ContactMethod::Notice,
        ContactMethod::Sms,
    ]);
    prop_oneof![
        (method, any::<bool>(), prop::option::of(1..5000u64)).prop_map(
            |(method, reached, promise)| FeeAction::Contact {
                method,
                reached,
                promise: promise.map(|amount_fen| Promise {
                    amount_fen,
                    by: date(20)
                }),
            }
        ),
        (0..5000u64).prop_map(|amount_fen| FeeAction::Payment {
            amount_fen,
            receipt: format!("R{amount_fen}"),
        }),
        (0..9000u64).prop_map(|amount_fen| FeeAction::Arrears { amount_fen }),
    ]
    .boxed()
}

fn ticket_header() -> TicketHeader {
    TicketHeader {
        area_id: "A1".into(),
        category: Category::Repair,
        channel: Channel::Hotline,
        location: Location::Unit {
            unit: doc_id(1),
            code: "1-1-101".parse().expect("code"),
        },
        description: "漏水".into(),
        reporter: None,
        registered_at: T0,
        registered_by: "user-0".into(),
        repair: Some(RepairInfo {
            scope: RepairScope::Household,
            scale: RepairScale::General,
            leak: false,
        }),
        complaint: None,
        photos: vec![hash(9)],
        source: None,
    }
}

fn complaint_header() -> TicketHeader {
    TicketHeader {
        category: Category::Complaint,
        repair: None,
        complaint: Some(ComplaintInfo::default()),
        ..ticket_header()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn unit_archives_converge(replicas in 2..=3usize, ops in ops(3, unit_actions())) {
        let header = UnitHeader::new("3-2-1201".parse().expect("code"), "A1", UnitStatus::EntrustedVacant);
        check::<Unit>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn repair_tickets_converge(replicas in 2..=3usize, ops in ops(3, ticket_actions())) {
        check::<Ticket>(&ticket_header(), replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn complaint_tickets_converge(replicas in 2..=3usize, ops in ops(3, ticket_actions())) {
        check::<Ticket>(&complaint_header(), replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn inspections_converge(replicas in 2..=3usize, ops in ops(3, prop_oneof![
        Just(InspectionAction::Ventilated {}),
        Just(InspectionAction::Cleaned {}),
        (0..3u8).prop_map(|n| InspectionAction::Ticket { ticket: doc_id(n) }),
    ].boxed())) {
        let header = Inspection::new(doc_id(1), "1-1-101".parse().expect("code"), "A1".into(),
            InspectionForm::default(), "user-0".into(), T0).expect("inspection");
        check::<VacantInspection>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn patrols_converge(replicas in 2..=3usize, ops in ops(3, prop_oneof![
        prop::sample::select(PatrolPoint::ALL.to_vec()).prop_map(|point| PatrolAction::Finding {
            point, place: "大堂".into(), description: "地面湿滑".into() }),
        (0..3u8).prop_map(|n| PatrolAction::Ticket { finding: EventId(format!("e{n}")), ticket: doc_id(n) }),
        Just(PatrolAction::Finish {}),
    ].boxed())) {
        let header = PatrolHeader { area_id: "A1".into(), date: date(21), by: "user-0".into(), started_at: T0 };
        check::<Patrol>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn renovations_converge(replicas in 2..=3usize, ops in ops(3, renovation_actions())) {
        let header = RenovationHeader {
            area_id: "A1".into(), unit: doc_id(1), unit_code: "1-1-1202".parse().expect("code"),
            applicant: "业主".into(), phone: None, contractor: "装饰公司".into(), plan: "翻新".into(),
            shop: false, applied_at: T0, deposit_yuan: 2000,
        };
        check::<Renovation>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn visits_converge(replicas in 2..=3usize, ops in ops(3,
        (0..3u8).prop_map(|n| VisitAction::Ticket { ticket: doc_id(n) }).boxed())) {
        let header = VisitHeader {
            area_id: "A1".into(), unit: doc_id(1), unit_code: "1-1-101".parse().expect("code"),
            method: VisitMethod::Door, visited_at: T0, by: "user-0".into(), person: "业主".into(),
            notes: String::new(), satisfaction: None,
        };
        check::<Visit>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn visit_plans_converge(replicas in 2..=3usize, ops in ops(3, prop_oneof![
        prop::collection::vec((0..5u8).prop_map(doc_id), 1..3).prop_map(|units| VisitPlanAction::Add { units }),
        prop::collection::vec((0..5u8).prop_map(doc_id), 1..3).prop_map(|units| VisitPlanAction::Remove { units }),
        Just(VisitPlanAction::Approve {}),
    ].boxed())) {
        let header = VisitPlanHeader { area_id: "A1".into(), month: "2026-11".parse().expect("month"),
            made_by: "user-0".into(), made_at: T0, content: String::new() };
        check::<VisitPlan>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn key_ledgers_converge(replicas in 2..=3usize, ops in ops(3, key_actions())) {
        check::<KeyLedger>(&KeyLedgerHeader { area_id: "A1".into() }, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn fee_accounts_converge(replicas in 2..=3usize, ops in ops(3, fee_actions())) {
        let header = FeeAccountHeader { area_id: "A1".into(), unit: doc_id(1),
            unit_code: "1-1-101".parse().expect("code"), arrears_fen: 5000, opened_at: T0 };
        check::<FeeAccount>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn rectifications_converge(replicas in 2..=3usize, ops in ops(3, prop_oneof![
        Just(RectificationAction::Progress {}),
        Just(RectificationAction::Done {}),
        (20..30u32).prop_map(|d| RectificationAction::Reschedule { expected: date(d) }),
        Just(RectificationAction::Reopen {}),
    ].boxed())) {
        let header = RectificationHeader { area_id: "A1".into(), meeting: "业主沟通会".into(),
            meeting_date: date(10), problem: "照明不足".into(), location: None, measure: "增设灯具".into(),
            expected: date(20), responsible: String::new() };
        check::<Rectification>(&header, replicas, clamp(ops, replicas))?;
    }

    #[test]
    fn project_calendars_converge(replicas in 2..=3usize, ops in ops(3, prop_oneof![
        (1..4u32, prop::sample::select(vec![DayType::Holiday, DayType::Workday, DayType::Ordinary]))
            .prop_map(|(d, day)| ProjectAction::Day { date: date(d), day }),
        (1..4u32, any::<bool>()).prop_map(|(d, rained)| ProjectAction::Rain { date: date(d), rained }),
        (0..48u32).prop_map(|hours| ProjectAction::GroupWindow { hours }),
    ].boxed())) {
        let header = ProjectHeader { project_id: "P1".into(), name: "翠湖花园".into(), areas: vec!["A1".into()] };
        check::<Project>(&header, replicas, clamp(ops, replicas))?;
    }
}

/// Ops drawn for three replicas, folded onto `replicas`.
fn clamp<A>(ops: Vec<Op<A>>, replicas: usize) -> Vec<Op<A>> {
    ops.into_iter()
        .map(|op| match op {
            Op::Act {
                replica,
                action,
                photo,
                supervisor,
            } => Op::Act {
                replica: replica % replicas,
                action,
                photo,
                supervisor,
            },
            Op::Merge { from, to } => Op::Merge {
                from: from % replicas,
                to: to % replicas,
            },
        })
        .collect()
}
