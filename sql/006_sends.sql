-- 006_sends.sql - soft bounces counted per send (a campaign, an issue),
-- not per day, so that a monthly list suppresses a mailbox that bounces
-- every issue.  A send is recorded by the list manager (`rebound sent`,
-- a hook, a connector) or by a proven report whose returned original
-- names it ([parse] send_header); an unproven report never makes one.
CREATE TABLE sends (
	id		bigserial PRIMARY KEY,
	list_id		bigint NOT NULL REFERENCES lists (id),
	send_key	text NOT NULL,		-- campaign id, Message-ID, ...
	sent_at		timestamptz NOT NULL DEFAULT now(),
	recipients	integer,		-- when the list manager says
	source		text NOT NULL DEFAULT 'report',	-- or 'sent'
	UNIQUE (list_id, send_key)
);
CREATE INDEX sends_order ON sends (list_id, sent_at, id);

-- The run of bounced sends in a row of a subscriber.
ALTER TABLE subscribers ADD COLUMN soft_sends integer NOT NULL DEFAULT 0;
ALTER TABLE subscribers ADD COLUMN first_send_day date;
ALTER TABLE subscribers ADD COLUMN last_send_id bigint;
ALTER TABLE subscribers ADD COLUMN last_send_day date;
