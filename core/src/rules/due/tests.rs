//! A housekeeper's due work, rule by rule, each naming the seed figure it checks.

use super::*;
use crate::records::any::AnyRecord;
use crate::records::inspection::{
    Inspection, InspectionAction, InspectionForm, Occasion, VacantInspection,
};
use crate::records::keys::KeyAction;
use crate::records::patrol::{Patrol, PatrolHeader};
use crate::records::renovation::{
    Renovation, RenovationAction, RenovationChecks, RenovationHeader,
};
use crate::records::ticket::{RepairScale, RepairScope, TicketAction};
use crate::records::unit::{Unit, UnitAction, UnitHeader};
use crate::records::visit::{Visit, VisitHeader, VisitMethod};
use crate::records::visit_plan::{VisitPlan, VisitPlanAction, VisitPlanHeader};
use crate::rules::testing::{Built, at, date, dispatch, ledger_holding, repair_info, ticket, wrap};

fn unit_id(n: u8) -> DocumentId {
    DocumentId::from_bytes([n; 16])
}

fn unit(n: u8, status: UnitStatus) -> AnyRecord {
    let header = UnitHeader::new(format!("1-1-{n:04}").parse().expect("code"), "A1", status);
    AnyRecord::Unit(Box::new(Built::<Unit>::new(&header).record))
}

/// Units keep their own IDs (`unit_id(n)`); other records get positional ones.
fn portfolio_of(units: &[(u8, AnyRecord)], others: Vec<AnyRecord>) -> Vec<(DocumentId, AnyRecord)> {
    let mut all: Vec<(DocumentId, AnyRecord)> = units
        .iter()
        .map(|(n, r)| (unit_id(*n), r.clone()))
        .collect();
    all.extend(wrap(others));
    all
}

fn due_at(records: &[(DocumentId, AnyRecord)], now: &str) -> DueWork {
    due_work(
        &Portfolio::new(records.iter().map(|(id, r)| (*id, r))),
        at(now),
    )
}

fn inspection(
    n: u8,
    occasion: Occasion,
    ventilated: bool,
    cleaning: bool,
    when: &str,
) -> Built<VacantInspection> {
    let form = InspectionForm {
        occasion,
        ventilated,
        cleaning_arranged: cleaning,
        ..InspectionForm::default()
    };
    let header = Inspection::new(
        unit_id(n),
        format!("1-1-{n:04}").parse().expect("code"),
        "A1".into(),
        form,
        "hk".into(),
        at(when),
    )
    .expect("inspection");
    Built::new(&header)
}

fn codes(list: &[UnitRef]) -> Vec<String> {
    list.iter().map(|u| u.code.clone()).collect()
}

#[test]
fn vacant_units_are_inspected_ventilated_and_cleaned_every_month() {
    // 003: "每个月对所属范围内的空置房进行检查 … 每月一次提供开窗通风服务 … 每月一次安排保洁".
    let units = [
        (1, unit(1, UnitStatus::UndeliveredVacant)),
        (2, unit(2, UnitStatus::EntrustedVacant)),
        (3, unit(3, UnitStatus::EntrustedVacant)),
        (4, unit(4, UnitStatus::Occupied)),
    ];
    let records = portfolio_of(
        &units,
        vec![
            // Unit 1: the monthly round, all done.
            AnyRecord::Inspection(Box::new(
                inspection(1, Occasion::Monthly, true, true, "2026-11-03 10:00").record,
            )),
            // Unit 2: only a special-weather inspection — extra, not the round.
            AnyRecord::Inspection(Box::new(
                inspection(2, Occasion::SpecialWeather, true, false, "2026-11-04 10:00").record,
            )),
            // Unit 3: inspected without ventilation, cleaned later; and last month's round.
            AnyRecord::Inspection(Box::new(
                inspection(3, Occasion::Monthly, false, false, "2026-11-05 10:00")
                    .act(InspectionAction::Cleaned {}, "2026-11-06 10:00")
                    .record,
            )),
            AnyRecord::Inspection(Box::new(
                inspection(2, Occasion::Monthly, true, true, "2026-10-30 10:00").record,
            )),
        ],
    );
    let due = due_at(&records, "2026-11-20 09:00");
    assert_eq!(due.vacant.total, 3, "occupied units are not in the round");
    assert_eq!(codes(&due.vacant.to_inspect), ["1-1-0002"]);
    assert_eq!(codes(&due.vacant.to_ventilate), ["1-1-0003"]);
    assert_eq!(codes(&due.vacant.to_clean), ["1-1-0002"]);
    assert_eq!(
        due.vacant.due_at,
        at("2026-12-01 00:00"),
        "the round ends with the month"
    );
}

