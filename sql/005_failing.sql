-- 005_failing.sql - since when a mailbox has been failing (a server down,
-- a wrong port, a refused login) and why: past its fail_after a run says
-- so loudly and exits 69 instead of 75, so that cron and systemd notice.
ALTER TABLE mailboxes ADD COLUMN failing_since timestamptz;
ALTER TABLE mailboxes ADD COLUMN last_error text;
