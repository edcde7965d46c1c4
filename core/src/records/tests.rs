//! The rules each record kind enforces on its own, table-driven: a path of actions and
//! the refusal (or success) it must meet, each naming the seed it follows.

use chrono::NaiveDate;

use super::content::ContentHash;
use super::fees::{ContactMethod, FeeAccount, FeeAccountHeader, FeeAction, Promise};
use super::inspection::Condition;
use super::journal::Input;
use super::keys::{KeyAction, KeyLedger, KeyLedgerHeader};
use super::kind::{Kind, Record};
use super::patrol::{Patrol, PatrolAction, PatrolHeader};
use super::people::{Actor, StaffRole};
use super::rectification::{Rectification, RectificationAction, RectificationHeader};
use super::renovation::{
    AcceptanceResult, Renovation, RenovationAction, RenovationChecks, RenovationHeader,
};
use super::visit_plan::{VisitPlan, VisitPlanAction, VisitPlanHeader};
use crate::ids::DocumentId;

const T0: i64 = 1_792_000_000_000;

/// One step: the action, who takes it, with a note, with a photo.
type Step<A> = (A, StaffRole, &'static str, bool);

/// Plays `steps`; the last one must be refused with a message containing `refusal`, or
/// accepted when `refusal` is empty. Every step before it must be accepted.
fn check<K: Kind>(header: &K::Header, steps: &[Step<K::Action>], refusal: &str) {
    let mut doc = Record::<K>::new_doc(header).expect("valid header");
    for (i, (action, role, note, photo)) in steps.iter().enumerate() {
        let mut input = Input::act(action.clone()).with_note(*note);
        if *photo {
            input = input.with_photos(vec![ContentHash::of(b"evidence")]);
        }
        let result = Record::<K>::act(
            &mut doc,
            input,
            &Actor::new("u", *role),
            T0 + i as i64 * 3_600_000,
        );
        let last = i + 1 == steps.len();
        match (result, last && !refusal.is_empty()) {
            (Ok(_), false) => {}
            (Err(e), true) => assert!(
                e.to_string().contains(refusal),
                "{e} should mention {refusal}"
            ),
            (Ok(_), true) => panic!("{action:?} should be refused: {refusal}"),
            (Err(e), false) => panic!("step {i} {action:?} refused: {e}"),
        }
    }
}

use StaffRole::{Housekeeper as HK, Supervisor as SUP};

fn renovation(shop: bool) -> RenovationHeader {
    RenovationHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([1; 16]),
        unit_code: "1-1-1202".parse().expect("code"),
        applicant: "业主".into(),
        phone: None,
        contractor: "装饰公司".into(),
        plan: "翻新".into(),
        shop,
        applied_at: T0,
        deposit_yuan: 2000,
    }
}

fn violation() -> RenovationAction {
    RenovationAction::Patrol {
        checks: RenovationChecks {
            load_bearing: Condition::Abnormal,
            ..RenovationChecks::default()
        },
        stopped: true,
    }
}

