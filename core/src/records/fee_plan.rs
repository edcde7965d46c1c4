//! An area's collection plan for a month (收费计划, seed 003 G8): "月初制定收费计划，指标
//! 分解" — the supervisor breaks the month's target down to each area's housekeeper at the
//! start of the month — and "是否跟进指标完成情况，是否与个人绩效考核（每月30日前）" —
//! the supervisor reviews how far it was met by the 30th. Both are the supervisor's: a
//! target or review signed by anyone else is refused, so a housekeeper cannot set their
//! own. The rate against the target is counted from the area's fee ledgers
//! (`rules::fees`).

use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};
use super::people::StaffRole;
use crate::time::Month;

pub const KIND: &str = "fee-plan";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeePlanHeader {
    pub area_id: String,
    pub month: Month,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum FeePlanAction {
    /// The month's target for the area: the amount to collect and the households to
    /// collect it from (set again to revise it).
    Target { amount_fen: u64, households: u32 },
    /// The supervisor's review of the month against the target, for the housekeeper's
    /// assessment (the note says what was found).
    Assess {},
}

/// A target as set.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub amount_fen: u64,
    pub households: u32,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeePlanState {
    pub target: Option<Target>,
    /// When the first target was set: the plan is made.
    pub set_at: Option<i64>,
    pub set_by: Option<String>,
    pub reviewed_at: Option<i64>,
    pub reviewed_by: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct FeePlan;

pub type FeePlanRecord = Record<FeePlan>;

impl Kind for FeePlan {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "收费计划";
    const ACTIONS: &'static [(&'static str, &'static str)] =
        &[("target", "下达指标"), ("assess", "完成情况考核")];
    type Header = FeePlanHeader;
    type Action = FeePlanAction;
    type State = FeePlanState;

    fn area(header: &FeePlanHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &FeePlanHeader) -> FeePlanState {
        FeePlanState::default()
    }

    fn apply(
        _header: &FeePlanHeader,
        state: &mut FeePlanState,
        event: &Event<FeePlanAction>,
        action: &FeePlanAction,
    ) -> Result<(), String> {
        if event.role != StaffRole::Supervisor {
            return Err("收费指标由主管下达和考核".into());
        }
        match action {
            FeePlanAction::Target { amount_fen: 0, .. } => Err("收费指标须大于0".into()),
            FeePlanAction::Target { households: 0, .. } => Err("请填写收费户数".into()),
            FeePlanAction::Target {
                amount_fen,
                households,
            } => {
                state.target = Some(Target {
                    amount_fen: *amount_fen,
                    households: *households,
                });
                if state.set_at.is_none() {
                    state.set_at = Some(event.at);
                    state.set_by = Some(event.by.clone());
                }
                Ok(())
            }
            FeePlanAction::Assess {} if state.target.is_none() => {
                Err("尚未下达指标，无从考核".into())
            }
            FeePlanAction::Assess {} if event.note.trim().is_empty() => {
                Err("请写明考核意见".into())
            }
            FeePlanAction::Assess {} => {
                state.reviewed_at.get_or_insert(event.at);
                state.reviewed_by.get_or_insert_with(|| event.by.clone());
                Ok(())
            }
        }
    }

    fn contends(a: &FeePlanAction, b: &FeePlanAction) -> bool {
        matches!(
            (a, b),
            (FeePlanAction::Target { .. }, FeePlanAction::Target { .. })
        )
    }

    fn title(header: &FeePlanHeader, state: &FeePlanState) -> Option<String> {
        Some(match state.target {
            Some(t) => format!(
                "{} 收费计划 · 指标 {}",
                header.month,
                super::yuan_text(t.amount_fen)
            ),
            None => format!("{} 收费计划 · 未下达指标", header.month),
        })
    }

    fn entry(header: &FeePlanHeader, state: &FeePlanState) -> Entry {
        let status = match (state.target, state.reviewed_at) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        };
        Entry {
            kind: KIND.into(),
            month: Some(header.month.to_string()),
            status: Some(STATUSES[status].0.into()),
            ..Entry::default()
        }
    }

    fn probes(_: &FeePlanHeader, _: &FeePlanState, _now_ms: i64) -> Vec<FeePlanAction> {
        vec![
            FeePlanAction::Target {
                amount_fen: 1,
                households: 1,
            },
            FeePlanAction::Assess {},
        ]
    }
}

/// Every status of a plan as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[
    ("draft", "未下达指标"),
    ("set", "执行中"),
    ("reviewed", "已考核"),
];
