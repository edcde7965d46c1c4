-- The weekly check of a project's service fee ledger against the cashier's (seed 003 G8:
-- "关注客服台账与出纳台账一致性（每周）"), one per project and week (its Monday): what was
-- found, as the core compared it (JSON: totals, the households that differ, the cashier's
-- rows that could not be read), and when it was first made.
CREATE TABLE fee_checks (
    project_id TEXT NOT NULL,
    week       TEXT NOT NULL,
    made       TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, week)
);
