-- Keyward schema, version 6: idempotent retries and run budgets that cannot be gamed.
-- Apply by hand with:  mariadb keyward < sql/V6__one_reading.sql   (the DELIMITER lines are for that client; safe to run twice)
--
-- * A retry that reuses a reservation (same Idempotency-Key, same request) is checked against
--   revoke, expiry and kill switches first, like any money-moving call.
-- * A released reservation forgets its Idempotency-Key (SpendMapper.forgetIdempotencyKey), so only a
--   reservation that still stands can be reused.
-- * A run budget binds every key by its own run cap: spent + reserved + amount must stay within the
--   smaller of the row's cap and the key's, and the row keeps the smallest cap any key named. A key
--   issued later with a larger cap cannot raise the run's budget.
-- * Resend accepts Idempotency-Keys of up to 256 characters.

ALTER TABLE spend_idempotency MODIFY idempotency_key VARCHAR(256) NOT NULL;

-- Holds p_amount on one run or agent budget row, within LEAST(cap_usd, p_cap) (the caller owns the
-- transaction): p_outcome is held | over | no_ledger_row.
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_hold_within(IN p_scope VARCHAR(8), IN p_scope_id VARCHAR(160), IN p_day DATE,
                                                IN p_amount DECIMAL(18,6), IN p_cap DECIMAL(18,6), OUT p_outcome VARCHAR(16))
BEGIN
  DECLARE v_tries INT DEFAULT 0;
  hold: LOOP
    UPDATE spend_ledger
       SET reserved_usd = reserved_usd + p_amount, cap_usd = LEAST(cap_usd, p_cap),
           version = version + 1, updated_at = UTC_TIMESTAMP(6)
     WHERE scope = p_scope AND scope_id = p_scope_id AND day = p_day
       AND spent_usd + reserved_usd + p_amount <= LEAST(cap_usd, p_cap);
    IF ROW_COUNT() > 0 THEN
      SET p_outcome = 'held';
      LEAVE hold;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM spend_ledger WHERE scope = p_scope AND scope_id = p_scope_id AND day = p_day) THEN
      SET p_outcome = 'no_ledger_row';
      LEAVE hold;
    END IF;
    -- A concurrent first reservation may have created the row between the UPDATE and the check:
    -- now that it exists, one more try is the answer.
    SET v_tries = v_tries + 1;
    IF v_tries >= 2 THEN
      SET p_outcome = 'over';
      LEAVE hold;
    END IF;
  END LOOP;
END$$
DELIMITER ;

-- Reserves p_amount against every budget of the call in one round trip, all or nothing (see V3).
-- Result: one row (outcome, day): reserved | replay | idempotency_mismatch | revoked | expired |
-- over_key_cap | over_run_cap | over_agent_cap | frozen | no_ledger_row (create the rows, then call again).
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_reserve(
  IN p_key_id VARCHAR(32), IN p_amount DECIMAL(18,6), IN p_key_cap DECIMAL(18,6),
  IN p_idempotency_key VARCHAR(256), IN p_request_hash BINARY(32),
  IN p_run_id VARCHAR(160), IN p_run_cap DECIMAL(18,6),
  IN p_agent VARCHAR(160), IN p_agent_cap DECIMAL(18,6))