#[test]
fn a_past_month_counts_the_units_vacant_then() {
    // A unit handed over in November was vacant all October: October's round still
    // counts it, November's no longer does.
    let header = UnitHeader::new(
        "1-1-0005".parse().expect("code"),
        "A1",
        UnitStatus::EntrustedVacant,
    );
    let moved_in = Built::<Unit>::new(&header).act(
        UnitAction::Status {
            status: UnitStatus::Occupied,
        },
        "2026-11-10 10:00",
    );
    let records = portfolio_of(
        &[
            (5, AnyRecord::Unit(Box::new(moved_in.record))),
            (6, unit(6, UnitStatus::UndeliveredVacant)),
        ],
        Vec::new(),
    );
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let vacant_in = |month: &str| -> Vec<String> {
        vacant_month(&p, month.parse().expect("month"))
            .into_iter()
            .map(|v| v.code)
            .collect()
    };
    assert_eq!(vacant_in("2026-10"), ["1-1-0005", "1-1-0006"]);
    assert_eq!(vacant_in("2026-11"), ["1-1-0006"]);
}

fn renovation(unit: u8, applied: &str) -> Built<Renovation> {
    Built::new(&RenovationHeader {
        area_id: "A1".into(),
        unit: unit_id(unit),
        unit_code: format!("1-1-{unit:04}").parse().expect("code"),
        applicant: "业主".into(),
        phone: None,
        contractor: "装饰公司".into(),
        plan: "翻新".into(),
        shop: false,
        applied_at: at(applied),
        deposit_yuan: 2000,
    })
}

fn patrol() -> RenovationAction {
    RenovationAction::Patrol {
        checks: RenovationChecks::default(),
        stopped: false,
    }
}

#[test]
fn renovating_units_are_patrolled_every_day_and_reviewed_within_3_working_days() {
    // 003: "装修过程中，管家每日不少于一次装修巡查"; 001 篇3: "在3个工作日内 … 进行认真审查".
    let units = [
        (5, unit(5, UnitStatus::Renovating)),
        (6, unit(6, UnitStatus::Renovating)),
    ];
    let under_way = renovation(5, "2026-11-02 10:00")
        .act(
            RenovationAction::Review { approved: true },
            "2026-11-03 10:00",
        )
        .act(RenovationAction::pre_works_complete(), "2026-11-03 11:00")
        .act(
            RenovationAction::Permit {
                number: "ZX-1".into(),
            },
            "2026-11-04 09:00",
        )
        .act(patrol(), "2026-11-19 15:00");
    // Applied on Friday 20 November: Monday 23, Tuesday 24, Wednesday 25.
    let waiting = renovation(7, "2026-11-20 16:00");
    let records = portfolio_of(
        &units,
        vec![
            AnyRecord::Renovation(Box::new(under_way.record.clone())),
            AnyRecord::Renovation(Box::new(waiting.record)),
        ],
    );
    let due = due_at(&records, "2026-11-20 09:00");
    assert_eq!(due.renovation_patrols.len(), 1, "not patrolled today");
    assert_eq!(due.renovation_patrols[0].code, "1-1-0005");
    assert_eq!(
        codes(&due.renovating_without_file),
        ["1-1-0006"],
        "renovating with no permit on file"
    );
    assert_eq!(
        due.renovation_reviews[0].deadline.due_at,
        Some(at("2026-11-26 00:00"))
    );

    let patrolled = under_way.act(patrol(), "2026-11-20 08:30");
    let records = portfolio_of(
        &units,
        vec![AnyRecord::Renovation(Box::new(patrolled.record))],
    );
    assert!(
        due_at(&records, "2026-11-20 09:00")
            .renovation_patrols
            .is_empty()
    );
}

