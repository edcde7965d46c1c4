//! Fee collection, each case quoting seed 003 G8.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::fee_plan::{FeePlan, FeePlanAction, FeePlanHeader};
use crate::records::fees::{FeeAccount, FeeAccountHeader, FeeAction};
use crate::records::journal::Input;
use crate::records::kind::Record;
use crate::records::people::{Actor, StaffRole};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, boxed, keeper, wrap};

fn wang() -> Actor {
    Actor::new("sup-wang", StaffRole::Supervisor)
}

fn november() -> Month {
    "2026-11".parse().expect("month")
}

fn account(code: &str, arrears_fen: u64) -> Built<FeeAccount> {
    Built::new(&FeeAccountHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([code.len() as u8; 16]),
        unit_code: code.parse().expect("code"),
        arrears_fen,
        opened_at: at("2026-10-01 09:00"),
    })
}

fn pay(fen: u64, receipt: &str) -> FeeAction {
    FeeAction::Payment {
        amount_fen: fen,
        receipt: receipt.into(),
    }
}

/// An act on a plan: what, by whom, the note, when.
type Act<'a> = (FeePlanAction, &'a Actor, &'a str, &'a str);

fn plan(acts: &[Act<'_>]) -> Result<Built<FeePlan>, String> {
    let mut b = Built::<FeePlan>::new(&FeePlanHeader {
        area_id: "A1".into(),
        month: november(),
    });
    for (action, who, note, when) in acts {
        let input = Input::act(action.clone()).with_note(*note);
        b.record = Record::<FeePlan>::act(&mut b.doc, input, who, at(when))
            .map_err(|e| e.to_string())?
            .1;
    }
    Ok(b)
}

fn target(yuan: u64) -> FeePlanAction {
    FeePlanAction::Target {
        amount_fen: yuan * 100,
        households: 40,
    }
}

#[test]
fn the_supervisor_sets_the_target_and_reviews_it_no_one_else() {
    // "月初制定收费计划，指标分解" and "是否与个人绩效考核" are the supervisor's.
    let (wang, keeper) = (&wang(), &keeper());
    let cases: &[(&str, Vec<Act<'_>>, &str)] = &[
        (
            "a housekeeper cannot set their own target",
            vec![(target(50_000), keeper, "", "2026-11-02 09:00")],
            "由主管下达",
        ),
        (
            "no review before a target",
            vec![(FeePlanAction::Assess {}, wang, "好", "2026-11-02 09:00")],
            "尚未下达指标",
        ),
        (
            "a review says what was found",
            vec![
                (target(50_000), wang, "", "2026-11-02 09:00"),
                (FeePlanAction::Assess {}, wang, " ", "2026-11-29 09:00"),
            ],
            "考核意见",
        ),
        (
            "a target is more than nothing",
            vec![(target(0), wang, "", "2026-11-02 09:00")],
            "须大于0",
        ),
        (
            "set, revised and reviewed",
            vec![
                (target(50_000), wang, "", "2026-11-02 09:00"),
                (target(45_000), wang, "", "2026-11-10 09:00"),
                (
                    FeePlanAction::Assess {},
                    wang,
                    "完成92%",
                    "2026-11-29 09:00",
                ),
            ],
            "",
        ),
    ];
    for (why, acts, refused) in cases {
        let got = plan(acts);
        match (refused.is_empty(), got) {
            (true, Ok(b)) => {
                let s = &b.record.state;
                assert_eq!(s.target.map(|t| t.amount_fen), Some(4_500_000), "{why}");
                assert_eq!(s.set_at, Some(at("2026-11-02 09:00")), "{why}: first set");
                assert_eq!(s.reviewed_at, Some(at("2026-11-29 09:00")), "{why}");
            }
            (false, Err(e)) => assert!(e.contains(refused), "{why}: {e}"),
            (_, got) => panic!("{why}: {:?}", got.map(|b| b.record.state)),
        }
    }
}

#[test]
fn a_ledger_bills_takes_payments_with_receipts_and_refuses_a_month_twice() {
    let a = account("1-1-101", 10_000)
        .act(
            FeeAction::Bill {
                month: november(),
                amount_fen: 35_640,
            },
            "2026-11-01 08:00",
        )
        .act(pay(20_000, "No.0456"), "2026-11-03 10:00");
    let s = &a.record.state;
    assert_eq!(
        (s.billed_fen, s.paid_fen, s.outstanding_fen),
        (35_640, 20_000, 25_640)
    );
    assert_eq!(s.payments[0].receipt, "No.0456");
    let mut again = a;
    let refused = again.try_act(
        Input::act(FeeAction::Bill {
            month: november(),
            amount_fen: 1,
        }),
        "2026-11-04 08:00",
    );
    assert!(refused.is_err_and(|e| e.contains("已出账")));
}

#[test]
fn the_month_is_counted_against_its_target_with_every_area_clock() {
    let paid = account("1-1-101", 0)
        .act(
            FeeAction::Bill {
                month: november(),
                amount_fen: 30_000,
            },
            "2026-11-01 08:00",
        )
        .act(pay(30_000, "A1"), "2026-11-03 10:00");
    let owing = account("1-1-1201", 50_000)
        .act(pay(10_000, "A2"), "2026-10-28 10:00")
        .act(
            FeeAction::Contact {
                method: ContactMethod::Door,
                reached: true,
                promise: None,
            },
            "2026-11-05 19:00",
        );
    let silent = account("2-1-1502", 20_000);
    let plan = plan(&[(target(1_000), &wang(), "", "2026-11-06 09:00")]).expect("plan");
    let records = wrap(vec![
        boxed(paid, AnyRecord::FeeAccount),
        boxed(owing, AnyRecord::FeeAccount),
        boxed(silent, AnyRecord::FeeAccount),
        boxed(plan, AnyRecord::FeePlan),
    ]);
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let c = fee_collection(
        &p,
        &Scope::everything("翠湖"),
        november(),
        at("2026-12-01 09:00"),
    );
    let a = &c.areas[0];
    assert_eq!(
        (a.collected_fen, a.households_paid),
        (30_000, 1),
        "October's payment is not November's"
    );
    assert_eq!(a.target.map(|t| t.amount_fen), Some(100_000));
    assert_eq!(
        (
            a.households_in_arrears,
            a.arrears_contacted,
            a.outstanding_fen
        ),
        (2, 1, 60_000)
    );
    assert_eq!(
        a.plan_deadline.standing,
        Standing::MetLate,
        "月初: made on the 6th is late"
    );
    assert_eq!(a.plan_deadline.due_at, Some(at("2026-11-06 00:00")));
    assert_eq!(
        (a.review_deadline.due_at, a.review_deadline.standing),
        (Some(at("2026-12-01 00:00")), Standing::Overdue),
        "每月30日前: November has 30 days"
    );
    assert_eq!(
        c.ledger
            .iter()
            .map(|l| l.unit_code.as_str())
            .collect::<Vec<_>>(),
        ["1-1-1201", "2-1-1502", "1-1-101"],
        "most owed first"
    );
    // The supervisor's due work: the plan was made, the review not yet.
    let checks = fee_checks(&p, at("2026-11-20 09:00"));
    let standing: Vec<_> = checks.iter().map(|d| (d.clock, d.standing)).collect();
    assert_eq!(
        standing,
        [
            (Clock::FeePlan, Standing::MetLate),
            (Clock::FeeReview, Standing::Pending)
        ]
    );
}

#[test]
fn february_reviews_by_its_last_day() {
    let feb: Month = "2027-02".parse().expect("month");
    let d = review_deadline(None, feb, at("2027-02-01 09:00"));
    assert_eq!(d.due_at, Some(at("2027-03-01 00:00")));
}

#[test]
fn the_weekly_check_lists_every_household_whose_totals_differ() {
    // "关注客服台账与出纳台账一致性（每周）".
    let paid = |unit: &str, fen: u64, receipt: &str| Paid {
        unit_code: unit.into(),
        amount_fen: fen,
        receipt: receipt.into(),
    };
    let service = [
        paid("1-1-101", 30_000, "0456"),
        paid("1-1-102", 10_000, "0457"),
        paid("1-1-102", 5_000, "0458"),
        paid("1-1-103", 8_000, "0459"),
    ];
    let cashier = [
        paid("1-1-101", 30_000, "0456"),
        paid("1-1-102", 15_000, "0457"),
        paid("1-1-103", 6_000, "0459"),
        paid("1-1-104", 2_000, "0460"),
    ];
    let diff = compare_ledgers(&service, &cashier);
    let got: Vec<_> = diff
        .iter()
        .map(|d| (d.unit_code.as_str(), d.service_fen, d.cashier_fen))
        .collect();
    assert_eq!(
        got,
        [("1-1-103", 8_000, 6_000), ("1-1-104", 0, 2_000)],
        "equal totals agree however they were split"
    );
    assert_eq!(diff[1].cashier_receipts, ["0460"]);
}

#[test]
fn amounts_read_as_cashiers_write_them() {
    let cases: &[(&str, Result<u64, &str>)] = &[
        ("1782", Ok(178_200)),
        ("1,782.50", Ok(178_250)),
        ("¥356.4", Ok(35_640)),
        ("12元", Ok(1_200)),
        ("300.00", Ok(30_000)),
        ("3.141", Err("不是")),
        ("-5", Err("不是")),
        ("", Err("不是")),
        ("99999999999999999999", Err("太大")),
    ];
    for (text, want) in cases {
        match (parse_yuan(text), want) {
            (Ok(got), Ok(want)) => assert_eq!(got, *want, "{text}"),
            (Err(e), Err(want)) => assert!(e.contains(want), "{text}: {e}"),
            (got, want) => panic!("{text}: {got:?} against {want:?}"),
        }
    }
}
