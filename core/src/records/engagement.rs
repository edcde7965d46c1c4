//! The project's own occasions for meeting its customers (专项客户信息沟通, seed 004 §3.6):
//! the project manager's reception day ("项目经理接待日 … 1次/月") and greeting and seeing
//! customers off at the gate ("客户送迎 … 项目负责人：1次/周，专业负责人：2次/周"), each
//! recorded once held, for the monthly table to count (§4.3.5; `rules::statistics`).

use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};
use crate::time::{Month, local_date};

pub const KIND: &str = "engagement";

labelled! {
    /// Which occasion.
    Occasion {
        ReceptionDay = "reception_day" / "项目经理接待日",
        SendOff = "send_off" / "客户送迎",
    }
}

labelled! {
    /// Who hosted it: the project's head, or the head of a department (工程、秩序、环境…).
    Host {
        ProjectHead = "project_head" / "项目负责人",
        DepartmentHead = "department_head" / "专业负责人",
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementHeader {
    pub area_id: String,
    pub occasion: Occasion,
    pub held_at: i64,
    /// Who hosted it, by name.
    pub host: String,
    pub host_level: Host,
    /// What customers raised, in a few words.
    #[serde(default)]
    pub notes: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum EngagementAction {
    /// Recorded by mistake: it does not count (the reason in the note).
    Withdraw {},
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementState {
    pub withdrawn: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Engagement;

pub type EngagementRecord = Record<Engagement>;

impl Kind for Engagement {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "接待日与客户送迎";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[("withdraw", "撤销")];
    type Header = EngagementHeader;
    type Action = EngagementAction;
    type State = EngagementState;

    fn area(header: &EngagementHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &EngagementHeader) -> EngagementState {
        EngagementState::default()
    }

    fn apply(
        _header: &EngagementHeader,
        state: &mut EngagementState,
        event: &Event<EngagementAction>,
        action: &EngagementAction,
    ) -> Result<(), String> {
        match action {
            EngagementAction::Withdraw {} if state.withdrawn => Err("已撤销".into()),
            EngagementAction::Withdraw {} if event.note.trim().is_empty() => {
                Err("请写明撤销原因".into())
            }
            EngagementAction::Withdraw {} => {
                state.withdrawn = true;
                Ok(())
            }
        }
    }

    fn contends(_: &EngagementAction, _: &EngagementAction) -> bool {
        false
    }

    fn title(header: &EngagementHeader, _state: &EngagementState) -> Option<String> {
        Some(format!("{} · {}", header.occasion.label_zh(), header.host))
    }

    fn entry(header: &EngagementHeader, state: &EngagementState) -> Entry {
        Entry {
            kind: KIND.into(),
            date: Some(local_date(header.held_at).to_string()),
            month: Some(Month::at(header.held_at).to_string()),
            category: Some(header.occasion.as_str().into()),
            status: Some(STATUSES[usize::from(state.withdrawn)].0.into()),
            ..Entry::default()
        }
    }

    fn check_new(header: &EngagementHeader) -> Result<(), RecordError> {
        if header.host.trim().is_empty() {
            return Err(RecordError::invalid("host", "请填写主持人"));
        }
        if header.occasion == Occasion::ReceptionDay && header.host_level != Host::ProjectHead {
            return Err(RecordError::invalid(
                "hostLevel",
                "项目经理接待日由项目负责人主持",
            ));
        }
        Ok(())
    }

    fn probes(_: &EngagementHeader, _: &EngagementState, _now_ms: i64) -> Vec<EngagementAction> {
        vec![EngagementAction::Withdraw {}]
    }
}

/// Every status of an occasion as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[("held", "已开展"), ("withdrawn", "已撤销")];
