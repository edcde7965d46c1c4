-- One dialect for SQLite and PostgreSQL: TEXT, BIGINT (milliseconds, counts and 0/1
-- flags) and BYTEA (SQLite stores the bytes as a BLOB whatever the declared type).

-- Every stored chunk, in automerge-repo's key layout: [doc_id, kind, name].
CREATE TABLE chunks (
    doc_id TEXT NOT NULL,
    kind   TEXT NOT NULL,
    name   TEXT NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (doc_id, kind, name)
);

-- Places and people.
CREATE TABLE areas (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    project_id   TEXT NOT NULL,
    project_name TEXT NOT NULL,
    index_doc    TEXT NOT NULL
);

CREATE TABLE housekeepers (
    id      TEXT PRIMARY KEY,
    name    TEXT NOT NULL,
    area_id TEXT NOT NULL REFERENCES areas (id)
);

-- Projections of the records, rewritten in the same transaction as the chunks they
-- come from. received_at is the server's own clock: the audit time office staff see.
CREATE TABLE units (
    doc_id      TEXT PRIMARY KEY,
    area_id     TEXT NOT NULL,
    code        TEXT NOT NULL,
    building    TEXT NOT NULL,
    status      TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX units_area ON units (area_id, status);

CREATE TABLE vacant_inspections (
    doc_id            TEXT PRIMARY KEY,
    unit_doc          TEXT NOT NULL,
    unit_code         TEXT NOT NULL,
    area_id           TEXT NOT NULL,
    month             TEXT NOT NULL,
    occasion          TEXT NOT NULL,
    ventilated        BIGINT NOT NULL,
    cleaning_arranged BIGINT NOT NULL,
    abnormal          BIGINT NOT NULL,
    findings          TEXT NOT NULL,
    notes             TEXT NOT NULL,
    inspector         TEXT NOT NULL,
    inspected_at      BIGINT NOT NULL,
    received_at       BIGINT NOT NULL
);
CREATE INDEX vacant_inspections_area_month ON vacant_inspections (area_id, month);
