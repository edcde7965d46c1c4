//! The supervisor's weekly checks of what the housekeepers keep (seed 003): the key
//! ledger against the keys in the cabinet ("G9：要求管理人员每日核对，主管每周抽台帐与实物
//! 相符") and the renovation files against the works ("G3：装修记录表是否更新（与记录对比
//! 抽查，每周两次）"). A week runs Monday to Sunday in the estates' zone; each check is due
//! by the week's end, met by the supervisor's own count of the keys, and by the second
//! spot check of a renovation file while any is under construction.

use super::deadlines::{Clock, Deadline};
use super::portfolio::Portfolio;
use super::sampling::week_of;
use crate::time::{add_days, local_date, start_of_day};

const KEY_AUDIT_RULE: &str = "主管每周抽查钥匙台帐与实物相符（003 G9）";
const SPOT_CHECK_RULE: &str = "装修记录表与现场对比抽查，每周两次（003 G3）";
/// "每周两次".
pub const SPOT_CHECKS_A_WEEK: usize = 2;

/// This week, `[start, end)` in ms.
fn this_week(now: i64) -> (i64, i64) {
    let monday = week_of(local_date(now));
    (start_of_day(monday), start_of_day(add_days(monday, 7)))
}

/// The supervisor's check of this week's key ledgers; none when the area keeps no keys.
pub fn key_audit(p: &Portfolio<'_>, now: i64) -> Option<Deadline> {
    if p.key_ledgers.is_empty() {
        return None;
    }
    let (start, end) = this_week(now);
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
    let (start, end) = this_week(now);
    let mut checks: Vec<i64> = p
        .renovations
        .iter()
        .flat_map(|(_, r)| &r.state.spot_checks)
        .map(|c| c.at)
        .filter(|at| (start..end).contains(at))
        .collect();
    checks.sort_unstable();
    Some(Deadline::new(
        Clock::RenovationSpotCheck,
        SPOT_CHECK_RULE,
        Some(end),
        checks.get(SPOT_CHECKS_A_WEEK - 1).copied(),
        now,
    ))
}

#[cfg(test)]
mod tests;
