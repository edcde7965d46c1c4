//! The daily public-area patrol (公共部位巡视, seed 003: "每日进行责任区域公共部位的巡视，
//! 发现问题及时处理"): the housekeeper walks the public parts of the area; each finding
//! becomes a ticket, with photos.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::journal::{Event, EventId};
use super::kind::{Kind, Record, placeholder};
use super::ticket::Category;
use crate::ids::DocumentId;
use crate::time::Month;

pub const KIND: &str = "public-patrol";

/// The public parts walked.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PatrolPoint {
    Lobby,
    Stairwell,
    Lift,
    FireEquipment,
    Lighting,
    Greenery,
    Cleanliness,
    Parking,
}

impl PatrolPoint {
    pub const ALL: [PatrolPoint; 8] = [
        Self::Lobby,
        Self::Stairwell,
        Self::Lift,
        Self::FireEquipment,
        Self::Lighting,
        Self::Greenery,
        Self::Cleanliness,
        Self::Parking,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            PatrolPoint::Lobby => "lobby",
            PatrolPoint::Stairwell => "stairwell",
            PatrolPoint::Lift => "lift",
            PatrolPoint::FireEquipment => "fire_equipment",
            PatrolPoint::Lighting => "lighting",
            PatrolPoint::Greenery => "greenery",
            PatrolPoint::Cleanliness => "cleanliness",
            PatrolPoint::Parking => "parking",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PatrolPoint::Lobby => "大堂",
            PatrolPoint::Stairwell => "楼道",
            PatrolPoint::Lift => "电梯",
            PatrolPoint::FireEquipment => "消防设施",
            PatrolPoint::Lighting => "照明",
            PatrolPoint::Greenery => "绿化",
            PatrolPoint::Cleanliness => "卫生",
            PatrolPoint::Parking => "停车",
        }
    }

    /// The category of the ticket a finding here becomes.
    pub fn category(self) -> Category {
        match self {
            PatrolPoint::Lobby
            | PatrolPoint::Stairwell
            | PatrolPoint::Lift
            | PatrolPoint::Lighting => Category::Facilities,
            PatrolPoint::FireEquipment => Category::Security,
            PatrolPoint::Greenery | PatrolPoint::Cleanliness => Category::Environment,
            PatrolPoint::Parking => Category::Vehicle,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatrolHeader {
    pub area_id: String,
    /// The local day patrolled.
    pub date: NaiveDate,
    pub by: String,
    pub started_at: i64,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum PatrolAction {
    /// Something found (photos with the event).
    Finding {
        point: PatrolPoint,
        place: String,
        description: String,
    },
    /// The ticket a finding became.
    Ticket {
        finding: EventId,
        ticket: DocumentId,
    },
    /// A checkpoint's QR code scanned: the place was visited at the event's time.
    Checkpoint { checkpoint: String, place: String },
    /// The round is walked.
    Finish {},
}

/// A checkpoint visited on the round.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Visited {
    pub checkpoint: String,
    pub place: String,
    pub at: i64,
    pub by: String,
}

/// One finding.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// The event that recorded it.
    pub id: EventId,
    pub point: PatrolPoint,
    pub place: String,
    pub description: String,
    pub photos: usize,
    pub ticket: Option<DocumentId>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatrolState {
    pub findings: Vec<Finding>,
    /// Checkpoints scanned, in the order walked.
    pub visited: Vec<Visited>,
    pub finished_at: Option<i64>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Patrol;

pub type PatrolRecord = Record<Patrol>;

impl Kind for Patrol {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "公共部位巡视";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("finding", "发现问题"),
        ("ticket", "转工单"),
        ("checkpoint", "扫码打卡"),
        ("finish", "巡视完成"),
    ];
    type Header = PatrolHeader;
    type Action = PatrolAction;
    type State = PatrolState;

    fn area(header: &PatrolHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &PatrolHeader) -> PatrolState {
        PatrolState::default()
    }

    fn apply(
        _header: &PatrolHeader,
        state: &mut PatrolState,
        event: &Event<PatrolAction>,
        action: &PatrolAction,
    ) -> Result<(), String> {
        match action {
            PatrolAction::Finding {
                point,
                place,
                description,
            } => {
                if description.trim().is_empty() {
                    return Err("请描述发现的问题".into());
                }
                state.findings.push(Finding {
                    id: event.id.clone(),
                    point: *point,
                    place: place.clone(),
                    description: description.clone(),
                    photos: event.photos.len(),
                    ticket: None,
                });
            }
            PatrolAction::Ticket { finding, ticket } => {
                let Some(found) = state.findings.iter_mut().find(|f| &f.id == finding) else {
                    return Err("没有这条发现".into());
                };
                if found.ticket.is_some() {
                    return Err("这条发现已转为工单".into());
                }
                found.ticket = Some(*ticket);
            }
            PatrolAction::Checkpoint { checkpoint, place } => {
                if state.finished_at.is_some() {
                    return Err("本次巡视已结束".into());
                }
                if checkpoint.trim().is_empty() {
                    return Err("请扫描巡查点的二维码".into());
                }
                state.visited.push(Visited {
                    checkpoint: checkpoint.clone(),
                    place: place.clone(),
                    at: event.at,
                    by: event.by.clone(),
                });
            }
            PatrolAction::Finish {} => {
                if state.finished_at.is_some() {
                    return Err("本次巡视已结束".into());
                }
                state.finished_at = Some(event.at);
            }
        }
        Ok(())
    }

    fn contends(a: &PatrolAction, b: &PatrolAction) -> bool {
        match (a, b) {
            (PatrolAction::Ticket { finding: x, .. }, PatrolAction::Ticket { finding: y, .. }) => {
                x == y
            }
            _ => false,
        }
    }

    fn entry(header: &PatrolHeader, state: &PatrolState) -> Entry {
        Entry {
            kind: KIND.into(),
            date: Some(header.date.to_string()),
            month: Some(Month::of(header.date).to_string()),
            status: Some(STATUSES[usize::from(state.finished_at.is_some())].0.into()),
            ..Entry::default()
        }
    }

    /// A finding anywhere, a ticket for each finding that has none, a checkpoint, the end
    /// of the round.
    fn probes(_: &PatrolHeader, state: &PatrolState, _now_ms: i64) -> Vec<PatrolAction> {
        let mut probes = vec![PatrolAction::Finding {
            point: PatrolPoint::ALL[0],
            place: placeholder::TEXT.into(),
            description: placeholder::TEXT.into(),
        }];
        probes.extend(
            state
                .findings
                .iter()
                .filter(|f| f.ticket.is_none())
                .map(|f| PatrolAction::Ticket {
                    finding: f.id.clone(),
                    ticket: placeholder::record(),
                }),
        );
        probes.push(PatrolAction::Checkpoint {
            checkpoint: placeholder::TEXT.into(),
            place: placeholder::TEXT.into(),
        });
        probes.push(PatrolAction::Finish {});
        probes
    }
}

/// Every status of a round as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[("open", "巡查中"), ("finished", "已完成")];
