//! What a record offers to do next: the probes its rules accept from where it stands,
//! as stored, so an app shows exactly the actions that will be taken.

use super::*;
use crate::ids::DocumentId;
use crate::records::keys::{KeyAction, KeyLedger, KeyLedgerHeader};
use crate::records::renovation::{Renovation, RenovationHeader};
use crate::records::ticket::{
    Category, ComplaintInfo, RepairInfo, RepairScale, RepairScope, Satisfaction, Ticket,
    TicketAction, TicketHeader,
};
use crate::records::visit_plan::{VisitPlan, VisitPlanHeader};
use crate::time::{DAY_MS, Month};

const T0: i64 = 1_792_000_000_000;

/// A record made from `header` and acted on by a housekeeper, one step an hour.
fn made<K: Kind>(header: &K::Header, steps: Vec<K::Action>) -> (AutoCommit, Record<K>) {
    let mut doc = Record::<K>::new_doc(header).expect("valid header");
    let keeper = Actor::new("hk", StaffRole::Housekeeper);
    for (i, step) in steps.into_iter().enumerate() {
        let input = Input::act(step).with_note("已处理");
        Record::<K>::act(&mut doc, input, &keeper, T0 + i as i64 * 3_600_000).expect("accepted");
    }
    let record = Record::<K>::from_doc(&doc).expect("reads");
    (doc, record)
}

/// The types offered to `role` a day later; each is one of the kind's named actions, and
/// each is accepted as it stands when taken (with a note).
fn offered<K: Kind>(made: &(AutoCommit, Record<K>), role: StaffRole) -> Vec<String> {
    let (doc, record) = made;
    let now = T0 + DAY_MS;
    let offers = record.offers(role, now);
    let mut types = Vec::new();
    for offer in offers {
        let kind = offer["type"].as_str().expect("a type").to_owned();
        assert!(
            K::ACTIONS.iter().any(|(t, _)| *t == kind),
            "{kind} is named in {}::ACTIONS",
            K::KIND
        );
        let mut input = offer.clone();
        input["note"] = "已处理".into();
        let input = Input::from_json(input).expect("an offer reads as an input");
        Record::<K>::act(&mut doc.clone(), input, &Actor::new("u", role), now)
            .unwrap_or_else(|e| panic!("{offer} is offered but refused: {e}"));
        types.push(kind);
    }
    types
}

/// A ticket at a unit; a complaint starts with its classification still to judge.
fn ticket(category: Category, repair: Option<RepairInfo>) -> TicketHeader {
    TicketHeader {
        complaint: (category == Category::Complaint).then(ComplaintInfo::default),
        ..crate::records::ticket::tests::header(category, repair)
    }
}

fn household() -> Option<RepairInfo> {
    Some(RepairInfo {
        scope: RepairScope::Household,
        scale: RepairScale::General,
        leak: false,
    })
}

fn dispatch() -> TicketAction {
    TicketAction::Dispatch {
        to: "维修组".into(),
    }
}

const HK: StaffRole = StaffRole::Housekeeper;

#[test]
fn a_fresh_ticket_offers_what_its_category_allows() {
    let repair = made::<Ticket>(&ticket(Category::Repair, household()), vec![]);
    assert_eq!(
        offered(&repair, HK),
        [
            "dispatch", "respond", "contact", "classify", "escalate", "report"
        ],
        "not started, completed or closed before dispatch"
    );
    // A consultation is answered on the spot: it may be closed at once.
    let question = made::<Ticket>(&ticket(Category::Consultation, None), vec![]);
    assert_eq!(
        offered(&question, HK),
        [
            "dispatch", "respond", "contact", "close", "escalate", "report"
        ]
    );
}

#[test]
fn a_dispatched_household_repair_is_completed_with_the_owners_signature() {
    // 003: "维修后由业主签字".
    let repair = made::<Ticket>(&ticket(Category::Repair, household()), vec![dispatch()]);
    let types = offered(&repair, HK);
    assert_eq!(
        types,
        [
            "dispatch", "respond", "start", "complete", "contact", "classify", "escalate", "report"
        ]
    );
    let complete = repair
        .1
        .offers(HK, T0 + DAY_MS)
        .into_iter()
        .find(|o| o["type"] == "complete")
        .expect("offered");
    assert!(complete["signature"].is_string(), "{complete}");
}

