//! Group complaints and major customer events, table-driven on the seed's figures.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::ticket::{ComplaintInfo, TicketAction};
use crate::rules::testing::{at, complaint, dispatch, wrap};

fn portfolio_of(records: &[(DocumentId, AnyRecord)]) -> Portfolio<'_> {
    Portfolio::new(records.iter().map(|(id, r)| (*id, r)))
}

fn complaints(list: &[(&str, u8, &str)]) -> Vec<(DocumentId, AnyRecord)> {
    wrap(
        list.iter()
            .map(|(topic, unit, when)| {
                AnyRecord::Ticket(Box::new(complaint(topic, *unit, when).record))
            })
            .collect(),
    )
}

#[test]
fn five_households_on_one_problem_at_the_same_time_are_a_group_complaint() {
    // "群体投诉：同时发生5户以上对同一问题的投诉事件" — 以上 includes 5.
    let check = |list: &[(&str, u8, &str)], expected: &[usize], why: &str| {
        let records = complaints(list);
        let groups = group_complaints(&portfolio_of(&records));
        let sizes: Vec<usize> = groups.iter().map(|g| g.households).collect();
        assert_eq!(sizes, expected, "{why}");
    };
    let lift = |unit: u8, when: &'static str| ("3号楼电梯停运", unit, when);
    check(
        &[
            lift(1, "2026-11-03 08:00"),
            lift(2, "2026-11-03 08:10"),
            lift(3, "2026-11-03 09:00"),
            lift(4, "2026-11-03 10:00"),
        ],
        &[],
        "four households are not a group",
    );
    check(
        &[
            lift(1, "2026-11-03 08:00"),
            lift(2, "2026-11-03 08:10"),
            lift(3, "2026-11-03 09:00"),
            lift(4, "2026-11-03 10:00"),
            lift(5, "2026-11-04 07:59"),
        ],
        &[5],
        "five households within 24 hours are",
    );
    check(
        &[
            lift(1, "2026-11-03 08:00"),
            lift(2, "2026-11-03 08:10"),
            lift(3, "2026-11-03 09:00"),
            lift(4, "2026-11-03 10:00"),
            lift(4, "2026-11-03 11:00"),
        ],
        &[],
        "five complaints from four households are not",
    );
    check(
        &[
            lift(1, "2026-11-03 08:00"),
            lift(2, "2026-11-03 08:10"),
            lift(3, "2026-11-03 09:00"),
            lift(4, "2026-11-03 10:00"),
            lift(5, "2026-11-04 08:01"),
        ],
        &[],
        "the fifth came more than 24 hours after the first",
    );
    check(
        &[
            lift(1, "2026-11-03 08:00"),
            ("3号楼 电梯停运", 2, "2026-11-03 08:10"),
            lift(3, "2026-11-03 09:00"),
            lift(4, "2026-11-03 10:00"),
            ("3号楼电梯异响", 5, "2026-11-03 10:30"),
        ],
        &[],
        "a different problem does not count; spacing does not make a different one",
    );
}

#[test]
fn each_member_of_a_group_is_major_and_a_customer_event() {
    let list: Vec<(&str, u8, &str)> = (1..=6).map(|u| ("停水", u, "2026-11-03 08:00")).collect();
    let records = complaints(&list);
    let p = portfolio_of(&records);
    let assessment = assess(&p, at("2026-11-03 09:00"));
    assert_eq!(assessment.reasons.len(), 6);
    assert!(
        assessment
            .reasons
            .values()
            .all(|r| r == &vec![MajorReason::GroupComplaint])
    );
    let events = major_events(&p, &assessment);
    assert_eq!(events.len(), 1, "one group, one event");
    assert_eq!((events[0].tickets.len(), events[0].needs_report), (6, true));
}

#[test]
fn compensation_of_5000_yuan_or_more_is_a_major_customer_event() {
    // "大额赔偿（赔偿金额为5000元以上）" — 以上 includes 5,000.
    let check = |yuan: u64, major: bool| {
        let t = complaint("", 1, "2026-11-03 08:00").act(
            TicketAction::Escalate {
                escalation: Escalation::Compensation,
                amount_yuan: Some(yuan),
            },
            "2026-11-03 09:00",
        );
        let records = wrap(vec![AnyRecord::Ticket(Box::new(t.record))]);
        let p = portfolio_of(&records);
        let events = major_events(&p, &assess(&p, at("2026-11-03 10:00")));
        assert_eq!(!events.is_empty(), major, "{yuan} yuan");
    };
    check(4_999, false);
    check(5_000, true);
    check(12_000, true);
}

