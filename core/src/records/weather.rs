//! A spell of special weather over an area (seed 003: "特殊天气服务，比如连阴雨期或刮大风
//! 期间的空置房服务"): declared by whoever sees it coming — what, from which day to which —
//! it makes a round of every vacant unit due within the spell (`rules::vacant`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};

pub const KIND: &str = "special-weather";

labelled! {
    /// What the weather is.
    Weather {
        LongRain = "long_rain" / "连阴雨",
        StrongWind = "strong_wind" / "大风",
        Typhoon = "typhoon" / "台风",
        Rainstorm = "rainstorm" / "暴雨",
        Snow = "snow" / "暴雪冰冻",
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpellHeader {
    pub area_id: String,
    pub weather: Weather,
    pub from: NaiveDate,
    /// The spell's last day, as forecast.
    pub to: NaiveDate,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum SpellAction {
    /// Declared by mistake, or the forecast did not come true (the note says which).
    Withdraw {},
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpellState {
    pub withdrawn: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SpecialWeather;

pub type SpellRecord = Record<SpecialWeather>;

impl Kind for SpecialWeather {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "特殊天气";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[("withdraw", "撤销")];
    type Header = SpellHeader;
    type Action = SpellAction;
    type State = SpellState;

    fn area(header: &SpellHeader) -> &str {
        &header.area_id
    }

    fn start(_header: &SpellHeader) -> SpellState {
        SpellState::default()
    }

    fn apply(
        _header: &SpellHeader,
        state: &mut SpellState,
        event: &Event<SpellAction>,
        action: &SpellAction,
    ) -> Result<(), String> {
        match action {
            SpellAction::Withdraw {} if state.withdrawn => Err("已撤销".into()),
            SpellAction::Withdraw {} if event.note.trim().is_empty() => {
                Err("请写明撤销原因".into())
            }
            SpellAction::Withdraw {} => {
                state.withdrawn = true;
                Ok(())
            }
        }
    }

    fn contends(_: &SpellAction, _: &SpellAction) -> bool {
        false
    }

    fn title(header: &SpellHeader, _state: &SpellState) -> Option<String> {
        Some(format!(
            "{} {}—{}",
            header.weather.label_zh(),
            header.from.format("%m-%d"),
            header.to.format("%m-%d")
        ))
    }

    fn entry(header: &SpellHeader, state: &SpellState) -> Entry {
        Entry {
            kind: KIND.into(),
            date: Some(header.from.to_string()),
            category: Some(header.weather.as_str().into()),
            status: Some(STATUSES[usize::from(state.withdrawn)].0.into()),
            ..Entry::default()
        }
    }

    fn check_new(header: &SpellHeader) -> Result<(), RecordError> {
        if header.to < header.from {
            return Err(RecordError::invalid("to", "结束日期早于开始日期"));
        }
        if (header.to - header.from).num_days() > 31 {
            return Err(RecordError::invalid(
                "to",
                "特殊天气不超过一个月；更长请分段登记",
            ));
        }
        Ok(())
    }

    fn probes(_: &SpellHeader, _: &SpellState, _now_ms: i64) -> Vec<SpellAction> {
        vec![SpellAction::Withdraw {}]
    }
}

/// Every status of a spell as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[("declared", "已登记"), ("withdrawn", "已撤销")];