#[test]
fn a_completed_complaint_offers_a_callback_but_not_closing() {
    // 004 §4.4.1: "处理完成3个工作日内100%回访" before it is closed.
    let complaint = made::<Ticket>(
        &ticket(Category::Complaint, None),
        vec![dispatch(), TicketAction::Complete { signature: None }],
    );
    let types = offered(&complaint, HK);
    assert!(types.contains(&"callback".to_owned()), "{types:?}");
    assert!(types.contains(&"reopen".to_owned()), "{types:?}");
    assert!(!types.contains(&"close".to_owned()), "{types:?}");
    assert!(!types.contains(&"dispatch".to_owned()), "{types:?}");
    let called = made::<Ticket>(
        &ticket(Category::Complaint, None),
        vec![
            dispatch(),
            TicketAction::Complete { signature: None },
            TicketAction::Callback {
                satisfaction: Satisfaction::Satisfied,
                resolved: true,
            },
        ],
    );
    assert!(offered(&called, HK).contains(&"close".to_owned()));
}

#[test]
fn a_lent_key_offers_its_return_and_a_key_in_the_cabinet_its_loan() {
    let sig = ContentHash::of(b"sig");
    let receive = |label: &str| KeyAction::Receive {
        label: label.into(),
        unit: None,
        unit_code: None,
        signature: sig.clone(),
    };
    let ledger = made::<KeyLedger>(
        &KeyLedgerHeader {
            area_id: "A1".into(),
        },
        vec![
            receive("K1"),
            receive("K2"),
            KeyAction::Borrow {
                label: "K2".into(),
                borrower: "刘师傅".into(),
                signature: sig.clone(),
            },
        ],
    );
    let offers = ledger.1.offers(HK, T0 + DAY_MS);
    let labels = |kind: &str| -> Vec<&str> {
        offers
            .iter()
            .filter(|o| o["type"] == kind)
            .filter_map(|o| o["label"].as_str())
            .collect()
    };
    assert_eq!(labels("return"), ["K2"]);
    assert_eq!(labels("borrow"), ["K1"]);
    assert_eq!(labels("lose"), ["K1", "K2"]);
    assert_eq!(labels("hand_back"), ["K1"]);
    assert!(labels("approve_loss").is_empty(), "nothing reported lost");
    let count = offers.iter().find(|o| o["type"] == "count").expect("count");
    assert_eq!(
        count["present"],
        serde_json::json!(["K1"]),
        "the keys in the cabinet"
    );
    assert_eq!(offered(&ledger, HK).len(), offers.len());
}

#[test]
fn a_role_is_offered_only_what_it_may_do() {
    // 001 篇3 §2: a shop's renovation is reviewed by the technical department.
    let shop = made::<Renovation>(
        &RenovationHeader {
            area_id: "A1".into(),
            unit: DocumentId::from_bytes([1; 16]),
            unit_code: "1-1-0101".parse().expect("code"),
            applicant: "业主".into(),
            phone: None,
            contractor: "装饰公司".into(),
            plan: "翻新".into(),
            shop: true,
            applied_at: T0,
            deposit_yuan: 2000,
        },
        vec![],
    );
    assert!(offered(&shop, HK).is_empty());
    assert_eq!(
        offered(&shop, StaffRole::Supervisor),
        ["review", "spot_check"]
    );
    // 004 §4.4.5: the plan is approved by the service center's head.
    let plan = made::<VisitPlan>(
        &VisitPlanHeader {
            area_id: "A1".into(),
            month: Month::at(T0),
            made_by: "hk".into(),
            made_at: T0,
            content: String::new(),
        },
        vec![],
    );
    assert_eq!(offered(&plan, HK), ["add"], "nothing planned to remove yet");
    assert_eq!(offered(&plan, StaffRole::Supervisor), ["add", "approve"]);
}
