//! The supervisor's weekly checks of what the housekeepers keep (seed 003): the key
//! ledger against the keys in the cabinet ("G9：要求管理人员每日核对，主管每周抽台帐与实物
//! 相符") and the renovation files against the works ("G3：装修记录表是否更新（与记录对比
//! 抽查，每周两次）"). A week runs Monday to Sunday in the estates' zone; each check is due
//! by the week's end, met by the supervisor's own count of the keys, and by the second
//! spot check of a renovation file while any is under construction.

use super::deadlines::{Clock, Deadline, nth_earliest};
use super::portfolio::Portfolio;
use super::sampling::week_holding;
use crate::time::local_date;

const KEY_AUDIT_RULE: &str = "主管每周抽查钥匙台帐与实物相符（003 G9）";
const SPOT_CHECK_RULE: &str = "装修记录表与现场对比抽查，每周两次（003 G3）";
/// "每周两次".
pub const SPOT_CHECKS_A_WEEK: usize = 2;

/// The supervisor's check of this week's key ledgers; none when the area keeps no keys.
pub fn key_audit(p: &Portfolio<'_>, now: i64) -> Option<Deadline> {
    if p.key_ledgers.is_empty() {
        return None;
    }
    let (start, end) = week_holding(local_date(now));
    let met = p
        .key_ledgers
        .iter()
        .flat_map(|(_, l)| &l.state.counts)
        .filter(|c| c.supervisor && (start..end).contains(&c.at))
        .map(|c| c.at)
        .min();
    Some(Deadline::new(
        Clock::KeyAudit,
        KEY_AUDIT_RULE,
        Some(end),
        met,
        now,
    ))
}

/// The supervisor's spot checks of renovation files this week; none when no renovation
/// is under construction.
pub fn renovation_spot_checks(p: &Portfolio<'_>, now: i64) -> Option<Deadline> {
    if !p
        .renovations
        .iter()
        .any(|(_, r)| r.state.status.under_construction())
    {
        return None;
    }
    let (start, end) = week_holding(local_date(now));
    let checks = p
        .renovations
        .iter()
        .flat_map(|(_, r)| &r.state.spot_checks)
        .map(|c| c.at)
        .filter(|at| (start..end).contains(at));
    Some(Deadline::new(
        Clock::RenovationSpotCheck,
        SPOT_CHECK_RULE,
        Some(end),
        nth_earliest(checks, SPOT_CHECKS_A_WEEK),
        now,
    ))
}

#[cfg(test)]
mod tests;