#[test]
fn callbacks_due_and_overdue_clocks_are_listed() {
    let general = repair_info(RepairScope::Household, RepairScale::General);
    let sig = Some(crate::records::content::ContentHash::of(b"sig"));
    let completed = ticket(Category::Repair, Some(general), 1, "2026-11-16 09:00")
        .act(dispatch(), "2026-11-16 09:05")
        .act(
            TicketAction::Complete { signature: sig },
            "2026-11-16 12:00",
        );
    let stuck = ticket(Category::Repair, Some(general), 2, "2026-11-18 09:00");
    let records = portfolio_of(
        &[],
        vec![
            AnyRecord::Ticket(Box::new(completed.record)),
            AnyRecord::Ticket(Box::new(stuck.record)),
        ],
    );
    let due = due_at(&records, "2026-11-18 10:01");
    assert_eq!(due.callbacks.len(), 1);
    assert_eq!(
        due.callbacks[0].deadline.due_at,
        Some(at("2026-11-20 00:00")),
        "3 working days"
    );
    let overdue: Vec<(String, Clock)> = due
        .overdue
        .iter()
        .map(|d| (d.place.clone(), d.deadline.clock))
        .collect();
    assert_eq!(
        overdue,
        [
            ("1-1-0002".to_owned(), Clock::Dispatch),
            ("1-1-0002".to_owned(), Clock::FirstResponse)
        ],
        "not dispatched in 10 minutes, not answered in an hour"
    );
}

/// An occupied unit whose household is a key customer (重点客户).
fn key_customer(n: u8) -> AnyRecord {
    let header = UnitHeader::new(
        format!("1-1-{n:04}").parse().expect("code"),
        "A1",
        UnitStatus::Occupied,
    );
    AnyRecord::Unit(Box::new(
        Built::<Unit>::new(&header)
            .act(UnitAction::KeyCustomer { key: true }, "2026-07-01 09:00")
            .record,
    ))
}

fn visit(unit: u8, when: &str) -> AnyRecord {
    AnyRecord::Visit(Box::new(
        Built::<Visit>::new(&VisitHeader {
            area_id: "A1".into(),
            unit: unit_id(unit),
            unit_code: format!("1-1-{unit:04}").parse().expect("code"),
            method: VisitMethod::Door,
            visited_at: at(when),
            by: "hk".into(),
            person: String::new(),
            notes: String::new(),
            satisfaction: None,
        })
        .record,
    ))
}

