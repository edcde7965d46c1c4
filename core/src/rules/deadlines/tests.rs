//! Every clock, table-driven; each row names the seed figure it checks.

use super::Major;
use super::*;
use crate::records::kind::Record;
use crate::records::project::DayType;
use crate::records::ticket::{Satisfaction, Ticket, TicketAction};
use crate::rules::testing::{Built, at, date, dispatch, repair_info, ticket};
use crate::time::WorkCalendar;

use RepairScale::*;
use RepairScope::*;

/// A National Day week as a project sets it: 1–2 and 5–7 October 2026 off (Thursday 1
/// to Wednesday 7, weekend between), Saturday 10 October worked in exchange.
fn rules() -> DeadlineRules {
    let holidays = [
        "2026-10-01",
        "2026-10-02",
        "2026-10-05",
        "2026-10-06",
        "2026-10-07",
    ]
    .map(date);
    DeadlineRules {
        calendar: WorkCalendar::new(holidays, [date("2026-10-10")]),
        rain_days: BTreeSet::new(),
    }
}

fn clock(t: &Record<Ticket>, rules: &DeadlineRules, which: Clock, now: &str) -> Deadline {
    ticket_deadlines(t, None, rules, at(now))
        .into_iter()
        .find(|d| d.clock == which)
        .unwrap_or_else(|| panic!("no {which:?} clock"))
}

#[test]
fn first_response_cut_off_is_18_00() {
    // "18:00之前提交的单在1小时内响应，18:00之后提交的单在次日9:00之前响应".
    let check = |submitted: &str, due: &str, why: &str| {
        assert_eq!(
            first_response_due(at(submitted)),
            at(due),
            "{why}: submitted {submitted}"
        );
    };
    check(
        "2026-09-29 17:59",
        "2026-09-29 18:59",
        "before 18:00 → 1 hour",
    );
    check(
        "2026-09-29 18:00",
        "2026-09-30 09:00",
        "18:00 is no longer before 18:00",
    );
    check(
        "2026-09-29 18:01",
        "2026-09-30 09:00",
        "after 18:00 → 09:00 next day",
    );
    check(
        "2026-09-30 17:59",
        "2026-09-30 18:59",
        "the eve of the holiday, before 18:00",
    );
    check(
        "2026-09-30 18:01",
        "2026-10-01 09:00",
        "the hotline answers on a holiday too",
    );
    check(
        "2026-10-10 18:01",
        "2026-10-11 09:00",
        "a make-up working day changes nothing",
    );
    check(
        "2026-10-01 02:00",
        "2026-10-01 09:00",
        "small hours belong to the night before",
    );
    check(
        "2026-10-01 08:30",
        "2026-10-01 09:30",
        "from 08:00 the hour applies",
    );
}

#[test]
fn completion_follows_the_repair_scale() {
    // "一般性故障处理不超过8小时，公共设施、设备维修小修不过夜，中修1-3天，大修2-5天".
    let opened = at("2026-11-03 10:00");
    let check = |scope, scale, due: &str, rule_part: &str| {
        let (got, rule) = completion_due(scope, scale, opened);
        assert_eq!(got, at(due), "{scope:?} {scale:?}");
        assert!(rule.contains(rule_part), "{rule}");
    };
    check(Household, General, "2026-11-03 18:00", "8小时");
    check(Household, Emergency, "2026-11-03 18:00", "8小时");
    check(Household, Minor, "2026-11-03 18:00", "8小时");
    check(Public, Minor, "2026-11-04 00:00", "不过夜");
    check(Public, Medium, "2026-11-06 10:00", "1-3天");
    check(Household, Major, "2026-11-08 10:00", "2-5天");
}

#[test]
fn dispatch_within_ten_minutes() {
    // "在10分钟内传递至责任部门".
    let fresh = || {
        ticket(
            Category::Repair,
            Some(repair_info(Household, General)),
            1,
            "2026-11-03 10:00",
        )
    };
    let on_time = fresh().act(dispatch(), "2026-11-03 10:10");
    assert_eq!(
        clock(
            &on_time.record,
            &rules(),
            Clock::Dispatch,
            "2026-11-03 12:00"
        )
        .standing,
        Standing::MetOnTime
    );
    let late = fresh().act(dispatch(), "2026-11-03 10:11");
    assert_eq!(
        clock(&late.record, &rules(), Clock::Dispatch, "2026-11-03 12:00").standing,
        Standing::MetLate
    );
    let waiting = fresh();
    assert_eq!(
        clock(
            &waiting.record,
            &rules(),
            Clock::Dispatch,
            "2026-11-03 10:10"
        )
        .standing,
        Standing::Pending
    );
    assert_eq!(
        clock(
            &waiting.record,
            &rules(),
            Clock::Dispatch,
            "2026-11-03 10:11"
        )
        .standing,
        Standing::Overdue
    );
}

