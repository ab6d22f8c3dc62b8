-- Keyward schema, version 3: kill switches, the admin audit trail, and the reservation procedure.
-- Apply by hand with:  mariadb keyward < sql/V3__kill_switches_and_reserve.sql   (the DELIMITER lines are for that client)

-- A vendor-wide or global freeze: while a row is here, no key of that vendor (or no key at all) may
-- call, whatever its state. Lifting it (deleting the row) does not un-revoke any key.
CREATE TABLE IF NOT EXISTS kill_switches (
  scope      VARCHAR(8)   NOT NULL COMMENT 'vendor | all',
  target     VARCHAR(32)  NOT NULL COMMENT 'the vendor, or * for all',
  reason     VARCHAR(500) NOT NULL,
  set_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (scope, target)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every admin action: who (the admin token's id), what, on which scope, why, when.
CREATE TABLE IF NOT EXISTS admin_events (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ts          DATETIME(6)   NOT NULL,
  admin_id    VARCHAR(32)   NOT NULL COMMENT 'first 12 hex digits of the admin token SHA-256',
  action      VARCHAR(32)   NOT NULL COMMENT 'issue | revoke | freeze | unfreeze | end_run',
  scope       VARCHAR(16)   NOT NULL COMMENT 'key | agent | run | vendor | all',
  target      VARCHAR(160)  NOT NULL,
  reason      VARCHAR(500)  NULL,
  affected    INT           NOT NULL DEFAULT 0 COMMENT 'keys issued, revoked or switches changed',
  request_id  VARCHAR(40)   NOT NULL,
  KEY ix_admin_events_ts (ts),
  KEY ix_admin_events_target (scope, target, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Holds p_amount on one run or agent budget row (the caller owns the transaction):
-- p_outcome is held | over | no_ledger_row. The same conditional UPDATE as the key's, without
-- the key checks; tried once more when the row appeared between a miss and the existence check.
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_hold(IN p_scope VARCHAR(8), IN p_scope_id VARCHAR(160), IN p_day DATE,
                                         IN p_amount DECIMAL(18,6), OUT p_outcome VARCHAR(16))
BEGIN
  DECLARE v_rows INT DEFAULT 0;
  UPDATE spend_ledger SET reserved_usd = reserved_usd + p_amount, version = version + 1, updated_at = UTC_TIMESTAMP(6)
   WHERE scope = p_scope AND scope_id = p_scope_id AND day = p_day AND spent_usd + reserved_usd + p_amount <= cap_usd;
  SET v_rows = ROW_COUNT();
  IF v_rows = 0 THEN
    IF NOT EXISTS (SELECT 1 FROM spend_ledger WHERE scope = p_scope AND scope_id = p_scope_id AND day = p_day) THEN
      SET p_outcome = 'no_ledger_row';
    ELSE
      UPDATE spend_ledger SET reserved_usd = reserved_usd + p_amount, version = version + 1, updated_at = UTC_TIMESTAMP(6)
       WHERE scope = p_scope AND scope_id = p_scope_id AND day = p_day AND spent_usd + reserved_usd + p_amount <= cap_usd;
      SET p_outcome = IF(ROW_COUNT() = 0, 'over', 'held');
    END IF;
  ELSE
    SET p_outcome = 'held';
  END IF;
END$$
DELIMITER ;

-- Reserves p_amount against every budget of the call in one round trip, all or nothing.
-- Each budget is one conditional UPDATE (spent + reserved + amount <= cap) whose row count decides;
-- the key's own row also requires the key to be unrevoked and unexpired by the database clock, so a
-- money-moving call can never pass a revoke that has committed.
-- Result: one row (outcome, day): reserved | replay | idempotency_mismatch | revoked | expired |
-- over_key_cap | over_run_cap | over_agent_cap | frozen | no_ledger_row (create the rows, then call again).
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_reserve(
  IN p_key_id VARCHAR(32), IN p_amount DECIMAL(18,6), IN p_key_cap DECIMAL(18,6),
  IN p_idempotency_key VARCHAR(255), IN p_request_hash BINARY(32),
  IN p_run_id VARCHAR(160), IN p_run_cap DECIMAL(18,6),
  IN p_agent VARCHAR(160), IN p_agent_cap DECIMAL(18,6))
proc: BEGIN
  DECLARE v_hash BINARY(32);
  DECLARE v_created DATETIME(6);
  DECLARE v_now DATETIME(6) DEFAULT UTC_TIMESTAMP(6);
  DECLARE v_day DATE DEFAULT UTC_DATE();
  DECLARE v_rows INT DEFAULT 0;
  DECLARE v_held VARCHAR(16);
  -- One budget and no Idempotency-Key is the common case: its single UPDATE needs no transaction of
  -- its own and commits alone. Several statements that must hold together run in one transaction.
  DECLARE v_txn BOOLEAN DEFAULT p_idempotency_key IS NOT NULL OR p_run_cap IS NOT NULL OR p_agent_cap IS NOT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

  IF v_txn THEN
    START TRANSACTION;
  END IF;
  IF p_idempotency_key IS NOT NULL THEN
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

  -- A budget's row is created by the caller (SpendRepository.reserve), outside this transaction: an
  -- INSERT racing other reservations here would take shared locks that deadlock them.
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
    -- A concurrent first reservation may have created the row between the UPDATE and the check:
    -- now that it exists, one more try is the answer.
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
    CALL keyward_hold('run', p_run_id, '1970-01-01', p_amount, v_held);
    IF v_held <> 'held' THEN
      ROLLBACK;
      SELECT IF(v_held = 'over', 'over_run_cap', v_held) AS outcome, v_day AS day;
      LEAVE proc;
    END IF;
  END IF;

  IF p_agent_cap IS NOT NULL THEN
    CALL keyward_hold('agent', p_agent, v_day, p_amount, v_held);
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
VALUES (3, 'kill_switches, admin_events, keyward_reserve', UTC_TIMESTAMP(6));
