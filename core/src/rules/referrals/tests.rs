//! Reporting complaints up, table-driven; each case quotes the seed it checks.

use super::*;
use crate::ids::DocumentId;
use crate::records::any::AnyRecord;
use crate::records::journal::Input;
use crate::records::ticket::{ComplaintInfo, Satisfaction, Ticket, TicketAction, TicketHeader};
use crate::rules::clocks::ticket_clocks;
use crate::rules::complaints::assess;
use crate::rules::deadlines::Standing;
use crate::rules::portfolio::Portfolio;
use crate::rules::testing::{Built, at, complaint, ticket, wrap};

fn refer(to: Referee) -> Input<TicketAction> {
    Input::act(TicketAction::Refer { to }).with_note("已电话报告")
}

fn acted(mut b: Built<Ticket>, input: Input<TicketAction>, when: &str) -> Built<Ticket> {
    act_on(&mut b, input, when);
    b
}

fn act_on(b: &mut Built<Ticket>, input: Input<TicketAction>, when: &str) {
    b.record = b.try_act(input, when).expect("accepted");
}

/// The ticket's clock `which` at `now`, judged over `others` too.
fn clock_of(
    t: &Built<Ticket>,
    others: &[Built<Ticket>],
    which: Clock,
    now: &str,
) -> Option<(Option<i64>, Standing)> {
    let mut all = vec![AnyRecord::Ticket(Box::new(t.record.clone()))];
    all.extend(
        others
            .iter()
            .map(|o| AnyRecord::Ticket(Box::new(o.record.clone()))),
    );
    let records = wrap(all);
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let id: DocumentId = records[0].0;
    ticket_clocks(&p, &t.record, assess(&p, at(now)).of(id), at(now))
        .into_iter()
        .find(|d| d.clock == which)
        .map(|d| (d.due_at, d.standing))
}

#[test]
fn a_general_complaint_is_reported_to_the_project_head_the_same_day() {
    // 004 §4.4.1 c: "服务中心受理的一般客户投诉信息……及时上报项目负责人".
    let c = || ticket(Category::Complaint, None, 1, "2026-11-03 14:00");
    assert_eq!(
        clock_of(&c(), &[], Clock::ReferHead, "2026-11-03 23:00"),
        Some((Some(at("2026-11-04 00:00")), Standing::Pending)),
        "due by the end of the service day"
    );
    assert_eq!(
        clock_of(&c(), &[], Clock::ReferHead, "2026-11-04 00:01").map(|c| c.1),
        Some(Standing::Overdue)
    );
    let told = acted(c(), refer(Referee::ProjectHead), "2026-11-03 15:00");
    assert_eq!(
        clock_of(&told, &[], Clock::ReferHead, "2026-11-05 09:00").map(|c| c.1),
        Some(Standing::MetOnTime)
    );
    // Told someone else: still owed.
    let elsewhere = acted(c(), refer(Referee::Hotline400), "2026-11-03 15:00");
    assert_eq!(
        clock_of(&elsewhere, &[], Clock::ReferHead, "2026-11-04 09:00").map(|c| c.1),
        Some(Standing::Overdue)
    );
    // A note is what was reported: a referral with none is refused.
    let mut silent = c();
    let refused = silent
        .try_act(
            Input::act(TicketAction::Refer {
                to: Referee::ProjectHead,
            }),
            "2026-11-03 15:00",
        )
        .unwrap_err();
    assert!(refused.contains("上报的内容"), "{refused}");
    // A repair is not a complaint: no such clock.
    let repair = ticket(
        Category::Repair,
        Some(crate::rules::testing::repair_info(
            crate::records::ticket::RepairScope::Public,
            crate::records::ticket::RepairScale::General,
        )),
        1,
        "2026-11-03 14:00",
    );
    assert_eq!(
        clock_of(&repair, &[], Clock::ReferHead, "2026-11-04 09:00"),
        None
    );
}

#[test]
fn a_major_complaint_gets_a_handling_team_with_one_spokesperson_within_24_hours() {
    // 004 §4.4.1 c: "重大投诉及群诉应……成立处理小组……24小时内拟定统一口径及应对措施，并指定
    // 专人对客户投诉进行回复". Five households on one problem: a group, one team for all.
    let mut homes: Vec<Built<Ticket>> = (1..=5)
        .map(|unit| {
            complaint(
                "3号楼电梯停运",
                unit,
                &format!("2026-11-03 0{}:00", 7 + unit),
            )
        })
        .collect();
    let first = &homes.remove(0);
    let others = &mut homes;
    assert_eq!(
        clock_of(first, others, Clock::HandlingTeam, "2026-11-04 12:00"),
        Some((Some(at("2026-11-04 12:00")), Standing::Pending)),
        "24 hours after the fifth household at 12:00"
    );
    assert_eq!(
        clock_of(first, others, Clock::ReferHead, "2026-11-04 12:00"),
        None,
        "a major complaint has a team rather than a report to the head"
    );
    let no_one = others[3].try_act(
        Input::act(TicketAction::Team {
            spokesperson: " ".into(),
            members: String::new(),
        }),
        "2026-11-03 13:00",
    );
    assert!(no_one.unwrap_err().contains("专人"));
    act_on(
        &mut others[3],
        Input::act(TicketAction::Team {
            spokesperson: "sup-wang".into(),
            members: "工程部、客服组".into(),
        }),
        "2026-11-03 13:00",
    );
    assert_eq!(
        clock_of(first, others, Clock::HandlingTeam, "2026-11-04 13:00").map(|c| c.1),
        Some(Standing::MetOnTime),
        "the team formed on another ticket of the group serves this one"
    );
}