#[test]
fn a_valid_complaint_unresolved_for_a_month_becomes_major() {
    // "有效投诉在一个月内得不到合理解决的".
    let valid = || {
        complaint("", 1, "2026-10-15 10:00").act(
            TicketAction::Classify {
                repair: None,
                complaint: Some(ComplaintInfo {
                    validity: Some(Validity::Valid),
                    ..ComplaintInfo::default()
                }),
            },
            "2026-10-15 11:00",
        )
    };
    let reasons_at = |t: &TicketRecord, now: &str| {
        let records = wrap(vec![AnyRecord::Ticket(Box::new(t.clone()))]);
        assess(&portfolio_of(&records), at(now))
            .reasons
            .into_values()
            .next()
            .unwrap_or_default()
    };
    let open = valid();
    assert_eq!(reasons_at(&open.record, "2026-11-15 09:59"), vec![]);
    assert_eq!(
        reasons_at(&open.record, "2026-11-15 10:00"),
        vec![MajorReason::UnresolvedMonth]
    );
    let done = valid().act(dispatch(), "2026-10-15 12:00").act(
        TicketAction::Complete { signature: None },
        "2026-11-10 12:00",
    );
    assert_eq!(
        reasons_at(&done.record, "2026-11-20 10:00"),
        vec![],
        "resolved within the month"
    );
    let invalid = complaint("", 1, "2026-10-15 10:00");
    assert_eq!(
        reasons_at(&invalid.record, "2026-12-20 10:00"),
        vec![],
        "validity not judged valid"
    );
}

#[test]
fn a_group_gets_one_agreed_answer_within_24_hours_of_its_fifth_household() {
    // "重大投诉及群诉 … 24小时内拟定统一口径及应对措施".
    let times = [
        "2026-11-01 12:00",
        "2026-11-02 07:00",
        "2026-11-02 08:00",
        "2026-11-02 09:00",
        "2026-11-02 10:00",
    ];
    let mut tickets: Vec<AnyRecord> = times
        .iter()
        .enumerate()
        .map(|(n, when)| AnyRecord::Ticket(Box::new(complaint("停电", n as u8 + 1, when).record)))
        .collect();
    // The answer is written once, on the last ticket.
    let mut answered = complaint("停电", 5, times[4]);
    let input = crate::records::journal::Input::act(TicketAction::Answer {})
        .with_note("统一口径：线路检修，16:00恢复");
    let record = answered
        .try_act(input, "2026-11-02 15:00")
        .expect("answers");
    tickets[4] = AnyRecord::Ticket(Box::new(record));
    let records = wrap(tickets);
    let p = portfolio_of(&records);
    let assessment = assess(&p, at("2026-11-02 16:00"));
    assert_eq!(assessment.groups.len(), 1);
    assert_eq!(
        assessment.groups[0].formed_at,
        at(times[4]),
        "the fifth household makes the group"
    );
    for (id, _) in &p.tickets {
        let major = assessment.majors[id];
        assert_eq!(
            major.since,
            at(times[4]),
            "the first complaint was not late before the group formed"
        );
        assert_eq!(
            major.answered_at,
            Some(at("2026-11-02 15:00")),
            "one answer serves the group"
        );
    }
}

#[test]
fn public_complaints_with_no_reporter_do_not_make_households() {
    use crate::records::ticket::{ComplaintInfo, Location};
    let public = |n: u8| {
        let mut b = complaint("电梯困人", n, "2026-11-03 08:00");
        b.record.header.location = Location::Public {
            place: "3号楼电梯".into(),
        };
        b.record.header.complaint = Some(ComplaintInfo {
            topic: "电梯困人".into(),
            ..ComplaintInfo::default()
        });
        AnyRecord::Ticket(Box::new(
            crate::rules::testing::Built::<crate::records::ticket::Ticket>::new(&b.record.header)
                .record,
        ))
    };
    let records = wrap((1..=6).map(public).collect());
    assert!(group_complaints(&portfolio_of(&records)).is_empty());
}
