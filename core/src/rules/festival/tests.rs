//! The Spring Festival visits, quoting seed 003 Z8.

use super::*;
use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::unit::{Unit, UnitAction, UnitHeader, UnitStatus};
use crate::records::visit::{Visit, VisitHeader, VisitMethod};
use crate::rules::deadlines::Standing;
use crate::rules::testing::{Built, at, date, keeper};

fn key_customer(n: u8) -> (DocumentId, AnyRecord) {
    let header = UnitHeader::new(
        format!("1-1-{n:04}").parse().expect("code"),
        "A1",
        UnitStatus::Occupied,
    );
    let mut b = Built::<Unit>::new(&header);
    b.record = b
        .try_act(
            crate::records::Input::act(UnitAction::KeyCustomer { key: true }),
            "2026-10-01 09:00",
        )
        .expect("key customer");
    (
        DocumentId::from_bytes([n; 16]),
        AnyRecord::Unit(Box::new(b.record)),
    )
}

fn visit(n: u8, when: &str) -> (DocumentId, AnyRecord) {
    let header = VisitHeader {
        area_id: "A1".into(),
        unit: DocumentId::from_bytes([n; 16]),
        unit_code: format!("1-1-{n:04}").parse().expect("code"),
        method: VisitMethod::Door,
        visited_at: at(when),
        by: keeper().user,
        person: "业主".into(),
        notes: "春节慰问".into(),
        satisfaction: None,
    };
    (
        DocumentId::from_bytes([100 + n; 16]),
        AnyRecord::Visit(Box::new(Built::<Visit>::new(&header).record)),
    )
}

fn due(records: &[(DocumentId, AnyRecord)], now: &str) -> Option<FestivalVisits> {
    festival_visits(
        &Portfolio::new(records.iter().map(|(id, r)| (*id, r))),
        at(now),
    )
}

#[test]
fn every_key_customer_is_visited_over_the_spring_festival() {
    // 003 Z8: "春节期间是否对重点客户进行走访". 2027's New Year's Day is 6 February: the
    // period runs from 30 January to the Lantern Festival on 20 February.
    assert_eq!(
        festival_period(2027),
        Some((date("2027-01-30"), date("2027-02-20")))
    );
    assert_eq!(festival_period(2099), None, "no date, no clock");
    let mut records = vec![
        key_customer(1),
        key_customer(2),
        visit(1, "2027-01-20 10:00"),
    ];
    assert!(
        due(&records, "2026-12-05 09:00").is_none(),
        "too early to show"
    );
    let owed = due(&records, "2027-01-20 12:00").expect("shown two weeks ahead");
    assert_eq!(
        owed.to_visit.len(),
        2,
        "a visit before the period does not count"
    );
    assert_eq!(owed.deadline.due_at, Some(at("2027-02-21 00:00")));
    records.push(visit(1, "2027-02-01 10:00"));
    records.push(visit(2, "2027-02-08 15:00"));
    let done = due(&records, "2027-02-10 09:00").expect("during the period");
    assert_eq!(
        (done.to_visit.len(), done.deadline.standing),
        (0, Standing::MetOnTime)
    );
    assert!(due(&records, "2027-02-22 09:00").is_none(), "met and over");
    records.pop();
    let late = due(&records, "2027-02-25 09:00").expect("a week past, still owed");
    assert_eq!(late.deadline.standing, Standing::Overdue);
    assert!(due(&records, "2027-03-01 09:00").is_none());
}