#[test]
fn three_households_on_one_problem_are_an_early_warning_to_the_project_head() {
    // 003 G5: "定期梳理投诉风险点，存在群诉风险预警（存在风险第一时间告知项目经理）".
    let mut others: Vec<Built<Ticket>> = (1..=3)
        .map(|unit| complaint("地库积水", unit, &format!("2026-11-03 0{}:00", 7 + unit)))
        .collect();
    let first = &others.remove(0);
    let others = &mut others;
    assert_eq!(
        clock_of(first, &others[..1], Clock::GroupWarning, "2026-11-03 12:00"),
        None,
        "two households are no warning"
    );
    assert_eq!(
        clock_of(first, others, Clock::GroupWarning, "2026-11-03 11:01"),
        Some((Some(at("2026-11-03 11:00")), Standing::Overdue)),
        "the third household at 10:00: the project head told within the hour"
    );
    act_on(
        &mut others[1],
        refer(Referee::ProjectHead),
        "2026-11-03 10:20",
    );
    assert_eq!(
        clock_of(first, others, Clock::GroupWarning, "2026-11-03 12:00").map(|c| c.1),
        Some(Standing::MetOnTime),
        "told on any ticket of the three"
    );
}

#[test]
fn compensation_of_any_amount_and_complaints_against_the_director_go_to_the_leadership() {
    // 000: "凡涉及经济赔偿/补偿、针对管理处主任的投诉，应上报公司领导解决".
    let small = acted(
        ticket(Category::Complaint, None, 1, "2026-11-03 09:00"),
        Input::act(TicketAction::Escalate {
            escalation: Escalation::Compensation,
            amount_yuan: Some(200),
        }),
        "2026-11-03 10:00",
    );
    assert_eq!(
        clock_of(&small, &[], Clock::ReferLeadership, "2026-11-03 12:00"),
        Some((Some(at("2026-11-04 00:00")), Standing::Pending)),
        "200 yuan is no customer event, but still the leadership's"
    );
    let mut header: TicketHeader = ticket(Category::Complaint, None, 2, "2026-11-03 09:00")
        .record
        .header;
    header.complaint = Some(ComplaintInfo {
        against_head: true,
        ..ComplaintInfo::default()
    });
    let director = Built::<Ticket>::new(&header);
    assert_eq!(
        clock_of(&director, &[], Clock::ReferLeadership, "2026-11-04 09:00").map(|c| c.1),
        Some(Standing::Overdue)
    );
    let told = acted(
        director,
        refer(Referee::CompanyLeadership),
        "2026-11-04 09:30",
    );
    assert_eq!(
        clock_of(&told, &[], Clock::ReferLeadership, "2026-11-04 10:00").map(|c| c.1),
        Some(Standing::MetLate)
    );
    let plain = ticket(Category::Complaint, None, 3, "2026-11-03 09:00");
    assert_eq!(
        clock_of(&plain, &[], Clock::ReferLeadership, "2026-11-04 09:00"),
        None
    );
}

#[test]
fn a_complaint_from_the_400_line_is_called_back_again_by_the_company_then_fed_back() {
    // 004 §4.4.1 c: "400受理的客户投诉还需公司运营管理部/客户服务组再次回访客户后再向400反馈".
    let mut header = ticket(Category::Complaint, None, 1, "2026-11-03 09:00")
        .record
        .header;
    header.channel = Channel::SupervisionHotline;
    let callback = || {
        Input::act(TicketAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            resolved: true,
        })
    };
    let done = Built::<Ticket>::new(&header)
        .act(
            TicketAction::Dispatch {
                to: "hk-zhang".into(),
            },
            "2026-11-03 09:10",
        )
        .act(
            TicketAction::Complete { signature: None },
            "2026-11-03 16:00",
        );
    assert_eq!(
        clock_of(&done, &[], Clock::ReferHead, "2026-11-04 09:00"),
        None,
        "the company hands a 400 complaint to the project itself"
    );
    assert_eq!(
        clock_of(&done, &[], Clock::SecondCallback, "2026-11-04 09:00"),
        None
    );
    let once = acted(done, callback(), "2026-11-04 10:00");
    assert_eq!(
        clock_of(&once, &[], Clock::SecondCallback, "2026-11-04 11:00"),
        Some((Some(at("2026-11-10 00:00")), Standing::Pending)),
        "3 working days after Wed 4: Thu 5, Fri 6, Mon 9"
    );
    let twice = acted(once, callback(), "2026-11-05 10:00");
    assert_eq!(
        clock_of(&twice, &[], Clock::Feedback400, "2026-11-05 11:00"),
        Some((Some(at("2026-11-07 00:00")), Standing::Pending)),
        "fed back by the end of the next day"
    );
    let fed = acted(twice, refer(Referee::Hotline400), "2026-11-06 09:00");
    assert_eq!(
        clock_of(&fed, &[], Clock::Feedback400, "2026-11-06 10:00").map(|c| c.1),
        Some(Standing::MetOnTime)
    );
}
