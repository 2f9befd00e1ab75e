-- 004_outbox.sql - notifications for the list manager, written in the
-- transaction that makes the decision, delivered after COMMIT (rebound
-- run, rebound deliver) to each [notify NAME] connector.  Each row says
-- the state to set, not a change, and carries its own key: delivered at
-- least once, its effect is once.

CREATE TABLE outbox (
	id		bigserial PRIMARY KEY,
	connector	text NOT NULL,		-- [notify NAME]
	key		text NOT NULL UNIQUE,	-- the idempotency key
	address		text NOT NULL,
	list		text,			-- NULL: every list
	event		text NOT NULL,		-- suppress, unsuppress, soft
	body		jsonb NOT NULL,		-- what is sent (README.md)
	created_at	timestamptz NOT NULL DEFAULT now(),
	attempts	integer NOT NULL DEFAULT 0,
	next_at		timestamptz NOT NULL DEFAULT now(),
	delivered_at	timestamptz,
	failed_at	timestamptz,		-- refused for good: a person looks
	last_error	text
);
-- what is still to deliver, per connector and address, in order
CREATE INDEX outbox_pending ON outbox (connector, address, id)
	WHERE delivered_at IS NULL AND failed_at IS NULL;