#[test]
fn renovation_files_follow_the_procedure() {
    use RenovationAction::*;
    let home = renovation(false);
    let permitted: Vec<Step<RenovationAction>> = vec![
        (Review { approved: true }, HK, "", false),
        (
            Permit {
                number: "ZX-1".into(),
            },
            HK,
            "",
            false,
        ),
    ];
    let then = |mut more: Vec<Step<RenovationAction>>| {
        let mut steps = permitted.clone();
        steps.append(&mut more);
        steps
    };
    // 001 篇3 §2: "商铺装修备案申请由技术部负责审查".
    check::<Renovation>(
        &renovation(true),
        &[(Review { approved: true }, HK, "", false)],
        "技术部",
    );
    check::<Renovation>(
        &renovation(true),
        &[(Review { approved: true }, SUP, "", false)],
        "",
    );
    // §3: the permit only after approval.
    check::<Renovation>(
        &home,
        &[(
            Permit {
                number: "ZX-1".into(),
            },
            HK,
            "",
            false,
        )],
        "审核通过后",
    );
    // §4 and 003: a violation is stopped, evidenced and written down.
    check::<Renovation>(
        &home,
        &then(vec![(violation(), HK, "拆改承重墙", false)]),
        "拍照留证",
    );
    check::<Renovation>(&home, &then(vec![(violation(), HK, "", true)]), "写明情况");
    check::<Renovation>(
        &home,
        &then(vec![(violation(), HK, "拆改承重墙，已制止", true)]),
        "",
    );
    // §8–9: the deposit only after acceptance, minor faults put right first.
    let book = (
        BookAcceptance {
            date: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        },
        HK,
        "",
        false,
    );
    let minor_faults = (
        Accept {
            result: AcceptanceResult::MinorFaults,
        },
        HK,
        "",
        false,
    );
    let refund = (RefundDeposit { amount_yuan: 2000 }, HK, "", false);
    check::<Renovation>(&home, &then(vec![book.clone(), refund.clone()]), "验收合格");
    check::<Renovation>(
        &home,
        &then(vec![book.clone(), minor_faults.clone(), refund.clone()]),
        "整改完成",
    );
    check::<Renovation>(
        &home,
        &then(vec![
            book.clone(),
            minor_faults.clone(),
            (Rectified {}, HK, "", false),
            refund.clone(),
        ]),
        "",
    );
    // Structural damage goes to the authorities.
    check::<Renovation>(
        &home,
        &then(vec![
            book,
            (
                Accept {
                    result: AcceptanceResult::StructuralDamage,
                },
                HK,
                "",
                false,
            ),
            (ReportAuthority {}, SUP, "", false),
        ]),
        "",
    );
}

#[test]
fn keys_are_signed_for_and_a_loss_needs_the_project_manager() {
    use KeyAction::*;
    let header = KeyLedgerHeader {
        area_id: "A1".into(),
    };
    let sig = || ContentHash::of(b"signature");
    let receive = (
        Receive {
            label: "K1".into(),
            unit: None,
            unit_code: None,
            signature: sig(),
        },
        HK,
        "",
        false,
    );
    let borrow = (
        Borrow {
            label: "K1".into(),
            borrower: "刘师傅".into(),
            signature: sig(),
        },
        HK,
        "",
        false,
    );
    check::<KeyLedger>(
        &header,
        &[receive.clone(), borrow.clone(), borrow.clone()],
        "已借给刘师傅",
    );
    check::<KeyLedger>(
        &header,
        &[
            receive.clone(),
            (Return { label: "K1".into() }, HK, "", false),
        ],
        "不能这样操作",
    );
    // G9: "缺失钥匙是否履行审批手续 …（项目经理审批）".
    let lose = (Lose { label: "K1".into() }, HK, "", false);
    check::<KeyLedger>(
        &header,
        &[
            receive.clone(),
            lose.clone(),
            (ApproveLoss { label: "K1".into() }, HK, "", false),
        ],
        "项目经理",
    );
    check::<KeyLedger>(
        &header,
        &[
            receive.clone(),
            lose,
            (ApproveLoss { label: "K1".into() }, SUP, "", false),
        ],
        "",
    );
    check::<KeyLedger>(
        &header,
        &[(
            Borrow {
                label: "K9".into(),
                borrower: "x".into(),
                signature: sig(),
            },
            HK,
            "",
            false,
        )],
        "台账中没有",
    );
}

#[test]
fn visit_plans_are_approved_by_the_service_center_head_and_never_repeat() {
    use VisitPlanAction::*;
    let header = VisitPlanHeader {
        area_id: "A1".into(),
        month: "2026-12".parse().expect("month"),
        made_by: "hk".into(),
        made_at: T0,
        content: "告知供暖检修".into(),
    };
    let unit = DocumentId::from_bytes([3; 16]);
    // 004 §4.4.5 b 2: "经服务中心负责人审批后实施".
    check::<VisitPlan>(&header, &[(Approve {}, HK, "", false)], "负责人审批");
    check::<VisitPlan>(&header, &[(Approve {}, SUP, "", false)], "");
    // b 5: "拜访客户不重复".
    check::<VisitPlan>(
        &header,
        &[
            (Add { units: vec![unit] }, HK, "", false),
            (Add { units: vec![unit] }, HK, "", false),
        ],
        "不重复",
    );
}

