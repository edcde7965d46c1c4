//! A project's own calendar and settings, shared by its areas: public holidays and
//! make-up working days (调休) for the working-day clocks, the rain days that start leak
//! callbacks (seed 003: "房屋渗漏水项目维修后的第一个雨天后电话或上门回访"), and the window
//! within which five households on one problem make a group complaint.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};
use super::office::OfficeRow;
use crate::ids::DocumentId;
use crate::time::{HOUR_MS, WorkCalendar, local_date};

pub const KIND: &str = "project";

/// The group-complaint window when a project has not set one: complaints within 24 hours
/// of each other count as "同时发生" (seed 004 §4.4.1).
pub const DEFAULT_GROUP_WINDOW_HOURS: u32 = 24;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectHeader {
    pub project_id: String,
    pub name: String,
    /// The areas of the project.
    pub areas: Vec<String>,
}

/// What a day is, when it is not an ordinary one.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayType {
    /// 法定节假日: off even on a weekday.
    Holiday,
    /// 调休上班: a weekend day worked.
    Workday,
    /// Back to an ordinary day (undoes a mistake).
    Ordinary,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ProjectAction {
    /// Marks a day as a holiday, a make-up working day, or ordinary again.
    Day { date: NaiveDate, day: DayType },
    /// It rained (or, with `rained: false`, the record was a mistake).
    Rain { date: NaiveDate, rained: bool },
    /// The group-complaint window, in hours.
    GroupWindow { hours: u32 },
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectState {
    pub days: BTreeMap<NaiveDate, DayType>,
    pub rain_days: BTreeSet<NaiveDate>,
    pub group_window_hours: u32,
}

impl ProjectState {
    pub fn calendar(&self) -> WorkCalendar {
        let of = |t: DayType| {
            self.days
                .iter()
                .filter(move |(_, d)| **d == t)
                .map(|(date, _)| *date)
        };
        WorkCalendar::new(of(DayType::Holiday), of(DayType::Workday))
    }

    pub fn group_window_ms(&self) -> i64 {
        i64::from(self.group_window_hours) * HOUR_MS
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Project;

pub type ProjectRecord = Record<Project>;

impl Kind for Project {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "项目日历";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("day", "节假日与调休"),
        ("rain", "雨天"),
        ("group_window", "群诉时间窗口"),
    ];
    type Header = ProjectHeader;
    type Action = ProjectAction;
    type State = ProjectState;

    const OFFICE_OWNS: &'static [(&'static str, &'static str)] =
        &[("project_calendars", "project_doc")];

    /// Which document holds the calendar of each of the project's areas.
    fn office_rows(
        id: DocumentId,
        header: &ProjectHeader,
        _state: &ProjectState,
    ) -> Vec<OfficeRow> {
        header
            .areas
            .iter()
            .map(|area| {
                OfficeRow::new("project_calendars", &["area_id"])
                    .text("area_id", area.clone())
                    .text("project_doc", id.to_string())
            })
            .collect()
    }

    /// A project's record is shared by its areas; it is filed under the first.
    fn area(header: &ProjectHeader) -> &str {
        header.areas.first().map_or("", String::as_str)
    }

    fn start(_header: &ProjectHeader) -> ProjectState {
        ProjectState {
            group_window_hours: DEFAULT_GROUP_WINDOW_HOURS,
            ..ProjectState::default()
        }
    }

    fn apply(
        _header: &ProjectHeader,
        state: &mut ProjectState,
        _event: &Event<ProjectAction>,
        action: &ProjectAction,
    ) -> Result<(), String> {
        match action {
            ProjectAction::Day {
                date,
                day: DayType::Ordinary,
            } => {
                state.days.remove(date);
            }
            ProjectAction::Day { date, day } => {
                state.days.insert(*date, *day);
            }
            ProjectAction::Rain { date, rained: true } => {
                state.rain_days.insert(*date);
            }
            ProjectAction::Rain {
                date,
                rained: false,
            } => {
                state.rain_days.remove(date);
            }
            ProjectAction::GroupWindow { hours: 0 } => {
                return Err("群诉时间窗口至少1小时".into());
            }
            ProjectAction::GroupWindow { hours } => state.group_window_hours = *hours,
        }
        Ok(())
    }

    fn contends(a: &ProjectAction, b: &ProjectAction) -> bool {
        use ProjectAction::*;
        match (a, b) {
            (Day { date: x, .. }, Day { date: y, .. })
            | (Rain { date: x, .. }, Rain { date: y, .. }) => x == y,
            (GroupWindow { .. }, GroupWindow { .. }) => true,
            _ => false,
        }
    }

    fn entry(_header: &ProjectHeader, _state: &ProjectState) -> Entry {
        Entry {
            kind: KIND.into(),
            ..Entry::default()
        }
    }

    /// Today as a holiday, today's rain (or taking it back), the window as it stands.
    fn probes(_: &ProjectHeader, state: &ProjectState, now_ms: i64) -> Vec<ProjectAction> {
        let today = local_date(now_ms);
        vec![
            ProjectAction::Day {
                date: today,
                day: DayType::Holiday,
            },
            ProjectAction::Rain {
                date: today,
                rained: !state.rain_days.contains(&today),
            },
            ProjectAction::GroupWindow {
                hours: state.group_window_hours,
            },
        ]
    }
}
