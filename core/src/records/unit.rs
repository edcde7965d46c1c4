//! A unit (房号) and its occupancy status.

use std::fmt;
use std::str::FromStr;

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::text::Str;
use super::{RecordError, expect_kind, new_doc};

pub const KIND: &str = "unit";

/// A unit code `building-entrance-room`, e.g. `3-2-1201`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The building (楼栋) part.
    pub fn building(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
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
            Err(RecordError::Invalid {
                field: "unit code",
                reason: format!("expected building-entrance-room such as 3-2-1201, got {text:?}"),
            })
        }
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Occupancy status; the two vacant kinds are inspected every month (seed 003).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Reconcile, Hydrate, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// 未交付空置
    #[autosurgeon(rename = "undelivered_vacant")]
    UndeliveredVacant,
    /// 委托代管空置
    #[autosurgeon(rename = "entrusted_vacant")]
    EntrustedVacant,
    /// 已入住
    #[autosurgeon(rename = "occupied")]
    Occupied,
    /// 装修中
    #[autosurgeon(rename = "renovating")]
    Renovating,
}

impl UnitStatus {
    pub fn is_vacant(self) -> bool {
        matches!(
            self,
            UnitStatus::UndeliveredVacant | UnitStatus::EntrustedVacant
        )
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
        [
            Self::UndeliveredVacant,
            Self::EntrustedVacant,
            Self::Occupied,
            Self::Renovating,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
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

/// The stored shape of a unit document.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct Stored {
    kind: Str,
    code: Str,
    building: Str,
    #[autosurgeon(rename = "areaId")]
    area_id: Str,
    status: UnitStatus,
}

/// A unit, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub code: UnitCode,
    pub area_id: String,
    pub status: UnitStatus,
}

impl Unit {
    /// A new unit document.
    pub fn to_doc(&self) -> Result<AutoCommit, RecordError> {
        new_doc(self.stored())
    }

    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, KIND)?;
        let stored: Stored = autosurgeon::hydrate(doc)?;
        Ok(Self {
            code: stored.code.parse()?,
            area_id: stored.area_id.into(),
            status: stored.status,
        })
    }

    /// Sets the status in an existing document.
    pub fn set_status(doc: &mut AutoCommit, status: UnitStatus) -> Result<(), RecordError> {
        expect_kind(doc, KIND)?;
        autosurgeon::reconcile_prop(doc, automerge::ROOT, "status", status)?;
        Ok(())
    }

    fn stored(&self) -> Stored {
        Stored {
            kind: KIND.into(),
            code: self.code.as_str().into(),
            building: self.code.building().into(),
            area_id: self.area_id.as_str().into(),
            status: self.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_codes_parse() {
        let code: UnitCode = "3-2-1201".parse().expect("valid");
        assert_eq!(code.building(), "3");
        for bad in ["3-2", "3--1201", "3-2-1201-1", "三-2-1201", ""] {
            assert!(bad.parse::<UnitCode>().is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn unit_round_trips_through_a_document() {
        let unit = Unit {
            code: "3-2-1201".parse().expect("valid"),
            area_id: "A1".into(),
            status: UnitStatus::EntrustedVacant,
        };
        let mut doc = unit.to_doc().expect("writes");
        assert_eq!(Unit::from_doc(&doc).expect("reads"), unit);
        Unit::set_status(&mut doc, UnitStatus::Occupied).expect("sets");
        assert_eq!(
            Unit::from_doc(&doc).expect("reads").status,
            UnitStatus::Occupied
        );
    }
}
