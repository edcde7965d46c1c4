//! One-time tickets for opening the sync WebSocket. A browser cannot set headers on a
//! WebSocket, and a long-lived token in its URL ends up in consoles, proxies' logs and
//! error reports; so the app asks `POST /api/sync-ticket` (with its token in a header)
//! for a ticket that opens one connection within [`TICKET_TTL_MS`] and is then gone.
//! Kept in the database, so the connection may reach another server than the request.

use sqlx::AnyPool;

use super::{TokenCheck, check_device, random_hex, token_hash};

/// How long a ticket waits to be used.
pub const TICKET_TTL_MS: i64 = 30_000;

/// A new ticket for `device`; expired ones are swept away meanwhile.
pub async fn issue(pool: &AnyPool, device: &str, now: i64) -> sqlx::Result<String> {
    sqlx::query("DELETE FROM sync_tickets WHERE expires_at <= $1")
        .bind(now)
        .execute(pool)
        .await?;
    let ticket = random_hex(32);
    sqlx::query(
        "INSERT INTO sync_tickets (ticket_hash, device_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash(&ticket))
    .bind(device)
    .bind(now + TICKET_TTL_MS)
    .execute(pool)
    .await?;
    Ok(ticket)
}

/// Uses a ticket up: what its device's sign-in is worth now, or `Unknown` for a ticket
/// never issued or already used.
pub async fn redeem(pool: &AnyPool, ticket: &str, now: i64) -> sqlx::Result<TokenCheck> {
    let used: Option<(String, i64)> = sqlx::query_as(
        "DELETE FROM sync_tickets WHERE ticket_hash = $1 RETURNING device_id, expires_at",
    )
    .bind(token_hash(ticket))
    .fetch_optional(pool)
    .await?;
    let Some((device, expires_at)) = used else {
        return Ok(TokenCheck::Unknown);
    };
    if expires_at <= now {
        return Ok(TokenCheck::Expired);
    }
    let row = sqlx::query("SELECT id, user_id, expires_at, revoked_at FROM devices WHERE id = $1")
        .bind(device)
        .fetch_optional(pool)
        .await?;
    check_device(pool, row, now).await
}
