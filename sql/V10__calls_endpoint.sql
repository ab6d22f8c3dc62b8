-- Keyward schema, version 10: calls.endpoint, the operation's path template, under the name DBAs
-- ask for it (SELECT ts, endpoint, amount_usd, policy_check_result FROM calls ...).
--
-- It is path_template under a second name: a VIRTUAL generated column, so it is never stored twice
-- nor written by the gateway, adding it rewrites no row of a large audit table, and rows written
-- before this migration have it too. Like path_template it is the template of the operation the
-- call matched (/v1/payment_intents/{intent}), and NULL when none matched; `path` is the concrete
-- path as forwarded (/v1/payment_intents/pi_123).

ALTER TABLE calls ADD COLUMN IF NOT EXISTS endpoint VARCHAR(300)
  AS (path_template) VIRTUAL COMMENT 'the matched operation''s path template; path_template under the name DBAs use';

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (10, 'calls.endpoint', UTC_TIMESTAMP(6));
