//! The monthly vacant-unit inspection (空置房巡查, seed 003): every undelivered or
//! entrusted vacant unit is inspected each month, its windows opened for ventilation
//! (开窗通风) and cleaning arranged; special weather (long rain, strong wind) adds
//! extra inspections.

use automerge::AutoCommit;
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::month::Month;
use super::text::Str;
use super::unit::UnitCode;
use super::{RecordError, expect_kind, new_doc};
use crate::ids::DocumentId;

pub const KIND: &str = "vacant-inspection";

/// What was found at one checklist point.
#[derive(
    Clone, Copy, PartialEq, Eq, Debug, Default, Reconcile, Hydrate, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    #[default]
    #[autosurgeon(rename = "normal")]
    Normal,
    #[autosurgeon(rename = "abnormal")]
    Abnormal,
}

/// The checklist of seed 003: doors and windows, leaks, pipes, power, walls and
/// ceilings, mould, pests, smell.
#[derive(Clone, PartialEq, Eq, Debug, Default, Reconcile, Hydrate, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checklist {
    #[autosurgeon(rename = "doorsWindows")]
    pub doors_windows: Condition,
    pub leaks: Condition,
    pub pipes: Condition,
    pub power: Condition,
    #[autosurgeon(rename = "wallsCeilings")]
    pub walls_ceilings: Condition,
    pub mould: Condition,
    pub pests: Condition,
    pub smell: Condition,
}

impl Checklist {
    /// The points as (key, Chinese label, condition), in form order.
    pub fn points(&self) -> [(&'static str, &'static str, Condition); 8] {
        [
            ("doorsWindows", "门窗", self.doors_windows),
            ("leaks", "渗漏", self.leaks),
            ("pipes", "管道", self.pipes),
            ("power", "电路", self.power),
            ("wallsCeilings", "墙面天花", self.walls_ceilings),
            ("mould", "霉变", self.mould),
            ("pests", "虫害", self.pests),
            ("smell", "异味", self.smell),
        ]
    }

    pub fn any_abnormal(&self) -> bool {
        self.points()
            .iter()
            .any(|(_, _, c)| *c == Condition::Abnormal)
    }
}

/// Why the inspection was made.
#[derive(
    Clone, Copy, PartialEq, Eq, Debug, Default, Reconcile, Hydrate, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    /// The monthly round.
    #[default]
    #[autosurgeon(rename = "monthly")]
    Monthly,
    /// Extra round in long rain or strong wind.
    #[autosurgeon(rename = "special_weather")]
    SpecialWeather,
}

/// The stored shape.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
struct Stored {
    kind: Str,
    unit: Str,
    #[autosurgeon(rename = "unitCode")]
    unit_code: Str,
    #[autosurgeon(rename = "areaId")]
    area_id: Str,
    month: Str,
    occasion: Occasion,
    checklist: Checklist,
    ventilated: bool,
    #[autosurgeon(rename = "cleaningArranged")]
    cleaning_arranged: bool,
    findings: Str,
    notes: Str,
    inspector: Str,
    #[autosurgeon(rename = "inspectedAt")]
    inspected_at: i64,
}

/// One inspection, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub unit: DocumentId,
    pub unit_code: UnitCode,
    pub area_id: String,
    /// The month this inspection counts for (Asia/Shanghai).
    pub month: Month,
    pub occasion: Occasion,
    pub checklist: Checklist,
    /// 开窗通风 done.
    pub ventilated: bool,
    /// 保洁 arranged.
    pub cleaning_arranged: bool,
    pub findings: String,
    pub notes: String,
    /// Who inspected (the housekeeper's user ID).
    pub inspector: String,
    /// When, as the phone saw it (ms since epoch); the server keeps its own receive time.
    pub inspected_at: i64,
}

/// What the housekeeper fills in; the rest comes from the unit and the clock.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectionForm {
    pub occasion: Occasion,
    pub checklist: Checklist,
    pub ventilated: bool,
    pub cleaning_arranged: bool,
    #[serde(default)]
    pub findings: String,
    #[serde(default)]
    pub notes: String,
}

impl Inspection {
    pub fn new(
        unit: DocumentId,
        unit_code: UnitCode,
        area_id: String,
        form: InspectionForm,
        inspector: String,
        now_ms: i64,
    ) -> Result<Self, RecordError> {
        if form.checklist.any_abnormal() && form.findings.trim().is_empty() {
            return Err(RecordError::Invalid {
                field: "findings",
                reason: "an abnormal checklist point needs a description of what was found".into(),
            });
        }
        Ok(Self {
            unit,
            unit_code,
            area_id,
            month: Month::at(now_ms),
            occasion: form.occasion,
            checklist: form.checklist,
            ventilated: form.ventilated,
            cleaning_arranged: form.cleaning_arranged,
            findings: form.findings,
            notes: form.notes,
            inspector,
            inspected_at: now_ms,
        })
    }

    pub fn to_doc(&self) -> Result<AutoCommit, RecordError> {
        new_doc(self.stored())
    }

    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        expect_kind(doc, KIND)?;
        let s: Stored = autosurgeon::hydrate(doc)?;
        let unit = s
            .unit
            .parse()
            .map_err(|e: crate::ids::IdError| RecordError::Invalid {
                field: "unit",
                reason: e.to_string(),
            })?;
        Ok(Self {
            unit,
            unit_code: s.unit_code.parse()?,
            area_id: s.area_id.into(),
            month: s.month.parse()?,
            occasion: s.occasion,
            checklist: s.checklist,
            ventilated: s.ventilated,
            cleaning_arranged: s.cleaning_arranged,
            findings: s.findings.into(),
            notes: s.notes.into(),
            inspector: s.inspector.into(),
            inspected_at: s.inspected_at,
        })
    }

    fn stored(&self) -> Stored {
        Stored {
            kind: KIND.into(),
            unit: self.unit.to_string().into(),
            unit_code: self.unit_code.as_str().into(),
            area_id: self.area_id.as_str().into(),
            month: self.month.to_string().into(),
            occasion: self.occasion,
            checklist: self.checklist.clone(),
            ventilated: self.ventilated,
            cleaning_arranged: self.cleaning_arranged,
            findings: self.findings.as_str().into(),
            notes: self.notes.as_str().into(),
            inspector: self.inspector.as_str().into(),
            inspected_at: self.inspected_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> InspectionForm {
        InspectionForm {
            ventilated: true,
            cleaning_arranged: true,
            ..InspectionForm::default()
        }
    }

    #[test]
    fn inspection_round_trips_and_counts_for_the_local_month() {
        let unit = DocumentId::from_bytes([9; 16]);
        // 2026-11-30T16:30Z is already 1 December in Shanghai.
        let at = 1_796_056_200_000;
        let made = Inspection::new(
            unit,
            "1-1-0101".parse().expect("code"),
            "A1".into(),
            form(),
            "hk-1".into(),
            at,
        )
        .expect("valid form");
        assert_eq!(made.month.to_string(), "2026-12");
        let doc = made.to_doc().expect("writes");
        assert_eq!(Inspection::from_doc(&doc).expect("reads"), made);
    }

    #[test]
    fn an_abnormal_point_needs_findings() {
        let mut f = form();
        f.checklist.leaks = Condition::Abnormal;
        let err = Inspection::new(
            DocumentId::from_bytes([1; 16]),
            "1-1-0101".parse().expect("code"),
            "A1".into(),
            f,
            "hk".into(),
            0,
        )
        .expect_err("refused");
        assert!(err.to_string().contains("findings"), "{err}");
    }
}
