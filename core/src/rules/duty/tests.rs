//! Shifts, handovers and checks, each case quoting seed 003 G7.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::duty::{DutyAction, DutyHeader, DutyLog};
use crate::records::journal::Input;
use crate::records::people::{Actor, StaffRole};
use crate::records::ticket::{Category, TicketAction};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, date, dispatch, repair_info, ticket, wrap};

fn night(on: &str) -> Built<DutyLog> {
    Built::new(&DutyHeader {
        area_id: "A1".into(),
        date: date(on),
        shift: Shift::Night,
        on_duty: "hk-zhang".into(),
    })
}

fn act(
    log: &mut Built<DutyLog>,
    action: DutyAction,
    note: &str,
    who: &Actor,
    when: &str,
) -> Result<(), String> {
    Record::<DutyLog>::act(
        &mut log.doc,
        Input::act(action).with_note(note),
        who,
        at(when),
    )
    .map(|(_, r)| log.record = r)
    .map_err(|e| e.to_string())
}

use crate::records::kind::Record;

fn zhang() -> Actor {
    Actor::new("hk-zhang", StaffRole::Housekeeper)
}

fn li() -> Actor {
    Actor::new("hk-li", StaffRole::Housekeeper)
}

fn wang() -> Actor {
    Actor::new("sup-wang", StaffRole::Supervisor)
}

fn repair(unit: u8, when: &str) -> Built<crate::records::ticket::Ticket> {
    use crate::records::ticket::{RepairScale, RepairScope};
    ticket(
        Category::Repair,
        Some(repair_info(RepairScope::Public, RepairScale::General)),
        unit,
        when,
    )
}

#[test]
fn the_nights_unfinished_tickets_are_handed_to_the_morning() {
    // 003 G7: "夜间未处理完成的信息是否转出".
    let leak = repair(1, "2026-11-03 22:10").act(dispatch(), "2026-11-03 22:15");
    let lamp = repair(2, "2026-11-04 06:30");
    let done = repair(3, "2026-11-03 19:00")
        .act(dispatch(), "2026-11-03 19:05")
        .act(
            TicketAction::Complete { signature: None },
            "2026-11-03 21:00",
        );
    let before = repair(4, "2026-11-03 17:59");
    let mut log = night("2026-11-03");
    let records = |log: &Built<DutyLog>| {
        wrap(vec![
            AnyRecord::DutyLog(Box::new(log.record.clone())),
            AnyRecord::Ticket(Box::new(leak.record.clone())),
            AnyRecord::Ticket(Box::new(lamp.record.clone())),
            AnyRecord::Ticket(Box::new(done.record.clone())),
            AnyRecord::Ticket(Box::new(before.record.clone())),
        ])
    };
    let check = |records: &[(DocumentId, AnyRecord)], now: &str| {
        let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
        let (id, log) = p.duty_logs[0];
        handover_check(&p, id, log, at(now))
    };
    let held = records(&log);
    let owed = check(&held, "2026-11-04 07:00");
    let owed_ids: Vec<DocumentId> = owed.owed.iter().map(|o| o.ticket).collect();
    assert_eq!(
        owed_ids,
        [held[1].0, held[2].0],
        "registered 18:00–08:00 and not done: not the one done at 21:00, not the one from 17:59"
    );
    assert_eq!(owed.deadline.due_at, Some(at("2026-11-04 08:30")));
    assert_eq!(
        check(&held, "2026-11-04 08:31").deadline.standing,
        Standing::Overdue
    );

    // The leak is handed on, the lamp is forgotten: dropped.
    act(
        &mut log,
        DutyAction::Log {},
        "",
        &zhang(),
        "2026-11-03 23:00",
    )
    .expect_err("a log says what happened");
    act(
        &mut log,
        DutyAction::Log {},
        "22:10 3号楼漏水，已派工程值班",
        &zhang(),
        "2026-11-03 23:00",
    )
    .expect("logged");
    act(
        &mut log,
        DutyAction::HandOver {
            to: "hk-li".into(),
            tickets: vec![held[1].0],
            items: vec!["对讲机2部".into(), "钥匙柜钥匙".into()],
        },
        "",
        &zhang(),
        "2026-11-04 08:00",
    )
    .expect("handed over");
    let handed = check(&records(&log), "2026-11-04 09:00");
    assert_eq!(handed.deadline.standing, Standing::MetOnTime);
    assert_eq!(
        handed.dropped.iter().map(|o| o.ticket).collect::<Vec<_>>(),
        [held[2].0]
    );

    // 003 G7: "交接物品有无缺失" — the morning names what is missing, and only from the list.
    assert!(
        act(
            &mut log,
            DutyAction::TakeOver { missing: vec![] },
            "",
            &zhang(),
            "2026-11-04 08:05"
        )
        .unwrap_err()
        .contains("下一班")
    );
    assert!(
        act(
            &mut log,
            DutyAction::TakeOver {
                missing: vec!["手电".into()]
            },
            "",
            &li(),
            "2026-11-04 08:05"
        )
        .unwrap_err()
        .contains("不在交接物品中")
    );
    act(
        &mut log,
        DutyAction::TakeOver {
            missing: vec!["对讲机2部".into()],
        },
        "",
        &li(),
        "2026-11-04 08:05",
    )
    .expect("taken over");
    assert_eq!(
        check(&records(&log), "2026-11-04 09:00").missing,
        ["对讲机2部"]
    );
}

#[test]
fn the_supervisor_checks_the_logs_at_least_twice_a_month() {
    // 003 G7: "值班记录是否完整，交接物品有无缺失（每月不少于两次）".
    let mut first = night("2026-11-03");
    let mut second = night("2026-11-10");
    assert!(
        act(
            &mut first,
            DutyAction::Check { complete: true },
            "",
            &zhang(),
            "2026-11-04 10:00"
        )
        .unwrap_err()
        .contains("客服主管")
    );
    act(
        &mut first,
        DutyAction::Check { complete: true },
        "记录完整",
        &wang(),
        "2026-11-04 10:00",
    )
    .expect("checked");
    let month: Month = "2026-11".parse().expect("month");
    let due = |logs: &[&Built<DutyLog>], now: &str| {
        let records = wrap(
            logs.iter()
                .map(|l| AnyRecord::DutyLog(Box::new(l.record.clone())))
                .collect(),
        );
        let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
        duty_checks(&p, month, at(now)).expect("logs kept")
    };
    assert_eq!(
        due(&[&first, &second], "2026-11-20 10:00").standing,
        Standing::Pending,
        "one of two"
    );
    assert_eq!(
        due(&[&first, &second], "2026-12-01 00:01").standing,
        Standing::Overdue
    );
    act(
        &mut second,
        DutyAction::Check { complete: false },
        "缺交接签名",
        &wang(),
        "2026-11-11 10:00",
    )
    .expect("checked");
    let met = due(&[&first, &second], "2026-11-20 10:00");
    assert_eq!(
        (met.standing, met.met_at),
        (Standing::MetOnTime, Some(at("2026-11-11 10:00")))
    );
    let none: Portfolio<'_> = Portfolio::default();
    assert_eq!(
        duty_checks(&none, month, at("2026-11-20 10:00")),
        None,
        "no logs kept: nothing due"
    );
}
