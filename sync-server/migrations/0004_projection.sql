-- Every record kind the office lists, rewritten in the same transaction as its chunks.

-- One row per record of any kind: what lists filter and page on.
CREATE TABLE records (
    doc_id      TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    area_id     TEXT NOT NULL,
    code        TEXT,
    status      TEXT,
    unit_doc    TEXT,
    month       TEXT,
    date        TEXT,
    category    TEXT,
    -- A short line for lists: the problem, the place, the plan.
    title       TEXT NOT NULL,
    -- The earliest deadline still open (ms); overdue when it is past.
    due_at      BIGINT,
    -- The first and the latest time the server stored the record.
    created_at  BIGINT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX records_list ON records (kind, area_id, created_at);
CREATE INDEX records_due ON records (area_id, due_at);

CREATE TABLE tickets (
    doc_id        TEXT PRIMARY KEY,
    area_id       TEXT NOT NULL,
    category      TEXT NOT NULL,
    channel       TEXT NOT NULL,
    status        TEXT NOT NULL,
    unit_doc      TEXT,
    place         TEXT NOT NULL,
    description   TEXT NOT NULL,
    registered_at BIGINT NOT NULL,
    registered_by TEXT NOT NULL,
    assignee      TEXT,
    completed_at  BIGINT,
    closed_at     BIGINT,
    reopened      BIGINT NOT NULL,
    satisfaction  TEXT,
    received_at   BIGINT NOT NULL
);
CREATE INDEX tickets_area ON tickets (area_id, registered_at);

CREATE TABLE renovations (
    doc_id        TEXT PRIMARY KEY,
    area_id       TEXT NOT NULL,
    unit_doc      TEXT NOT NULL,
    unit_code     TEXT NOT NULL,
    applicant     TEXT NOT NULL,
    contractor    TEXT NOT NULL,
    status        TEXT NOT NULL,
    applied_at    BIGINT NOT NULL,
    permit_number TEXT,
    permitted_at  BIGINT,
    accepted_at   BIGINT,
    patrol_days   BIGINT NOT NULL,
    received_at   BIGINT NOT NULL
);
CREATE INDEX renovations_area ON renovations (area_id, status);

CREATE TABLE visits (
    doc_id       TEXT PRIMARY KEY,
    area_id      TEXT NOT NULL,
    unit_doc     TEXT NOT NULL,
    unit_code    TEXT NOT NULL,
    method       TEXT NOT NULL,
    visited_at   BIGINT NOT NULL,
    visited_by   TEXT NOT NULL,
    satisfaction TEXT,
    tickets      BIGINT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX visits_area ON visits (area_id, visited_at);

-- One row per key of a key ledger; a ledger's rows are replaced whenever it changes.
CREATE TABLE keys (
    ledger_doc  TEXT NOT NULL,
    label       TEXT NOT NULL,
    area_id     TEXT NOT NULL,
    unit_doc    TEXT,
    unit_code   TEXT,
    status      TEXT NOT NULL,
    borrower    TEXT,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (ledger_doc, label)
);
CREATE INDEX keys_area ON keys (area_id, status);
