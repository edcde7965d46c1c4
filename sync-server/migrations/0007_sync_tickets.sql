-- One-time tickets that open a sync WebSocket without a token in its URL: stored only
-- as SHA-256, gone once used or expired.
CREATE TABLE sync_tickets (
    ticket_hash TEXT PRIMARY KEY,
    device_id   TEXT NOT NULL REFERENCES devices (id),
    expires_at  BIGINT NOT NULL
);
