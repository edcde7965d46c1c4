//! Trying storage again. A database that is busy (SQLite's writer lock held too long) or
//! briefly unreachable (PostgreSQL restarting, a dropped connection) must not stop the
//! hub: nothing unsaved has been acknowledged, so the same batch is simply written again
//! once the database answers. Any other error still ends the hub, because writing the
//! same thing again would fail the same way. Writing a batch twice is harmless (chunks and
//! rows are upserts, history rows are keyed by change hash), which matters when a commit
//! landed but its answer was lost with the connection.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sqlx::error::DatabaseError;
use sqlx::postgres::PgDatabaseError;
use sqlx::sqlite::SqliteError;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::metrics::Metrics;

/// The first wait before trying again; it doubles up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_millis(100);
const LONGEST_WAIT: Duration = Duration::from_secs(5);

/// Whether `error` says the database is busy or out of reach for now, so that the same
/// work may succeed later.
pub fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(e) => {
            if let Some(sqlite) = e.try_downcast_ref::<SqliteError>() {
                // Extended result codes: the low byte is the primary code.
                let primary = sqlite
                    .code()
                    .and_then(|c| c.parse::<u32>().ok())
                    .map(|c| c & 0xff);
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL (the disk may be cleared).
                matches!(primary, Some(5 | 6 | 13))
            } else if let Some(pg) = e.try_downcast_ref::<PgDatabaseError>() {
                let state = pg.code();
                // Connection exceptions, insufficient resources, serialization failure,
                // deadlock, lock not available, the server shutting down or starting.
                state.starts_with("08")
                    || state.starts_with("53")
                    || matches!(
                        state,
                        "40001" | "40P01" | "55P03" | "57P01" | "57P02" | "57P03"
                    )
            } else {
                false
            }
        }
        _ => false,
    }
}

/// How the hub retries: waits with back-off, counts, and gives up only when the server
/// is stopping and its drain time has run out.
#[derive(Debug, Clone)]
pub struct Retry {
    pub metrics: Arc<Metrics>,
    pub shutdown: watch::Receiver<bool>,
    /// How long a stopping server keeps trying.
    pub drain: Duration,
}

impl Retry {
    /// Runs `attempt` until it succeeds, trying again after transient errors.
    pub async fn run<T, F, Fut>(&self, what: &str, mut attempt: F) -> anyhow::Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = sqlx::Result<T>>,
    {
        let mut wait = FIRST_WAIT;
        let mut give_up_at: Option<Instant> = None;
        loop {
            let error = match attempt().await {
                Ok(value) => {
                    self.metrics.storage_waiting.set(0);
                    return Ok(value);
                }
                Err(e) => e,
            };
            if *self.shutdown.borrow() {
                give_up_at.get_or_insert_with(|| Instant::now() + self.drain);
            }
            let out_of_time = give_up_at.is_some_and(|t| Instant::now() + wait > t);
            if !is_transient(&error) || out_of_time {
                self.metrics.storage_waiting.set(0);
                return Err(anyhow::Error::new(error).context(format!("{what} failed")));
            }
            tracing::warn!("{what} failed; trying again in {wait:?}: {error}");
            self.metrics.storage_retries.inc();
            self.metrics.storage_waiting.set(1);
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    }
}
