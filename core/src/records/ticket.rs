//! Customer information (客户信息) — the ticket: everything a customer tells the company,
//! or staff notice, as one record (seed 004 §3.2). Its lifecycle is registered 登记 →
//! dispatched 派工 → in progress 处理中 → completed 完成 → called back 回访 → closed
//! 关闭, and reopened when a callback finds the problem remains (seed 000: "如收到客户对
//! 维修后仍存在缺陷的投诉时，应立即派人返修，并在24小时内进行特殊回访"). Every step records who,
//! when and what was said; a household repair ends with the owner's signature (seed 003:
//! "维修后由业主签字").

mod class;

use serde::{Deserialize, Serialize};

pub use class::{
    BusinessType, Category, Channel, ContactWay, Escalation, Referee, RepairScale, RepairScope,
    Satisfaction, Severity, Validity,
};

use super::RecordError;
use super::content::ContentHash;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::office::OfficeRow;
use super::people::Phone;
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::{Month, local_date};

pub const KIND: &str = "ticket";

/// Where the problem is: `{"type": "unit", "unit": …, "code": …}` or
/// `{"type": "public", "place": …}`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Location {
    /// A household's unit.
    Unit { unit: DocumentId, code: UnitCode },
    /// A public place: lobby, lift, car park, garden…
    Public { place: String },
}

/// Read by hand rather than derived: a derived tagged enum buffers its input, which
/// costs the phone's WASM more code than this does.
impl<'de> Deserialize<'de> for Location {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Flat {
            #[serde(rename = "type")]
            kind: String,
            unit: Option<DocumentId>,
            code: Option<UnitCode>,
            place: Option<String>,
        }
        let flat = Flat::deserialize(d)?;
        match (flat.kind.as_str(), flat.unit, flat.code, flat.place) {
            ("unit", Some(unit), Some(code), _) => Ok(Location::Unit { unit, code }),
            ("public", _, _, Some(place)) => Ok(Location::Public { place }),
            (kind, ..) => Err(serde::de::Error::custom(format!(
                "a location is {{type: unit, unit, code}} or {{type: public, place}}, got type {kind:?}"
            ))),
        }
    }
}

impl Location {
    pub fn unit(&self) -> Option<DocumentId> {
        match self {
            Location::Unit { unit, .. } => Some(*unit),
            Location::Public { .. } => None,
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Location::Unit { code, .. } => code.as_str(),
            Location::Public { place } => place,
        }
    }
}

/// Who reported it, when not the housekeeper.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reporter {
    pub name: String,
    #[serde(default)]
    pub phone: Option<Phone>,
}

/// A repair's scope, scale and whether it is a leak (called back after the first rain).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepairInfo {
    pub scope: RepairScope,
    pub scale: RepairScale,
    /// 房屋渗漏水: called back after the first rainy day (seed 003).
    #[serde(default)]
    pub leak: bool,
}

/// A complaint's classification.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComplaintInfo {
    /// Unknown until judged.
    #[serde(default)]
    pub validity: Option<Validity>,
    /// As judged; a group complaint or a month unresolved makes it major regardless.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The problem in a few words, shared by complaints about the same problem, so five
    /// households on one problem are recognised as a group complaint.
    #[serde(default)]
    pub topic: String,
    /// Its business type (§4.4.1 b). The forms ask for it; the core does not refuse a
    /// complaint without one, since a phone may have registered it offline before the
    /// type existed — it counts as unclassified until the office classifies it.
    #[serde(default)]
    pub business: Option<BusinessType>,
    /// A complaint against the office director (管理处主任): seed 000 sends it to the
    /// company's leadership ("针对管理处主任的投诉，应上报公司领导解决").
    #[serde(default)]
    pub against_head: bool,
}

/// The special report of a major customer event (seed 004 §4.3.4: "分析报告内容应包括
/// 情况描述、原因分析、责任分析、改进措施").
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialReport {
    pub description: String,
    pub cause: String,
    pub responsibility: String,
    pub measures: String,
}

