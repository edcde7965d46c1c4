//! A project's own calendar and settings, shared by its areas: public holidays and
//! make-up working days (调休) for the working-day clocks, the rain days that start leak
//! callbacks (seed 003: "房屋渗漏水项目维修后的第一个雨天后电话或上门回访"), and the window
//! within which five households on one problem make a group complaint; and its
//! 《特约服务项目及收费标准》 (seed 004 §4.4.3 a: "服务中心负责编制《特约服务项目及收费
//! 标准》，报公司财务部统一交辖区物价管理部门审批或备案……并将批准后的收费标准公示"): an item
//! proposed or re-priced waits for its approval, and only the approved price is published
//! to the phones and the console.

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
    /// How many times a month each vacant unit is inspected, ventilated and cleaned at the
    /// project's service level (seed 003: "注：以下服务频次可根据项目服务级别制定"; once a
    /// month at the least, "每个月…检查…每月一次…通风…每月一次…保洁").
    VacantRounds { per_month: u8 },
    /// 特约服务: an item of the price list proposed, or re-priced, in fen per `unit`
    /// (次, 小时, 平方米…); 0 for a free service. Published once approved.
    Price {
        item: String,
        unit: String,
        price_fen: u64,
    },
    /// The proposed price of `item` approved, or filed (审批或备案), under `reference`.
    ApprovePrice { item: String, reference: String },
    /// `item` no longer offered.
    WithdrawPrice { item: String },
}

/// A price as approved and published.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovedPrice {
    pub unit: String,
    pub price_fen: u64,
    pub at: i64,
    pub by: String,
    /// The approval or filing's reference (批文号 / 备案号).
    pub reference: String,
}

/// One item of the special-service price list.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceItem {
    pub unit: String,
    /// The price proposed last: awaiting approval when it differs from the approved one.
    pub price_fen: u64,
    pub approved: Option<ApprovedPrice>,
    pub withdrawn: bool,
}

impl PriceItem {
    /// Waiting for approval: new, or re-priced since.
    pub fn pending(&self) -> bool {
        !self.withdrawn
            && self
                .approved
                .as_ref()
                .is_none_or(|a| a.price_fen != self.price_fen || a.unit != self.unit)
    }
}

/// An item as published: what a customer is shown before the service (seed 000).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishedPrice {
    pub item: String,
    pub unit: String,
    pub price_fen: u64,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectState {
    pub days: BTreeMap<NaiveDate, DayType>,
    pub rain_days: BTreeSet<NaiveDate>,
    pub group_window_hours: u32,
    /// Vacant-unit rounds a month (at least 1).
    pub vacant_rounds: u8,
    /// The special-service price list, by item.
    pub prices: BTreeMap<String, PriceItem>,
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

    /// The price list as published: approved items not withdrawn, at their approved price.
    pub fn published_prices(&self) -> Vec<PublishedPrice> {
        self.prices
            .iter()
            .filter(|(_, p)| !p.withdrawn)
            .filter_map(|(item, p)| {
                let a = p.approved.as_ref()?;
                Some(PublishedPrice {
                    item: item.clone(),
                    unit: a.unit.clone(),
                    price_fen: a.price_fen,
                })
            })
            .collect()
    }

    pub fn group_window_ms(&self) -> i64 {
        i64::from(self.group_window_hours) * HOUR_MS
    }
}

/// The most vacant-unit rounds a month a service level may ask (weekly).
pub const MAX_VACANT_ROUNDS: u8 = 4;

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
        ("vacant_rounds", "空置房服务频次"),
        ("price", "特约服务定价"),
        ("approve_price", "收费标准审批"),
        ("withdraw_price", "停止服务项目"),
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
            vacant_rounds: 1,
            ..ProjectState::default()
        }
    }

    fn apply(
        _header: &ProjectHeader,
        state: &mut ProjectState,
        event: &Event<ProjectAction>,
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
            ProjectAction::VacantRounds { per_month }
                if !(1..=MAX_VACANT_ROUNDS).contains(per_month) =>
            {
                return Err(format!(
                    "空置房服务每月1至{MAX_VACANT_ROUNDS}次（制度要求每月至少一次）"
                ));
            }
            ProjectAction::VacantRounds { per_month } => state.vacant_rounds = *per_month,
            ProjectAction::Price {
                item,
                unit,
                price_fen,
            } => {
                let (item, unit) = (item.trim(), unit.trim());
                if item.is_empty() || unit.is_empty() {
                    return Err("请填写服务项目和计价单位".into());
                }
                let entry = state
                    .prices
                    .entry(item.to_owned())
                    .or_insert_with(|| PriceItem {
                        unit: unit.to_owned(),
                        price_fen: *price_fen,
                        approved: None,
                        withdrawn: false,
                    });
                entry.unit = unit.to_owned();
                entry.price_fen = *price_fen;
                entry.withdrawn = false;
            }
            ProjectAction::ApprovePrice { item, reference } => {
                let Some(entry) = state.prices.get_mut(item.trim()) else {
                    return Err(format!("收费标准中没有“{item}”"));
                };
                if reference.trim().is_empty() {
                    return Err("请填写审批或备案的文号".into());
                }
                if !entry.pending() {
                    return Err(format!("“{item}”没有待审批的价格"));
                }
                entry.approved = Some(ApprovedPrice {
                    unit: entry.unit.clone(),
                    price_fen: entry.price_fen,
                    at: event.at,
                    by: event.by.clone(),
                    reference: reference.trim().to_owned(),
                });
            }
            ProjectAction::WithdrawPrice { item } => match state.prices.get_mut(item.trim()) {
                Some(entry) if !entry.withdrawn => entry.withdrawn = true,
                _ => return Err(format!("没有在提供的服务项目“{item}”")),
            },
        }
        Ok(())
    }

    fn contends(a: &ProjectAction, b: &ProjectAction) -> bool {
        use ProjectAction::*;
        match (a, b) {
            (Day { date: x, .. }, Day { date: y, .. })
            | (Rain { date: x, .. }, Rain { date: y, .. }) => x == y,
            (GroupWindow { .. }, GroupWindow { .. })
            | (VacantRounds { .. }, VacantRounds { .. }) => true,
            (Price { item: x, .. }, Price { item: y, .. })
            | (Price { item: x, .. }, ApprovePrice { item: y, .. })
            | (ApprovePrice { item: x, .. }, Price { item: y, .. }) => x == y,
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
            ProjectAction::VacantRounds {
                per_month: state.vacant_rounds,
            },
            ProjectAction::Price {
                item: super::kind::placeholder::TEXT.to_owned(),
                unit: super::kind::placeholder::TEXT.to_owned(),
                price_fen: 0,
            },
        ]
        .into_iter()
        .chain(state.prices.iter().flat_map(|(item, p)| {
            let approve = p.pending().then(|| ProjectAction::ApprovePrice {
                item: item.clone(),
                reference: super::kind::placeholder::TEXT.to_owned(),
            });
            let withdraw =
                (!p.withdrawn).then(|| ProjectAction::WithdrawPrice { item: item.clone() });
            approve.into_iter().chain(withdraw)
        }))
        .collect()
    }
}
