//! October 2026 in 翠湖花园: a month of work whose statistics were worked out by hand
//! (`core/tests/fixtures/statistics-2026-10.json`, reasoning in `README.md` beside it).
//! Every record is written through the real journal, event by event, at the time given.
//!
//! The project's calendar: National Day off on 1–2 and 5–7 October, make-up working days
//! on Sunday 27 September and Saturday 10 October; rain on 21 and 24 October.

use chrono::NaiveDate;

use super::Builder;
use crate::ids::DocumentId;
use crate::records::RecordError;
use crate::records::content::ContentHash;
use crate::records::fee_plan::{FeePlan, FeePlanAction, FeePlanHeader};
use crate::records::fees::{ContactMethod, FeeAccount, FeeAccountHeader, FeeAction, Promise};
use crate::records::inspection::{
    Inspection, InspectionAction, InspectionForm, Occasion, VacantInspection,
};
use crate::records::journal::Input;
use crate::records::keys::{KeyAction, KeyLedger, KeyLedgerHeader};
use crate::records::kind::Kind;
use crate::records::patrol::{Patrol, PatrolAction, PatrolHeader, PatrolPoint};
use crate::records::people::{Actor, StaffRole};
use crate::records::project::{DayType, Project, ProjectAction, ProjectHeader};
use crate::records::rectification::{Rectification, RectificationHeader};
use crate::records::renovation::{
    AcceptanceResult, Renovation, RenovationAction, RenovationChecks, RenovationHeader,
};
use crate::records::survey::{Rating, Survey, SurveyAction, SurveyHeader};
use crate::records::ticket::{
    BusinessType, Category, Channel, ComplaintInfo, ContactWay, Escalation, Location, Referee,
    RepairInfo, RepairScale, RepairScope, Satisfaction, Severity, SpecialReport, Ticket,
    TicketAction, TicketHeader, Validity,
};
use crate::records::unit::{Unit, UnitAction, UnitCode, UnitStatus};
use crate::records::visit::{Visit, VisitHeader, VisitMethod};
use crate::records::visit_plan::{VisitPlan, VisitPlanAction, VisitPlanHeader};
use crate::time::{Month, at_local};

/// The month of the sample.
pub const SAMPLE_MONTH: &str = "2026-10";
/// When its statistics are read: 10:00 on 5 November, the day the project reports
/// ("次月5日上报", seed 004 §4.3.6).
pub const SAMPLE_AS_OF: &str = "2026-11-05 10:00";

/// [`SAMPLE_AS_OF`] in ms since the epoch.
pub fn sample_as_of() -> i64 {
    t(SAMPLE_AS_OF.trim_start_matches("2026-"))
}

/// `MM-DD HH:MM` in 2026, Shanghai time.
pub(crate) fn t(text: &str) -> i64 {
    let (day, time) = text.split_once(' ').unwrap_or((text, "00:00"));
    let date = NaiveDate::parse_from_str(&format!("2026-{day}"), "%Y-%m-%d").unwrap_or_default();
    let (h, m) = time.split_once(':').unwrap_or(("0", "0"));
    at_local(date, h.parse().unwrap_or(0), m.parse().unwrap_or(0))
}

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("2026-{text}"), "%Y-%m-%d").unwrap_or_default()
}

fn keeper(area: &str) -> Actor {
    Actor::new(
        if area == "A1" { "hk-zhang" } else { "hk-li" },
        StaffRole::Housekeeper,
    )
}

fn supervisor() -> Actor {
    Actor::new("sup-wang", StaffRole::Supervisor)
}

fn signature(name: &str) -> Option<ContentHash> {
    Some(ContentHash::of(format!("签名/{name}").as_bytes()))
}

/// Files a record and plays its events, each `(when, input, actor)`.
fn record<K: Kind>(
    b: &mut Builder,
    area: &str,
    name: &str,
    header: &K::Header,
    events: Vec<(&str, Input<K::Action>, Actor)>,
) -> Result<DocumentId, RecordError> {
    let id = b.add::<K>(area, name, header)?;
    for (when, input, actor) in events {
        b.act::<K>(id, input, &actor, t(when))?;
    }
    Ok(id)
}

