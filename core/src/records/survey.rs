//! A satisfaction survey of an area (满意率调查; seed 000: "公司每年于六月和十一月对管理
//! 辖区范围内的客户进行全面的满意率调查。由管理处协助公司向所有客户发放、回收调查表"; seed
//! 001 篇2 《意见征询》). One record per area and campaign holds the plan (purpose, items,
//! quantity, dates, staff — 4.1.2 a), its approval (4.1.2 b: a management office's plan
//! "由管理者代表批准", the company's office here), every form handed out and returned per
//! household with the four levels per item (4.1.3 b), the close of collection, the
//! analysis report (4.1.5 c) and the callback to every household that commented (000:
//! "对提出意见和建议的客户应逐户回访，重要客户应登门拜访"). The rates and clocks are
//! `rules::surveys`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::people::StaffRole;
use super::ticket::BusinessType;
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::Month;

pub const KIND: &str = "survey";

labelled! {
    /// A household's rating of one item (001 篇2 4.1.3 b: "业主（住户）评价可以设定为
    /// '很满意'、'满意'、'较满意'、'不满意'几项").
    Rating {
        VerySatisfied = "very_satisfied" / "很满意",
        Satisfied = "satisfied" / "满意",
        FairlySatisfied = "fairly_satisfied" / "较满意",
        Dissatisfied = "dissatisfied" / "不满意",
    }
}

impl Rating {
    /// 4.1.5 b: "对业主（住户）评价为'很满意'、'满意'、'较满意'的可确定为满意项".
    pub fn satisfied(self) -> bool {
        self != Rating::Dissatisfied
    }
}

/// The items a form asks about when the plan names none: the services a management
/// office provides.
pub const DEFAULT_ITEMS: [&str; 6] = [
    "客户服务",
    "秩序维护",
    "环境保洁",
    "绿化养护",
    "工程维修",
    "收费服务",
];

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyHeader {
    pub area_id: String,
    /// The campaign: the month it runs (June and November for the company's).
    pub campaign: Month,
    pub purpose: String,
    /// What households rate; none means [`DEFAULT_ITEMS`].
    #[serde(default)]
    pub items: Vec<String>,
    /// Forms to hand out (the households of the area, for a full survey).
    pub planned: u32,
    pub opens: NaiveDate,
    /// The collection's last day (回收期限).
    pub closes: NaiveDate,
    #[serde(default)]
    pub staff: Vec<String>,
}

