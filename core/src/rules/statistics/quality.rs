//! 《月服务质量报告》 (seed 004 §4.4.2 b: "服务中心每月对报修类客户信息进行统计分析，相关数据
//! 填报《月度客户信息统计分析表》、《月服务质量报告》"): the month's repairs as the report
//! reads them — how many, where, dispatched in 10 minutes, answered in time, done within
//! their scale's time, called back, satisfied — and by scale.

use serde::Serialize;

use super::Counted;
use crate::records::ticket::{Category, RepairScale, RepairScope};
use crate::rules::deadlines::Clock;

/// One scale's repairs.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleLine {
    pub scale: RepairScale,
    pub label: &'static str,
    pub received: usize,
    pub completed: usize,
    pub completed_in_time: usize,
}

/// The month's repairs for the quality report.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepairQuality {
    pub received: usize,
    pub household: usize,
    pub public: usize,
    pub dispatched_in_time: usize,
    pub responded_in_time: usize,
    pub completed: usize,
    /// Done within their scale's time (or the same day, or the time agreed in time).
    pub completed_in_time: usize,
    pub called_back: usize,
    pub satisfied: usize,
    /// Repairs with any clock overdue.
    pub overdue: usize,
    pub by_scale: Vec<ScaleLine>,
}

fn on_time(c: &Counted<'_>, clocks: &[Clock]) -> bool {
    let mine: Vec<_> = c
        .deadlines
        .iter()
        .filter(|d| clocks.contains(&d.clock))
        .collect();
    !mine.is_empty() && mine.iter().all(|d| d.on_time())
}

/// The quality report's figures of the month's counted tickets.
pub(super) fn repair_quality(counted: &[Counted<'_>]) -> RepairQuality {
    let repairs: Vec<&Counted<'_>> = counted
        .iter()
        .filter(|c| c.ticket.header.category == Category::Repair)
        .collect();
    let count = |test: &dyn Fn(&Counted<'_>) -> bool| repairs.iter().filter(|c| test(c)).count();
    let scope = |c: &Counted<'_>| c.ticket.header.repair.map(|r| r.scope);
    let done = |c: &Counted<'_>| c.ticket.state.completed_at.is_some();
    let in_time = |c: &Counted<'_>| on_time(c, &[Clock::Completion, Clock::SameDay]);
    RepairQuality {
        received: repairs.len(),
        household: count(&|c| scope(c) == Some(RepairScope::Household)),
        public: count(&|c| scope(c) == Some(RepairScope::Public)),
        dispatched_in_time: count(&|c| on_time(c, &[Clock::Dispatch])),
        responded_in_time: count(&|c| c.responded_in_time()),
        completed: count(&done),
        completed_in_time: count(&|c| done(c) && in_time(c)),
        called_back: count(&|c| c.called_back()),
        satisfied: count(&|c| c.satisfied()),
        overdue: count(&|c| c.deadlines.iter().any(|d| d.is_overdue())),
        by_scale: RepairScale::ALL
            .iter()
            .map(|scale| {
                let of =
                    |c: &Counted<'_>| c.ticket.header.repair.is_some_and(|r| r.scale == *scale);
                ScaleLine {
                    scale: *scale,
                    label: scale.label_zh(),
                    received: count(&of),
                    completed: count(&|c| of(c) && done(c)),
                    completed_in_time: count(&|c| of(c) && done(c) && in_time(c)),
                }
            })
            .filter(|l| l.received > 0)
            .collect(),
    }
}
