-- The monthly table as it is handed in (seed 004 §4.3.6): a project's, with its
-- customer-service head's analysis and improvement measures, due the 5th of the next
-- month; the company's, with hot issues and weak spots, due the 10th. The figures are
-- the core's at any time; this keeps what people write and when they handed it in.
CREATE TABLE monthly_reports (
    level        TEXT NOT NULL,
    scope_id     TEXT NOT NULL,
    month        TEXT NOT NULL,
    analysis     TEXT NOT NULL,
    measures     TEXT NOT NULL,
    weak_spots   TEXT NOT NULL DEFAULT '',
    submitted_by TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    revised_at   BIGINT,
    PRIMARY KEY (level, scope_id, month)
);