fn completed(scale: RepairScale, leak: bool, when: &str) -> Built<Ticket> {
    let mut info = repair_info(Household, scale);
    info.leak = leak;
    ticket(Category::Repair, Some(info), 1, when)
        .act(dispatch(), when)
        .act(
            TicketAction::Complete {
                signature: Some(crate::records::content::ContentHash::of(b"sig")),
            },
            when,
        )
}

#[test]
fn callbacks_count_working_days_across_the_holiday_and_the_make_up_day() {
    // "处理完成3个工作日内100%回访".
    let check = |completed_at: &str, due: &str, why: &str| {
        let t = completed(General, false, completed_at);
        let d = clock(&t.record, &rules(), Clock::Callback, completed_at);
        assert_eq!(d.due_at, Some(at(due)), "{why}");
    };
    check(
        "2026-09-29 15:00",
        "2026-10-10 00:00",
        "Wed 30 Sep, Thu 8, Fri 9 Oct",
    );
    check(
        "2026-10-07 15:00",
        "2026-10-11 00:00",
        "Thu 8, Fri 9, Sat 10 (make-up)",
    );
    check(
        "2026-10-09 15:00",
        "2026-10-14 00:00",
        "Sat 10 (make-up), Mon 12, Tue 13",
    );
    check(
        "2026-11-20 15:00",
        "2026-11-26 00:00",
        "a Friday: Mon 23, Tue 24, Wed 25",
    );
}

#[test]
fn emergency_callbacks_within_24_hours_and_reopened_ones_too() {
    // 003: "急修项目维修后，一般在24小时内电话或上门回访"; 000: "在24小时内进行特殊回访".
    let t = completed(Emergency, false, "2026-11-03 10:00");
    let d = clock(&t.record, &rules(), Clock::Callback, "2026-11-04 10:00");
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-04 10:00")), Standing::Pending)
    );
    assert_eq!(
        clock(&t.record, &rules(), Clock::Callback, "2026-11-04 10:01").standing,
        Standing::Overdue
    );

    let again = completed(General, false, "2026-11-03 10:00")
        .act(
            TicketAction::Callback {
                satisfaction: Satisfaction::Unsatisfied,
                resolved: false,
            },
            "2026-11-03 12:00",
        )
        .act(TicketAction::Reopen {}, "2026-11-03 12:00")
        .act(dispatch(), "2026-11-03 12:05")
        .act(
            TicketAction::Complete {
                signature: Some(crate::records::content::ContentHash::of(b"s2")),
            },
            "2026-11-03 16:00",
        );
    let d = clock(&again.record, &rules(), Clock::Callback, "2026-11-03 16:00");
    assert_eq!(d.due_at, Some(at("2026-11-04 16:00")));
    assert!(d.rule.contains("特殊回访"));
}

#[test]
fn leak_callbacks_wait_for_the_first_rain_after_the_repair() {
    // 003: "房屋渗漏水项目维修后的第一个雨天后电话或上门回访".
    let t = completed(General, true, "2026-11-03 10:00");
    let mut rain = rules();
    let d = clock(&t.record, &rain, Clock::Callback, "2026-11-20 10:00");
    assert_eq!(
        (d.due_at, d.standing),
        (None, Standing::Waiting),
        "no rain yet: nothing overdue"
    );
    rain.rain_days.insert(date("2026-11-03"));
    let d = clock(&t.record, &rain, Clock::Callback, "2026-11-20 10:00");
    assert_eq!(
        d.standing,
        Standing::Waiting,
        "rain on the day of the repair may have come before it"
    );
    rain.rain_days.insert(date("2026-11-06"));
    rain.rain_days.insert(date("2026-11-09"));
    let d = clock(&t.record, &rain, Clock::Callback, "2026-11-07 10:00");
    assert_eq!(
        d.due_at,
        Some(at("2026-11-08 00:00")),
        "the day after the first rainy day"
    );
}

