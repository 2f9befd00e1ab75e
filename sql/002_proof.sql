-- 002_proof.sql - what proved that a report answers mail the list sent,
-- and why a message was quarantined.
--
-- proof: 'verp' (a signed VERP return path), 'none'; NULL on rows written
-- before proof was recorded.  proof_why: why there was none.

ALTER TABLE events ADD COLUMN proof text;
ALTER TABLE events ADD COLUMN proof_why text;
ALTER TABLE suppressions ADD COLUMN proof text;

-- Why a message was quarantined when its effects could not be stored (a
-- hook's constraint, a value too long): the database's error.
ALTER TABLE messages ADD COLUMN error text;
