-- Keyward schema, version 13: calls.shadow_result, what a shadow (report-only) policy would have done.
-- Apply by hand with:  mariadb keyward < sql/V13__shadow_policies.sql   (safe to run twice)
--
-- A key issued with "policy": {"mode": "shadow", ...} has its calls forwarded even when its policy
-- would refuse them; only the policy step is shadowed (revoke, expiry, kill switches, the rate and
-- loop guards and every spend cap still refuse). Such a call is audited as allowed
-- (policy_check_result 'allowed'), with `rule` naming the policy rule that would have refused it and
-- shadow_result the code it would have got (denied_operation, denied_parameter). NULL on every other
-- row (a shadow key's call that a later step refused, a cap or a guard, is recorded as that refusal
-- alone), so existing rows and enforcing keys are untouched.
--
-- A NULL column at the end of the table: MariaDB adds it without rewriting the audit table. The DBA
-- query sql/queries/shadow_refusals_by_rule.sql reads it by time (ix_calls_ts), so no index of its own.

ALTER TABLE calls ADD COLUMN IF NOT EXISTS shadow_result VARCHAR(32) NULL
  COMMENT 'shadow policies only: the code the policy would have refused the call with; NULL otherwise';

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (13, 'calls.shadow_result', UTC_TIMESTAMP(6));