proc: BEGIN
  DECLARE v_hash BINARY(32);
  DECLARE v_created DATETIME(6);
  DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
  DECLARE v_day DATE DEFAULT UTC_DATE();
  DECLARE v_rows INT DEFAULT 0;
  DECLARE v_held VARCHAR(16);
  DECLARE v_state VARCHAR(16);
  DECLARE v_txn BOOLEAN DEFAULT p_idempotency_key IS NOT NULL OR p_run_cap IS NOT NULL OR p_agent_cap IS NOT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

  IF v_txn THEN
    START TRANSACTION;
  END IF;
  IF p_idempotency_key IS NOT NULL THEN
    -- A retry is a call like any other: a revoked, expired or switched-off key gets nothing, not even a replay.
    SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= v_now THEN 'expired'
                WHEN EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor))
                THEN 'frozen' ELSE 'live' END
      INTO v_state FROM vault_keys k WHERE k.id = p_key_id;
    IF v_state <> 'live' THEN
      ROLLBACK;
      SELECT v_state AS outcome, v_day AS day;
      LEAVE proc;
    END IF;
    INSERT IGNORE INTO spend_idempotency (key_id, idempotency_key, request_hash, estimated_usd, created_at)
      VALUES (p_key_id, p_idempotency_key, p_request_hash, p_amount, v_now);
    IF ROW_COUNT() = 0 THEN
      SELECT request_hash, created_at INTO v_hash, v_created FROM spend_idempotency
       WHERE key_id = p_key_id AND idempotency_key = p_idempotency_key FOR UPDATE;
      IF v_created > v_now - INTERVAL 24 HOUR THEN
        COMMIT;
        SELECT IF(v_hash = p_request_hash, 'replay', 'idempotency_mismatch') AS outcome, v_day AS day;
        LEAVE proc;
      END IF;
      UPDATE spend_idempotency SET request_hash = p_request_hash, estimated_usd = p_amount, created_at = v_now
       WHERE key_id = p_key_id AND idempotency_key = p_idempotency_key;
    END IF;
  END IF;

  UPDATE spend_ledger l JOIN vault_keys k ON k.id = p_key_id
     SET l.reserved_usd = l.reserved_usd + p_amount, l.version = l.version + 1, l.updated_at = v_now
   WHERE l.scope = 'key' AND l.scope_id = p_key_id AND l.day = v_day
     AND l.spent_usd + l.reserved_usd + p_amount <= l.cap_usd
     AND k.revoked_at IS NULL AND k.expires_at > v_now
     AND NOT EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor));
  SET v_rows = ROW_COUNT();
  IF v_rows = 0 THEN
    IF NOT EXISTS (SELECT 1 FROM spend_ledger WHERE scope = 'key' AND scope_id = p_key_id AND day = v_day) THEN
      ROLLBACK;
      SELECT 'no_ledger_row' AS outcome, v_day AS day;
      LEAVE proc;
    END IF;
    UPDATE spend_ledger l JOIN vault_keys k ON k.id = p_key_id
       SET l.reserved_usd = l.reserved_usd + p_amount, l.version = l.version + 1, l.updated_at = v_now
     WHERE l.scope = 'key' AND l.scope_id = p_key_id AND l.day = v_day
       AND l.spent_usd + l.reserved_usd + p_amount <= l.cap_usd
       AND k.revoked_at IS NULL AND k.expires_at > v_now
       AND NOT EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor));
    SET v_rows = ROW_COUNT();
  END IF;
  IF v_rows = 0 THEN
    ROLLBACK;
    SELECT CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= v_now THEN 'expired'
                WHEN EXISTS (SELECT 1 FROM kill_switches f WHERE f.scope = 'all' OR (f.scope = 'vendor' AND f.target = k.vendor))
                THEN 'frozen' ELSE 'over_key_cap' END
           AS outcome, v_day AS day
      FROM vault_keys k WHERE k.id = p_key_id;
    LEAVE proc;
  END IF;

  IF p_run_cap IS NOT NULL THEN
    CALL keyward_hold_within('run', p_run_id, '1970-01-01', p_amount, p_run_cap, v_held);
    IF v_held <> 'held' THEN
      ROLLBACK;
      -- Remember the smaller cap even though this call was refused: the run's budget never grows back.
      UPDATE spend_ledger SET cap_usd = LEAST(cap_usd, p_run_cap)
       WHERE scope = 'run' AND scope_id = p_run_id AND day = '1970-01-01' AND cap_usd > p_run_cap;
      SELECT IF(v_held = 'over', 'over_run_cap', v_held) AS outcome, v_day AS day;
      LEAVE proc;
    END IF;
  END IF;

  IF p_agent_cap IS NOT NULL THEN
    CALL keyward_hold_within('agent', p_agent, v_day, p_amount, p_agent_cap, v_held);
    IF v_held <> 'held' THEN
      ROLLBACK;
      SELECT IF(v_held = 'over', 'over_agent_cap', v_held) AS outcome, v_day AS day;
      LEAVE proc;
    END IF;
  END IF;

  IF v_txn THEN
    COMMIT;
  END IF;
  SELECT 'reserved' AS outcome, v_day AS day;
END$$
DELIMITER ;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (6, 'replays check the key, released keys are forgotten, run budgets bind by the smallest cap', UTC_TIMESTAMP(6));