impl SurveyHeader {
    /// The items a form asks about, in order.
    pub fn items(&self) -> Vec<String> {
        if self.items.is_empty() {
            DEFAULT_ITEMS.iter().map(|s| (*s).to_owned()).collect()
        } else {
            self.items.clone()
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum SurveyAction {
    /// The plan approved by the company's office.
    Approve {},
    /// A form handed to a household.
    Hand {
        unit: DocumentId,
        unit_code: UnitCode,
    },
    /// A form returned: one rating per item, and what the household wrote.
    Return {
        unit: DocumentId,
        unit_code: UnitCode,
        ratings: Vec<Rating>,
        #[serde(default)]
        comment: String,
        /// What the comment is about, for the analysis's Pareto chart.
        #[serde(default)]
        topic: Option<BusinessType>,
    },
    /// Collection closed.
    Close {},
    /// The statistical analysis report (the note holds it).
    Analyse {},
    /// A household that commented called back (the note says what was said); at home
    /// for a key customer.
    CallBack {
        unit: DocumentId,
        unit_code: UnitCode,
        at_home: bool,
    },
}

/// A form handed out.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handed {
    pub unit_code: UnitCode,
    pub at: i64,
    pub by: String,
}

/// A form returned.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Returned {
    pub unit_code: UnitCode,
    pub ratings: Vec<Rating>,
    pub comment: String,
    pub topic: Option<BusinessType>,
    pub at: i64,
    pub by: String,
}

/// A commenting household called back.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalledBack {
    pub at: i64,
    pub by: String,
    pub at_home: bool,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SurveyState {
    pub approved_at: Option<i64>,
    pub approved_by: Option<String>,
    /// By unit.
    pub handed: BTreeMap<DocumentId, Handed>,
    pub returned: BTreeMap<DocumentId, Returned>,
    pub closed_at: Option<i64>,
    pub analysed_at: Option<i64>,
    pub called_back: BTreeMap<DocumentId, CalledBack>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Survey;

pub type SurveyRecord = Record<Survey>;

fn collecting(state: &SurveyState) -> Result<(), String> {
    match (state.approved_at, state.closed_at) {
        (None, _) => Err("调查计划尚未批准".into()),
        (_, Some(_)) => Err("调查已结束回收".into()),
        _ => Ok(()),
    }
}

impl Kind for Survey {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "满意度调查";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("approve", "批准计划"),
        ("hand", "发放调查表"),
        ("return", "回收调查表"),
        ("close", "结束回收"),
        ("analyse", "统计分析"),
        ("call_back", "意见回访"),
    ];
    type Header = SurveyHeader;
    type Action = SurveyAction;
    type State = SurveyState;

    fn area(header: &SurveyHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &SurveyHeader) -> SurveyState {
        SurveyState::default()
    }

    fn apply(
        header: &SurveyHeader,
        state: &mut SurveyState,
        event: &Event<SurveyAction>,
        action: &SurveyAction,
    ) -> Result<(), String> {
        match action {
            SurveyAction::Approve {} if event.role != StaffRole::Office => {
                return Err("调查计划由公司客服组（管理者代表）批准".into());
            }
            SurveyAction::Approve {} if state.approved_at.is_some() => {
                return Err("计划已批准".into());
            }
            SurveyAction::Approve {} => {
                state.approved_at = Some(event.at);
                state.approved_by = Some(event.by.clone());
            }
            SurveyAction::Hand { unit, unit_code } => {
                collecting(state)?;
                if state.handed.contains_key(unit) {
                    return Err(format!("{unit_code} 已发放调查表"));
                }
                state.handed.insert(
                    *unit,
                    Handed {
                        unit_code: unit_code.clone(),
                        at: event.at,
                        by: event.by.clone(),
                    },
                );
            }
            SurveyAction::Return {
                unit,
                unit_code,
                ratings,
                comment,
                topic,
            } => {
                collecting(state)?;
                if !state.handed.contains_key(unit) {
                    return Err(format!("{unit_code} 未发放调查表"));
                }
                if state.returned.contains_key(unit) {
                    return Err(format!("{unit_code} 的调查表已回收"));
                }
                if ratings.len() != header.items().len() {
                    return Err(format!("请对全部 {} 项逐项评价", header.items().len()));
                }
                let comment = comment.trim();
                if !comment.is_empty() && topic.is_none() {
                    return Err("请选择意见所属类别".into());
                }
                state.returned.insert(
                    *unit,
                    Returned {
                        unit_code: unit_code.clone(),
                        ratings: ratings.clone(),
                        comment: comment.to_owned(),
                        topic: topic.filter(|_| !comment.is_empty()),
                        at: event.at,
                        by: event.by.clone(),
                    },
                );
            }
            SurveyAction::Close {} => {
                collecting(state)?;
                state.closed_at = Some(event.at);
            }
            SurveyAction::Analyse {} if state.closed_at.is_none() => {
                return Err("回收结束后才能统计分析".into());
            }
            SurveyAction::Analyse {} if event.note.trim().is_empty() => {
                return Err("请写明统计分析结果".into());
            }
            SurveyAction::Analyse {} => {
                state.analysed_at.get_or_insert(event.at);
            }
            SurveyAction::CallBack { unit, .. }
                if state
                    .returned
                    .get(unit)
                    .is_none_or(|r| r.comment.is_empty()) =>
            {
                return Err("该户没有提出意见或建议".into());
            }
            SurveyAction::CallBack { .. } if event.note.trim().is_empty() => {
                return Err("请写明回访情况".into());
            }
            SurveyAction::CallBack { unit, at_home, .. } => {
                // A second callback stands when the first was not at home (a key
                // customer visited after a phone call).
                if state
                    .called_back
                    .get(unit)
                    .is_some_and(|c| c.at_home || !at_home)
                {
                    return Err("该户已回访".into());
                }
                state.called_back.insert(
                    *unit,
                    CalledBack {
                        at: event.at,
                        by: event.by.clone(),
                        at_home: *at_home,
                    },
                );
            }
        }
        Ok(())
    }

    fn contends(a: &SurveyAction, b: &SurveyAction) -> bool {
        match (a, b) {
            (SurveyAction::Return { unit: x, .. }, SurveyAction::Return { unit: y, .. }) => x == y,
            _ => false,
        }
    }

    fn title(header: &SurveyHeader, state: &SurveyState) -> Option<String> {
        Some(format!(
            "{} 满意度调查 · 回收 {}/{}",
            header.campaign,
            state.returned.len(),
            state.handed.len()
        ))
    }

    fn entry(header: &SurveyHeader, state: &SurveyState) -> Entry {
        let status = match (state.approved_at, state.closed_at, state.analysed_at) {
            (None, ..) => 0,
            (Some(_), None, _) => 1,
            (Some(_), Some(_), None) => 2,
            (Some(_), Some(_), Some(_)) => 3,
        };
        Entry {
            kind: KIND.into(),
            month: Some(header.campaign.to_string()),
            status: Some(STATUSES[status].0.into()),
            ..Entry::default()
        }
    }

    fn check_new(header: &SurveyHeader) -> Result<(), RecordError> {
        if header.purpose.trim().is_empty() {
            return Err(RecordError::invalid("purpose", "请写明调查目的"));
        }
        if header.planned == 0 {
            return Err(RecordError::invalid("planned", "请填写发放数量"));
        }
        if header.closes < header.opens {
            return Err(RecordError::invalid("closes", "回收期限早于开始日期"));
        }
        if header.items.iter().any(|i| i.trim().is_empty()) {
            return Err(RecordError::invalid("items", "评价项目不能为空"));
        }
        Ok(())
    }

    fn probes(header: &SurveyHeader, state: &SurveyState, _now_ms: i64) -> Vec<SurveyAction> {
        let code = || "1-1-101".parse::<UnitCode>().ok();
        let mut out = vec![SurveyAction::Approve {}];
        out.extend(code().map(|unit_code| SurveyAction::Hand {
            unit: placeholder::record(),
            unit_code,
        }));
        if let Some((unit, handed)) = state
            .handed
            .iter()
            .find(|(u, _)| !state.returned.contains_key(u))
        {
            out.push(SurveyAction::Return {
                unit: *unit,
                unit_code: handed.unit_code.clone(),
                ratings: vec![Rating::Satisfied; header.items().len()],
                comment: String::new(),
                topic: None,
            });
        }
        out.push(SurveyAction::Close {});
        out.push(SurveyAction::Analyse {});
        if let Some((unit, r)) = state
            .returned
            .iter()
            .find(|(u, r)| !r.comment.is_empty() && !state.called_back.contains_key(u))
        {
            out.push(SurveyAction::CallBack {
                unit: *unit,
                unit_code: r.unit_code.clone(),
                at_home: false,
            });
        }
        out
    }
}

/// Every status of a survey as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[
    ("planned", "待批准"),
    ("collecting", "发放回收中"),
    ("closed", "已结束回收"),
    ("analysed", "已统计分析"),
];