#[test]
fn general_complaints_the_same_day_major_ones_an_answer_within_24_hours() {
    // "遵循“当日事当日毕”的原则"; "24小时内拟定统一口径及应对措施".
    let t = ticket(Category::Complaint, None, 1, "2026-11-03 16:00");
    let same_day = clock(&t.record, &rules(), Clock::SameDay, "2026-11-03 23:59");
    assert_eq!(
        (same_day.due_at, same_day.standing),
        (Some(at("2026-11-04 00:00")), Standing::Pending)
    );
    let since = Some(Major {
        since: at("2026-11-03 16:00"),
        answered_at: None,
        team_at: None,
    });
    let major = ticket_deadlines(&t.record, since, &rules(), at("2026-11-04 16:01"));
    let answer = major
        .iter()
        .find(|d| d.clock == Clock::AgreedAnswer)
        .expect("answer clock");
    assert_eq!(
        (answer.due_at, answer.standing),
        (Some(at("2026-11-04 16:00")), Standing::Overdue)
    );
    assert!(major.iter().all(|d| d.clock != Clock::SameDay));
}

#[test]
fn project_days_make_the_calendar() {
    use crate::records::project::{Project, ProjectAction, ProjectHeader};
    let project = Built::<Project>::new(&ProjectHeader {
        project_id: "P1".into(),
        name: "翠湖花园".into(),
        areas: vec!["A1".into()],
    })
    .act(
        ProjectAction::Day {
            date: date("2026-10-01"),
            day: DayType::Holiday,
        },
        "2026-09-01 09:00",
    )
    .act(
        ProjectAction::Day {
            date: date("2026-10-10"),
            day: DayType::Workday,
        },
        "2026-09-01 09:00",
    );
    let cal = project.record.state.calendar();
    assert!(!cal.is_working_day(date("2026-10-01")));
    assert!(cal.is_working_day(date("2026-10-10")));
    assert!(
        cal.is_working_day(date("2026-10-02")),
        "only what the project set"
    );
}

#[test]
fn night_intake_starts_the_next_morning_but_an_emergency_never_waits() {
    // 004 §4.4.2: "在10分钟内传递至责任部门（夜间接收的信息次日进行补录派单）".
    let check = |scale: RepairScale, registered: &str, dispatch: &str, completion: &str| {
        let t = ticket(
            Category::Repair,
            Some(repair_info(Household, scale)),
            1,
            registered,
        );
        let d = clock(&t.record, &rules(), Clock::Dispatch, registered);
        assert_eq!(
            d.due_at,
            Some(at(dispatch)),
            "{scale:?} dispatch, registered {registered}"
        );
        let c = clock(&t.record, &rules(), Clock::Completion, registered);
        assert_eq!(
            c.due_at,
            Some(at(completion)),
            "{scale:?} completion, registered {registered}"
        );
    };
    check(
        General,
        "2026-11-03 20:00",
        "2026-11-04 09:10",
        "2026-11-04 17:00",
    );
    check(
        General,
        "2026-11-04 02:00",
        "2026-11-04 09:10",
        "2026-11-04 17:00",
    );
    check(
        General,
        "2026-11-04 08:00",
        "2026-11-04 08:10",
        "2026-11-04 16:00",
    );
    check(
        Emergency,
        "2026-11-03 20:00",
        "2026-11-03 20:10",
        "2026-11-04 04:00",
    );
    // "当日事当日毕" for a complaint at 23:50 is the next day, not ten minutes.
    let late = ticket(Category::Complaint, None, 1, "2026-11-03 23:50");
    let d = clock(&late.record, &rules(), Clock::SameDay, "2026-11-04 10:00");
    assert_eq!(d.due_at, Some(at("2026-11-05 00:00")));
}

#[test]
fn a_leak_callback_made_before_the_rain_does_not_count() {
    let mut rain = rules();
    rain.rain_days.insert(date("2026-11-06"));
    let early = completed(General, true, "2026-11-03 10:00").act(
        TicketAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            resolved: true,
        },
        "2026-11-04 10:00",
    );
    let d = clock(&early.record, &rain, Clock::Callback, "2026-11-08 10:00");
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-08 00:00")), Standing::Overdue)
    );
    let after = early.act(
        TicketAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            resolved: true,
        },
        "2026-11-07 10:00",
    );
    let d = clock(&after.record, &rain, Clock::Callback, "2026-11-08 10:00");
    assert_eq!(d.standing, Standing::MetOnTime);
}

