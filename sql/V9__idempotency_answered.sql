-- Keyward schema, version 9: a retry rides on the first call only once that call was answered.
--
-- A retry with the same Idempotency-Key used to be free while the first call's reservation stood,
-- even while the first call was still at the vendor: if the first then failed with a 4xx its
-- reservation was released, and the retry, already forwarded for free, could move money that no
-- reservation covered. answered_at records when the vendor answered the first call (and its money
-- was settled or kept); a retry before that is refused 409, as Stripe answers a concurrent repeat.
-- A row reused after 24 hours gets a new created_at, so an answer older than it does not count.

ALTER TABLE spend_idempotency ADD COLUMN IF NOT EXISTS answered_at DATETIME(6) NULL;
UPDATE spend_idempotency SET answered_at = created_at WHERE answered_at IS NULL;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (9, 'spend_idempotency.answered_at', UTC_TIMESTAMP(6));
