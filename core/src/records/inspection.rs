//! The monthly vacant-unit inspection (空置房巡查, seed 003): "每位管家必须每个月对所属范围
//! 内的空置房进行检查，管家每月一次提供开窗通风服务。管家每月一次安排保洁人员，对空置房进行
//! 保洁。" Special weather (long rain, strong wind) adds extra inspections, which do not
//! replace the monthly one. Anything abnormal is followed up as a ticket ("必须第一时间联系
//! 施工方并跟踪处理").

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record, placeholder};
use super::office::OfficeRow;
use super::unit::UnitCode;
use crate::ids::DocumentId;
use crate::time::{Month, local_date};

pub const KIND: &str = "vacant-inspection";

/// What was found at one checklist point.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    #[default]
    Normal,
    Abnormal,
}

impl Condition {
    pub const ALL: [Condition; 2] = [Condition::Normal, Condition::Abnormal];

    pub fn label_zh(self) -> &'static str {
        match self {
            Condition::Normal => "正常",
            Condition::Abnormal => "异常",
        }
    }
}

/// The checklist of seed 003: doors and windows, leaks, pipes, power, walls and
/// ceilings, mould, pests, smell.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checklist {
    pub doors_windows: Condition,
    pub leaks: Condition,
    pub pipes: Condition,
    pub power: Condition,
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
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Occasion {
    /// The monthly round.
    #[default]
    Monthly,
    /// Extra round in long rain or strong wind (特殊天气).
    SpecialWeather,
}

impl Occasion {
    pub const ALL: [Occasion; 2] = [Occasion::Monthly, Occasion::SpecialWeather];

    pub fn label_zh(self) -> &'static str {
        match self {
            Occasion::Monthly => "每月巡查",
            Occasion::SpecialWeather => "特殊天气加查",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Occasion::Monthly => "monthly",
            Occasion::SpecialWeather => "special_weather",
        }
    }
}

/// One inspection as recorded at the unit (the stored header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
        let made = Self {
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
        };
        VacantInspection::check_new(&made)?;
        Ok(made)
    }

    pub fn to_doc(&self) -> Result<AutoCommit, RecordError> {
        InspectionRecord::new_doc(self)
    }

    /// The inspection as recorded at the unit (without later follow-ups).
    pub fn from_doc(doc: &AutoCommit) -> Result<Self, RecordError> {
        Ok(InspectionRecord::from_doc(doc)?.header)
    }
}

/// Follow-ups after the inspection.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum InspectionAction {
    /// Windows opened later the same month (if not at the inspection).
    Ventilated {},
    /// The cleaner has cleaned the unit (保洁完成).
    Cleaned {},
    /// An abnormal finding is followed up as this ticket.
    Ticket { ticket: DocumentId },
}

/// What the inspection and its follow-ups add up to.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectionState {
    pub ventilated: bool,
    pub cleaning_arranged: bool,
    pub cleaned: bool,
    /// Tickets raised for its findings.
    pub tickets: Vec<DocumentId>,
}

/// The vacant-unit inspection kind.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct VacantInspection;

pub type InspectionRecord = Record<VacantInspection>;

impl Kind for VacantInspection {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "空置房巡查";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("ventilated", "已通风"),
        ("cleaned", "已保洁"),
        ("ticket", "转工单"),
    ];
    type Header = Inspection;
    type Action = InspectionAction;
    type State = InspectionState;

    fn area(header: &Inspection) -> &str {
        &header.area_id
    }

    fn start(header: &Inspection) -> InspectionState {
        InspectionState {
            ventilated: header.ventilated,
            cleaning_arranged: header.cleaning_arranged,
            cleaned: false,
            tickets: Vec::new(),
        }
    }

    fn apply(
        header: &Inspection,
        state: &mut InspectionState,
        event: &Event<InspectionAction>,
        action: &InspectionAction,
    ) -> Result<(), String> {
        match action {
            InspectionAction::Ventilated {} if state.ventilated => Err("已记录开窗通风".into()),
            InspectionAction::Ventilated {} if Month::at(event.at) != header.month => {
                Err(format!("通风应记在{}的巡查上", Month::at(event.at)))
            }
            InspectionAction::Ventilated {} => {
                state.ventilated = true;
                Ok(())
            }
            InspectionAction::Cleaned {} if state.cleaned => Err("已记录保洁完成".into()),
            InspectionAction::Cleaned {} => {
                state.cleaned = true;
                Ok(())
            }
            InspectionAction::Ticket { ticket } if state.tickets.contains(ticket) => {
                Err("该工单已关联".into())
            }
            InspectionAction::Ticket { ticket } => {
                state.tickets.push(*ticket);
                Ok(())
            }
        }
    }

    fn contends(_: &InspectionAction, _: &InspectionAction) -> bool {
        false
    }

    fn office_rows(id: DocumentId, i: &Inspection, s: &InspectionState) -> Vec<OfficeRow> {
        vec![
            OfficeRow::new("vacant_inspections", &["doc_id"])
                .text("doc_id", id.to_string())
                .text("unit_doc", i.unit.to_string())
                .text("unit_code", i.unit_code.as_str().to_owned())
                .text("area_id", i.area_id.clone())
                .text("month", i.month.to_string())
                .text("occasion", i.occasion.as_str().to_owned())
                .flag("ventilated", s.ventilated)
                .flag("cleaning_arranged", s.cleaning_arranged)
                .flag("abnormal", i.checklist.any_abnormal())
                .text("findings", i.findings.clone())
                .text("notes", i.notes.clone())
                .text("inspector", i.inspector.clone())
                .int("inspected_at", i.inspected_at),
        ]
    }

    fn entry(header: &Inspection, _state: &InspectionState) -> Entry {
        Entry {
            kind: KIND.into(),
            code: Some(header.unit_code.to_string()),
            unit: Some(header.unit.to_string()),
            month: Some(header.month.to_string()),
            date: Some(local_date(header.inspected_at).to_string()),
            category: Some(header.occasion.as_str().into()),
            status: None,
        }
    }

    fn check_new(header: &Inspection) -> Result<(), RecordError> {
        if header.checklist.any_abnormal() && header.findings.trim().is_empty() {
            return Err(RecordError::invalid(
                "findings",
                "有异常项时，请在“发现问题”中写明情况",
            ));
        }
        Ok(())
    }

    fn probes(_: &Inspection, _: &InspectionState, _now_ms: i64) -> Vec<InspectionAction> {
        vec![
            InspectionAction::Ventilated {},
            InspectionAction::Cleaned {},
            InspectionAction::Ticket {
                ticket: placeholder::record(),
            },
        ]
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
