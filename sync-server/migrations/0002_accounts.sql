-- Who may connect: users with a role and the areas or projects they work in, and the
-- devices they signed in on. A device's token is stored only as its SHA-256.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- kind: 'area' or 'project'.
CREATE TABLE user_scopes (
    user_id  TEXT NOT NULL REFERENCES users (id),
    kind     TEXT NOT NULL,
    scope_id TEXT NOT NULL,
    PRIMARY KEY (user_id, kind, scope_id)
);

CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    last_seen_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX devices_user ON devices (user_id);
