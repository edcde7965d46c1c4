//! The unit archive (房屋档案): a unit (房号), its occupancy status, the people who own or
//! live in it with their contacts, and whether it is a key customer (重点客户, visited at
//! least twice a month). Keys held for the unit are in the key ledger.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, fold, placeholder};
use super::office::OfficeRow;
use super::people::Phone;
use crate::ids::DocumentId;

pub const KIND: &str = "unit";

/// A unit code `building-entrance-room`, e.g. `3-2-1201`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The building (楼栋) part.
    pub fn building(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }

    /// Sorts `3-2-1201` after `3-2-901`: numeric parts compare as numbers.
    pub fn natural_key(&self) -> Vec<(u64, String)> {
        natural_key(&self.0)
    }
}

/// Sort key for unit codes: numeric parts compare as numbers.
pub fn natural_key(code: &str) -> Vec<(u64, String)> {
    code.split('-')
        .map(|p| (p.parse().unwrap_or(u64::MAX), p.to_owned()))
        .collect()
}

impl FromStr for UnitCode {
    type Err = RecordError;

    fn from_str(text: &str) -> Result<Self, RecordError> {
        let parts: Vec<&str> = text.split('-').collect();
        let ok = parts.len() == 3
            && parts.iter().all(|p| {
                !p.is_empty() && p.len() <= 6 && p.chars().all(|c| c.is_ascii_alphanumeric())
            });
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(RecordError::invalid(
                "unit code",
                format!("房号应为“楼-单元-房间”，如 3-2-1201，而不是 {text:?}"),
            ))
        }
    }
}

impl TryFrom<String> for UnitCode {
    type Error = RecordError;

    fn try_from(text: String) -> Result<Self, RecordError> {
        text.parse()
    }
}

impl From<UnitCode> for String {
    fn from(code: UnitCode) -> Self {
        code.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Occupancy status; the two vacant kinds are inspected every month (seed 003).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// 未交付空置
    UndeliveredVacant,
    /// 委托代管空置
    EntrustedVacant,
    /// 已入住
    Occupied,
    /// 装修中
    Renovating,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 4] = [
        Self::UndeliveredVacant,
        Self::EntrustedVacant,
        Self::Occupied,
        Self::Renovating,
    ];

    pub fn is_vacant(self) -> bool {
        matches!(
            self,
            UnitStatus::UndeliveredVacant | UnitStatus::EntrustedVacant
        )
    }

    /// A household lives here or owns it: every unit but an undelivered one, whose
    /// owner has not received it yet.
    pub fn is_household(self) -> bool {
        self != UnitStatus::UndeliveredVacant
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitStatus::UndeliveredVacant => "undelivered_vacant",
            UnitStatus::EntrustedVacant => "entrusted_vacant",
            UnitStatus::Occupied => "occupied",
            UnitStatus::Renovating => "renovating",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitStatus::UndeliveredVacant => "未交付空置",
            UnitStatus::EntrustedVacant => "委托代管空置",
            UnitStatus::Occupied => "已入住",
            UnitStatus::Renovating => "装修中",
        }
    }
}

/// How a person relates to the unit.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 业主
    Owner,
    /// 家庭成员 / 住户
    Resident,
    /// 租户
    Tenant,
}

/// An owner or resident.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    /// Stable within the unit, so an update names whom it changes.
    pub id: String,
    pub name: String,
    pub relation: Relation,
    #[serde(default)]
    pub phone: Option<Phone>,
}

/// The facts of a unit fixed when its archive is made (the stored shape of the
/// skeleton's unit documents: `code`, `building`, `areaId`, `status`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitHeader {
    pub code: UnitCode,
    pub building: String,
    pub area_id: String,
    /// The status when the archive was made; later changes are events.
    pub status: UnitStatus,
}

impl UnitHeader {
    pub fn new(code: UnitCode, area_id: impl Into<String>, status: UnitStatus) -> Self {
        Self {
            building: code.building().to_owned(),
            code,
            area_id: area_id.into(),
            status,
        }
    }
}

/// What can change in a unit's archive.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum UnitAction {
    /// The occupancy status changes (delivered, moved in, renovation started, …).
    Status { status: UnitStatus },
    /// Adds a person, or updates the one with the same `id`.
    Person { person: Person },
    /// Removes the person with this `id` (named `person`: an event's own `id` is its head's).
    RemovePerson { person: String },
    /// Marks or unmarks the household as a key customer (重点客户).
    KeyCustomer { key: bool },
}

/// A unit's archive as its journal adds up.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnitState {
    pub status: UnitStatus,
    pub people: Vec<Person>,
    pub key_customer: bool,
}

/// The unit archive kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Unit;

pub type UnitRecord = Record<Unit>;

impl UnitRecord {
    /// The status the unit had just before `t`: the header's, changed by the events
    /// made before then. A past month's statistics count the units vacant then, not now.
    pub fn status_at(&self, t: i64) -> UnitStatus {
        if self.events.iter().all(|e| e.at < t) {
            return self.state.status;
        }
        let before: Vec<Event<UnitAction>> =
            self.events.iter().filter(|e| e.at < t).cloned().collect();
        fold::<Unit>(&self.header, &before).0.status
    }
}

