//! The duty log (值班记录) of one shift at an area's service desk, and its handover (seed
//! 003 G7 指挥中心管理: "夜间未处理完成的信息是否转出", "值班记录是否完整，交接物品有无缺失（每
//! 月不少于两次）"; seed 000: 工作日志、值班记录). Whoever is on duty logs what happens; at
//! the shift's end they hand the next shift the tickets still unfinished and the items
//! in their keeping (keys, radios, the log book); the next shift takes over, naming any
//! item missing; the supervisor checks the logs (`rules::duty` counts the checks and finds
//! a ticket dropped at handover).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::people::StaffRole;
use crate::ids::DocumentId;
use crate::time::{Month, add_days, at_local};

pub const KIND: &str = "duty-log";

/// A shift: the day, 08:00–18:00, or the night, 18:00 to 08:00 the next morning — the
/// same night the ticket clocks hold over to 09:00.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shift {
    Day,
    Night,
}

impl Shift {
    pub const ALL: [Shift; 2] = [Shift::Day, Shift::Night];

    pub fn as_str(self) -> &'static str {
        match self {
            Shift::Day => "day",
            Shift::Night => "night",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Shift::Day => "白班",
            Shift::Night => "夜班",
        }
    }

    /// The shift on `date` as `[start, end)` in ms.
    pub fn window(self, date: NaiveDate) -> (i64, i64) {
        match self {
            Shift::Day => (at_local(date, 8, 0), at_local(date, 18, 0)),
            Shift::Night => (at_local(date, 18, 0), at_local(add_days(date, 1), 8, 0)),
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyHeader {
    pub area_id: String,
    pub date: NaiveDate,
    pub shift: Shift,
    /// Who is on duty (user ID).
    pub on_duty: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum DutyAction {
    /// 值班记录: what happened, in the note.
    Log {},
    /// 交班: to whom, the tickets still unfinished handed on, the items handed over.
    HandOver {
        to: String,
        #[serde(default)]
        tickets: Vec<DocumentId>,
        #[serde(default)]
        items: Vec<String>,
    },
    /// 接班: the next shift's check of the items handed over; those missing named.
    TakeOver {
        #[serde(default)]
        missing: Vec<String>,
    },
    /// 检查: the supervisor's check of the log; what was found in the note.
    Check { complete: bool },
}

/// The handover at the shift's end.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handover {
    pub at: i64,
    pub by: String,
    pub to: String,
    pub tickets: Vec<DocumentId>,
    pub items: Vec<String>,
}

/// The next shift's taking over.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TakenOver {
    pub at: i64,
    pub by: String,
    pub missing: Vec<String>,
}

/// A supervisor's check of the log.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyCheck {
    pub at: i64,
    pub by: String,
    pub complete: bool,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DutyState {
    /// Entries logged.
    pub entries: u32,
    pub handover: Option<Handover>,
    pub taken_over: Option<TakenOver>,
    pub checks: Vec<DutyCheck>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DutyLog;

pub type DutyLogRecord = Record<DutyLog>;

impl Kind for DutyLog {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "值班记录";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("log", "记录"),
        ("hand_over", "交班"),
        ("take_over", "接班"),
        ("check", "主管检查"),
    ];
    type Header = DutyHeader;
    type Action = DutyAction;
    type State = DutyState;

    fn area(header: &DutyHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &DutyHeader) -> DutyState {
        DutyState {
            entries: 0,
            handover: None,
            taken_over: None,
            checks: Vec::new(),
        }
    }

    fn apply(
        _header: &DutyHeader,
        state: &mut DutyState,
        event: &Event<DutyAction>,
        action: &DutyAction,
    ) -> Result<(), String> {
        match action {
            DutyAction::Log {} if event.note.trim().is_empty() => {
                return Err("请写明值班情况".into());
            }
            DutyAction::Log {} => state.entries += 1,
            DutyAction::HandOver { .. } if state.handover.is_some() => {
                return Err("本班已交班".into());
            }
            DutyAction::HandOver { to, .. } if to.trim().is_empty() => {
                return Err("请填写接班人".into());
            }
            DutyAction::HandOver { to, tickets, items } => {
                state.handover = Some(Handover {
                    at: event.at,
                    by: event.by.clone(),
                    to: to.trim().to_owned(),
                    tickets: tickets.clone(),
                    items: items
                        .iter()
                        .map(|i| i.trim().to_owned())
                        .filter(|i| !i.is_empty())
                        .collect(),
                });
            }
            DutyAction::TakeOver { missing } => {
                let Some(handover) = &state.handover else {
                    return Err("尚未交班，不能接班".into());
                };
                if state.taken_over.is_some() {
                    return Err("已接班".into());
                }
                if event.by == handover.by {
                    return Err("接班须由下一班的人确认".into());
                }
                if let Some(unknown) = missing.iter().find(|m| !handover.items.contains(m)) {
                    return Err(format!("“{unknown}”不在交接物品中"));
                }
                state.taken_over = Some(TakenOver {
                    at: event.at,
                    by: event.by.clone(),
                    missing: missing.clone(),
                });
            }
            DutyAction::Check { .. } if event.role != StaffRole::Supervisor => {
                return Err("值班记录由客服主管检查".into());
            }
            DutyAction::Check { complete } => state.checks.push(DutyCheck {
                at: event.at,
                by: event.by.clone(),
                complete: *complete,
            }),
        }
        Ok(())
    }

    fn contends(a: &DutyAction, b: &DutyAction) -> bool {
        matches!(
            (a, b),
            (DutyAction::HandOver { .. }, DutyAction::HandOver { .. })
                | (DutyAction::TakeOver { .. }, DutyAction::TakeOver { .. })
        )
    }

    fn title(header: &DutyHeader, _state: &DutyState) -> Option<String> {
        Some(format!("{} {}", header.date, header.shift.label_zh()))
    }

    fn entry(header: &DutyHeader, state: &DutyState) -> Entry {
        let status = match (&state.handover, &state.taken_over) {
            (None, _) => STATUSES[0].0,
            (Some(_), None) => STATUSES[1].0,
            (Some(_), Some(_)) => STATUSES[2].0,
        };
        Entry {
            kind: KIND.into(),
            date: Some(header.date.to_string()),
            month: Some(Month::of(header.date).to_string()),
            status: Some(status.into()),
            category: Some(header.shift.as_str().into()),
            ..Entry::default()
        }
    }

    fn check_new(header: &DutyHeader) -> Result<(), RecordError> {
        if header.on_duty.trim().is_empty() {
            return Err(RecordError::invalid("onDuty", "请填写值班人"));
        }
        Ok(())
    }

    fn probes(_: &DutyHeader, state: &DutyState, _now_ms: i64) -> Vec<DutyAction> {
        vec![
            DutyAction::Log {},
            DutyAction::HandOver {
                to: placeholder::TEXT.to_owned(),
                tickets: Vec::new(),
                items: Vec::new(),
            },
            DutyAction::TakeOver {
                missing: Vec::new(),
            },
            DutyAction::Check {
                complete: state.taken_over.is_some(),
            },
        ]
    }
}

/// Every status of a log as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[
    ("on_duty", "值班中"),
    ("handed_over", "已交班"),
    ("taken_over", "已接班"),
];
