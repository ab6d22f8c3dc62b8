-- Keyward schema, version 2: the spend ledger and idempotent reservations.
-- Apply by hand with:  mariadb keyward < sql/V2__spend_ledger.sql

-- One row per budget and UTC day: a key's daily cap, an agent's daily cap, a run's cap (day 1970-01-01:
-- a run's cap spans the run). A reservation moves money into reserved_usd; settling moves it to spent_usd.
CREATE TABLE IF NOT EXISTS spend_ledger (
  scope         VARCHAR(8)    NOT NULL COMMENT 'key | agent | run',
  scope_id      VARCHAR(160)  NOT NULL,
  day           DATE          NOT NULL COMMENT 'UTC day; 1970-01-01 for run budgets',
  cap_usd       DECIMAL(18,6) NOT NULL,
  spent_usd     DECIMAL(18,6) NOT NULL DEFAULT 0,
  reserved_usd  DECIMAL(18,6) NOT NULL DEFAULT 0,
  version       BIGINT        NOT NULL DEFAULT 0 COMMENT 'bumped by every change',
  updated_at    DATETIME(6)   NOT NULL,
  PRIMARY KEY (scope, scope_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A money-moving call with an Idempotency-Key reserves once; a retry with the same key and the
-- same request within 24 h reuses that reservation instead of reserving again.
CREATE TABLE IF NOT EXISTS spend_idempotency (
  key_id           VARCHAR(32)   NOT NULL,
  idempotency_key  VARCHAR(255)  NOT NULL,
  request_hash     BINARY(32)    NOT NULL COMMENT 'SHA-256 of method, path and parameters',
  estimated_usd    DECIMAL(18,6) NOT NULL,
  created_at       DATETIME(6)   NOT NULL,
  PRIMARY KEY (key_id, idempotency_key),
  KEY ix_spend_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (2, 'spend_ledger and spend_idempotency', UTC_TIMESTAMP(6));