#[test]
fn fee_contacts_log_promises_only_from_someone_reached() {
    let header = FeeAccountHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([3; 16]),
        unit_code: "1-1-101".parse().expect("code"),
        arrears_fen: 10_000,
        opened_at: T0,
    };
    let promise = Some(Promise {
        amount_fen: 5_000,
        by: NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
    });
    let contact = |reached| FeeAction::Contact {
        method: ContactMethod::Phone,
        reached,
        promise,
    };
    check::<FeeAccount>(&header, &[(contact(false), HK, "", false)], "未联系上");
    check::<FeeAccount>(
        &header,
        &[
            (contact(true), HK, "", false),
            (
                FeeAction::Payment {
                    amount_fen: 5_000,
                    receipt: "0456".into(),
                },
                HK,
                "",
                false,
            ),
        ],
        "",
    );
}

#[test]
fn rectification_items_say_why_they_move() {
    let header = RectificationHeader {
        area_id: "A1".into(),
        meeting: "业主沟通会".into(),
        meeting_date: NaiveDate::from_ymd_opt(2026, 10, 28).expect("date"),
        problem: "照明不足".into(),
        location: None,
        measure: "增设灯具".into(),
        expected: NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
        responsible: String::new(),
    };
    let later = RectificationAction::Reschedule {
        expected: NaiveDate::from_ymd_opt(2026, 12, 5).expect("date"),
    };
    check::<Rectification>(&header, &[(later.clone(), HK, "", false)], "原因");
    check::<Rectification>(
        &header,
        &[
            (later, HK, "灯具缺货", false),
            (RectificationAction::Done {}, HK, "", false),
        ],
        "",
    );
    check::<Rectification>(
        &header,
        &[
            (RectificationAction::Done {}, HK, "", false),
            (RectificationAction::Done {}, HK, "", false),
        ],
        "已完成",
    );
}

#[test]
fn patrol_checkpoints_are_scanned_until_the_round_ends() {
    let header = PatrolHeader {
        area_id: "A1".into(),
        date: NaiveDate::from_ymd_opt(2026, 10, 5).expect("date"),
        by: "hk".into(),
        started_at: T0,
    };
    let scan = |id: &str| {
        let action = PatrolAction::Checkpoint {
            checkpoint: id.into(),
            place: "1栋大堂".into(),
        };
        (action, HK, "", false)
    };
    let finish = (PatrolAction::Finish {}, HK, "", false);
    check::<Patrol>(&header, &[scan("A1/1/lobby"), scan("A1/1/lobby")], "");
    check::<Patrol>(&header, &[scan(" ")], "二维码");
    check::<Patrol>(
        &header,
        &[scan("A1/1/lobby"), finish, scan("A1/1/lift")],
        "巡视已结束",
    );
}

#[test]
fn actions_are_stored_flat_with_camel_case_fields() {
    use super::journal::Event;
    use super::ticket::{Escalation, TicketAction};
    let event = Event {
        id: super::journal::EventId("e1".into()),
        device: "d1".into(),
        seq: 1,
        seen: std::collections::BTreeMap::new(),
        at: T0,
        by: "u".into(),
        role: StaffRole::Office,
        note: String::new(),
        photos: Vec::new(),
        step: super::journal::Step::Act(TicketAction::Escalate {
            escalation: Escalation::Compensation,
            amount_yuan: Some(5000),
        }),
    };
    let value = event.to_value().expect("serializes");
    assert_eq!(
        value,
        serde_json::json!({"id": "e1", "device": "d1", "seq": 1, "at": T0, "by": "u", "role": "office", "type": "escalate",
            "escalation": "compensation", "amountYuan": 5000})
    );
}

