//! The renovation file (装修, seeds 001 篇3 and 003): the application filed at the front
//! desk → review within 3 working days (a shop's by the technical department) → the
//! renovation permit (装修施工证) → a patrol of the unit at least once a day ("管家每日不少
//! 于一次装修巡查") on the renovation check form (装修检查表) → acceptance booked by the
//! owner → acceptance → minor faults put right before the deposit is refunded; structural
//! damage reported to the authorities ("若属严重违规（如破坏承重结构等），报相关行政执法部门处理").

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::inspection::Condition;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::office::OfficeRow;
use super::people::{Phone, StaffRole};
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::{Month, local_date};

pub const KIND: &str = "renovation";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenovationHeader {
    pub area_id: String,
    pub unit: DocumentId,
    pub unit_code: UnitCode,
    /// The owner who applied.
    pub applicant: String,
    #[serde(default)]
    pub phone: Option<Phone>,
    pub contractor: String,
    /// What will be done (装修内容).
    pub plan: String,
    /// A shop (商铺): reviewed by the technical department.
    #[serde(default)]
    pub shop: bool,
    pub applied_at: i64,
    /// 装修押金, in yuan.
    #[serde(default)]
    pub deposit_yuan: u64,
}

/// The renovation check form (seed 003 G3: "墙体，防水，防护栏，露台及阳台等设施拆改 … 成品
/// 保护，垃圾堆放，装修时间"; seed 001 篇3 §5: "施工人员凭出入证进出辖区").
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenovationChecks {
    /// 墙体 / 承重结构
    pub load_bearing: Condition,
    /// 防水
    pub waterproofing: Condition,
    /// 防护栏
    pub guard_rails: Condition,
    /// 露台及阳台等设施拆改
    pub balcony_terrace: Condition,
    /// 垃圾堆放
    pub rubbish: Condition,
    /// 装修时间
    pub working_hours: Condition,
    /// 成品保护
    pub protection: Condition,
    /// 出入证
    pub worker_passes: Condition,
    /// 安装情况 (seed 003 G3's patrol list ends "…露台及阳台等设施拆改，安装情况"); a form
    /// from before it was asked counts it as normal.
    #[serde(default)]
    pub installation: Condition,
}

impl RenovationChecks {
    pub fn points(&self) -> [(&'static str, &'static str, Condition); 9] {
        [
            ("loadBearing", "墙体承重", self.load_bearing),
            ("waterproofing", "防水", self.waterproofing),
            ("guardRails", "防护栏", self.guard_rails),
            ("balconyTerrace", "阳台露台拆改", self.balcony_terrace),
            ("rubbish", "垃圾堆放", self.rubbish),
            ("workingHours", "装修时间", self.working_hours),
            ("protection", "成品保护", self.protection),
            ("workerPasses", "出入证", self.worker_passes),
            ("installation", "安装情况", self.installation),
        ]
    }

    /// The labels of the points found in violation.
    pub fn violations(&self) -> Vec<&'static str> {
        self.points()
            .into_iter()
            .filter(|(_, _, c)| *c == Condition::Abnormal)
            .map(|(_, label, _)| label)
            .collect()
    }
}

/// The outcome of the acceptance inspection.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceResult {
    /// 验收合格
    Passed,
    /// 轻微违规，整改后退押金
    MinorFaults,
    /// 严重违规（如破坏承重结构）
    StructuralDamage,
}