impl Kind for Unit {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "房屋";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("status", "房屋状态"),
        ("person", "住户信息"),
        ("remove_person", "移除住户"),
        ("key_customer", "重点客户"),
    ];
    type Header = UnitHeader;
    type Action = UnitAction;
    type State = UnitState;

    fn area(header: &UnitHeader) -> &str {
        &header.area_id
    }

    fn start(header: &UnitHeader) -> UnitState {
        UnitState {
            status: header.status,
            people: Vec::new(),
            key_customer: false,
        }
    }

    fn apply(
        _header: &UnitHeader,
        state: &mut UnitState,
        _event: &Event<UnitAction>,
        action: &UnitAction,
    ) -> Result<(), String> {
        match action {
            UnitAction::Status { status } => {
                if *status == state.status {
                    return Err(format!("房屋状态已是{}", status.label_zh()));
                }
                if *status == UnitStatus::UndeliveredVacant {
                    return Err("已交付的房屋不能改回未交付".into());
                }
                state.status = *status;
            }
            UnitAction::Person { person } => {
                if person.name.trim().is_empty() {
                    return Err("请填写姓名".into());
                }
                match state.people.iter_mut().find(|p| p.id == person.id) {
                    Some(existing) => *existing = person.clone(),
                    None => state.people.push(person.clone()),
                }
            }
            UnitAction::RemovePerson { person: id } => {
                let before = state.people.len();
                state.people.retain(|p| &p.id != id);
                if state.people.len() == before {
                    return Err(format!("档案中没有这个人（{id}）"));
                }
            }
            UnitAction::KeyCustomer { key } => state.key_customer = *key,
        }
        Ok(())
    }

    fn contends(a: &UnitAction, b: &UnitAction) -> bool {
        use UnitAction::*;
        match (a, b) {
            (Status { .. }, Status { .. }) | (KeyCustomer { .. }, KeyCustomer { .. }) => true,
            (Person { person: p }, Person { person: q }) => p.id == q.id,
            (Person { person }, RemovePerson { person: id })
            | (RemovePerson { person: id }, Person { person }) => &person.id == id,
            _ => false,
        }
    }

    fn office_rows(id: DocumentId, header: &UnitHeader, state: &UnitState) -> Vec<OfficeRow> {
        vec![
            OfficeRow::new("units", &["doc_id"])
                .text("doc_id", id.to_string())
                .text("area_id", header.area_id.clone())
                .text("code", header.code.as_str().to_owned())
                .text("building", header.code.building().to_owned())
                .text("status", state.status.as_str().to_owned()),
        ]
    }

    fn entry(header: &UnitHeader, state: &UnitState) -> Entry {
        Entry {
            kind: KIND.into(),
            code: Some(header.code.to_string()),
            status: Some(state.status.as_str().into()),
            ..Entry::default()
        }
    }

    /// Every status it may move to, a new person, each person's removal, and the key
    /// customer mark turned the other way.
    fn probes(_: &UnitHeader, state: &UnitState, _now_ms: i64) -> Vec<UnitAction> {
        let mut probes: Vec<UnitAction> = UnitStatus::ALL
            .into_iter()
            .map(|status| UnitAction::Status { status })
            .collect();
        probes.push(UnitAction::Person {
            person: Person {
                id: placeholder::TEXT.into(),
                name: placeholder::TEXT.into(),
                relation: Relation::Owner,
                phone: None,
            },
        });
        probes.extend(state.people.iter().map(|p| UnitAction::RemovePerson {
            person: p.id.clone(),
        }));
        probes.push(UnitAction::KeyCustomer {
            key: !state.key_customer,
        });
        probes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::journal::Input;
    use crate::records::people::{Actor, StaffRole};

    fn keeper() -> Actor {
        Actor::new("hk-1", StaffRole::Housekeeper)
    }

    #[test]
    fn unit_codes_parse() {
        let code: UnitCode = "3-2-1201".parse().expect("valid");
        assert_eq!(code.building(), "3");
        for bad in ["3-2", "3--1201", "3-2-1201-1", "三-2-1201", ""] {
            assert!(bad.parse::<UnitCode>().is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn a_unit_archive_keeps_people_and_status() {
        let header = UnitHeader::new(
            "3-2-1201".parse().expect("code"),
            "A1",
            UnitStatus::EntrustedVacant,
        );
        let mut doc = UnitRecord::new_doc(&header).expect("writes");
        let owner = Person {
            id: "p1".into(),
            name: "王芳".into(),
            relation: Relation::Owner,
            phone: Some(Phone::try_from("13812345678".to_owned()).expect("phone")),
        };
        UnitRecord::act(
            &mut doc,
            Input::act(UnitAction::Person {
                person: owner.clone(),
            }),
            &keeper(),
            1,
        )
        .expect("adds");
        UnitRecord::act(
            &mut doc,
            Input::act(UnitAction::Status {
                status: UnitStatus::Occupied,
            }),
            &keeper(),
            2,
        )
        .expect("moves in");
        let err = UnitRecord::act(
            &mut doc,
            Input::act(UnitAction::Status {
                status: UnitStatus::UndeliveredVacant,
            }),
            &keeper(),
            3,
        )
        .expect_err("refused");
        assert!(err.to_string().contains("未交付"), "{err}");
        let read = UnitRecord::from_doc(&doc).expect("reads");
        assert_eq!(read.header, header);
        assert_eq!(read.state.status, UnitStatus::Occupied);
        assert_eq!(read.state.people, vec![owner]);
        assert_eq!(read.entry().status.as_deref(), Some("occupied"));

        // Read back from the document, the removal still names the person.
        UnitRecord::act(
            &mut doc,
            Input::act(UnitAction::RemovePerson {
                person: "p1".into(),
            }),
            &keeper(),
            4,
        )
        .expect("moves out");
        let read = UnitRecord::from_doc(&doc).expect("reads");
        assert!(read.state.people.is_empty());
        assert!(read.flags.is_empty(), "{:?}", read.flags);
    }
}
