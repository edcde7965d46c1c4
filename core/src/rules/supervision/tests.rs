//! The supervisor's weekly checks, each quoting seed 003.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::journal::Input;
use crate::records::keys::{KeyAction, KeyLedger};
use crate::records::kind::Record;
use crate::records::people::{Actor, StaffRole};
use crate::records::renovation::{Renovation, RenovationAction};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, keeper, ledger_holding, renovation, wrap};

fn wang() -> Actor {
    Actor::new("sup-wang", StaffRole::Supervisor)
}

fn count(l: &mut Built<KeyLedger>, who: &Actor, when: &str) {
    let input = Input::act(KeyAction::Count {
        present: vec!["K1".into()],
    });
    l.record = Record::<KeyLedger>::act(&mut l.doc, input, who, at(when))
        .expect("counted")
        .1;
}

fn spot(r: &mut Built<Renovation>, who: &Actor, when: &str) -> Result<(), String> {
    let input =
        Input::act(RenovationAction::SpotCheck { consistent: true }).with_note("记录与现场一致");
    Record::<Renovation>::act(&mut r.doc, input, who, at(when))
        .map(|(_, rec)| r.record = rec)
        .map_err(|e| e.to_string())
}

fn of(records: Vec<AnyRecord>) -> Vec<(crate::ids::DocumentId, AnyRecord)> {
    wrap(records)
}

#[test]
fn the_supervisor_counts_the_keys_against_the_ledger_each_week() {
    // 003 G9: "要求管理人员每日核对，主管每周抽台帐与实物相符".
    let mut ledger = ledger_holding(&["K1"], "2026-11-30 09:00");
    count(&mut ledger, &keeper(), "2026-12-01 09:00");
    let check = |l: &Built<KeyLedger>, now: &str| {
        let records = of(vec![AnyRecord::KeyLedger(Box::new(l.record.clone()))]);
        let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
        key_audit(&p, at(now)).expect("keys kept")
    };
    let d = check(&ledger, "2026-12-06 23:00");
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-12-07 00:00")), Standing::Pending),
        "the housekeeper's daily count is not the supervisor's; due by Sunday's end"
    );
    count(&mut ledger, &wang(), "2026-12-03 15:00");
    assert_eq!(
        check(&ledger, "2026-12-04 09:00").standing,
        Standing::MetOnTime
    );
    assert_eq!(
        check(&ledger, "2026-12-08 09:00").standing,
        Standing::Pending,
        "a new week wants its own check"
    );
    let none: Portfolio<'_> = Portfolio::default();
    assert_eq!(key_audit(&none, at("2026-12-04 09:00")), None);
}

#[test]
fn the_supervisor_spot_checks_renovation_files_twice_a_week() {
    // 003 G3: "装修记录表是否更新（与记录对比抽查，每周两次）".
    let permitted = || {
        renovation()
            .act(
                RenovationAction::Review { approved: true },
                "2026-11-20 17:00",
            )
            .act(
                RenovationAction::Permit {
                    number: "ZX-1".into(),
                },
                "2026-11-21 09:00",
            )
    };
    let mut r = permitted();
    assert!(
        spot(&mut r, &keeper(), "2026-12-01 10:00")
            .unwrap_err()
            .contains("客服主管")
    );
    let check = |r: &Built<Renovation>, now: &str| {
        let records = of(vec![AnyRecord::Renovation(Box::new(r.record.clone()))]);
        let p = Portfolio::new(records.iter().map(|(id, rec)| (*id, rec)));
        renovation_spot_checks(&p, at(now)).expect("works under way")
    };
    spot(&mut r, &wang(), "2026-12-01 10:00").expect("checked");
    assert_eq!(
        check(&r, "2026-12-03 10:00").standing,
        Standing::Pending,
        "one of two"
    );
    spot(&mut r, &wang(), "2026-12-04 10:00").expect("checked");
    let d = check(&r, "2026-12-05 10:00");
    assert_eq!(
        (d.standing, d.met_at),
        (Standing::MetOnTime, Some(at("2026-12-04 10:00")))
    );
    let applied = renovation();
    let records = of(vec![AnyRecord::Renovation(Box::new(applied.record))]);
    let p = Portfolio::new(records.iter().map(|(id, rec)| (*id, rec)));
    assert_eq!(
        renovation_spot_checks(&p, at("2026-12-05 10:00")),
        None,
        "nothing under construction"
    );
}