impl AcceptanceResult {
    pub const ALL: [AcceptanceResult; 3] = [
        AcceptanceResult::Passed,
        AcceptanceResult::MinorFaults,
        AcceptanceResult::StructuralDamage,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            AcceptanceResult::Passed => "验收合格",
            AcceptanceResult::MinorFaults => "轻微违规，整改后退押金",
            AcceptanceResult::StructuralDamage => "严重违规（如破坏承重结构）",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum RenovationAction {
    Review {
        approved: bool,
    },
    Permit {
        number: String,
    },
    /// The file checked before works start (seed 003 G3: "关注：装修前质量确认单，装修协议，
    /// 费用收取，其他部门审核等") and the contractor briefed on the rules (装修交底); record it
    /// again to fill what was missing.
    PreWorks {
        quality_confirmed: bool,
        agreement_signed: bool,
        fees_collected: bool,
        departments_reviewed: bool,
        briefed: bool,
    },
    /// A daily patrol on the check form; a violation is stopped on the spot and
    /// evidenced with photos.
    Patrol {
        checks: RenovationChecks,
        #[serde(default)]
        stopped: bool,
    },
    BookAcceptance {
        date: NaiveDate,
    },
    Accept {
        result: AcceptanceResult,
    },
    /// Minor faults put right.
    Rectified {},
    ReportAuthority {},
    RefundDeposit {
        amount_yuan: u64,
    },
    /// 主管抽查: the supervisor's spot check of the file against the works (seed 003 G3:
    /// "装修记录表是否更新（与记录对比抽查，每周两次）"); what was found in the note.
    SpotCheck {
        consistent: bool,
    },
}

/// A supervisor's spot check of a renovation file.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpotCheck {
    pub at: i64,
    pub by: String,
    pub consistent: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RenovationStatus {
    Applied,
    Approved,
    Rejected,
    /// Permit issued: works under way, patrolled daily.
    Permitted,
    AcceptanceBooked,
    Rectifying,
    StructuralDamage,
    ReportedToAuthority,
    Accepted,
    Refunded,
}

impl RenovationStatus {
    pub const ALL: [RenovationStatus; 10] = [
        Self::Applied,
        Self::Approved,
        Self::Rejected,
        Self::Permitted,
        Self::AcceptanceBooked,
        Self::Rectifying,
        Self::StructuralDamage,
        Self::ReportedToAuthority,
        Self::Accepted,
        Self::Refunded,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Applied => "已申请",
            Self::Approved => "审核通过",
            Self::Rejected => "审核未通过",
            Self::Permitted => "施工中",
            Self::AcceptanceBooked => "已预约验收",
            Self::Rectifying => "整改中",
            Self::StructuralDamage => "严重违规",
            Self::ReportedToAuthority => "已报执法部门",
            Self::Accepted => "验收合格",
            Self::Refunded => "押金已退",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Permitted => "permitted",
            Self::AcceptanceBooked => "acceptance_booked",
            Self::Rectifying => "rectifying",
            Self::StructuralDamage => "structural_damage",
            Self::ReportedToAuthority => "reported_to_authority",
            Self::Accepted => "accepted",
            Self::Refunded => "refunded",
        }
    }

    /// Works under way: the unit is patrolled every day. Booking the acceptance says
    /// the works are finished ("装修工程竣工后，业主可 … 预约时间验收").
    pub fn under_construction(self) -> bool {
        self == Self::Permitted
    }
}

/// One daily patrol.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenovationPatrol {
    pub at: i64,
    pub by: String,
    pub violations: Vec<&'static str>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RenovationState {
    pub status: RenovationStatus,
    pub reviewed_at: Option<i64>,
    pub permit_number: Option<String>,
    pub permitted_at: Option<i64>,
    pub patrols: Vec<RenovationPatrol>,
    /// Local days with at least one patrol.
    pub patrol_days: BTreeSet<NaiveDate>,
    pub booked_for: Option<NaiveDate>,
    /// When works ended (acceptance booked), closing the daily-patrol period.
    pub works_ended_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub refunded_yuan: Option<u64>,
    /// The supervisor's spot checks, in journal order.
    pub spot_checks: Vec<SpotCheck>,
    /// The pre-works check as last recorded, and when it was first complete.
    pub pre_works: Option<PreWorks>,
    pub pre_works_done_at: Option<i64>,
}

impl RenovationAction {
    /// The pre-works check with every item done.
    pub fn pre_works_complete() -> Self {
        RenovationAction::PreWorks {
            quality_confirmed: true,
            agreement_signed: true,
            fees_collected: true,
            departments_reviewed: true,
            briefed: true,
        }
    }
}

/// The file checked before works start.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreWorks {
    pub quality_confirmed: bool,
    pub agreement_signed: bool,
    pub fees_collected: bool,
    pub departments_reviewed: bool,
    pub briefed: bool,
}

