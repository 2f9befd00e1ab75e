-- 003_send.sql - the send (campaign) a bounce's returned original names,
-- by [parse] send_header (X-Listmonk-Campaign), for hooks ($6).
ALTER TABLE events ADD COLUMN send text;
