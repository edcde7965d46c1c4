//! The server's clock and its stop signal, for every layer.

use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// Resolves once the server is stopping (or whoever could stop it is gone).
pub async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stopping| *stopping).await;
}

/// Milliseconds since the Unix epoch, from the server's clock.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
