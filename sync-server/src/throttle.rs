//! Back-off for signing in: a few wrong passwords cost nothing (a phone with a typo never
//! notices), and every one after that locks the account — and, with a larger allowance,
//! the address it came from — for twice as long as the last, up to a quarter of an hour.
//! While locked, attempts are answered at once without checking the password, so a
//! guesser learns nothing and costs the server no password hashing.
//!
//! Kept in memory by each server: a guesser spreading attempts over several servers
//! gets each one's allowance, still a handful of guesses an hour.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Wrong passwords an account may have in a row before it is locked.
const ACCOUNT_ALLOWANCE: u32 = 5;
/// Wrong passwords one address may send (many phones can share an office's address).
const ADDRESS_ALLOWANCE: u32 = 20;
const FIRST_LOCK_MS: i64 = 1_000;
const LONGEST_LOCK_MS: i64 = 15 * 60_000;
/// A key with no failure for this long is forgotten.
const FORGET_AFTER_MS: i64 = 60 * 60_000;
/// Past this many keys, forgotten ones are swept out on the next failure.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Clone, Copy, Debug, Default)]
struct Failures {
    count: u32,
    last_ms: i64,
    locked_until_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

/// Failed sign-ins per account and per address.
#[derive(Debug, Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<Key, Failures>>,
}

impl SignInThrottle {
    /// How many milliseconds the caller must wait before trying again, if locked.
    pub fn wait_ms(&self, username: &str, address: Option<IpAddr>, now_ms: i64) -> Option<i64> {
        let failures = self.failures.lock().expect("throttle lock");
        keys(username, address)
            .filter_map(|key| failures.get(&key))
            .map(|f| f.locked_until_ms - now_ms)
            .filter(|wait| *wait > 0)
            .max()
    }

    /// A wrong password: counts against the account and the address.
    pub fn failed(&self, username: &str, address: Option<IpAddr>, now_ms: i64) {
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, f| now_ms - f.last_ms < FORGET_AFTER_MS);
        }
        for key in keys(username, address) {
            let allowance = match key {
                Key::Account(_) => ACCOUNT_ALLOWANCE,
                Key::Address(_) => ADDRESS_ALLOWANCE,
            };
            let entry = failures.entry(key).or_default();
            if now_ms - entry.last_ms >= FORGET_AFTER_MS {
                *entry = Failures::default();
            }
            entry.count += 1;
            entry.last_ms = now_ms;
            if let Some(over) = entry.count.checked_sub(allowance + 1) {
                let lock = FIRST_LOCK_MS.saturating_mul(1 << over.min(20));
                entry.locked_until_ms = now_ms + lock.min(LONGEST_LOCK_MS);
            }
        }
    }

    /// The right password: the account starts afresh; the address keeps its count, so a
    /// guesser holding one real account cannot reset it.
    pub fn succeeded(&self, username: &str) {
        let mut failures = self.failures.lock().expect("throttle lock");
        failures.remove(&Key::Account(account(username)));
    }
}

fn account(username: &str) -> String {
    username.trim().to_lowercase()
}

fn keys(username: &str, address: Option<IpAddr>) -> impl Iterator<Item = Key> {
    std::iter::once(Key::Account(account(username))).chain(address.map(Key::Address))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7)));

    #[test]
    fn a_typo_costs_nothing_and_a_guesser_waits_longer_each_time() {
        let throttle = SignInThrottle::default();
        let mut now = 0;
        for _ in 0..ACCOUNT_ALLOWANCE {
            throttle.failed("hk-zhang", HOME, now);
            assert_eq!(throttle.wait_ms("hk-zhang", HOME, now), None);
            now += 100;
        }
        let mut waits = Vec::new();
        for _ in 0..4 {
            throttle.failed("hk-zhang", HOME, now);
            let wait = throttle.wait_ms("HK-Zhang ", HOME, now).expect("locked");
            waits.push(wait);
            now += wait;
            assert_eq!(throttle.wait_ms("hk-zhang", HOME, now), None, "free again");
        }
        assert_eq!(waits, [1_000, 2_000, 4_000, 8_000]);
        // Another account from elsewhere is not affected.
        assert_eq!(throttle.wait_ms("hk-li", None, now), None);
        throttle.succeeded("hk-zhang");
        throttle.failed("hk-zhang", None, now);
        assert_eq!(
            throttle.wait_ms("hk-zhang", None, now),
            None,
            "started afresh"
        );
    }

    #[test]
    fn one_address_guessing_many_accounts_is_locked_too() {
        let throttle = SignInThrottle::default();
        for n in 0..=ADDRESS_ALLOWANCE {
            throttle.failed(&format!("user-{n}"), HOME, 0);
        }
        assert!(throttle.wait_ms("anyone", HOME, 0).is_some());
        assert_eq!(throttle.wait_ms("anyone", None, 0), None);
    }

    #[test]
    fn locks_stop_growing_and_old_failures_are_forgotten() {
        let throttle = SignInThrottle::default();
        for _ in 0..60 {
            throttle.failed("admin", None, 0);
        }
        assert_eq!(throttle.wait_ms("admin", None, 0), Some(LONGEST_LOCK_MS));
        throttle.failed("admin", None, FORGET_AFTER_MS + 1);
        assert_eq!(throttle.wait_ms("admin", None, FORGET_AFTER_MS + 1), None);
    }
}