/// Where a ticket is: a unit code, or a public place.
enum Place {
    Unit(&'static str),
    Public(&'static str),
}

struct TicketSpec {
    name: &'static str,
    category: Category,
    place: Place,
    description: &'static str,
    registered: &'static str,
    repair: Option<RepairInfo>,
    complaint: Option<ComplaintInfo>,
    steps: Vec<(&'static str, TicketAction, &'static str)>,
}

fn ticket(b: &mut Builder, area: &str, spec: TicketSpec) -> Result<DocumentId, RecordError> {
    let location = match spec.place {
        Place::Unit(code) => Location::Unit {
            unit: b.unit(area, code),
            code: code.parse()?,
        },
        Place::Public(place) => Location::Public {
            place: place.into(),
        },
    };
    let header = TicketHeader {
        area_id: area.into(),
        category: spec.category,
        channel: match spec.place {
            Place::Public(_) => Channel::Patrol,
            Place::Unit(_) => Channel::Hotline,
        },
        location,
        description: spec.description.into(),
        reporter: None,
        registered_at: t(spec.registered),
        registered_by: keeper(area).user,
        repair: spec.repair,
        complaint: spec.complaint,
        photos: Vec::new(),
        source: None,
    };
    let events = spec
        .steps
        .into_iter()
        .map(|(when, action, note)| (when, Input::act(action).with_note(note), keeper(area)))
        .collect();
    record::<Ticket>(
        b,
        area,
        &format!("{area}/ticket/{}", spec.name),
        &header,
        events,
    )
}

fn valid(business: BusinessType, topic: &str) -> Option<ComplaintInfo> {
    Some(ComplaintInfo {
        validity: Some(Validity::Valid),
        severity: Some(Severity::General),
        topic: topic.into(),
        business: Some(business),
        against_head: false,
    })
}

fn repair(scope: RepairScope, scale: RepairScale, leak: bool) -> Option<RepairInfo> {
    Some(RepairInfo { scope, scale, leak })
}

use TicketAction::{Close, Reopen, Respond, Start};

fn dispatch() -> TicketAction {
    TicketAction::Dispatch {
        to: "工程维修组".into(),
    }
}

fn complete(sig: Option<ContentHash>) -> TicketAction {
    TicketAction::Complete { signature: sig }
}

/// A special service's 《服务需求单》, signed by the customer.
fn agree(name: &str, item: &str, price_fen: u64) -> TicketAction {
    TicketAction::Agree {
        item: item.into(),
        price_fen,
        signature: ContentHash::of(format!("服务需求单/{name}").as_bytes()),
    }
}

fn refer_head() -> TicketAction {
    TicketAction::Refer {
        to: Referee::ProjectHead,
    }
}

/// A major complaint's handling team, the customer-service head answering.
fn team() -> TicketAction {
    TicketAction::Team {
        spokesperson: "sup-wang".into(),
        members: "工程部、客服组、分管领导".into(),
    }
}

fn callback(satisfaction: Satisfaction, resolved: bool) -> TicketAction {
    TicketAction::Callback {
        satisfaction,
        resolved,
    }
}

/// Adds October's work to the demo estate (areas A1 and A2 of project P1).
pub(crate) fn add_sample_month(b: &mut Builder) -> Result<(), RecordError> {
    project(b)?;
    tickets_a1(b)?;
    tickets_a2(b)?;
    vacant_rounds(b)?;
    renovations(b)?;
    visits(b)?;
    keys_fees_and_meeting(b)?;
    fee_ledger(b)?;
    november_survey(b)?;
    engagements(b)
}

/// The project's reception day on Saturday 17 October, its head at the gate three of
/// October's four weeks (not the week of the 26th), the department heads six times of
/// the eight asked (seed 004 §4.3.5).
fn engagements(b: &mut Builder) -> Result<(), RecordError> {
    use crate::records::engagement::{Engagement, EngagementHeader, Host, Occasion};
    let reception = (
        Occasion::ReceptionDay,
        Host::ProjectHead,
        "王经理",
        "10-17 09:00",
    );
    let head = ["10-09 08:00", "10-16 08:00", "10-23 08:00"]
        .map(|at| (Occasion::SendOff, Host::ProjectHead, "王经理", at));
    let departments = [
        "10-08 08:00",
        "10-09 18:00",
        "10-13 08:00",
        "10-15 18:00",
        "10-20 08:00",
        "10-22 18:00",
    ]
    .map(|at| (Occasion::SendOff, Host::DepartmentHead, "工程部刘主管", at));
    let all = std::iter::once(reception).chain(head).chain(departments);
    for (n, (occasion, host_level, host, at)) in all.enumerate() {
        let header = EngagementHeader {
            area_id: "A1".into(),
            occasion,
            held_at: t(at),
            host: host.into(),
            host_level,
            notes: String::new(),
        };
        b.add::<Engagement>("A1", &format!("A1/engagement/{n}"), &header)?;
    }
    Ok(())
}

fn project(b: &mut Builder) -> Result<(), RecordError> {
    let header = ProjectHeader {
        project_id: "P1".into(),
        name: "翠湖花园".into(),
        areas: vec!["A1".into(), "A2".into()],
    };
    let office = Actor::new("office-chen", StaffRole::Office);
    let mut events: Vec<(&str, Input<ProjectAction>, Actor)> =
        ["10-01", "10-02", "10-05", "10-06", "10-07"]
            .into_iter()
            .map(|day| {
                (
                    "09-01 09:00",
                    Input::act(ProjectAction::Day {
                        date: d(day),
                        day: DayType::Holiday,
                    }),
                    office.clone(),
                )
            })
            .collect();
    for day in ["09-27", "10-10"] {
        events.push((
            "09-01 09:00",
            Input::act(ProjectAction::Day {
                date: d(day),
                day: DayType::Workday,
            }),
            office.clone(),
        ));
    }
    for day in ["10-21", "10-24"] {
        events.push((
            "10-25 09:00",
            Input::act(ProjectAction::Rain {
                date: d(day),
                rained: true,
            }),
            office.clone(),
        ));
    }
    // The special-service price list, approved by the price bureau's filing (seed 004
    // §4.4.3 a); 家电清洗 is still waiting for its approval.
    for (item, unit, yuan, approved) in [
        ("室内保洁", "次", 120, true),
        ("代客购物", "次", 20, true),
        ("家电清洗", "台", 80, false),
    ] {
        events.push((
            "09-15 10:00",
            Input::act(ProjectAction::Price {
                item: item.into(),
                unit: unit.into(),
                price_fen: yuan * 100,
            }),
            office.clone(),
        ));
        if approved {
            events.push((
                "09-20 10:00",
                Input::act(ProjectAction::ApprovePrice {
                    item: item.into(),
                    reference: "深价备〔2026〕118号".into(),
                }),
                Actor::new("sup-wang", StaffRole::Supervisor),
            ));
        }
    }
    let id = b.add::<Project>("A1", "project", &header)?;
    for (when, input, actor) in events {
        b.act::<Project>(id, input, &actor, t(when))?;
    }
    // The project's record is listed in both areas.
    b.list_also(id, "A2");
    Ok(())
}

fn tickets_a1(b: &mut Builder) -> Result<(), RecordError> {
    use Category::*;
    use RepairScale::*;
    use RepairScope::*;
    use Satisfaction::*;
    let specs = vec![
        TicketSpec {
            name: "C1",
            category: Complaint,
            place: Place::Unit("1-1-101"),
            description: "楼上装修噪音扰民",
            registered: "10-08 09:00",
            repair: None,
            complaint: valid(BusinessType::Renovation, ""),
            steps: vec![
                ("10-08 09:30", Respond {}, "已电话安抚业主"),
                ("10-08 09:35", dispatch(), ""),
                ("10-08 09:40", refer_head(), "装修噪音投诉，已上报项目经理"),
                ("10-08 16:00", complete(None), "已约束装修时间"),
                ("10-09 10:00", callback(Satisfied, true), ""),
                ("10-09 10:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "C2",
            category: Complaint,
            place: Place::Unit("1-1-102"),
            description: "垃圾清运不及时",
            registered: "10-12 19:30",
            repair: None,
            complaint: valid(BusinessType::Environment, ""),
            steps: vec![
                ("10-13 08:50", Respond {}, ""),
                ("10-13 08:55", dispatch(), ""),
                ("10-13 09:00", refer_head(), "垃圾清运投诉，已上报项目经理"),
                ("10-13 17:00", complete(None), ""),
                ("10-14 10:00", callback(FairlySatisfied, true), ""),
            ],
        },
        TicketSpec {
            name: "C3",
            category: Complaint,
            place: Place::Unit("1-1-201"),
            description: "保安态度差",
            registered: "10-15 14:00",
            repair: None,
            complaint: valid(BusinessType::Staff, ""),
            steps: vec![
                ("10-15 15:30", Respond {}, ""),
                ("10-15 15:35", dispatch(), ""),
                ("10-16 11:00", complete(None), ""),
                ("10-17 10:00", callback(Unsatisfied, false), "业主仍不满意"),
                ("10-17 10:15", Reopen {}, ""),
                ("10-17 10:20", dispatch(), ""),
            ],
        },
        TicketSpec {
            name: "C4",
            category: Complaint,
            place: Place::Unit("1-1-202"),
            description: "地下车库漏水",
            registered: "10-20 10:00",
            repair: None,
            complaint: valid(BusinessType::Facilities, ""),
            steps: vec![
                ("10-20 10:20", Respond {}, ""),
                ("10-20 10:25", dispatch(), ""),
                ("10-20 10:30", refer_head(), "车库漏水投诉，已上报项目经理"),
                (
                    "10-20 17:00",
                    TicketAction::Contact {
                        way: ContactWay::Phone,
                        reason: Some("需物业公司工程部查明渗水点".into()),
                        agreed_at: Some(t("10-22 12:00")),
                    },
                    "已致电业主说明原因，约定10月22日中午前处理完毕",
                ),
            ],
        },
        TicketSpec {
            name: "R1",
            category: Repair,
            place: Place::Unit("1-2-301"),
            description: "卫生间水龙头漏水",
            registered: "10-09 09:00",
            repair: repair(Household, General, false),
            complaint: None,
            steps: vec![
                ("10-09 09:05", dispatch(), ""),
                ("10-09 09:30", Start {}, ""),
                ("10-09 12:00", complete(signature("R1")), ""),
                ("10-10 10:00", callback(VerySatisfied, true), ""),
                ("10-10 10:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "R2",
            category: Repair,
            place: Place::Public("1号楼大堂"),
            description: "大堂吊灯不亮",
            registered: "10-14 17:59",
            repair: repair(Public, Minor, false),
            complaint: None,
            steps: vec![
                ("10-14 18:05", dispatch(), ""),
                ("10-14 18:30", Start {}, ""),
                ("10-14 20:00", complete(None), ""),
                ("10-15 09:00", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "R3",
            category: Repair,
            place: Place::Unit("1-1-401"),
            description: "厨房水管爆裂",
            registered: "10-16 22:00",
            repair: repair(Household, Emergency, false),
            complaint: None,
            steps: vec![
                ("10-16 22:05", dispatch(), ""),
                ("10-16 22:40", Start {}, ""),
                ("10-17 01:00", complete(signature("R3")), ""),
                ("10-17 20:00", callback(Satisfied, true), ""),
                ("10-17 20:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "R4",
            category: Repair,
            place: Place::Unit("1-2-402"),
            description: "卧室外墙渗水",
            registered: "10-19 10:00",
            repair: repair(Household, Medium, true),
            complaint: None,
            steps: vec![
                ("10-19 10:05", dispatch(), ""),
                ("10-19 10:50", Respond {}, ""),
                ("10-21 16:00", complete(signature("R4")), ""),
                ("10-25 14:00", callback(Satisfied, true), "雨后复查无渗水"),
            ],
        },
        TicketSpec {
            name: "R5",
            category: Repair,
            place: Place::Unit("2-1-101"),
            description: "空调外机支架松动",
            registered: "10-26 18:01",
            repair: repair(Household, General, false),
            complaint: None,
            steps: vec![
                ("10-26 18:30", dispatch(), ""),
                ("10-27 09:10", Respond {}, ""),
                ("10-27 11:00", complete(signature("R5")), ""),
            ],
        },
        TicketSpec {
            name: "R6",
            category: Repair,
            place: Place::Public("3号楼2单元电梯"),
            description: "电梯门关闭不严",
            registered: "10-28 08:00",
            repair: repair(Public, Medium, false),
            complaint: None,
            steps: vec![
                ("10-28 08:05", dispatch(), ""),
                ("10-28 08:40", Start {}, ""),
            ],
        },
        TicketSpec {
            name: "S1",
            category: SpecialService,
            place: Place::Unit("2-1-102"),
            description: "室内保洁",
            registered: "10-11 10:00",
            repair: None,
            complaint: None,
            steps: vec![
                ("10-11 10:10", dispatch(), ""),
                (
                    "10-11 10:30",
                    agree("S1", "室内保洁", 12_000),
                    "全屋保洁两人三小时，含玻璃",
                ),
                ("10-11 15:00", complete(None), ""),
                ("10-12 10:00", callback(Satisfied, true), ""),
                ("10-12 10:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "S2",
            category: SpecialService,
            place: Place::Unit("2-1-201"),
            description: "代购灯具",
            registered: "10-25 09:00",
            repair: None,
            complaint: None,
            steps: vec![
                ("10-25 09:10", dispatch(), ""),
                (
                    "10-25 09:30",
                    agree("S2", "代客购物", 2_000),
                    "代购客厅吸顶灯一盏，灯具费另付",
                ),
                ("10-25 16:00", complete(None), ""),
            ],
        },
        TicketSpec {
            name: "Q1",
            category: Consultation,
            place: Place::Unit("2-1-202"),
            description: "询问装修押金标准",
            registered: "10-05 10:00",
            repair: None,
            complaint: None,
            steps: vec![("10-05 10:10", Close {}, "已答复：按装修管理规定收取")],
        },
        TicketSpec {
            name: "P1",
            category: Praise,
            place: Place::Unit("2-1-301"),
            description: "表扬保洁员王阿姨",
            registered: "10-18 11:00",
            repair: None,
            complaint: None,
            steps: vec![("10-18 11:05", Close {}, "")],
        },
        TicketSpec {
            name: "V1",
            category: Vehicle,
            place: Place::Public("地面停车场"),
            description: "外来车辆占用消防通道",
            registered: "10-29 20:00",
            repair: None,
            complaint: None,
            steps: vec![],
        },
    ];
    for spec in specs {
        ticket(b, "A1", spec)?;
    }
    // Five households complain about one problem the same morning: a group complaint.
    let group = [
        ("5-1-101", "10-22 07:00", "10-22 07:30"),
        ("5-1-102", "10-22 07:30", "10-22 08:00"),
        ("5-1-201", "10-22 08:00", "10-22 08:30"),
        ("5-1-202", "10-22 09:30", "10-22 10:00"),
        ("5-1-301", "10-22 11:00", "10-22 11:30"),
    ];
    for (n, (code, registered, responded)) in group.into_iter().enumerate() {
        let mut steps = vec![
            (responded, Respond {}, ""),
            (
                "10-22 15:00",
                TicketAction::Answer {},
                "统一口径：供水主管爆裂已抢修，18:00前恢复供水",
            ),
            ("10-22 15:05", dispatch(), ""),
            ("10-22 18:00", complete(None), ""),
            ("10-23 10:00", callback(Satisfied, true), ""),
            ("10-23 10:05", Close {}, ""),
        ];
        if n == 0 {
            steps.insert(1, ("10-22 12:00", team(), ""));
            steps.push((
                "10-23 11:00",
                TicketAction::Report {
                    report: SpecialReport {
                        description: "5号楼停水约11小时，5户投诉".into(),
                        cause: "供水主管老化爆裂".into(),
                        responsibility: "工程部巡检未发现隐患".into(),
                        measures: "更换主管，停水须提前通知到户".into(),
                    },
                },
                "",
            ));
        }
        ticket(
            b,
            "A1",
            TicketSpec {
                name: ["G1", "G2", "G3", "G4", "G5"][n],
                category: Complaint,
                place: Place::Unit(code),
                description: "5号楼停水无人通知",
                registered,
                repair: None,
                complaint: valid(BusinessType::Facilities, "5号楼停水"),
                steps,
            },
        )?;
    }
    patrol_with_finding(b)
}

/// The public patrol of 21 October found rubbish on the lawn: ticket E1.
fn patrol_with_finding(b: &mut Builder) -> Result<(), RecordError> {
    let header = PatrolHeader {
        area_id: "A1".into(),
        date: d("10-21"),
        by: "hk-zhang".into(),
        started_at: t("10-21 08:30"),
    };
    let patrol = b.add::<Patrol>("A1", "A1/patrol/10-21", &header)?;
    let finding = Input::act(PatrolAction::Finding {
        point: PatrolPoint::Greenery,
        place: "2号楼北侧绿地".into(),
        description: "绿地垃圾堆积".into(),
    })
    .with_photos(vec![ContentHash::of("photo/2号楼北侧绿地".as_bytes())]);
    b.act::<Patrol>(patrol, finding, &keeper("A1"), t("10-21 08:50"))?;
    let ticket_id = ticket(
        b,
        "A1",
        TicketSpec {
            name: "E1",
            category: Category::Environment,
            place: Place::Public("2号楼北侧绿地"),
            description: "绿地垃圾堆积",
            registered: "10-21 09:00",
            repair: None,
            complaint: None,
            steps: vec![
                ("10-21 09:10", dispatch(), ""),
                ("10-21 11:00", complete(None), ""),
                ("10-21 11:05", Close {}, ""),
            ],
        },
    )?;
    let found = b.last_event::<Patrol>(patrol)?;
    b.act::<Patrol>(
        patrol,
        Input::act(PatrolAction::Ticket {
            finding: found,
            ticket: ticket_id,
        }),
        &keeper("A1"),
        t("10-21 09:01"),
    )?;
    b.act::<Patrol>(
        patrol,
        Input::act(PatrolAction::Finish {}),
        &keeper("A1"),
        t("10-21 10:00"),
    )
}

fn tickets_a2(b: &mut Builder) -> Result<(), RecordError> {
    use Category::*;
    use RepairScale::*;
    use RepairScope::*;
    use Satisfaction::*;
    let specs = vec![
        TicketSpec {
            name: "D1",
            category: Complaint,
            place: Place::Unit("6-1-101"),
            description: "电梯广告噪音",
            registered: "10-10 11:00",
            repair: None,
            complaint: valid(BusinessType::CommunityBusiness, ""),
            steps: vec![
                ("10-10 11:30", Respond {}, ""),
                ("10-10 11:35", dispatch(), ""),
                (
                    "10-10 11:40",
                    refer_head(),
                    "电梯广告噪音投诉，已上报项目经理",
                ),
                ("10-10 16:00", complete(None), ""),
                ("10-12 10:00", callback(VerySatisfied, true), ""),
                ("10-12 10:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "D2",
            category: Complaint,
            place: Place::Unit("6-1-102"),
            description: "车辆被小区道闸砸坏",
            registered: "10-30 20:00",
            repair: None,
            complaint: valid(BusinessType::Vehicle, ""),
            steps: vec![
                ("10-31 08:00", Respond {}, ""),
                ("10-31 08:05", dispatch(), ""),
                (
                    "10-31 08:30",
                    TicketAction::Escalate {
                        escalation: Escalation::Compensation,
                        amount_yuan: Some(5_000),
                    },
                    "协商赔偿修车费",
                ),
                (
                    "10-31 09:00",
                    TicketAction::Refer {
                        to: Referee::CompanyLeadership,
                    },
                    "涉及赔偿，已上报公司领导",
                ),
                ("10-31 09:30", team(), ""),
                (
                    "10-31 10:00",
                    TicketAction::Answer {},
                    "统一口径：道闸感应故障，公司承担修车费用",
                ),
                ("10-31 12:00", complete(None), ""),
                ("11-03 10:00", callback(Satisfied, true), ""),
                ("11-03 10:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "F1",
            category: Repair,
            place: Place::Unit("6-2-101"),
            description: "入户门锁损坏",
            registered: "10-05 10:00",
            repair: repair(Household, General, false),
            complaint: None,
            steps: vec![
                ("10-05 10:05", dispatch(), ""),
                ("10-05 10:30", Start {}, ""),
                ("10-05 14:00", complete(signature("F1")), ""),
                ("10-10 09:00", callback(Satisfied, true), ""),
                ("10-10 09:05", Close {}, ""),
            ],
        },
        TicketSpec {
            name: "F2",
            category: Repair,
            place: Place::Public("7号楼屋面"),
            description: "屋面防水层破损",
            registered: "10-13 09:00",
            repair: repair(Public, Major, true),
            complaint: None,
            steps: vec![
                ("10-13 09:05", dispatch(), ""),
                ("10-13 09:20", Respond {}, ""),
                ("10-18 16:00", complete(None), ""),
                (
                    "10-20 10:00",
                    callback(Unsatisfied, true),
                    "已不漏，但工期太长",
                ),
                ("10-21 09:00", Close {}, ""),
            ],
        },
    ];
    for spec in specs {
        ticket(b, "A2", spec)?;
    }
    Ok(())
}

/// A1: 45 of 50 vacant units inspected (43 ventilated, 40 cleaning arranged, one cleaned
/// later), two extra special-weather inspections in the rain of 24 October. A2: all 50.
fn vacant_rounds(b: &mut Builder) -> Result<(), RecordError> {
    for area in ["A1", "A2"] {
        let mut vacant = b.codes_with(area, UnitStatus::UndeliveredVacant);
        vacant.extend(b.codes_with(area, UnitStatus::EntrustedVacant));
        vacant.sort_by_key(|c| crate::records::unit::natural_key(c));
        let all = area == "A2";
        for (i, code) in vacant.iter().enumerate() {
            let (occasion, when) = match i {
                _ if all => (
                    Occasion::Monthly,
                    t(&format!("10-{:02} 10:{:02}", 8 + i / 10, i % 10)),
                ),
                0..45 => (
                    Occasion::Monthly,
                    t(&format!("10-{:02} 10:{:02}", 8 + i / 5, i % 5)),
                ),
                45 | 46 => (Occasion::SpecialWeather, t("10-24 15:00")),
                _ => continue,
            };
            let monthly = occasion == Occasion::Monthly;
            let form = InspectionForm {
                occasion,
                ventilated: monthly && (all || i >= 2),
                cleaning_arranged: monthly && (all || i >= 5),
                notes: if monthly {
                    "例行巡查"
                } else {
                    "大雨后加查"
                }
                .into(),
                ..InspectionForm::default()
            };
            let unit = b.unit(area, code);
            let made = Inspection::new(
                unit,
                code.parse()?,
                area.into(),
                form,
                keeper(area).user,
                when,
            )?;
            debug_assert_eq!(made.month.to_string(), SAMPLE_MONTH);
            let id =
                b.add::<VacantInspection>(area, &format!("{area}/inspection/2026-10/{i}"), &made)?;
            if !all && i == 0 {
                b.act::<VacantInspection>(
                    id,
                    Input::act(InspectionAction::Cleaned {}),
                    &keeper(area),
                    t("10-20 10:00"),
                )?;
            }
        }
    }
    Ok(())
}

/// Two renovations in A1: one permitted on 20 October and still under way (patrolled on
/// 10 of its 12 days), one from 1 to 10 October (patrolled on 9 of 10), accepted and
/// refunded.
fn renovations(b: &mut Builder) -> Result<(), RecordError> {
    let renovating = b.codes_with("A1", UnitStatus::Renovating);
    let header =
        |code: &str, applied: &str, b: &Builder| -> Result<RenovationHeader, RecordError> {
            Ok(RenovationHeader {
                area_id: "A1".into(),
                unit: b.unit("A1", code),
                unit_code: code.parse()?,
                applicant: "业主".into(),
                phone: None,
                contractor: "安居装饰".into(),
                plan: "厨卫翻新、墙面刷漆".into(),
                shop: false,
                applied_at: t(applied),
                deposit_yuan: 2_000,
            })
        };
    let patrol = || {
        Input::act(RenovationAction::Patrol {
            checks: RenovationChecks::default(),
            stopped: false,
        })
    };
    let hk = keeper("A1");

    let first = header(&renovating[0], "10-14 10:00", b)?;
    let mut events = vec![
        (
            "10-16 10:00".to_owned(),
            Input::act(RenovationAction::Review { approved: true }),
        ),
        (
            "10-19 15:00".to_owned(),
            Input::act(RenovationAction::pre_works_complete()).with_note("已向施工队交底"),
        ),
        (
            "10-20 09:00".to_owned(),
            Input::act(RenovationAction::Permit {
                number: "ZX-2026-101".into(),
            }),
        ),
    ];
    for day in (20..=31).filter(|d| *d != 25 && *d != 26) {
        events.push((format!("10-{day} 14:00"), patrol()));
    }
    let id = b.add::<Renovation>("A1", &format!("A1/renovation/{}", renovating[0]), &first)?;
    for (when, input) in events {
        b.act::<Renovation>(id, input, &hk, t(&when))?;
    }

    let second = header(&renovating[1], "09-25 10:00", b)?;
    let mut events = vec![
        (
            "09-28 10:00".to_owned(),
            Input::act(RenovationAction::Review { approved: true }),
        ),
        (
            "09-30 16:00".to_owned(),
            Input::act(RenovationAction::pre_works_complete()),
        ),
        (
            "10-01 10:00".to_owned(),
            Input::act(RenovationAction::Permit {
                number: "ZX-2026-095".into(),
            }),
        ),
    ];
    for day in (1..=10).filter(|d| *d != 3) {
        events.push((format!("10-{day:02} 15:00"), patrol()));
    }
    events.push((
        "10-10 17:00".into(),
        Input::act(RenovationAction::BookAcceptance { date: d("10-15") }),
    ));
    events.push((
        "10-15 10:00".into(),
        Input::act(RenovationAction::Accept {
            result: AcceptanceResult::Passed,
        }),
    ));
    events.push((
        "10-16 10:00".into(),
        Input::act(RenovationAction::RefundDeposit { amount_yuan: 2_000 }),
    ));
    let id = b.add::<Renovation>("A1", &format!("A1/renovation/{}", renovating[1]), &second)?;
    for (when, input) in events {
        b.act::<Renovation>(id, input, &hk, t(&when))?;
    }
    Ok(())
}

/// A1: 30 households visited in September, 25 more in October (two of them key
/// customers, of three), on an approved plan. A2: 10 households in October.
fn visits(b: &mut Builder) -> Result<(), RecordError> {
    let methods = [VisitMethod::Door, VisitMethod::Phone, VisitMethod::InEstate];
    for (area, before, during) in [("A1", 30, 25), ("A2", 0, 10)] {
        let occupied = b.codes_with(area, UnitStatus::Occupied);
        let mut october = Vec::new();
        for (i, code) in occupied.iter().take(before + during).enumerate() {
            let when = if i < before {
                format!("09-{:02} 10:00", 1 + i % 28)
            } else if area == "A1" {
                format!("10-{:02} 16:00", 8 + (i - before) % 20)
            } else {
                format!("10-{:02} 10:00", 10 + i)
            };
            let unit = b.unit(area, code);
            if i >= before {
                october.push(unit);
            }
            let header = VisitHeader {
                area_id: area.into(),
                unit,
                unit_code: code.parse()?,
                method: methods[i % 3],
                visited_at: t(&when),
                by: keeper(area).user,
                person: "业主".into(),
                notes: "了解居住情况".into(),
                satisfaction: Some(Satisfaction::Satisfied),
            };
            b.add::<Visit>(area, &format!("{area}/visit/{i}"), &header)?;
        }
        if area == "A1" {
            for k in [30, 31, 100] {
                let unit = b.unit(area, &occupied[k]);
                b.act::<Unit>(
                    unit,
                    Input::act(UnitAction::KeyCustomer { key: true }),
                    &supervisor(),
                    t("09-01 09:00"),
                )?;
            }
            let plan = VisitPlanHeader {
                area_id: area.into(),
                month: "2026-10".parse::<Month>()?,
                made_by: keeper(area).user,
                made_at: t("09-24 16:00"),
                content: "了解入住后的居住体验；告知冬季供暖检修安排；征询对地库照明的意见".into(),
            };
            record::<VisitPlan>(
                b,
                area,
                "A1/visit-plan/2026-10",
                &plan,
                vec![
                    (
                        "09-24 16:00",
                        Input::act(VisitPlanAction::Add { units: october }),
                        keeper(area),
                    ),
                    (
                        "09-25 09:00",
                        Input::act(VisitPlanAction::Approve {}),
                        supervisor(),
                    ),
                ],
            )?;
        }
    }
    Ok(())
}

/// A1's part of the company's November survey (seed 000: "每年于六月和十一月"): approved
/// by the desk, twelve forms handed out and nine returned by the 20th, four with comments;
/// two commenters phoned — one of them a key customer, still to be visited at home — and
/// the analysis not yet written.
fn november_survey(b: &mut Builder) -> Result<(), RecordError> {
    let hk = keeper("A1");
    let desk = Actor::new("office-chen", StaffRole::Office);
    let occupied = b.codes_with("A1", UnitStatus::Occupied);
    let header = SurveyHeader {
        area_id: "A1".into(),
        campaign: Month::of(d("11-01")),
        purpose: "了解业主对物业服务的满意程度，找出改进重点".into(),
        items: Vec::new(),
        planned: 12,
        opens: d("11-03"),
        closes: d("11-20"),
        staff: vec!["张敏".into()],
    };
    let mut events = vec![("10-28 10:00", Input::act(SurveyAction::Approve {}), desk)];
    let comments: [(usize, &str, BusinessType); 4] = [
        (29, "地库照明太暗", BusinessType::Facilities),
        (30, "垃圾清运不及时，有异味", BusinessType::Environment),
        (33, "外来车辆乱停", BusinessType::Vehicle),
        (35, "楼道保洁不到位", BusinessType::Environment),
    ];
    let mut forms = Vec::new();
    for code in &occupied[28..40] {
        let unit = b.unit("A1", code);
        let unit_code: UnitCode = code.parse()?;
        forms.push((unit, unit_code.clone()));
        events.push((
            "11-04 10:00",
            Input::act(SurveyAction::Hand { unit, unit_code }),
            hk.clone(),
        ));
    }
    let items = crate::records::survey::DEFAULT_ITEMS.len();
    for (n, (unit, unit_code)) in forms.iter().take(9).enumerate() {
        let said = comments.iter().find(|(k, ..)| *k == 28 + n);
        let mut ratings = vec![[Rating::VerySatisfied, Rating::Satisfied][n % 2]; items];
        if said.is_some() {
            ratings[n % items] = Rating::Dissatisfied;
        }
        events.push((
            ["11-08 19:00", "11-12 19:00", "11-18 19:00"][n % 3],
            Input::act(SurveyAction::Return {
                unit: *unit,
                unit_code: unit_code.clone(),
                ratings,
                comment: said.map_or("", |s| s.1).into(),
                topic: said.map(|s| s.2),
            }),
            hk.clone(),
        ));
    }
    events.push((
        "11-20 18:00",
        Input::act(SurveyAction::Close {}),
        hk.clone(),
    ));
    for k in [29, 30] {
        let (unit, unit_code) = forms[k - 28].clone();
        let call = SurveyAction::CallBack {
            unit,
            unit_code,
            at_home: false,
        };
        events.push((
            "11-24 10:00",
            Input::act(call).with_note("已电话回访，说明整改安排"),
            hk.clone(),
        ));
    }
    record::<Survey>(b, "A1", "A1/survey/2026-11", &header, events)?;
    Ok(())
}

/// A1's October fees: the supervisor's plan, set late on the 6th and reviewed on the
/// 29th, and six households billed 356.40 元 each — four paid (one short), one promised,
/// one not reached.
fn fee_ledger(b: &mut Builder) -> Result<(), RecordError> {
    let hk = keeper("A1");
    let month = Month::of(d("10-01"));
    record::<FeePlan>(
        b,
        "A1",
        "A1/fee-plan/2026-10",
        &FeePlanHeader {
            area_id: "A1".into(),
            month,
        },
        vec![
            (
                "10-06 09:00",
                Input::act(FeePlanAction::Target {
                    amount_fen: 200_000,
                    households: 6,
                }),
                supervisor(),
            ),
            (
                "10-29 17:00",
                Input::act(FeePlanAction::Assess {}).with_note("完成率约63%，欠费两户下月上户"),
                supervisor(),
            ),
        ],
    )?;
    let codes = b.codes_with("A1", UnitStatus::Occupied);
    let paid = [
        Some(("10-08 10:00", 35_640, "No.100231")),
        Some(("10-12 15:30", 35_640, "No.100245")),
        Some(("10-19 09:10", 35_640, "No.100262")),
        Some(("10-26 18:40", 20_000, "No.100288")),
        None,
        None,
    ];
    for (n, payment) in paid.into_iter().enumerate() {
        let code = codes[210 + n].clone();
        let header = FeeAccountHeader {
            area_id: "A1".into(),
            unit: b.unit("A1", &code),
            unit_code: code.parse()?,
            arrears_fen: 0,
            opened_at: t("10-01 08:00"),
        };
        let mut events = vec![(
            "10-01 08:00",
            Input::act(FeeAction::Bill {
                month,
                amount_fen: 35_640,
            }),
            hk.clone(),
        )];
        if let Some((when, amount_fen, receipt)) = payment {
            let receipt = receipt.into();
            events.push((
                when,
                Input::act(FeeAction::Payment {
                    amount_fen,
                    receipt,
                }),
                hk.clone(),
            ));
        }
        if n >= 4 {
            let promise = (n == 4).then(|| Promise {
                amount_fen: 35_640,
                by: d("11-05"),
            });
            let contact = FeeAction::Contact {
                method: ContactMethod::Phone,
                reached: n == 4,
                promise,
            };
            events.push(("10-20 19:00", Input::act(contact), hk.clone()));
        }
        record::<FeeAccount>(b, "A1", &format!("A1/fees/{code}"), &header, events)?;
    }
    Ok(())
}

/// The key ledger, a fee account and an owner meeting's rectification items of A1.
fn keys_fees_and_meeting(b: &mut Builder) -> Result<(), RecordError> {
    let hk = keeper("A1");
    let entrusted = b.codes_with("A1", UnitStatus::EntrustedVacant);
    let ledger = b.add::<KeyLedger>(
        "A1",
        "A1/keys",
        &KeyLedgerHeader {
            area_id: "A1".into(),
        },
    )?;
    for (n, code) in entrusted.iter().take(3).enumerate() {
        let receive = KeyAction::Receive {
            label: format!("K-{code}"),
            unit: Some(b.unit("A1", code)),
            unit_code: Some(code.clone()),
            signature: ContentHash::of(format!("托管签字/{code}").as_bytes()),
        };
        b.act::<KeyLedger>(
            ledger,
            Input::act(receive),
            &hk,
            t(&format!("09-0{} 10:00", n + 1)),
        )?;
    }
    let borrow = KeyAction::Borrow {
        label: format!("K-{}", entrusted[0]),
        borrower: "安居装饰 刘师傅".into(),
        signature: ContentHash::of(b"borrow/liu"),
    };
    b.act::<KeyLedger>(ledger, Input::act(borrow), &hk, t("10-30 09:00"))?;
    let present = entrusted
        .iter()
        .skip(1)
        .take(2)
        .map(|c| format!("K-{c}"))
        .collect();
    b.act::<KeyLedger>(
        ledger,
        Input::act(KeyAction::Count { present }),
        &hk,
        t("10-31 17:30"),
    )?;

    let code = b.codes_with("A1", UnitStatus::Occupied)[200].clone();
    let fees = FeeAccountHeader {
        area_id: "A1".into(),
        unit: b.unit("A1", &code),
        unit_code: code.parse()?,
        arrears_fen: 356_400,
        opened_at: t("10-01 09:00"),
    };
    let promise = FeeAction::Contact {
        method: ContactMethod::Door,
        reached: true,
        promise: Some(Promise {
            amount_fen: 178_200,
            by: d("11-10"),
        }),
    };
    record::<FeeAccount>(
        b,
        "A1",
        &format!("A1/fees/{code}"),
        &fees,
        vec![
            (
                "10-09 10:00",
                Input::act(FeeAction::Contact {
                    method: ContactMethod::Phone,
                    reached: false,
                    promise: None,
                }),
                hk.clone(),
            ),
            (
                "10-16 19:00",
                Input::act(promise).with_note("业主承诺先交半年"),
                hk.clone(),
            ),
        ],
    )?;

    for (n, (problem, location, measure, expected)) in [
        (
            "地下车库照明不足",
            Some("地下车库B区"),
            "增设LED灯20盏",
            "11-20",
        ),
        ("管家回复报事不及时", None, "报事2小时内回复并留痕", "11-10"),
    ]
    .into_iter()
    .enumerate()
    {
        let item = RectificationHeader {
            area_id: "A1".into(),
            meeting: "2026年10月业主沟通会".into(),
            meeting_date: d("10-28"),
            problem: problem.into(),
            location: location.map(str::to_owned),
            measure: measure.into(),
            expected: d(expected),
            responsible: "王经理".into(),
        };
        b.add::<Rectification>("A1", &format!("A1/rectification/2026-10/{n}"), &item)?;
    }
    Ok(())
}
