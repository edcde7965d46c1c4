//! A rectification item from an owner meeting (业主沟通会, seed 002): "整改方案包括：存在的
//! 问题、具体位置、整改措施、预计完成时间等四项内容 … 有些管理上问题，不存在具体位置的就不用
//! 标明".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RecordError;
use super::index::Entry;
use super::journal::Event;
use super::kind::{Kind, Record};

pub const KIND: &str = "rectification";

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RectificationHeader {
    pub area_id: String,
    /// The meeting it came from.
    pub meeting: String,
    pub meeting_date: NaiveDate,
    /// 存在的问题
    pub problem: String,
    /// 具体位置 — none for a management problem.
    #[serde(default)]
    pub location: Option<String>,
    /// 整改措施
    pub measure: String,
    /// 预计完成时间
    pub expected: NaiveDate,
    /// Who is responsible.
    #[serde(default)]
    pub responsible: String,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum RectificationAction {
    /// Progress, told in the note.
    Progress {},
    Done {},
    /// A new expected completion date (the reason in the note).
    Reschedule {
        expected: NaiveDate,
    },
    /// Not done after all.
    Reopen {},
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RectificationState {
    pub expected: NaiveDate,
    pub done_at: Option<i64>,
    pub rescheduled: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rectification;

pub type RectificationRecord = Record<Rectification>;

impl Kind for Rectification {
    const KIND: &'static str = KIND;
    const LABEL: &'static str = "整改事项";
    const ACTIONS: &'static [(&'static str, &'static str)] = &[
        ("progress", "进展"),
        ("done", "完成"),
        ("reschedule", "改期"),
        ("reopen", "重新打开"),
    ];
    type Header = RectificationHeader;
    type Action = RectificationAction;
    type State = RectificationState;

    fn area(header: &RectificationHeader) -> &str {
        &header.area_id
    }

    fn start(header: &RectificationHeader) -> RectificationState {
        RectificationState {
            expected: header.expected,
            done_at: None,
            rescheduled: 0,
        }
    }

    fn apply(
        _header: &RectificationHeader,
        state: &mut RectificationState,
        event: &Event<RectificationAction>,
        action: &RectificationAction,
    ) -> Result<(), String> {
        let done = state.done_at.is_some();
        match action {
            RectificationAction::Progress {} if event.note.trim().is_empty() => {
                return Err("请写明整改进展".into());
            }
            RectificationAction::Progress {} => {}
            RectificationAction::Done {} if done => return Err("整改已完成".into()),
            RectificationAction::Done {} => state.done_at = Some(event.at),
            RectificationAction::Reschedule { .. } if done => return Err("整改已完成".into()),
            RectificationAction::Reschedule { .. } if event.note.trim().is_empty() => {
                return Err("改期须说明原因".into());
            }
            RectificationAction::Reschedule { expected } => {
                state.expected = *expected;
                state.rescheduled += 1;
            }
            RectificationAction::Reopen {} if !done => return Err("整改尚未完成".into()),
            RectificationAction::Reopen {} => state.done_at = None,
        }
        Ok(())
    }

    fn contends(a: &RectificationAction, b: &RectificationAction) -> bool {
        !matches!(a, RectificationAction::Progress {})
            && !matches!(b, RectificationAction::Progress {})
    }

    fn entry(header: &RectificationHeader, state: &RectificationState) -> Entry {
        Entry {
            kind: KIND.into(),
            date: Some(state.expected.to_string()),
            status: Some(STATUSES[usize::from(state.done_at.is_some())].0.into()),
            month: Some(crate::time::Month::of(header.meeting_date).to_string()),
            ..Entry::default()
        }
    }

    fn check_new(header: &RectificationHeader) -> Result<(), RecordError> {
        if header.problem.trim().is_empty() || header.measure.trim().is_empty() {
            return Err(RecordError::invalid(
                "rectification",
                "整改项需写明问题和整改措施",
            ));
        }
        if header.expected < header.meeting_date {
            return Err(RecordError::invalid(
                "expected",
                "预计完成日期早于业主大会日期",
            ));
        }
        Ok(())
    }

    fn probes(
        _: &RectificationHeader,
        state: &RectificationState,
        _now_ms: i64,
    ) -> Vec<RectificationAction> {
        vec![
            RectificationAction::Progress {},
            RectificationAction::Done {},
            RectificationAction::Reschedule {
                expected: state
                    .expected
                    .checked_add_days(chrono::Days::new(7))
                    .unwrap_or(state.expected),
            },
            RectificationAction::Reopen {},
        ]
    }
}

/// Every status of an item as stored (its index entry's `status`), with its label.
pub const STATUSES: &[(&str, &str)] = &[("open", "整改中"), ("done", "已整改")];