impl PreWorks {
    /// Each item with its label, in the form's order.
    pub fn items(&self) -> [(&'static str, bool); 5] {
        [
            ("装修前质量确认单", self.quality_confirmed),
            ("装修协议", self.agreement_signed),
            ("费用收取", self.fees_collected),
            ("其他部门审核", self.departments_reviewed),
            ("装修交底", self.briefed),
        ]
    }

    /// What is still missing.
    pub fn missing(&self) -> Vec<&'static str> {
        self.items()
            .into_iter()
            .filter(|(_, done)| !done)
            .map(|(label, _)| label)
            .collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Renovation;

pub type RenovationRecord = Record<Renovation>;

impl Kind for Renovation {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "装修";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("review", "审核"),
        ("permit", "发放装修许可证"),
        ("pre_works", "开工前检查与交底"),
        ("patrol", "装修巡查"),
        ("book_acceptance", "预约验收"),
        ("accept", "验收"),
        ("rectified", "整改完成"),
        ("report_authority", "上报主管部门"),
        ("refund_deposit", "退押金"),
        ("spot_check", "主管抽查"),
    ];
    type Header = RenovationHeader;
    type Action = RenovationAction;
    type State = RenovationState;

    fn area(header: &RenovationHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &RenovationHeader) -> RenovationState {
        RenovationState {
            status: RenovationStatus::Applied,
            reviewed_at: None,
            permit_number: None,
            permitted_at: None,
            patrols: Vec::new(),
            patrol_days: BTreeSet::new(),
            booked_for: None,
            works_ended_at: None,
            accepted_at: None,
            refunded_yuan: None,
            spot_checks: Vec::new(),
            pre_works: None,
            pre_works_done_at: None,
        }
    }

    fn apply(
        header: &RenovationHeader,
        state: &mut RenovationState,
        event: &Event<RenovationAction>,
        action: &RenovationAction,
    ) -> Result<(), String> {
        use RenovationStatus::*;
        let now = state.status;
        let wrong = |what: &str| Err(format!("装修{}，{what}", now.label_zh()));
        match action {
            RenovationAction::Review { approved } => {
                if !matches!(now, Applied | Rejected) {
                    return wrong("不能再审核");
                }
                if header.shop && event.role == StaffRole::Housekeeper {
                    return Err("商铺装修须由技术部审查".into());
                }
                state.reviewed_at = Some(event.at);
                state.status = if *approved { Approved } else { Rejected };
            }
            RenovationAction::Permit { number } => {
                if now != Approved {
                    return wrong("审核通过后才能发装修施工证");
                }
                if number.trim().is_empty() {
                    return Err("请填写施工证编号".into());
                }
                state.permit_number = Some(number.clone());
                state.permitted_at = Some(event.at);
                state.status = Permitted;
            }
            RenovationAction::PreWorks {
                quality_confirmed,
                agreement_signed,
                fees_collected,
                departments_reviewed,
                briefed,
            } => {
                if !matches!(now, Approved | Permitted | AcceptanceBooked) {
                    return wrong("审核通过后、验收前才做开工前检查");
                }
                let checked = PreWorks {
                    quality_confirmed: *quality_confirmed,
                    agreement_signed: *agreement_signed,
                    fees_collected: *fees_collected,
                    departments_reviewed: *departments_reviewed,
                    briefed: *briefed,
                };
                if !checked.missing().is_empty() && event.note.trim().is_empty() {
                    return Err(format!(
                        "{}未完成，请写明原因",
                        checked.missing().join("、")
                    ));
                }
                if checked.missing().is_empty() {
                    state.pre_works_done_at.get_or_insert(event.at);
                }
                state.pre_works = Some(checked);
            }
            RenovationAction::Patrol { checks, stopped } => {
                if !matches!(now, Permitted | AcceptanceBooked) {
                    return wrong("不在施工期，无需巡查");
                }
                let violations = checks.violations();
                if !violations.is_empty() {
                    if event.photos.is_empty() {
                        return Err("发现违规须拍照留证".into());
                    }
                    if event.note.trim().is_empty() {
                        return Err("发现违规须写明情况".into());
                    }
                    if !stopped {
                        return Err("发现违规应及时制止".into());
                    }
                }
                state.patrol_days.insert(local_date(event.at));
                state.patrols.push(RenovationPatrol {
                    at: event.at,
                    by: event.by.clone(),
                    violations,
                });
            }
            RenovationAction::BookAcceptance { date } => {
                if now != Permitted {
                    return wrong("施工中才能预约验收");
                }
                state.booked_for = Some(*date);
                state.works_ended_at = Some(event.at);
                state.status = AcceptanceBooked;
            }
            RenovationAction::Accept { result } => {
                if now != AcceptanceBooked {
                    return wrong("预约后才能验收");
                }
                state.status = match result {
                    AcceptanceResult::Passed => {
                        state.accepted_at = Some(event.at);
                        Accepted
                    }
                    AcceptanceResult::MinorFaults => Rectifying,
                    AcceptanceResult::StructuralDamage => StructuralDamage,
                };
            }
            RenovationAction::SpotCheck { .. } if event.role != StaffRole::Supervisor => {
                return Err("装修记录由客服主管抽查".into());
            }
            RenovationAction::SpotCheck { consistent } => {
                state.spot_checks.push(SpotCheck {
                    at: event.at,
                    by: event.by.clone(),
                    consistent: *consistent,
                });
            }
            RenovationAction::Rectified {} => {
                if now != Rectifying {
                    return wrong("没有待整改的问题");
                }
                state.accepted_at = Some(event.at);
                state.status = Accepted;
            }
            RenovationAction::ReportAuthority {} => {
                if now != StructuralDamage {
                    return wrong("只有严重违规才报执法部门");
                }
                state.status = ReportedToAuthority;
            }
            RenovationAction::RefundDeposit { amount_yuan } => {
                if now != Accepted {
                    return wrong("验收合格（整改完成）后才能退押金");
                }
                if *amount_yuan > header.deposit_yuan {
                    return Err(format!("退还金额超过押金{}元", header.deposit_yuan));
                }
                state.refunded_yuan = Some(*amount_yuan);
                state.status = Refunded;
            }
        }
        Ok(())
    }

    fn contends(a: &RenovationAction, b: &RenovationAction) -> bool {
        let transition = |x: &RenovationAction| !matches!(x, RenovationAction::Patrol { .. });
        transition(a) && transition(b)
    }

    fn title(header: &RenovationHeader, _state: &RenovationState) -> Option<String> {
        Some(format!("{} {}", header.unit_code, header.plan))
    }

    fn office_rows(id: DocumentId, h: &RenovationHeader, s: &RenovationState) -> Vec<OfficeRow> {
        vec![
            OfficeRow::new("renovations", &["doc_id"])
                .text("doc_id", id.to_string())
                .text("area_id", h.area_id.clone())
                .text("unit_doc", h.unit.to_string())
                .text("unit_code", h.unit_code.as_str().to_owned())
                .text("applicant", h.applicant.clone())
                .text("contractor", h.contractor.clone())
                .text("status", s.status.as_str().to_owned())
                .int("applied_at", h.applied_at)
                .text("permit_number", s.permit_number.clone())
                .int("permitted_at", s.permitted_at)
                .int("accepted_at", s.accepted_at)
                .int("patrol_days", s.patrol_days.len() as i64),
        ]
    }

    fn entry(header: &RenovationHeader, state: &RenovationState) -> Entry {
        Entry {
            kind: KIND.into(),
            code: Some(header.unit_code.to_string()),
            unit: Some(header.unit.to_string()),
            status: Some(state.status.as_str().into()),
            month: Some(Month::at(header.applied_at).to_string()),
            date: Some(local_date(header.applied_at).to_string()),
            category: None,
        }
    }

    fn probes(
        header: &RenovationHeader,
        _: &RenovationState,
        now_ms: i64,
    ) -> Vec<RenovationAction> {
        vec![
            RenovationAction::Review { approved: true },
            RenovationAction::Permit {
                number: placeholder::TEXT.into(),
            },
            // Offered with nothing ticked: the person ticks what they checked.
            RenovationAction::PreWorks {
                quality_confirmed: false,
                agreement_signed: false,
                fees_collected: false,
                departments_reviewed: false,
                briefed: false,
            },
            RenovationAction::Patrol {
                checks: RenovationChecks::default(),
                stopped: false,
            },
            RenovationAction::BookAcceptance {
                date: local_date(now_ms),
            },
            RenovationAction::Accept {
                result: AcceptanceResult::Passed,
            },
            RenovationAction::Rectified {},
            RenovationAction::ReportAuthority {},
            RenovationAction::RefundDeposit {
                amount_yuan: header.deposit_yuan,
            },
            RenovationAction::SpotCheck { consistent: true },
        ]
    }
}
