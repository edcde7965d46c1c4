-- Whether a record's earliest open deadline is a time agreed with the customer rather
-- than the procedure's own figure, so lists tell "agreed with the owner" from forgotten;
-- and every clock it still waits on, space-delimited (` callback contact_record `), so a
-- list can ask for the records owing a callback whichever clock is due first.
ALTER TABLE records ADD COLUMN due_agreed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE records ADD COLUMN waiting_on TEXT;

-- Derived afresh at start (`projection::backfill` runs on an empty `records`): tickets
-- gained the contact-record clock, and a repair's callback stays owed after closing.
DELETE FROM records;
