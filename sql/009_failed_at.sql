-- 009_failed_at.sql - the day a delivery failed, not the day rebound read
-- its report: a backlog read at once must not show as one spike.
--
-- events.failed_at is the recipient's Last-Attempt-Date, else the
-- report's Date:, each only when plausible (mime_failed_at()); events
-- stored before this migration keep the time they were processed.
-- domain_daily is counted by that day from now on; its older rows stay
-- on the day they were processed (the events they came from may be
-- gone).  send_id names the send a proven report answers, for the
-- report's rates.
ALTER TABLE events ADD COLUMN failed_at timestamptz;
UPDATE events SET failed_at = created_at;
ALTER TABLE events ALTER COLUMN failed_at SET DEFAULT now();
ALTER TABLE events ALTER COLUMN failed_at SET NOT NULL;
CREATE INDEX events_failed ON events (failed_at);
ALTER TABLE events ADD COLUMN send_id bigint REFERENCES sends (id);