fn contact(agreed: Option<&str>) -> crate::records::journal::Input<TicketAction> {
    crate::records::journal::Input::act(TicketAction::Contact {
        way: crate::records::ticket::ContactWay::Phone,
        reason: Some("配件缺货".into()),
        agreed_at: agreed.map(at),
    })
    .with_note("已致电业主说明原因，约定维修时间")
}

fn contacted(mut t: Built<Ticket>, agreed: Option<&str>, when: &str) -> Built<Ticket> {
    t.record = t.try_act(contact(agreed), when).expect("contact accepted");
    t
}

#[test]
fn a_time_agreed_with_the_customer_in_time_is_the_deadline() {
    // 004 §4.4.2: "不能及时到达的应告知客户，并与客户约定维修时间"; 003: "告知原因及预计完成时间".
    // A general fault registered 09:00 is due 17:00 the same day (≤ 8 hours).
    let opened = || {
        ticket(
            Category::Repair,
            Some(repair_info(Household, General)),
            1,
            "2026-11-03 09:00",
        )
        .act(dispatch(), "2026-11-03 09:05")
    };
    let check = |told: &str, agreed: &str, now: &str, due: &str, is_agreed: bool, standing, why| {
        let t = contacted(opened(), Some(agreed), told);
        let d = clock(&t.record, &rules(), Clock::Completion, now);
        assert_eq!(
            (d.due_at, d.agreed, d.standing),
            (Some(at(due)), is_agreed, standing),
            "{why}"
        );
    };
    check(
        "2026-11-03 15:00",
        "2026-11-04 10:00",
        "2026-11-04 09:00",
        "2026-11-04 10:00",
        true,
        Standing::Pending,
        "told before 17:00: judged against the agreed 10:00 next day",
    );
    check(
        "2026-11-03 15:00",
        "2026-11-04 10:00",
        "2026-11-04 10:01",
        "2026-11-04 10:00",
        true,
        Standing::Overdue,
        "the agreed time passed too: overdue, but agreed",
    );
    check(
        "2026-11-03 18:00",
        "2026-11-04 10:00",
        "2026-11-04 09:00",
        "2026-11-03 17:00",
        false,
        Standing::Overdue,
        "told after 17:00: a late job explained, not excused",
    );

    // A second agreement made before the first agreed time moves the deadline again.
    let twice = contacted(
        contacted(opened(), Some("2026-11-04 10:00"), "2026-11-03 15:00"),
        Some("2026-11-05 10:00"),
        "2026-11-04 09:30",
    );
    let d = clock(
        &twice.record,
        &rules(),
        Clock::Completion,
        "2026-11-04 12:00",
    );
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-05 10:00")), Standing::Pending)
    );

    // A complaint's "当日事当日毕" too.
    let complaint = contacted(
        ticket(Category::Complaint, None, 1, "2026-11-03 16:00"),
        Some("2026-11-04 12:00"),
        "2026-11-03 17:00",
    );
    let d = clock(
        &complaint.record,
        &rules(),
        Clock::SameDay,
        "2026-11-04 08:00",
    );
    assert_eq!((d.due_at, d.agreed), (Some(at("2026-11-04 12:00")), true));
}

#[test]
fn a_contact_must_say_what_was_said_and_agree_a_later_time() {
    let mut t = ticket(
        Category::Repair,
        Some(repair_info(Household, General)),
        1,
        "2026-11-03 09:00",
    );
    let silent = crate::records::journal::Input::act(TicketAction::Contact {
        way: crate::records::ticket::ContactWay::Phone,
        reason: None,
        agreed_at: None,
    });
    assert!(
        t.try_act(silent, "2026-11-03 10:00")
            .unwrap_err()
            .contains("沟通的内容")
    );
    let past = contact(Some("2026-11-03 09:30"));
    assert!(
        t.try_act(past, "2026-11-03 10:00")
            .unwrap_err()
            .contains("晚于")
    );
    let t = contacted(t, None, "2026-11-03 10:00");
    assert_eq!(
        t.record.state.responded_at,
        Some(at("2026-11-03 10:00")),
        "a contact is a first response too"
    );
    let said = &t.record.state.contacts[0];
    assert_eq!(
        (said.said.as_str(), said.reason.as_deref(), said.by.as_str()),
        (
            "已致电业主说明原因，约定维修时间",
            Some("配件缺货"),
            "hk-zhang"
        )
    );
}

