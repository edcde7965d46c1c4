//! A visit to a household (走访 / 拜访, seed 004 §4.4.5 and seed 003): by phone, at the
//! door or on meeting in the estate; what the owner raises becomes tickets ("客户拜访时对
//! 客户提出的报修、投诉等信息按《客户投诉处理工作规程》执行").

use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::office::{OfficeRow, tag};
use super::ticket::Satisfaction;
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::{Month, local_date};

pub const KIND: &str = "visit";

/// How the visit was made (seed 004 §4.4.5 a: "电话拜访、上门拜访、户外相遇面访").
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitMethod {
    Phone,
    Door,
    InEstate,
}

impl VisitMethod {
    pub const ALL: [VisitMethod; 3] =
        [VisitMethod::Phone, VisitMethod::Door, VisitMethod::InEstate];

    pub fn label_zh(self) -> &'static str {
        match self {
            VisitMethod::Phone => "电话拜访",
            VisitMethod::Door => "上门拜访",
            VisitMethod::InEstate => "户外面访",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitHeader {
    pub area_id: String,
    pub unit: DocumentId,
    pub unit_code: UnitCode,
    pub method: VisitMethod,
    pub visited_at: i64,
    pub by: String,
    /// Whom the housekeeper spoke with.
    #[serde(default)]
    pub person: String,
    /// What was said.
    #[serde(default)]
    pub notes: String,
    /// How the household rates the service, if asked (走访月报).
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum VisitAction {
    /// Something raised during the visit, registered as this ticket.
    Ticket { ticket: DocumentId },
    /// 抽样回访: the company's check by phone of a visit drawn in its monthly sample (seed
    /// 004 §4.4.5: "运营管理部/客户服务组每月抽样回访服务中心客户拜访情况"): whether the
    /// household confirms the visit, and how it rates the service.
    Verify {
        confirmed: bool,
        #[serde(default)]
        satisfaction: Option<Satisfaction>,
    },
}

/// The company's check of one visit.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub at: i64,
    pub by: String,
    pub confirmed: bool,
    pub satisfaction: Option<Satisfaction>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VisitState {
    pub tickets: Vec<DocumentId>,
    /// The company's checks of it, in journal order.
    pub verifications: Vec<Verification>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Visit;

pub type VisitRecord = Record<Visit>;

impl Kind for Visit {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "拜访";
    const ACTIONS: &'static [(&'static str, &'static str)] =
        &[("ticket", "转工单"), ("verify", "抽样回访")];
    type Header = VisitHeader;
    type Action = VisitAction;
    type State = VisitState;

    fn area(header: &VisitHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &VisitHeader) -> VisitState {
        VisitState::default()
    }

    fn apply(
        _header: &VisitHeader,
        state: &mut VisitState,
        event: &Event<VisitAction>,
        action: &VisitAction,
    ) -> Result<(), String> {
        match action {
            VisitAction::Verify {
                confirmed,
                satisfaction,
            } => {
                state.verifications.push(Verification {
                    at: event.at,
                    by: event.by.clone(),
                    confirmed: *confirmed,
                    satisfaction: *satisfaction,
                });
                Ok(())
            }
            VisitAction::Ticket { ticket } if state.tickets.contains(ticket) => {
                Err("该工单已关联".into())
            }
            VisitAction::Ticket { ticket } => {
                state.tickets.push(*ticket);
                Ok(())
            }
        }
    }

    fn contends(_: &VisitAction, _: &VisitAction) -> bool {
        false
    }

    fn title(header: &VisitHeader, _state: &VisitState) -> Option<String> {
        Some(format!("{} {}", header.unit_code, header.notes))
    }

    fn office_rows(id: DocumentId, h: &VisitHeader, s: &VisitState) -> Vec<OfficeRow> {
        vec![
            OfficeRow::new("visits", &["doc_id"])
                .text("doc_id", id.to_string())
                .text("area_id", h.area_id.clone())
                .text("unit_doc", h.unit.to_string())
                .text("unit_code", h.unit_code.as_str().to_owned())
                .text("method", tag(&h.method))
                .int("visited_at", h.visited_at)
                .text("visited_by", h.by.clone())
                .text(
                    "satisfaction",
                    h.satisfaction.map(|x| x.as_str().to_owned()),
                )
                .int("tickets", s.tickets.len() as i64)
                .int("verified_at", s.verifications.last().map(|v| v.at)),
        ]
    }

    fn entry(header: &VisitHeader, _state: &VisitState) -> Entry {
        Entry {
            kind: KIND.into(),
            code: Some(header.unit_code.to_string()),
            unit: Some(header.unit.to_string()),
            month: Some(Month::at(header.visited_at).to_string()),
            date: Some(local_date(header.visited_at).to_string()),
            ..Entry::default()
        }
    }

    fn probes(_: &VisitHeader, _: &VisitState, _now_ms: i64) -> Vec<VisitAction> {
        vec![
            VisitAction::Ticket {
                ticket: placeholder::record(),
            },
            VisitAction::Verify {
                confirmed: true,
                satisfaction: Some(Satisfaction::Satisfied),
            },
        ]
    }
}