/// Facts fixed at registration.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketHeader {
    pub area_id: String,
    pub category: Category,
    pub channel: Channel,
    pub location: Location,
    pub description: String,
    #[serde(default)]
    pub reporter: Option<Reporter>,
    /// Intake time by the phone's clock: every deadline runs from here.
    pub registered_at: i64,
    pub registered_by: String,
    #[serde(default)]
    pub repair: Option<RepairInfo>,
    #[serde(default)]
    pub complaint: Option<ComplaintInfo>,
    #[serde(default)]
    pub photos: Vec<ContentHash>,
    /// The record it came from (a patrol, an inspection, a visit, a meeting), if any.
    #[serde(default)]
    pub source: Option<DocumentId>,
}

/// Where a ticket stands.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    Registered,
    Dispatched,
    InProgress,
    Completed,
    CalledBack,
    Closed,
    Reopened,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Registered,
        Status::Dispatched,
        Status::InProgress,
        Status::Completed,
        Status::CalledBack,
        Status::Closed,
        Status::Reopened,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Dispatched => "dispatched",
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::CalledBack => "called_back",
            Status::Closed => "closed",
            Status::Reopened => "reopened",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Registered => "已登记",
            Status::Dispatched => "已派工",
            Status::InProgress => "处理中",
            Status::Completed => "已完成",
            Status::CalledBack => "已回访",
            Status::Closed => "已关闭",
            Status::Reopened => "重新打开",
        }
    }

    /// The work is done (completed, called back or closed).
    pub fn is_resolved(self) -> bool {
        matches!(
            self,
            Status::Completed | Status::CalledBack | Status::Closed
        )
    }
}

/// What can happen to a ticket after registration.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum TicketAction {
    /// 派工: passed to a person or team (again, to reassign).
    Dispatch { to: String },
    /// 首次接洽: first contact with the customer.
    Respond {},
    /// 到场处理: work started.
    Start {},
    /// 完成: for a household repair, with the owner's signature.
    Complete {
        #[serde(default)]
        signature: Option<ContentHash>,
    },
    /// 沟通记录: the customer told why the work is late and, where agreed, when it will
    /// be done (seed 004 §4.4.2: "不能及时到达的应告知客户，并与客户约定维修时间"; seed 003:
    /// "告知原因及预计完成时间"). What was said is the note.
    Contact {
        way: ContactWay,
        /// Why it is late.
        #[serde(default)]
        reason: Option<String>,
        /// The time agreed with the customer.
        #[serde(default)]
        agreed_at: Option<i64>,
    },
    /// 回访: the customer's satisfaction, and whether the problem is gone.
    Callback {
        satisfaction: Satisfaction,
        resolved: bool,
    },
    /// 重新打开: the problem remains; re-dispatch at once.
    Reopen {},
    /// 关闭
    Close {},
    /// Sets or corrects a repair's scope and scale or a complaint's classification.
    Classify {
        #[serde(default)]
        repair: Option<RepairInfo>,
        #[serde(default)]
        complaint: Option<ComplaintInfo>,
    },
    /// 统一口径: the agreed public answer to a major or group complaint (in the note).
    Answer {},
    /// 《服务需求单》: a special service's plan (the note) and price agreed with the
    /// customer before the work, signed (seed 004 §4.4.3 b: "服务过程需填报《服务需求单》，
    /// 提前与客户确认服务方案与价格"; seed 000: the price is shown before the service).
    Agree {
        /// The item of the project's published price list, or what else was agreed.
        item: String,
        /// In fen; 0 for a free service.
        price_fen: u64,
        signature: ContentHash,
    },
    /// 收款: payment of a special service's bill (seed 004 §4.4.3 c: "每月……完成特约服务
    /// 有偿服务项的账单制作并收款"), in fen.
    Collect { amount_fen: u64 },
    /// 上报: the complaint reported up to `to`; what was reported is the note.
    Refer { to: Referee },
    /// 成立处理小组: the handling team of a major or group complaint and the one person
    /// who answers the customers (seed 004 §4.4.1 c: "成立处理小组……并指定专人对客户投诉
    /// 进行回复").
    Team {
        /// 指定专人: who answers.
        spokesperson: String,
        /// Who else is on it (project staff, company departments, the leader in charge).
        #[serde(default)]
        members: String,
    },
    /// Media, an authority, litigation or compensation: a major customer event.
    Escalate {
        escalation: Escalation,
        /// Compensation in yuan.
        #[serde(default)]
        amount_yuan: Option<u64>,
    },
    /// The special report of a major customer event.
    Report { report: SpecialReport },
}

