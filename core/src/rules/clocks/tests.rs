//! A record's clocks, as its view shows them and due work lists them: one definition.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::content::ContentHash;
use crate::records::fees::{ContactMethod, FeeAccount, FeeAccountHeader, FeeAction, Promise};
use crate::records::rectification::{Rectification, RectificationAction, RectificationHeader};
use crate::records::renovation::{RenovationAction, RenovationChecks};
use crate::records::ticket::{Category, RepairScale, RepairScope, TicketAction};
use crate::rules::deadlines::Standing;
use crate::rules::due_work;
use crate::rules::testing::{
    Built, at, boxed, complaint, date, dispatch, ledger_holding, project, renovation, repair_info,
    ticket, wrap,
};

/// The clocks of the record at `position` as (clock, due, standing).
fn clocks_at(
    records: &[(DocumentId, AnyRecord)],
    position: usize,
    now: &str,
) -> Vec<(Clock, Option<i64>, Standing)> {
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    record_clocks(&p, records[position].0, at(now))
        .into_iter()
        .map(|d| (d.clock, d.due_at, d.standing))
        .collect()
}

fn due(records: &[(DocumentId, AnyRecord)], now: &str) -> crate::rules::DueWork {
    due_work(
        &Portfolio::new(records.iter().map(|(id, r)| (*id, r))),
        at(now),
    )
}

#[test]
fn a_ticket_runs_against_its_projects_calendar_and_its_group() {
    // 004 §4.4.2 "处理完成3个工作日内回访": completed on Friday the 20th, Monday the 23rd
    // a holiday, so Tuesday, Wednesday, Thursday.
    let general = repair_info(RepairScope::Household, RepairScale::General);
    let repaired = ticket(Category::Repair, Some(general), 9, "2026-11-20 09:00")
        .act(dispatch(), "2026-11-20 09:05")
        .act(
            TicketAction::Complete {
                signature: Some(ContentHash::of(b"sig")),
            },
            "2026-11-20 12:00",
        );
    // 004 §4.4.1: five households on one problem are a group complaint, answered within
    // 24 hours of the fifth.
    let mut records = vec![project(), boxed(repaired, AnyRecord::Ticket)];
    for n in 1..=5 {
        let when = format!("2026-11-20 1{n}:00");
        records.push(boxed(complaint("停电", n, &when), AnyRecord::Ticket));
    }
    let records = wrap(records);
    let now = "2026-11-24 10:00";
    let repair = clocks_at(&records, 1, now);
    assert_eq!(
        repair.last(),
        Some(&(
            Clock::Callback,
            Some(at("2026-11-27 00:00")),
            Standing::Pending
        )),
        "{repair:?}"
    );
    let listed = due(&records, now);
    assert_eq!(
        listed.callbacks[0].deadline.due_at,
        Some(at("2026-11-27 00:00")),
        "due work lists the same clock"
    );
    let member = clocks_at(&records, 2, now);
    assert!(
        member.contains(&(
            Clock::AgreedAnswer,
            Some(at("2026-11-21 15:00")),
            Standing::Overdue
        )),
        "{member:?}"
    );
    let mut overdue: Vec<Clock> = listed
        .overdue
        .iter()
        .filter(|d| d.ticket == records[2].0)
        .map(|d| d.deadline.clock)
        .collect();
    let mut in_view: Vec<Clock> = member
        .iter()
        .filter(|(_, _, s)| *s == Standing::Overdue)
        .map(|(c, _, _)| *c)
        .collect();
    // Due work lists them most overdue first; the view in the rules' order.
    overdue.sort_by_key(|c| c.as_str());
    in_view.sort_by_key(|c| c.as_str());
    assert_eq!(overdue, in_view, "the view's overdue clocks are due work's");
}

