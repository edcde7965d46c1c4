-- The company's weekly sample of each project's repairs for its own telephone callbacks
-- (seed 000: "公司专人每周对各管理处维修派工单抽样20%进行电话回访"): one draw per project and
-- week (the Monday, YYYY-MM-DD), and the repairs drawn. The callbacks themselves are
-- ticket actions, through the same gate as a phone's.
CREATE TABLE callback_sample_draws (
    project_id TEXT NOT NULL,
    week       TEXT NOT NULL,
    drawn_at   BIGINT NOT NULL,
    drawn_by   TEXT NOT NULL,
    -- The repairs completed in the week when it was drawn.
    population BIGINT NOT NULL,
    PRIMARY KEY (project_id, week)
);
CREATE TABLE callback_sample_items (
    project_id TEXT NOT NULL,
    week       TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    PRIMARY KEY (project_id, week, doc_id)
);

-- When a ticket's latest callback was made: a sampled repair is done once called back
-- after the draw.
ALTER TABLE tickets ADD COLUMN called_back_at BIGINT;

-- Derived afresh at start (`projection::backfill` runs on an empty `records`).
DELETE FROM records;
