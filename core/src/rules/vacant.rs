//! This month's round of the vacant units (seed 003): each undelivered or entrusted
//! vacant unit inspected ("每个月对所属范围内的空置房进行检查"), ventilated ("每月一次提供开窗
//! 通风服务") and cleaned ("每月一次安排保洁人员，对空置房进行保洁"). A special-weather
//! inspection is extra and does not stand in for the monthly one.

use std::collections::HashMap;

use serde::Serialize;

use super::portfolio::Portfolio;
use crate::ids::DocumentId;
use crate::records::inspection::Occasion;
use crate::records::unit::{UnitStatus, natural_key};
use crate::time::Month;

/// One vacant unit's month.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VacantMonth {
    pub unit: DocumentId,
    pub code: String,
    pub status: UnitStatus,
    pub inspected: bool,
    pub ventilated: bool,
    pub cleaned: bool,
    /// Special-weather inspections this month.
    pub special: usize,
}

impl VacantMonth {
    pub fn done(&self) -> bool {
        self.inspected && self.ventilated && self.cleaned
    }
}

/// Every unit vacant at the end of `month` (now, for the current month) and its round
/// in `month`, in unit order.
pub fn vacant_month(p: &Portfolio<'_>, month: Month) -> Vec<VacantMonth> {
    let end = month.end_ms();
    let mut rounds: HashMap<DocumentId, VacantMonth> = p
        .units
        .iter()
        .map(|(id, u)| (id, u, u.status_at(end)))
        .filter(|(_, _, status)| status.is_vacant())
        .map(|(id, u, status)| {
            let round = VacantMonth {
                unit: *id,
                code: u.header.code.to_string(),
                status,
                inspected: false,
                ventilated: false,
                cleaned: false,
                special: 0,
            };
            (*id, round)
        })
        .collect();
    for (_, i) in &p.inspections {
        let Some(round) = rounds.get_mut(&i.header.unit) else {
            continue;
        };
        if i.header.month != month {
            continue;
        }
        match i.header.occasion {
            Occasion::Monthly => round.inspected = true,
            Occasion::SpecialWeather => round.special += 1,
        }
        round.ventilated |= i.state.ventilated;
        round.cleaned |= i.state.cleaning_arranged || i.state.cleaned;
    }
    let mut list: Vec<VacantMonth> = rounds.into_values().collect();
    list.sort_by_key(|v| (natural_key(&v.code), v.unit));
    list
}