impl TicketAction {
    /// Actions that move the lifecycle; two of them made at once on different phones
    /// need a person.
    fn is_transition(&self) -> bool {
        matches!(
            self,
            TicketAction::Dispatch { .. }
                | TicketAction::Start {}
                | TicketAction::Complete { .. }
                | TicketAction::Callback { .. }
                | TicketAction::Reopen {}
                | TicketAction::Close {}
        )
    }
}

/// One callback.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Callback {
    /// The round of work it follows (0 before any reopening).
    pub round: u32,
    pub at: i64,
    pub by: String,
    pub satisfaction: Satisfaction,
    pub resolved: bool,
}

/// One contact with the customer about the work (沟通记录).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// The round of work it belongs to (0 before any reopening).
    pub round: u32,
    pub at: i64,
    pub by: String,
    pub way: ContactWay,
    /// What was said.
    pub said: String,
    pub reason: Option<String>,
    pub agreed_at: Option<i64>,
}

/// A special service's 《服务需求单》.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAgreement {
    pub at: i64,
    pub item: String,
    pub price_fen: u64,
    /// The plan agreed, as written on the form.
    pub plan: String,
    pub signature: ContentHash,
}

/// One report up.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Referral {
    pub at: i64,
    pub by: String,
    pub to: Referee,
}

/// A major complaint's handling team.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HandlingTeam {
    pub at: i64,
    pub spokesperson: String,
    pub members: String,
}

/// One escalation.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Escalated {
    pub at: i64,
    pub escalation: Escalation,
    pub amount_yuan: Option<u64>,
}

/// A ticket as its journal adds up.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketState {
    pub status: Status,
    /// Who it is dispatched to.
    pub assignee: Option<String>,
    /// Registration, or the latest reopening: the current round of work starts here.
    pub opened_at: i64,
    /// First dispatch of the current round.
    pub dispatched_at: Option<i64>,
    /// First contact with the customer (response, start or completion), ever.
    pub responded_at: Option<i64>,
    pub started_at: Option<i64>,
    /// Completion of the current round.
    pub completed_at: Option<i64>,
    pub signature: Option<ContentHash>,
    pub callbacks: Vec<Callback>,
    /// Every contact with the customer, in journal order.
    pub contacts: Vec<Contact>,
    pub closed_at: Option<i64>,
    pub reopened: u32,
    pub repair: Option<RepairInfo>,
    pub complaint: Option<ComplaintInfo>,
    /// When the agreed answer to a major or group complaint was given.
    pub answered_at: Option<i64>,
    /// Every report up, in journal order.
    pub referrals: Vec<Referral>,
    /// A special service's agreed plan and price (the latest, if agreed again).
    pub service: Option<ServiceAgreement>,
    /// Payments collected for a special service, in fen.
    pub collected_fen: u64,
    /// The handling team, once formed (the latest, if re-formed).
    pub team: Option<HandlingTeam>,
    /// When a person judged the complaint major, if they did.
    pub judged_major_at: Option<i64>,
    pub escalations: Vec<Escalated>,
    pub report: Option<SpecialReport>,
}

impl TicketState {
    /// The latest callback's satisfaction.
    pub fn satisfaction(&self) -> Option<Satisfaction> {
        self.callbacks.last().map(|c| c.satisfaction)
    }

