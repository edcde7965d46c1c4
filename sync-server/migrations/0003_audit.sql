-- Who owns each document, as the server first saw it, and who sent every change.

-- The area (or, for a project calendar, the project) a document belongs to, recorded
-- the first time the server stores it; it never changes afterwards.
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,
    area_id        TEXT,
    project_id     TEXT,
    first_seen_at  BIGINT NOT NULL,
    created_by     TEXT,
    created_device TEXT
);
CREATE INDEX documents_area ON documents (area_id);

-- Every change a device sent, with the server's own receive time: the trusted history.
CREATE TABLE changes (
    hash        TEXT PRIMARY KEY,
    document_id TEXT NOT NULL,
    actor       TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    -- What the batch it came in did: `created` and/or the journal event types added.
    summary     TEXT NOT NULL
);
CREATE INDEX changes_document ON changes (document_id, received_at);