#[test]
fn visits_cover_8_percent_a_month_every_household_once_a_round_and_two_key_customers() {
    // 003 G6 "走访比例8%"; 004 "覆盖率100%/半年", "拜访客户不重复"; 003 Z8 "不少于2户".
    let mut units: Vec<(u8, AnyRecord)> = (1..=30)
        .map(|n| (n, unit(n, UnitStatus::Occupied)))
        .collect();
    units.push((31, unit(31, UnitStatus::UndeliveredVacant)));
    units[0].1 = key_customer(1);
    units[1].1 = key_customer(2);
    units[2].1 = key_customer(3);
    let plan = Built::<VisitPlan>::new(&VisitPlanHeader {
        area_id: "A1".into(),
        month: "2026-11".parse().expect("month"),
        made_by: "hk".into(),
        made_at: at("2026-10-24 10:00"),
        content: String::new(),
    })
    .act(
        VisitPlanAction::Add {
            units: vec![unit_id(1), unit_id(4), unit_id(5)],
        },
        "2026-10-24 10:00",
    );
    let records = portfolio_of(
        &units,
        vec![
            visit(4, "2026-09-10 10:00"),
            visit(5, "2026-10-10 10:00"),
            visit(1, "2026-11-03 10:00"),
            visit(6, "2026-11-04 10:00"),
            visit(6, "2026-11-05 10:00"),
            AnyRecord::VisitPlan(Box::new(plan.record)),
        ],
    );
    let v = due_at(&records, "2026-11-20 09:00").visits;
    assert_eq!(v.households, 30, "undelivered units are not households yet");
    assert_eq!(v.round, "2026-H2");
    // 8 % of 30 is 3, but 28 households unvisited before November over two months
    // (November, December) need 14 a month.
    assert_eq!(v.month_target, 14);
    assert_eq!((v.visited_this_month, v.round_visited), (2, 4));
    assert_eq!(
        (
            v.key_customers,
            v.key_customers_visited,
            v.key_customer_target
        ),
        (3, 1, 2)
    );
    assert_eq!((v.planned, v.planned_visited), (3, 1));
    assert_eq!(
        v.repeats,
        ["1-1-0004", "1-1-0005", "1-1-0006"],
        "planned after a visit, or visited twice"
    );
    assert_eq!(
        v.next_plan.due_at,
        Some(at("2026-11-26 00:00")),
        "next month's plan by the 25th"
    );
}

#[test]
fn the_public_patrol_and_the_key_count_are_daily() {
    // 003: "每日进行责任区域公共部位的巡视"; G9: "要求管理人员每日核对".
    let patrol = Built::<Patrol>::new(&PatrolHeader {
        area_id: "A1".into(),
        date: date("2026-11-20"),
        by: "hk".into(),
        started_at: at("2026-11-20 08:00"),
    });
    let sig = crate::records::content::ContentHash::of(b"sig");
    let ledger = ledger_holding(&["K1", "K2"], "2026-11-01 09:00")
        .act(
            KeyAction::Borrow {
                label: "K2".into(),
                borrower: "刘师傅".into(),
                signature: sig,
            },
            "2026-11-19 09:00",
        )
        .act(KeyAction::Count { present: vec![] }, "2026-11-19 17:00");
    let records = portfolio_of(
        &[],
        vec![
            AnyRecord::Patrol(Box::new(patrol.record)),
            AnyRecord::KeyLedger(Box::new(ledger.record.clone())),
        ],
    );
    let due = due_at(&records, "2026-11-20 09:00");
    assert_eq!(due.public_patrol.standing, Standing::MetOnTime);
    let count = due.key_count.expect("the area holds keys");
    assert_eq!(
        (count.standing, count.due_at),
        (Standing::Pending, Some(at("2026-11-21 00:00")))
    );
    assert_eq!(due.keys_out.len(), 1);
    assert_eq!(
        ledger.record.state.counts[0].missing,
        ["K1"],
        "K1 is in custody but was not found"
    );
    let tomorrow = due_at(&records, "2026-11-21 09:00");
    assert_eq!(
        tomorrow.public_patrol.standing,
        Standing::Pending,
        "a new day, a new patrol"
    );
}

use super::super::deadlines::Standing;

#[test]
fn a_plan_chooses_among_households_key_customers_first_and_round_visits_marked() {
    // 003 Z8 key customers; 004 "拜访客户不重复" within a round.
    let units = vec![
        (1, unit(1, UnitStatus::Occupied)),
        (2, unit(2, UnitStatus::Occupied)),
        (3, unit(3, UnitStatus::UndeliveredVacant)),
        (9, key_customer(9)),
    ];
    let records = portfolio_of(
        &units,
        vec![visit(2, "2026-08-10 10:00"), visit(1, "2026-05-10 10:00")],
    );
    let p = Portfolio::new(records.iter().map(|(id, r)| (*id, r)));
    let candidates = crate::rules::visits::plan_candidates(&p, "2026-12".parse().expect("month"));
    let seen: Vec<(&str, bool, bool)> = candidates
        .iter()
        .map(|c| (c.code.as_str(), c.key_customer, c.visited_in_round))
        .collect();
    assert_eq!(
        seen,
        [
            ("1-1-0009", true, false),
            ("1-1-0001", false, false),
            ("1-1-0002", false, true)
        ],
        "no vacant unit; a visit in May belongs to the first half-year's round"
    );
}

