//! The key ledger of an area (钥匙管理, seed 003 G9): each key labelled; custody and
//! borrowing signed for ("借领手续是否齐全（重点关注业主签字）"); counted every day ("要求管理
//! 人员每日核对"); a lost key needs the project manager's approval ("缺失钥匙是否履行审批手续
//! …（项目经理审批）"). One document per area, so the daily count is one event.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::content::ContentHash;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::office::OfficeRow;
use super::people::StaffRole;
use crate::ids::DocumentId;
use crate::time::local_date;

pub const KIND: &str = "key-ledger";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyLedgerHeader {
    pub area_id: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum KeyAction {
    /// A key taken into custody from its owner (托管), with the owner's signature.
    Receive {
        label: String,
        #[serde(default)]
        unit: Option<DocumentId>,
        #[serde(default)]
        unit_code: Option<String>,
        signature: ContentHash,
    },
    /// Lent out (借用), signed by the borrower.
    Borrow {
        label: String,
        borrower: String,
        signature: ContentHash,
    },
    Return {
        label: String,
    },
    /// The daily count: the keys found; any other key in custody is missing.
    Count {
        present: Vec<String>,
    },
    /// A key reported lost.
    Lose {
        label: String,
    },
    /// The project manager approves the loss (and the responsibility is followed up).
    ApproveLoss {
        label: String,
    },
    /// Given back to the owner for good.
    HandBack {
        label: String,
    },
}

impl KeyAction {
    fn label(&self) -> Option<&str> {
        match self {
            KeyAction::Receive { label, .. }
            | KeyAction::Borrow { label, .. }
            | KeyAction::Return { label }
            | KeyAction::Lose { label }
            | KeyAction::ApproveLoss { label }
            | KeyAction::HandBack { label } => Some(label),
            KeyAction::Count { .. } => None,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(
    tag = "status",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum KeyStatus {
    InCustody,
    Lent { borrower: String, since: i64 },
    LossReported,
    Lost { approved_by: String },
    HandedBack,
}

impl KeyStatus {
    /// The service center should have the key in hand.
    pub fn held(&self) -> bool {
        matches!(self, KeyStatus::InCustody)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    pub unit: Option<DocumentId>,
    pub unit_code: Option<String>,
    #[serde(flatten)]
    pub status: KeyStatus,
}

/// The result of one daily count.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCount {
    pub at: i64,
    pub date: NaiveDate,
    pub by: String,
    /// Keys in custody that were not found.
    pub missing: Vec<String>,
    /// Made by a supervisor: the weekly check of the ledger against the keys (seed 003
    /// G9: "主管每周抽台帐与实物相符").
    pub supervisor: bool,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyLedgerState {
    pub keys: BTreeMap<String, Key>,
    pub counts: Vec<KeyCount>,
}

impl KeyLedgerState {
    pub fn last_count(&self) -> Option<&KeyCount> {
        self.counts.last()
    }

    /// Keys held for a unit.
    pub fn for_unit(&self, unit: DocumentId) -> impl Iterator<Item = (&String, &Key)> {
        self.keys.iter().filter(move |(_, k)| k.unit == Some(unit))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct KeyLedger;

pub type KeyLedgerRecord = Record<KeyLedger>;

impl Kind for KeyLedger {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "钥匙台账";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("receive", "托管钥匙"),
        ("borrow", "借出"),
        ("return", "归还"),
        ("count", "每日核对"),
        ("lose", "报失"),
        ("approve_loss", "确认遗失"),
        ("hand_back", "交还业主"),
    ];
    type Header = KeyLedgerHeader;
    type Action = KeyAction;
    type State = KeyLedgerState;

    fn area(header: &KeyLedgerHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &KeyLedgerHeader) -> KeyLedgerState {
        KeyLedgerState::default()
    }

    fn apply(
        _header: &KeyLedgerHeader,
        state: &mut KeyLedgerState,
        event: &Event<KeyAction>,
        action: &KeyAction,
    ) -> Result<(), String> {
        if let KeyAction::Receive {
            label,
            unit,
            unit_code,
            ..
        } = action
        {
            if label.trim().is_empty() {
                return Err("钥匙须有标签".into());
            }
            if state
                .keys
                .get(label)
                .is_some_and(|k| k.status != KeyStatus::HandedBack)
            {
                return Err(format!("标签 {label} 已在台账中"));
            }
            state.keys.insert(
                label.clone(),
                Key {
                    unit: *unit,
                    unit_code: unit_code.clone(),
                    status: KeyStatus::InCustody,
                },
            );
            return Ok(());
        }
        if let KeyAction::Count { present } = action {
            let missing = state
                .keys
                .iter()
                .filter(|(label, k)| k.status.held() && !present.contains(label))
                .map(|(label, _)| label.clone())
                .collect();
            state.counts.push(KeyCount {
                at: event.at,
                date: local_date(event.at),
                by: event.by.clone(),
                missing,
                supervisor: event.role == StaffRole::Supervisor,
            });
            return Ok(());
        }
        let label = action.label().unwrap_or_default();
        let Some(key) = state.keys.get_mut(label) else {
            return Err(format!("台账中没有钥匙 {label}"));
        };
        key.status = match (action, &key.status) {
            (KeyAction::Borrow { borrower, .. }, KeyStatus::InCustody) => {
                if borrower.trim().is_empty() {
                    return Err("请填写借用人".into());
                }
                KeyStatus::Lent {
                    borrower: borrower.clone(),
                    since: event.at,
                }
            }
            (KeyAction::Borrow { .. }, KeyStatus::Lent { borrower, .. }) => {
                return Err(format!("钥匙 {label} 已借给{borrower}"));
            }
            (KeyAction::Return { .. }, KeyStatus::Lent { .. } | KeyStatus::LossReported) => {
                KeyStatus::InCustody
            }
            (KeyAction::Lose { .. }, KeyStatus::InCustody | KeyStatus::Lent { .. }) => {
                KeyStatus::LossReported
            }
            (KeyAction::ApproveLoss { .. }, KeyStatus::LossReported) => {
                if event.role == StaffRole::Housekeeper {
                    return Err("钥匙缺失须由项目经理审批".into());
                }
                KeyStatus::Lost {
                    approved_by: event.by.clone(),
                }
            }
            (KeyAction::HandBack { .. }, KeyStatus::InCustody) => KeyStatus::HandedBack,
            (_, status) => {
                return Err(format!(
                    "钥匙 {label} 当前状态（{}）下不能这样操作",
                    status_zh(status)
                ));
            }
        };
        Ok(())
    }

    fn contends(a: &KeyAction, b: &KeyAction) -> bool {
        matches!((a.label(), b.label()), (Some(x), Some(y)) if x == y)
    }

    fn title(_header: &KeyLedgerHeader, state: &KeyLedgerState) -> Option<String> {
        Some(format!("钥匙台账（{} 把）", state.keys.len()))
    }

    const OFFICE_OWNS: &'static [(&'static str, &'static str)] = &[("keys", "ledger_doc")];

    fn office_rows(id: DocumentId, h: &KeyLedgerHeader, s: &KeyLedgerState) -> Vec<OfficeRow> {
        s.keys
            .iter()
            .map(|(label, key)| {
                let borrower = match &key.status {
                    KeyStatus::Lent { borrower, .. } => Some(borrower.clone()),
                    _ => None,
                };
                OfficeRow::new("keys", &["ledger_doc", "label"])
                    .text("ledger_doc", id.to_string())
                    .text("label", label.clone())
                    .text("area_id", h.area_id.clone())
                    .text("unit_doc", key.unit.map(|u| u.to_string()))
                    .text("unit_code", key.unit_code.clone())
                    .text("status", key.status.as_str().to_owned())
                    .text("borrower", borrower)
            })
            .collect()
    }

    fn entry(_header: &KeyLedgerHeader, _state: &KeyLedgerState) -> Entry {
        Entry {
            kind: KIND.into(),
            ..Entry::default()
        }
    }

    fn action_content(action: &KeyAction) -> Vec<&ContentHash> {
        match action {
            KeyAction::Receive { signature, .. } | KeyAction::Borrow { signature, .. } => {
                vec![signature]
            }
            _ => Vec::new(),
        }
    }

    /// A new key into custody, the daily count of the keys held, and every action on
    /// every key by its label.
    fn probes(_: &KeyLedgerHeader, state: &KeyLedgerState, _now_ms: i64) -> Vec<KeyAction> {
        let held = state.keys.iter().filter(|(_, k)| k.status.held());
        let mut probes = vec![
            KeyAction::Receive {
                label: placeholder::TEXT.into(),
                unit: None,
                unit_code: None,
                signature: placeholder::signature(),
            },
            KeyAction::Count {
                present: held.map(|(label, _)| label.clone()).collect(),
            },
        ];
        for label in state.keys.keys() {
            let label = || label.clone();
            probes.extend([
                KeyAction::Borrow {
                    label: label(),
                    borrower: placeholder::TEXT.into(),
                    signature: placeholder::signature(),
                },
                KeyAction::Return { label: label() },
                KeyAction::Lose { label: label() },
                KeyAction::ApproveLoss { label: label() },
                KeyAction::HandBack { label: label() },
            ]);
        }
        probes
    }
}

/// Every key status as stored (its `status` tag) with its label, in the order a key
/// passes through them.
pub const STATUSES: &[(&str, &str)] = &[
    ("in_custody", "在柜"),
    ("lent", "借出"),
    ("loss_reported", "报失待批"),
    ("lost", "已确认丢失"),
    ("handed_back", "已交还业主"),
];

impl KeyStatus {
    /// Its place in [`STATUSES`].
    fn rank(&self) -> usize {
        match self {
            KeyStatus::InCustody => 0,
            KeyStatus::Lent { .. } => 1,
            KeyStatus::LossReported => 2,
            KeyStatus::Lost { .. } => 3,
            KeyStatus::HandedBack => 4,
        }
    }

    /// The stored `status` tag.
    pub fn as_str(&self) -> &'static str {
        STATUSES[self.rank()].0
    }
}

fn status_zh(status: &KeyStatus) -> &'static str {
    STATUSES[status.rank()].1
}