#[test]
fn a_renovation_shows_its_review_and_todays_patrol() {
    // 001 篇3: reviewed within 3 working days (the holiday skipped); 003: patrolled daily.
    let applied = renovation();
    let records = wrap(vec![project(), boxed(applied, AnyRecord::Renovation)]);
    assert_eq!(
        clocks_at(&records, 1, "2026-11-24 10:00"),
        [(
            Clock::RenovationReview,
            Some(at("2026-11-27 00:00")),
            Standing::Pending
        )]
    );
    assert_eq!(
        due(&records, "2026-11-24 10:00").renovation_reviews.len(),
        1
    );

    let patrol = RenovationAction::Patrol {
        checks: RenovationChecks::default(),
        stopped: false,
    };
    let permit = || {
        renovation()
            .act(
                RenovationAction::Review { approved: true },
                "2026-11-24 09:00",
            )
            .act(RenovationAction::pre_works_complete(), "2026-11-24 09:30")
            .act(
                RenovationAction::Permit {
                    number: "ZX-1".into(),
                },
                "2026-11-24 10:00",
            )
    };
    let permitted = permit();
    let patrolled = permit().act(patrol, "2026-11-25 08:30");
    let records = wrap(vec![
        project(),
        boxed(permitted, AnyRecord::Renovation),
        boxed(patrolled, AnyRecord::Renovation),
    ]);
    let now = "2026-11-25 09:00";
    let review = (
        Clock::RenovationReview,
        Some(at("2026-11-27 00:00")),
        Standing::MetOnTime,
    );
    let today = Some(at("2026-11-26 00:00"));
    // 003 G3: the file checked and the contractor briefed before the permit.
    let pre_works = (
        Clock::RenovationPreWorks,
        Some(at("2026-11-24 10:00")),
        Standing::MetOnTime,
    );
    assert_eq!(
        clocks_at(&records, 1, now),
        [
            review,
            pre_works,
            (Clock::RenovationPatrol, today, Standing::Pending)
        ]
    );
    assert_eq!(
        clocks_at(&records, 2, now),
        [
            review,
            pre_works,
            (Clock::RenovationPatrol, today, Standing::MetOnTime)
        ]
    );
    let listed = due(&records, now);
    assert!(listed.renovation_reviews.is_empty());
    let patrols: Vec<DocumentId> = listed
        .renovation_patrols
        .iter()
        .map(|d| d.renovation)
        .collect();
    assert_eq!(patrols, [records[1].0], "only the unpatrolled one");
}

#[test]
fn rectifications_promises_and_keys_show_their_clocks() {
    let item = |done: bool| {
        let b = Built::<Rectification>::new(&RectificationHeader {
            area_id: "A1".into(),
            meeting: "业主沟通会".into(),
            meeting_date: date("2026-11-01"),
            problem: "路灯不亮".into(),
            location: None,
            measure: "更换灯具".into(),
            expected: date("2026-11-20"),
            responsible: String::new(),
        });
        let b = if done {
            b.act(RectificationAction::Done {}, "2026-11-19 15:00")
        } else {
            b
        };
        boxed(b, AnyRecord::Rectification)
    };
    let promised = Built::<FeeAccount>::new(&FeeAccountHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([3; 16]),
        unit_code: "1-1-0003".parse().expect("code"),
        arrears_fen: 120_000,
        opened_at: at("2026-11-01 09:00"),
    })
    .act(
        FeeAction::Contact {
            method: ContactMethod::Phone,
            reached: true,
            promise: Some(Promise {
                amount_fen: 120_000,
                by: date("2026-11-25"),
            }),
        },
        "2026-11-10 10:00",
    );
    let ledger = ledger_holding(&["K1"], "2026-11-01 09:00");
    let records = wrap(vec![
        item(false),
        item(true),
        boxed(promised, AnyRecord::FeeAccount),
        boxed(ledger, AnyRecord::KeyLedger),
    ]);
    let now = "2026-11-24 10:00";
    let end = |d: &str| Some(at(&format!("{d} 00:00")));
    // 002: "预计完成时间".
    assert_eq!(
        clocks_at(&records, 0, now),
        [(Clock::Rectification, end("2026-11-21"), Standing::Overdue)]
    );
    assert_eq!(
        clocks_at(&records, 1, now),
        [(Clock::Rectification, end("2026-11-21"), Standing::MetOnTime)]
    );
    // 003 G8: the promised day; due work lists it only once it has come.
    assert_eq!(
        clocks_at(&records, 2, now),
        [(Clock::FeePromise, end("2026-11-26"), Standing::Pending)]
    );
    // 003 G9: counted every day.
    assert_eq!(
        clocks_at(&records, 3, now),
        [(Clock::KeyCount, end("2026-11-25"), Standing::Pending)]
    );
    let listed = due(&records, now);
    let rectifications: Vec<DocumentId> = listed.rectifications.iter().map(|d| d.record).collect();
    assert_eq!(rectifications, [records[0].0]);
    assert!(listed.fee_promises.is_empty(), "promised for tomorrow");
    assert_eq!(due(&records, "2026-11-25 10:00").fee_promises.len(), 1);
    assert_eq!(
        listed.key_count.map(|d| d.standing),
        Some(Standing::Pending)
    );
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let unknown = DocumentId::from_bytes([0xEE; 16]);
    assert!(
        record_clocks(&p, unknown, at(now)).is_empty(),
        "a record not held has no clocks"
    );
}
