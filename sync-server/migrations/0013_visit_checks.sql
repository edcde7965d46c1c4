-- When a visit was last checked by the company's monthly sample (seed 004 §4.4.5): a
-- sampled visit is done once checked after the draw. Visit samples share the sample
-- tables, their period a month (`YYYY-MM`) where a repair week's is its Monday.
ALTER TABLE visits ADD COLUMN verified_at BIGINT;

-- Derived afresh at start (`projection::backfill` runs on an empty `records`).
DELETE FROM records;
