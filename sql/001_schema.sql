-- 001_schema.sql - rebound's tables.
--
-- Applied by `rebound db migrate` inside one transaction, which also records
-- the version in rebound_schema.  Never edit a migration that has shipped:
-- add the next numbered file.

-- The lists rebound knows of (from VERP, a header of the original, or the
-- mailbox's `list =`).
CREATE TABLE lists (
	id		bigserial PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- One row per address and list (list_id NULL: the list is not known).
-- score counts soft bounces, at most one per day (last_soft_day), since
-- soft_since (the start of the current window).
CREATE TABLE subscribers (
	id		bigserial PRIMARY KEY,
	list_id		bigint REFERENCES lists (id),
	address		text NOT NULL,
	state		text NOT NULL DEFAULT 'active'
			CHECK (state IN ('active', 'bouncing', 'suppressed',
			    'unsubscribed')),
	score		integer NOT NULL DEFAULT 0 CHECK (score >= 0),
	hard_count	integer NOT NULL DEFAULT 0,
	soft_count	integer NOT NULL DEFAULT 0,
	block_count	integer NOT NULL DEFAULT 0,
	complaint_count	integer NOT NULL DEFAULT 0,
	first_bounce_at	timestamptz,
	last_bounce_at	timestamptz,
	last_soft_day	date,
	soft_since	date,
	changed_at	timestamptz NOT NULL DEFAULT now(),
	change_reason	text,
	UNIQUE NULLS NOT DISTINCT (list_id, address)
);
CREATE INDEX subscribers_address ON subscribers (address);

-- The messages rebound has processed: what makes a rerun idempotent.  A
-- message is the same when its bytes are (fingerprint, SHA-256) or its
-- Message-ID is; where it came from is kept to acknowledge it again after a
-- crash between commit and acknowledgement.
CREATE TABLE messages (
	id		bigserial PRIMARY KEY,
	fingerprint	bytea NOT NULL UNIQUE,
	message_id	text,
	mailbox		text NOT NULL,
	uidvalidity	bigint,
	uid		bigint,
	uidl		text,
	outcome		text NOT NULL
			CHECK (outcome IN ('processed', 'quarantined')),
	processed_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX messages_message_id ON messages (message_id)
	WHERE message_id IS NOT NULL;
CREATE INDEX messages_place ON messages (mailbox, uidvalidity, uid);
CREATE INDEX messages_uidl ON messages (mailbox, uidl) WHERE uidl IS NOT NULL;

-- UIDVALIDITY last seen per IMAP mailbox: when it changes, remembered UIDs
-- mean nothing.
CREATE TABLE mailboxes (
	name		text PRIMARY KEY,
	uidvalidity	bigint,
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- One event per message and recipient, and per manual change.  Text is
-- stored as reported (diagnostics may hold quotes, backslashes, any UTF-8).
CREATE TABLE events (
	id		bigserial PRIMARY KEY,
	message		bigint REFERENCES messages (id),
	subscriber	bigint REFERENCES subscribers (id),
	address		text,
	list		text,
	class		text NOT NULL
			CHECK (class IN ('hard', 'soft', 'block', 'complaint',
			    'ignore', 'unknown', 'manual')),
	reason		text,
	status		text,
	reply_code	text,
	rule		text,
	diagnostic	text,
	remote_mta	text,
	reporting_mta	text,
	feedback_type	text,
	mailbox		text,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_subscriber ON events (subscriber);
CREATE INDEX events_address ON events (address);
CREATE INDEX events_created ON events (created_at);

-- Addresses not to send to: per list, or global (list_id NULL) for
-- complaints.  Ended suppressions keep their row (ended_at) for the record.
CREATE TABLE suppressions (
	id		bigserial PRIMARY KEY,
	address		text NOT NULL,
	list_id		bigint REFERENCES lists (id),
	cause		text NOT NULL
			CHECK (cause IN ('hard', 'complaint', 'soft', 'manual')),
	reason		text,
	status		text,
	since		timestamptz NOT NULL DEFAULT now(),
	source_event	bigint REFERENCES events (id),
	ended_at	timestamptz
);
CREATE UNIQUE INDEX suppressions_active ON suppressions (address,
	coalesce(list_id, 0)) WHERE ended_at IS NULL;

-- Bounces per recipient domain, day and class: the reputation view
-- (blocks from one domain are an incident, not dead addresses).
CREATE TABLE domain_daily (
	day		date NOT NULL,
	domain		text NOT NULL,
	class		text NOT NULL,
	count		integer NOT NULL DEFAULT 0,
	PRIMARY KEY (day, domain, class)
);