#[test]
fn special_services_are_priced_approved_agreed_and_billed() {
    // 004 §4.4.3: a) "编制《特约服务项目及收费标准》……审批或备案……并将批准后的收费标准公示";
    // b) "服务过程需填报《服务需求单》，提前与客户确认服务方案与价格"; c) "每月……完成特约服务
    // 有偿服务项的账单制作并收款".
    use super::project::{Project, ProjectAction::*, ProjectHeader};
    use super::ticket::{Category, Ticket, TicketAction};
    let project = ProjectHeader {
        project_id: "P1".into(),
        name: "翠湖花园".into(),
        areas: vec!["A1".into()],
    };
    let price = |yuan: u64| {
        (
            Price {
                item: "室内保洁".into(),
                unit: "次".into(),
                price_fen: yuan * 100,
            },
            SUP,
            "",
            false,
        )
    };
    let approve = |reference: &str| {
        (
            ApprovePrice {
                item: "室内保洁".into(),
                reference: reference.into(),
            },
            SUP,
            "",
            false,
        )
    };
    check::<Project>(&project, &[price(120), approve("")], "文号");
    check::<Project>(
        &project,
        &[price(120), approve("备2026-1"), approve("备2026-2")],
        "没有待审批",
    );
    check::<Project>(&project, &[approve("备2026-1")], "没有“室内保洁”");

    // Only the approved price is published; a new price waits for its own approval.
    let mut doc = Record::<Project>::new_doc(&project).expect("header");
    let mut play = |action, at| {
        Record::<Project>::act(&mut doc, Input::act(action), &Actor::new("sup", SUP), at)
            .expect("accepted")
            .1
    };
    play(price(120).0, T0);
    assert!(
        play(approve("备2026-1").0, T0 + 1)
            .state
            .published_prices()
            .len()
            == 1
    );
    let repriced = play(price(150).0, T0 + 2);
    let published = repriced.state.published_prices();
    assert_eq!(
        published[0].price_fen, 12_000,
        "still the approved 120 yuan"
    );
    assert!(repriced.state.prices["室内保洁"].pending());
    let gone = play(
        WithdrawPrice {
            item: "室内保洁".into(),
        },
        T0 + 3,
    );
    assert!(gone.state.published_prices().is_empty());

    // The 服务需求单: a special service's, with a plan; collected up to its price.
    let header = |category| super::ticket::tests::header(category, None);
    let agree = |price_fen| {
        (
            TicketAction::Agree {
                item: "室内保洁".into(),
                price_fen,
                signature: ContentHash::of(b"customer"),
            },
            HK,
            "全屋保洁两人三小时",
            false,
        )
    };
    let collect = |amount_fen| (TicketAction::Collect { amount_fen }, HK, "", false);
    check::<Ticket>(
        &header(Category::Praise),
        &[agree(12_000)],
        "只用于特约服务",
    );
    let silent = (
        TicketAction::Agree {
            item: "室内保洁".into(),
            price_fen: 12_000,
            signature: ContentHash::of(b"customer"),
        },
        HK,
        "",
        false,
    );
    check::<Ticket>(&header(Category::SpecialService), &[silent], "服务方案");
    check::<Ticket>(
        &header(Category::SpecialService),
        &[collect(100)],
        "没有服务需求单",
    );
    check::<Ticket>(
        &header(Category::SpecialService),
        &[agree(12_000), collect(10_000), collect(2_001)],
        "超过约定价格 120.00 元",
    );
    check::<Ticket>(
        &header(Category::SpecialService),
        &[agree(12_000), collect(10_000), collect(2_000)],
        "",
    );
}

#[test]
fn a_reception_day_is_the_project_heads_and_a_mistaken_record_is_withdrawn_with_a_reason() {
    // 004 §4.3.5: "项目经理接待日 开展频次 1次/月".
    use super::engagement::{Engagement, EngagementAction, EngagementHeader, Host, Occasion};
    let header = |occasion, host_level| EngagementHeader {
        area_id: "A1".into(),
        occasion,
        held_at: T0,
        host: "王经理".into(),
        host_level,
        notes: String::new(),
    };
    let refused =
        Record::<Engagement>::new_doc(&header(Occasion::ReceptionDay, Host::DepartmentHead))
            .expect_err("a department head's reception day");
    assert!(refused.to_string().contains("项目负责人"), "{refused}");
    let withdraw = (EngagementAction::Withdraw {}, HK, "", false);
    let send_off = header(Occasion::SendOff, Host::DepartmentHead);
    check::<Engagement>(&send_off, std::slice::from_ref(&withdraw), "撤销原因");
    let with_reason = (EngagementAction::Withdraw {}, HK, "录入重复", false);
    check::<Engagement>(&send_off, &[with_reason.clone(), with_reason], "已撤销");
}
