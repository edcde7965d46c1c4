-- Which clock a record's earliest open deadline belongs to (`dispatch`, `callback`, …),
-- so a list can name it.
ALTER TABLE records ADD COLUMN due_clock TEXT;

-- Derived afresh at start (`projection::backfill` runs on an empty `records`).
DELETE FROM records;
