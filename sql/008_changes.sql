-- 008_changes.sql - `rebound export --changes`: every suppression takes
-- the next value of one sequence when it begins and again when it ends,
-- so that another system can stay in sync from a cursor.  Writers hold
-- rebound's store lock while they take it, and the reader takes the lock
-- too, so no committed change is ever behind a cursor already handed out.
CREATE SEQUENCE suppression_changes;
ALTER TABLE suppressions ADD COLUMN change_seq bigint;
UPDATE suppressions SET change_seq = nextval('suppression_changes');
ALTER TABLE suppressions ALTER COLUMN change_seq
	SET DEFAULT nextval('suppression_changes');
ALTER TABLE suppressions ALTER COLUMN change_seq SET NOT NULL;
CREATE INDEX suppressions_change ON suppressions (change_seq);