    /// Callbacks after the current round of work.
    pub fn round_callbacks(&self) -> impl Iterator<Item = &Callback> {
        self.callbacks.iter().filter(|c| c.round == self.reopened)
    }

    /// When the complaint was first reported to `to` at or after `since`.
    pub fn referred(&self, to: Referee, since: i64) -> Option<i64> {
        self.referrals
            .iter()
            .filter(|r| r.to == to && r.at >= since)
            .map(|r| r.at)
            .min()
    }

    /// Contacts with the customer in the current round of work.
    pub fn round_contacts(&self) -> impl Iterator<Item = &Contact> {
        self.contacts.iter().filter(|c| c.round == self.reopened)
    }
}

/// The ticket kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ticket;

pub type TicketRecord = Record<Ticket>;

fn refuse(state: &TicketState, what: &str) -> Result<(), String> {
    Err(format!("工单{}，{what}", state.status.label_zh()))
}

impl Kind for Ticket {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "客户信息";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("dispatch", "派工"),
        ("respond", "首次响应"),
        ("start", "开始处理"),
        ("complete", "完成"),
        ("contact", "沟通记录"),
        ("callback", "回访"),
        ("reopen", "重新打开"),
        ("close", "关闭"),
        ("classify", "分类"),
        ("answer", "统一口径"),
        ("agree", "服务需求单"),
        ("collect", "收款"),
        ("refer", "上报"),
        ("team", "成立处理小组"),
        ("escalate", "升级"),
        ("report", "专项报告"),
    ];
    type Header = TicketHeader;
    type Action = TicketAction;
    type State = TicketState;

    fn area(header: &TicketHeader) -> &str {
        &header.area_id
    }

    fn start(header: &TicketHeader) -> TicketState {
        TicketState {
            status: Status::Registered,
            assignee: None,
            opened_at: header.registered_at,
            dispatched_at: None,
            responded_at: None,
            started_at: None,
            completed_at: None,
            signature: None,
            callbacks: Vec::new(),
            contacts: Vec::new(),
            closed_at: None,
            reopened: 0,
            repair: header.repair,
            complaint: header.complaint.clone(),
            answered_at: None,
            referrals: Vec::new(),
            service: None,
            collected_fen: 0,
            team: None,
            judged_major_at: header
                .complaint
                .as_ref()
                .filter(|c| c.severity == Some(Severity::Major))
                .map(|_| header.registered_at),
            escalations: Vec::new(),
            report: None,
        }
    }

    fn apply(
        header: &TicketHeader,
        state: &mut TicketState,
        event: &Event<TicketAction>,
        action: &TicketAction,
    ) -> Result<(), String> {
        use Status::*;
        let at = event.at;
        let status = state.status;
        match action {
            TicketAction::Dispatch { to } => {
                if !matches!(status, Registered | Dispatched | InProgress | Reopened) {
                    return refuse(state, "不能派工");
                }
                if to.trim().is_empty() {
                    return Err("请填写派工对象".into());
                }
                state.assignee = Some(to.clone());
                state.dispatched_at.get_or_insert(at);
                state.status = Dispatched;
            }
            TicketAction::Respond {} => {
                if status.is_resolved() {
                    return refuse(state, "无需首次响应");
                }
                state.responded_at.get_or_insert(at);
            }
            TicketAction::Start {} => {
                if status != Dispatched {
                    return refuse(state, "派工后才能开始处理");
                }
                state.started_at = Some(at);
                state.responded_at.get_or_insert(at);
                state.status = InProgress;
            }
            TicketAction::Complete { signature } => {
                if !matches!(status, Dispatched | InProgress) {
                    return refuse(state, "派工后才能完成");
                }
                let household = state
                    .repair
                    .is_some_and(|r| r.scope == RepairScope::Household);
                if header.category == Category::Repair && household && signature.is_none() {
                    return Err("家政报修完成须由业主签字".into());
                }
                state.completed_at = Some(at);
                state.signature = signature.clone();
                state.responded_at.get_or_insert(at);
                state.status = Completed;
            }
            TicketAction::Contact {
                way,
                reason,
                agreed_at,
            } => {
                if status == Closed {
                    return refuse(state, "无需再沟通");
                }
                let said = event.note.trim();
                if said.is_empty() {
                    return Err("请在说明中写明与客户沟通的内容".into());
                }
                if agreed_at.is_some_and(|agreed| agreed <= at) {
                    return Err("约定完成时间须晚于沟通时间".into());
                }
                state.contacts.push(Contact {
                    round: state.reopened,
                    at,
                    by: event.by.clone(),
                    way: *way,
                    said: said.to_owned(),
                    reason: reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_owned),
                    agreed_at: *agreed_at,
                });
                state.responded_at.get_or_insert(at);
            }
            TicketAction::Callback {
                satisfaction,
                resolved,
            } => {
                // A closed repair may still be called back: the weekly 20 % sample (seed
                // 000), a second callback for the 400 hotline (seed 004 §4.4.1).
                if !matches!(status, Completed | CalledBack | Closed) {
                    return refuse(state, "完成后才能回访");
                }
                state.callbacks.push(Callback {
                    round: state.reopened,
                    at,
                    by: event.by.clone(),
                    satisfaction: *satisfaction,
                    resolved: *resolved,
                });
                if status != Closed {
                    state.status = CalledBack;
                }
            }
            TicketAction::Reopen {} => {
                if !status.is_resolved() {
                    return refuse(state, "无需重新打开");
                }
                state.reopened += 1;
                state.opened_at = at;
                state.dispatched_at = None;
                state.started_at = None;
                state.completed_at = None;
                state.signature = None;
                state.closed_at = None;
                state.status = Reopened;
            }
            TicketAction::Close {} => {
                let allowed = match status {
                    Registered => header.category.closes_at_intake(),
                    Completed if header.category.callback_required() => {
                        return Err(format!("{}须先回访才能关闭", header.category.label_zh()));
                    }
                    Completed => true,
                    CalledBack if state.callbacks.last().is_some_and(|c| !c.resolved) => {
                        return Err("回访发现问题仍在，应重新打开并派工".into());
                    }
                    CalledBack => true,
                    _ => false,
                };
                if !allowed {
                    return refuse(state, "不能关闭");
                }
                state.closed_at = Some(at);
                state.status = Closed;
            }
            TicketAction::Classify { repair, complaint } => {
                if status == Closed {
                    return refuse(state, "不能再分类");
                }
                if repair.is_some() && header.category != Category::Repair {
                    return Err("只有报修才有维修范围和规模".into());
                }
                if complaint.is_some() && header.category != Category::Complaint {
                    return Err("只有投诉才有有效性和程度".into());
                }
                if repair.is_none() && complaint.is_none() {
                    return Err("请选择分类".into());
                }
                if let Some(r) = repair {
                    state.repair = Some(*r);
                }
                if let Some(c) = complaint {
                    if c.severity == Some(Severity::Major) {
                        state.judged_major_at.get_or_insert(at);
                    } else {
                        state.judged_major_at = None;
                    }
                    state.complaint = Some(c.clone());
                }
            }
            TicketAction::Answer {} => {
                if header.category != Category::Complaint {
                    return Err("统一口径只用于投诉".into());
                }
                if event.note.trim().is_empty() {
                    return Err("请在备注中写明统一口径".into());
                }
                state.answered_at.get_or_insert(at);
            }
            TicketAction::Agree {
                item,
                price_fen,
                signature,
            } => {
                if header.category != Category::SpecialService {
                    return Err("服务需求单只用于特约服务".into());
                }
                if status.is_resolved() {
                    return refuse(state, "服务需求单应在服务前填写");
                }
                let plan = event.note.trim();
                if item.trim().is_empty() || plan.is_empty() {
                    return Err("请填写服务项目，并在说明中写明服务方案".into());
                }
                state.service = Some(ServiceAgreement {
                    at,
                    item: item.trim().to_owned(),
                    price_fen: *price_fen,
                    plan: plan.to_owned(),
                    signature: signature.clone(),
                });
            }
            TicketAction::Collect { amount_fen } => {
                let Some(service) = &state.service else {
                    return Err("没有服务需求单，无从收款".into());
                };
                if *amount_fen == 0 {
                    return Err("请填写收款金额".into());
                }
                if state.collected_fen + amount_fen > service.price_fen {
                    return Err(format!(
                        "收款超过约定价格 {}",
                        super::yuan_text(service.price_fen)
                    ));
                }
                state.collected_fen += amount_fen;
            }
            TicketAction::Refer { to } => {
                if header.category != Category::Complaint {
                    return Err("上报只用于投诉".into());
                }
                if event.note.trim().is_empty() {
                    return Err("请在说明中写明上报的内容".into());
                }
                state.referrals.push(Referral {
                    at,
                    by: event.by.clone(),
                    to: *to,
                });
            }
            TicketAction::Team {
                spokesperson,
                members,
            } => {
                if header.category != Category::Complaint {
                    return Err("处理小组只用于投诉".into());
                }
                if spokesperson.trim().is_empty() {
                    return Err("请指定对客户回复的专人".into());
                }
                state.team = Some(HandlingTeam {
                    at,
                    spokesperson: spokesperson.trim().to_owned(),
                    members: members.trim().to_owned(),
                });
            }
            TicketAction::Escalate {
                escalation,
                amount_yuan,
            } => {
                if *escalation == Escalation::Compensation && amount_yuan.is_none() {
                    return Err("赔偿须填写金额".into());
                }
                state.escalations.push(Escalated {
                    at,
                    escalation: *escalation,
                    amount_yuan: *amount_yuan,
                });
            }
            TicketAction::Report { report } => {
                let fields = [
                    &report.description,
                    &report.cause,
                    &report.responsibility,
                    &report.measures,
                ];
                if fields.iter().any(|f| f.trim().is_empty()) {
                    return Err("专项报告须写明情况描述、原因分析、责任分析、改进措施".into());
                }
                state.report = Some(report.clone());
            }
        }
        Ok(())
    }

    fn contends(a: &TicketAction, b: &TicketAction) -> bool {
        (a.is_transition() && b.is_transition())
            || matches!(
                (a, b),
                (TicketAction::Classify { .. }, TicketAction::Classify { .. })
                    | (TicketAction::Report { .. }, TicketAction::Report { .. })
                    | (TicketAction::Team { .. }, TicketAction::Team { .. })
                    | (TicketAction::Agree { .. }, TicketAction::Agree { .. })
                    | (TicketAction::Collect { .. }, TicketAction::Collect { .. })
            )
    }

    fn title(header: &TicketHeader, _state: &TicketState) -> Option<String> {
        Some(header.description.clone())
    }

    fn office_rows(id: DocumentId, h: &TicketHeader, s: &TicketState) -> Vec<OfficeRow> {
        vec![
            OfficeRow::new("tickets", &["doc_id"])
                .text("doc_id", id.to_string())
                .text("area_id", h.area_id.clone())
                .text("category", h.category.as_str().to_owned())
                .text("channel", h.channel.as_str().to_owned())
                .text("status", s.status.as_str().to_owned())
                .text("unit_doc", h.location.unit().map(|u| u.to_string()))
                .text("place", h.location.label().to_owned())
                .text("description", h.description.clone())
                .int("registered_at", h.registered_at)
                .text("registered_by", h.registered_by.clone())
                .text("assignee", s.assignee.clone())
                .int("completed_at", s.completed_at)
                .int("closed_at", s.closed_at)
                .int("reopened", i64::from(s.reopened))
                .int("called_back_at", s.callbacks.last().map(|c| c.at))
                .text(
                    "satisfaction",
                    s.satisfaction().map(|x| x.as_str().to_owned()),
                ),
        ]
    }

    fn entry(header: &TicketHeader, state: &TicketState) -> Entry {
        let (unit, code) = match &header.location {
            Location::Unit { unit, code } => (Some(unit.to_string()), Some(code.to_string())),
            Location::Public { .. } => (None, None),
        };
        Entry {
            kind: KIND.into(),
            code,
            status: Some(state.status.as_str().into()),
            unit,
            month: Some(Month::at(header.registered_at).to_string()),
            date: Some(local_date(header.registered_at).to_string()),
            category: Some(header.category.as_str().into()),
        }
    }

    fn check_new(header: &TicketHeader) -> Result<(), RecordError> {
        if header.description.trim().is_empty() {
            return Err(RecordError::invalid("description", "请描述问题"));
        }
        if let Location::Public { place } = &header.location
            && place.trim().is_empty()
        {
            return Err(RecordError::invalid("location", "请写明公共部位"));
        }
        match (header.category, &header.repair) {
            (Category::Repair, None) => Err(RecordError::invalid(
                "repair",
                "报修需选择范围（户内或公共）和规模",
            )),
            (Category::Repair, Some(r))
                if r.scope == RepairScope::Household && header.location.unit().is_none() =>
            {
                Err(RecordError::invalid("location", "户内报修须选择房号"))
            }
            (Category::Repair, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(RecordError::invalid("repair", "只有报修才有维修规模")),
        }
    }

    fn header_content(header: &TicketHeader) -> Vec<&ContentHash> {
        header.photos.iter().collect()
    }

    fn action_content(action: &TicketAction) -> Vec<&ContentHash> {
        match action {
            TicketAction::Complete {
                signature: Some(signature),
            }
            | TicketAction::Agree { signature, .. } => vec![signature],
            _ => Vec::new(),
        }
    }

    fn probes(header: &TicketHeader, state: &TicketState, _now_ms: i64) -> Vec<TicketAction> {
        let text = || placeholder::TEXT.to_owned();
        let household = state
            .repair
            .is_some_and(|r| r.scope == RepairScope::Household);
        let mut probes = vec![
            TicketAction::Dispatch {
                to: state.assignee.clone().unwrap_or_else(text),
            },
            TicketAction::Respond {},
            TicketAction::Start {},
            TicketAction::Complete {
                signature: household.then(placeholder::signature),
            },
            TicketAction::Contact {
                way: ContactWay::Phone,
                reason: None,
                agreed_at: None,
            },
            TicketAction::Callback {
                satisfaction: Satisfaction::Satisfied,
                resolved: true,
            },
            TicketAction::Reopen {},
            TicketAction::Close {},
        ];
        probes.extend(match header.category {
            Category::Repair => state.repair.map(|r| TicketAction::Classify {
                repair: Some(r),
                complaint: None,
            }),
            Category::Complaint => Some(TicketAction::Classify {
                repair: None,
                complaint: Some(state.complaint.clone().unwrap_or_default()),
            }),
            _ => None,
        });
        if header.category == Category::SpecialService {
            probes.push(TicketAction::Agree {
                item: text(),
                price_fen: 0,
                signature: placeholder::signature(),
            });
            let owed = state
                .service
                .as_ref()
                .map_or(0, |s| s.price_fen.saturating_sub(state.collected_fen));
            probes.extend((owed > 0).then_some(TicketAction::Collect { amount_fen: owed }));
        }
        probes.extend([
            TicketAction::Answer {},
            TicketAction::Refer {
                to: Referee::ProjectHead,
            },
            TicketAction::Team {
                spokesperson: text(),
                members: String::new(),
            },
            TicketAction::Escalate {
                escalation: Escalation::Media,
                amount_yuan: None,
            },
            TicketAction::Report {
                report: SpecialReport {
                    description: text(),
                    cause: text(),
                    responsibility: text(),
                    measures: text(),
                },
            },
        ]);
        probes
    }
}

#[cfg(test)]
pub(crate) mod tests;
