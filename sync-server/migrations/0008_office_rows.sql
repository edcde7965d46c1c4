-- Which project document holds each area's calendar (holidays, make-up days, rain
-- days): the projection runs an area's deadlines under it.
CREATE TABLE project_calendars (
    area_id     TEXT PRIMARY KEY,
    project_doc TEXT NOT NULL,
    received_at BIGINT NOT NULL
);

-- Whether a record has a deadline still to meet; a change of its project's calendar
-- projects it again.
ALTER TABLE records ADD COLUMN open_clocks BIGINT NOT NULL DEFAULT 0;
CREATE INDEX records_open ON records (area_id, open_clocks);

-- Every row is derived afresh at start (`projection::backfill` runs on an empty
-- `records`): rows written before this version read a vacant inspection from its header
-- rather than its journal, and ran every deadline under the default calendar.
DELETE FROM records;
