//! The monthly visit plan (《客户拜访计划表》, seed 004 §4.4.5 b 2): made by the 25th for
//! the next month ("每月25日前 … 制定完成下个月服务中心的《客户拜访计划表》，经服务中心负责人
//! 审批后实施"), covering about 8 % of households (seed 003 G6: "走访比例8%"), never a
//! household twice in one round ("每轮覆盖拜访时，拜访客户不重复"). Whether a plan repeats
//! a household already visited or planned in the round is judged against the other
//! records (`rules::visits`).

use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::people::StaffRole;
use crate::ids::DocumentId;
use crate::time::Month;

pub const KIND: &str = "visit-plan";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitPlanHeader {
    pub area_id: String,
    /// The month the plan is for.
    pub month: Month,
    pub made_by: String,
    pub made_at: i64,
    /// What the visits are to cover (走访内容, seed 003 G6: "走访计划…走访内容"): the
    /// notices to pass on, the questions to ask. A plan made before it was asked has none.
    #[serde(default)]
    pub content: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum VisitPlanAction {
    /// Plans these households (unit documents).
    Add {
        units: Vec<DocumentId>,
    },
    Remove {
        units: Vec<DocumentId>,
    },
    /// 审批: the service center's head approves the plan.
    Approve {},
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitPlanState {
    /// Planned households, in the order planned.
    pub units: Vec<DocumentId>,
    pub approved_by: Option<String>,
    pub approved_at: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VisitPlan;

pub type VisitPlanRecord = Record<VisitPlan>;

impl Kind for VisitPlan {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "拜访计划";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("add", "加入计划"),
        ("remove", "移出计划"),
        ("approve", "审批"),
    ];
    type Header = VisitPlanHeader;
    type Action = VisitPlanAction;
    type State = VisitPlanState;

    fn area(header: &VisitPlanHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &VisitPlanHeader) -> VisitPlanState {
        VisitPlanState::default()
    }

    fn apply(
        _header: &VisitPlanHeader,
        state: &mut VisitPlanState,
        event: &Event<VisitPlanAction>,
        action: &VisitPlanAction,
    ) -> Result<(), String> {
        match action {
            VisitPlanAction::Add { units } => {
                if units.is_empty() {
                    return Err("请选择要拜访的住户".into());
                }
                for unit in units {
                    if state.units.contains(unit) {
                        return Err("计划中已有该住户，同一轮拜访不重复".into());
                    }
                    state.units.push(*unit);
                }
            }
            VisitPlanAction::Remove { units } => {
                if units.iter().any(|u| !state.units.contains(u)) {
                    return Err("计划中没有该住户".into());
                }
                state.units.retain(|u| !units.contains(u));
            }
            VisitPlanAction::Approve {} => {
                if state.approved_at.is_some() {
                    return Err("计划已审批".into());
                }
                if event.role == StaffRole::Housekeeper {
                    return Err("拜访计划须由服务中心负责人审批".into());
                }
                state.approved_by = Some(event.by.clone());
                state.approved_at = Some(event.at);
            }
        }
        Ok(())
    }

    fn contends(a: &VisitPlanAction, b: &VisitPlanAction) -> bool {
        use VisitPlanAction::*;
        match (a, b) {
            (Add { units: x } | Remove { units: x }, Add { units: y } | Remove { units: y }) => {
                x.iter().any(|u| y.contains(u))
            }
            (Approve {}, Approve {}) => true,
            _ => false,
        }
    }

    fn entry(header: &VisitPlanHeader, _state: &VisitPlanState) -> Entry {
        Entry {
            kind: KIND.into(),
            month: Some(header.month.to_string()),
            ..Entry::default()
        }
    }

    fn check_new(header: &VisitPlanHeader) -> Result<(), RecordError> {
        if Month::at(header.made_at) > header.month {
            return Err(RecordError::invalid(
                "month",
                format!("{} 已经过去，不能再为它制定走访计划", header.month),
            ));
        }
        Ok(())
    }

    /// Adding a household, removing one when any is planned, approving.
    fn probes(_: &VisitPlanHeader, state: &VisitPlanState, _now_ms: i64) -> Vec<VisitPlanAction> {
        let mut probes = vec![VisitPlanAction::Add {
            units: vec![placeholder::record()],
        }];
        probes.extend(
            state
                .units
                .first()
                .map(|unit| VisitPlanAction::Remove { units: vec![*unit] }),
        );
        probes.push(VisitPlanAction::Approve {});
        probes
    }
}