#[test]
fn a_spell_of_special_weather_makes_a_round_of_the_vacant_units() {
    // 003: "特殊天气服务，比如连阴雨期或刮大风期间的空置房服务".
    use crate::records::weather::{SpecialWeather, SpellAction, SpellHeader, Weather};
    let units = [
        (1, unit(1, UnitStatus::UndeliveredVacant)),
        (2, unit(2, UnitStatus::EntrustedVacant)),
        (3, unit(3, UnitStatus::EntrustedVacant)),
        (4, unit(4, UnitStatus::Occupied)),
    ];
    let spell = Built::<SpecialWeather>::new(&SpellHeader {
        area_id: "A1".into(),
        weather: Weather::StrongWind,
        from: date("2026-12-01"),
        to: date("2026-12-03"),
    });
    let boxed = |b: Built<VacantInspection>| AnyRecord::Inspection(Box::new(b.record));
    let mut others = vec![
        AnyRecord::Spell(Box::new(spell.record.clone())),
        boxed(inspection(
            1,
            Occasion::SpecialWeather,
            false,
            false,
            "2026-12-02 09:00",
        )),
        boxed(inspection(
            2,
            Occasion::Monthly,
            true,
            true,
            "2026-12-02 10:00",
        )),
        boxed(inspection(
            3,
            Occasion::SpecialWeather,
            false,
            false,
            "2026-11-30 10:00",
        )),
    ];
    let round = |others: &[AnyRecord], now: &str| {
        due_at(&portfolio_of(&units, others.to_vec()), now)
            .vacant
            .weather
    };
    let during = round(&others, "2026-12-02 12:00");
    assert_eq!(
        (codes(&during[0].to_inspect), during[0].total),
        (vec!["1-1-0002".to_owned(), "1-1-0003".to_owned()], 3),
        "the monthly round is not the weather's, nor a visit before the spell"
    );
    assert_eq!(during[0].deadline.due_at, Some(at("2026-12-04 00:00")));
    assert_eq!(
        round(&others, "2026-12-09 12:00")[0].deadline.standing,
        Standing::Overdue,
        "unfinished, it stays a week past the spell"
    );
    assert!(round(&others, "2026-12-11 12:00").is_empty());
    others.push(boxed(inspection(
        2,
        Occasion::SpecialWeather,
        false,
        false,
        "2026-12-03 15:00",
    )));
    others.push(boxed(inspection(
        3,
        Occasion::SpecialWeather,
        false,
        false,
        "2026-12-03 16:00",
    )));
    let done = round(&others, "2026-12-03 18:00");
    assert_eq!(done[0].deadline.met_at, Some(at("2026-12-03 16:00")));
    assert!(
        round(&others, "2026-12-05 09:00").is_empty(),
        "done and over"
    );

    let mut withdrawn = spell;
    withdrawn.record = withdrawn
        .try_act(
            crate::records::Input::act(SpellAction::Withdraw {}).with_note("预报未出现大风"),
            "2026-12-01 08:00",
        )
        .expect("withdrawn");
    others[0] = AnyRecord::Spell(Box::new(withdrawn.record));
    assert!(round(&others, "2026-12-02 12:00").is_empty());
}