#[test]
fn three_days_unfinished_needs_a_contact_record() {
    // 003 G4: "三天未完成留有沟通记录".
    let open = || {
        ticket(
            Category::Repair,
            Some(repair_info(Household, Major)),
            1,
            "2026-11-03 09:00",
        )
        .act(dispatch(), "2026-11-03 09:05")
    };
    let d = clock(
        &open().record,
        &rules(),
        Clock::ContactRecord,
        "2026-11-06 09:00",
    );
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-06 09:00")), Standing::Pending),
        "72 hours after registration"
    );
    let d = clock(
        &open().record,
        &rules(),
        Clock::ContactRecord,
        "2026-11-06 09:01",
    );
    assert_eq!(
        d.standing,
        Standing::Overdue,
        "three days, no contact: forgotten"
    );
    let told = contacted(open(), None, "2026-11-05 10:00");
    let d = clock(
        &told.record,
        &rules(),
        Clock::ContactRecord,
        "2026-11-07 09:00",
    );
    assert_eq!(d.standing, Standing::MetOnTime);

    let quick = completed(General, false, "2026-11-03 10:00");
    assert!(
        ticket_deadlines(&quick.record, None, &rules(), at("2026-11-10 10:00"))
            .iter()
            .all(|d| d.clock != Clock::ContactRecord),
        "done within three days: nothing to explain"
    );
    let praise = ticket(Category::Praise, None, 1, "2026-11-03 10:00");
    assert!(
        ticket_deadlines(&praise.record, None, &rules(), at("2026-11-10 10:00"))
            .iter()
            .all(|d| d.clock != Clock::ContactRecord),
        "a praise has no work to be late with"
    );
}

#[test]
fn a_repair_closed_without_its_callback_still_owes_it() {
    // 004 §4.4.2: "报修处理应在维修服务结束后3个工作日内进行回访"; 003 G4: "是否100%回访".
    let closed = completed(General, false, "2026-11-03 10:00")
        .act(TicketAction::Close {}, "2026-11-03 11:00");
    let d = clock(
        &closed.record,
        &rules(),
        Clock::Callback,
        "2026-11-09 10:00",
    );
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-07 00:00")), Standing::Overdue),
        "Wed 4, Thu 5, Fri 6: still due after closing"
    );
    let called = closed.act(
        TicketAction::Callback {
            satisfaction: Satisfaction::Satisfied,
            resolved: true,
        },
        "2026-11-09 11:00",
    );
    let d = clock(
        &called.record,
        &rules(),
        Clock::Callback,
        "2026-11-09 12:00",
    );
    assert_eq!(d.standing, Standing::MetLate, "made late, but made");
}

#[test]
fn a_special_service_agrees_its_plan_and_price_before_the_work() {
    // 004 §4.4.3 b: "服务过程需填报《服务需求单》，提前与客户确认服务方案与价格".
    let agree = || {
        crate::records::journal::Input::act(TicketAction::Agree {
            item: "室内保洁".into(),
            price_fen: 12_000,
            signature: crate::records::content::ContentHash::of(b"customer"),
        })
        .with_note("全屋保洁")
    };
    let service = || {
        ticket(Category::SpecialService, None, 1, "2026-11-03 09:00")
            .act(dispatch(), "2026-11-03 09:05")
    };
    let none = ticket_deadlines(&service().record, None, &rules(), at("2026-11-03 10:00"));
    assert!(
        none.iter().all(|d| d.clock != Clock::ServiceRequest),
        "nothing due before the work"
    );

    let mut first = service();
    first.record = first.try_act(agree(), "2026-11-03 09:30").expect("agreed");
    let first = first.act(TicketAction::Start {}, "2026-11-03 10:00");
    let d = clock(
        &first.record,
        &rules(),
        Clock::ServiceRequest,
        "2026-11-03 11:00",
    );
    assert_eq!(d.standing, Standing::MetOnTime, "agreed before the work");

    let skipped = service().act(TicketAction::Start {}, "2026-11-03 10:00");
    let d = clock(
        &skipped.record,
        &rules(),
        Clock::ServiceRequest,
        "2026-11-03 11:00",
    );
    assert_eq!(
        (d.due_at, d.standing),
        (Some(at("2026-11-03 10:00")), Standing::Overdue),
        "work begun with no form"
    );
}
