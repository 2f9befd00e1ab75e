-- 007_review.sql - mail that is no bounce, complaint nor auto-reply (a
-- subscriber's "please unsubscribe me") goes to the mailbox's review
-- folder, recorded as such: like a processed message, never counted
-- twice (one delivered again goes back to the review folder).
ALTER TABLE messages DROP CONSTRAINT messages_outcome_check;
ALTER TABLE messages ADD CONSTRAINT messages_outcome_check
	CHECK (outcome IN ('processed', 'quarantined', 'review'));