#[test]
fn a_higher_service_level_asks_for_more_rounds_a_month() {
    // 003: "注：以下服务频次可根据项目服务级别制定".
    use crate::records::project::{Project, ProjectAction, ProjectHeader};
    let units = [(1, unit(1, UnitStatus::EntrustedVacant))];
    let level = |per_month: u8| {
        let built = Built::<Project>::new(&ProjectHeader {
            project_id: "P1".into(),
            name: "翠湖花园".into(),
            areas: vec!["A1".into()],
        });
        if per_month == 1 {
            return AnyRecord::Project(Box::new(built.record));
        }
        AnyRecord::Project(Box::new(
            built
                .act(
                    ProjectAction::VacantRounds { per_month },
                    "2026-11-01 09:00",
                )
                .record,
        ))
    };
    let once = AnyRecord::Inspection(Box::new(
        inspection(1, Occasion::Monthly, true, true, "2026-12-02 09:00").record,
    ));
    let twice = AnyRecord::Inspection(Box::new(
        inspection(1, Occasion::Monthly, true, true, "2026-12-16 09:00").record,
    ));
    let due =
        |others: Vec<AnyRecord>| due_at(&portfolio_of(&units, others), "2026-12-17 09:00").vacant;
    assert!(due(vec![level(1), once.clone()]).to_inspect.is_empty());
    let owed = due(vec![level(2), once.clone()]);
    assert_eq!(
        (codes(&owed.to_inspect), codes(&owed.to_ventilate)),
        (vec!["1-1-0001".to_owned()], vec!["1-1-0001".to_owned()]),
        "twice a month: once is not enough"
    );
    assert!(due(vec![level(2), once, twice]).to_inspect.is_empty());
    let mut refused = Built::<Project>::new(&ProjectHeader {
        project_id: "P1".into(),
        name: "翠湖花园".into(),
        areas: vec!["A1".into()],
    });
    let zero = refused.try_act(
        crate::records::Input::act(ProjectAction::VacantRounds { per_month: 0 }),
        "2026-11-01 09:00",
    );
    assert!(zero.is_err_and(|e| e.contains("至少一次")));
}

#[test]
fn the_file_is_checked_and_the_contractor_briefed_before_works_start() {
    // 003 G3: "关注：装修前质量确认单，装修协议，费用收取，其他部门审核等".
    use crate::records::Input;
    use crate::rules::deadlines::Clock;
    let pre_works = |briefed: bool| RenovationAction::PreWorks {
        quality_confirmed: true,
        agreement_signed: true,
        fees_collected: true,
        departments_reviewed: true,
        briefed,
    };
    let permit = RenovationAction::Permit {
        number: "ZX-2026-118".into(),
    };
    let reviewed = || {
        renovation(5, "2026-11-20 16:00").act(
            RenovationAction::Review { approved: true },
            "2026-11-21 09:00",
        )
    };
    let clock = |b: &Built<Renovation>, now: &str| {
        let records = wrap(vec![AnyRecord::Renovation(Box::new(b.record.clone()))]);
        due_at(&records, now)
            .renovation_reviews
            .into_iter()
            .find(|d| d.deadline.clock == Clock::RenovationPreWorks)
    };

    let mut short = reviewed();
    let refused = short.try_act(Input::act(pre_works(false)), "2026-11-22 09:00");
    assert!(
        refused.is_err_and(|e| e.contains("装修交底未完成")),
        "what is missing needs a reason"
    );
    let rushed = reviewed().act(permit.clone(), "2026-11-22 10:00");
    let owed = clock(&rushed, "2026-11-22 11:00").expect("a permit issued before the check");
    assert_eq!(owed.deadline.standing, Standing::Overdue);
    let fixed = rushed.act(pre_works(true), "2026-11-23 09:00");
    assert!(clock(&fixed, "2026-11-23 10:00").is_none(), "met, if late");

    let proper = reviewed()
        .act(pre_works(true), "2026-11-22 09:00")
        .act(permit, "2026-11-22 10:00");
    assert!(clock(&proper, "2026-11-22 11:00").is_none());
    assert_eq!(
        proper.record.state.pre_works_done_at,
        Some(at("2026-11-22 09:00"))
    );
}
