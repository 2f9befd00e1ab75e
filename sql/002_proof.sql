-- 002_proof.sql - what proved that a report answers mail the list sent,
-- why a message was quarantined, and the batches held over a cap.
--
-- proof: 'verp' (a signed VERP return path), 'none'; NULL on rows written
-- before proof was recorded.  proof_why: why there was none.

ALTER TABLE events ADD COLUMN proof text;
ALTER TABLE events ADD COLUMN proof_why text;
ALTER TABLE suppressions ADD COLUMN proof text;

-- Why a message was quarantined when its effects could not be stored (a
-- hook's constraint, a value too long): the database's error.
ALTER TABLE messages ADD COLUMN error text;

-- Batches held because they would take a list past max_suppressions:
-- nothing of them applied, their messages left in the mailbox, until a
-- person runs `rebound run --release` (released_at).
CREATE TABLE holds (
	id		bigserial PRIMARY KEY,
	mailbox		text,
	list		text,		-- NULL: the suppressions on every list
	suppressions	integer NOT NULL,	-- with the held batch
	cap		integer NOT NULL,
	window_days	integer NOT NULL,
	held_at		timestamptz NOT NULL DEFAULT now(),
	released_at	timestamptz
);
