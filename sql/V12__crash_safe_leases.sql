-- Keyward schema, version 12: escrow leases that survive their node (crash-safe, on by default).
-- Apply by hand with:  mariadb keyward < sql/V12__crash_safe_leases.sql   (the DELIMITER lines are for that client; safe to run twice)
--
-- A lease is a chunk of a key's daily budget that one node reserved so it can admit that key's
-- calls without a round trip each. Until now it lived only in the node's memory: a node that
-- crashed kept its chunk reserved until the day reset. Now each lease is a spend_reservations row
-- with an expiry that its node renews; when the node stops renewing, any node gives the row's
-- money back (SpendRepository.reapExpiredLeases).
--
-- What the row holds (amount_usd) is the lease's *undrawn* part only. A node admits calls from money
-- it has drawn from the row first (lease_draws counts the draws, so a draw retried after a Galera
-- 1213 finds that it already landed): money drawn and not yet settled may be at the vendor when the
-- node dies, so it is never given back by expiry, only by its node. A crashed node thus leaves at
-- most one and a half draws unused until the day resets: under-use, never overshoot.

ALTER TABLE spend_reservations
  ADD COLUMN IF NOT EXISTS lease_expires_at DATETIME(6) NULL
    COMMENT 'escrow leases only: given back by any node once past (UTC, database clock)',
  ADD COLUMN IF NOT EXISTS lease_draws INT NOT NULL DEFAULT 0
    COMMENT 'escrow leases only: draws made, so a retried draw is recognised';

CREATE INDEX IF NOT EXISTS ix_spend_reservations_lease ON spend_reservations (lease_expires_at);

-- Grants a lease exactly once under the id its node chose: the conditional reservation of V11 for
-- the key row only (leases never cover run or agent budgets, nor Idempotency-Keys), and the lease's
-- row in the same transaction, with p_drawn already drawn and an expiry p_ttl_ms from now.
-- Result: one row (outcome, day): reserved | already_reserved | revoked | expired | frozen | over_key_cap | no_ledger_row.
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_lease_once(
  IN p_lease_id VARCHAR(40), IN p_key_id VARCHAR(32), IN p_amount DECIMAL(18,6), IN p_drawn DECIMAL(18,6), IN p_ttl_ms INT)
proc: BEGIN
  DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
  DECLARE v_day DATE DEFAULT UTC_DATE();
  DECLARE v_found_day DATE;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

  SET v_found_day = (SELECT day FROM spend_reservations WHERE id = p_lease_id);
  IF v_found_day IS NOT NULL THEN
    SELECT 'already_reserved' AS outcome, v_found_day AS day;
    LEAVE proc;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM spend_ledger WHERE scope = 'key' AND scope_id = p_key_id AND day = v_day) THEN
    SELECT 'no_ledger_row' AS outcome, v_day AS day;
    LEAVE proc;
  END IF;
  START TRANSACTION;
  UPDATE spend_ledger l JOIN vault_keys k ON k.id = p_key_id
     SET l.reserved_usd = l.reserved_usd + p_amount, l.version = l.version + 1, l.updated_at = v_now
   WHERE l.scope = 'key' AND l.scope_id = p_key_id AND l.day = v_day
     AND l.spent_usd + l.reserved_usd + p_amount <= l.cap_usd
     AND k.revoked_at IS NULL AND k.expires_at > v_now
     AND NOT EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor));
  IF ROW_COUNT() = 0 THEN
    ROLLBACK;
    SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= v_now THEN 'expired'
                WHEN EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor))
                THEN 'frozen' ELSE 'over_key_cap' END
           AS outcome, v_day AS day
      FROM vault_keys k WHERE k.id = p_key_id;
    LEAVE proc;
  END IF;
  INSERT INTO spend_reservations (id, key_id, day, amount_usd, state, created_at, lease_expires_at, lease_draws)
  VALUES (p_lease_id, p_key_id, v_day, p_amount - p_drawn, 'held', v_now,
          v_now + INTERVAL p_ttl_ms * 1000 MICROSECOND, IF(p_drawn > 0, 1, 0));
  COMMIT;
  SELECT 'reserved' AS outcome, v_day AS day;
END$$
DELIMITER ;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (12, 'spend_reservations lease columns and keyward_lease_once: crash-safe escrow leases', UTC_TIMESTAMP(6));
