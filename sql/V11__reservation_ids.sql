-- Keyward schema, version 11: exactly-once reservations (Galera certification conflicts, lost answers).
-- Apply by hand with:  mariadb keyward < sql/V11__reservation_ids.sql   (the DELIMITER lines are for that client; safe to run twice)
--
-- Galera certifies optimistically: a commit may fail with 1213 and be retried, and it may even be
-- reported as failed after it took effect (a "phantom commit"); a connection may also drop after
-- the COMMIT was sent. Each reservation now carries an id chosen by the node before its first
-- attempt, recorded here in the reservation's own transaction, so a retry finds its earlier attempt
-- instead of reserving twice, and settling or releasing it is idempotent by the same id
-- (SpendMapper.endReservation moves state from held exactly once, in the transaction that moves the money).
-- No triggers, no functions: nothing here needs SUPER or log_bin_trust_function_creators.

CREATE TABLE IF NOT EXISTS spend_reservations (
  id               VARCHAR(40)   NOT NULL COMMENT 'chosen by the node before the first attempt',
  key_id           VARCHAR(32)   NOT NULL,
  day              DATE          NOT NULL COMMENT 'the key and agent rows day (UTC, database clock)',
  run_id           VARCHAR(160)  NULL COMMENT 'the run budget it is also held on',
  agent            VARCHAR(160)  NULL COMMENT 'the agent budget it is also held on',
  amount_usd       DECIMAL(18,6) NOT NULL COMMENT 'what was reserved',
  idempotency_key  VARCHAR(256)  NULL COMMENT 'forgotten when the reservation is released',
  state            VARCHAR(8)    NOT NULL DEFAULT 'held' COMMENT 'held | settled | released',
  spent_usd        DECIMAL(18,6) NULL,
  created_at       DATETIME(6)   NOT NULL,
  ended_at         DATETIME(6)   NULL,
  PRIMARY KEY (id),
  KEY ix_spend_reservations_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- keyward_reserve (V6) with a reservation id chosen by the node. The id is checked first: a retry
-- of a reservation that did commit (Galera reported 1213 for it, or the answer was lost) finds its
-- own row and answers already_reserved, holding nothing more. Otherwise the reservation is made as
-- in V6 and its row inserted in the same transaction: the primary key makes a second commit of the
-- same id impossible, on one server and in a certified Galera write set alike.
-- Result: one row (outcome, day): reserved | already_reserved | replay | idempotency_mismatch | revoked |
-- expired | over_key_cap | over_run_cap | over_agent_cap | frozen | no_ledger_row.
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_reserve_once(
  IN p_reservation_id VARCHAR(40), IN p_key_id VARCHAR(32), IN p_amount DECIMAL(18,6), IN p_key_cap DECIMAL(18,6),
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
  DECLARE v_found_day DATE;
  DECLARE v_txn BOOLEAN DEFAULT p_reservation_id IS NOT NULL OR p_idempotency_key IS NOT NULL OR p_run_cap IS NOT NULL OR p_agent_cap IS NOT NULL;
  DECLARE EXIT HANDLER FOR SQLEXCEPTION BEGIN ROLLBACK; RESIGNAL; END;

  IF p_reservation_id IS NOT NULL THEN
    SET v_found_day = (SELECT day FROM spend_reservations WHERE id = p_reservation_id);
    IF v_found_day IS NOT NULL THEN
      SELECT 'already_reserved' AS outcome, v_found_day AS day;
      LEAVE proc;
    END IF;
  END IF;
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

  IF p_reservation_id IS NOT NULL THEN
    INSERT INTO spend_reservations (id, key_id, day, run_id, agent, amount_usd, idempotency_key, state, created_at)
    VALUES (p_reservation_id, p_key_id, v_day, IF(p_run_cap IS NULL, NULL, p_run_id), IF(p_agent_cap IS NULL, NULL, p_agent),
            p_amount, p_idempotency_key, 'held', v_now);
  END IF;
  IF v_txn THEN
    COMMIT;
  END IF;
  SELECT 'reserved' AS outcome, v_day AS day;
END$$
DELIMITER ;

-- The nine-argument procedure stays for nodes of an earlier version during a rolling upgrade: a
-- reservation without an id, as before.
DELIMITER $$
CREATE OR REPLACE PROCEDURE keyward_reserve(
  IN p_key_id VARCHAR(32), IN p_amount DECIMAL(18,6), IN p_key_cap DECIMAL(18,6),
  IN p_idempotency_key VARCHAR(256), IN p_request_hash BINARY(32),
  IN p_run_id VARCHAR(160), IN p_run_cap DECIMAL(18,6),
  IN p_agent VARCHAR(160), IN p_agent_cap DECIMAL(18,6))
BEGIN
  CALL keyward_reserve_once(NULL, p_key_id, p_amount, p_key_cap, p_idempotency_key, p_request_hash,
                            p_run_id, p_run_cap, p_agent, p_agent_cap);
END$$
DELIMITER ;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (11, 'spend_reservations and keyward_reserve_once: exactly-once reservations', UTC_TIMESTAMP(6));
