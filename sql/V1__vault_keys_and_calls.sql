-- Keyward schema, version 1: vault keys and the audit log of calls.
-- Apply by hand with:  mariadb keyward < sql/V1__vault_keys_and_calls.sql
-- or let the gateway apply it at start (database.migrate: true). Safe to run twice.
-- Every DATETIME column holds UTC; compare with UTC_TIMESTAMP(6), not NOW().

CREATE TABLE IF NOT EXISTS keyward_schema_history (
  version      INT          NOT NULL PRIMARY KEY,
  description  VARCHAR(200) NOT NULL,
  applied_at   DATETIME(6)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS vault_keys (
  id              VARCHAR(32)   NOT NULL PRIMARY KEY COMMENT 'public key id, safe to log',
  secret_hash     BINARY(32)    NOT NULL COMMENT 'HMAC-SHA-256 of the key secret under the server pepper',
  agent_name      VARCHAR(128)  NOT NULL,
  agent_run_id    VARCHAR(128)  NULL,
  vendor          VARCHAR(32)   NOT NULL,
  policy          JSON          NULL,
  daily_usd_cap   DECIMAL(18,6) NULL,
  run_usd_cap     DECIMAL(18,6) NULL,
  expires_at      DATETIME(6)   NOT NULL,
  revoked_at      DATETIME(6)   NULL,
  revoked_reason  VARCHAR(500)  NULL,
  metadata        JSON          NULL,
  created_at      DATETIME(6)   NOT NULL,
  version         BIGINT        NOT NULL DEFAULT 1 COMMENT 'bumped on every change, so caches can tell',
  KEY ix_vault_keys_agent (agent_name, agent_run_id),
  KEY ix_vault_keys_run (agent_run_id),
  KEY ix_vault_keys_vendor (vendor),
  KEY ix_vault_keys_created (created_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS calls (
  id                     BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ts                     DATETIME(6)   NOT NULL COMMENT 'when the call arrived (UTC)',
  request_id             VARCHAR(40)   NOT NULL COMMENT 'Keyward request id, also X-Keyward-Request-Id',
  key_id                 VARCHAR(32)   NULL,
  agent_name             VARCHAR(128)  NULL,
  agent_run_id           VARCHAR(128)  NULL,
  vendor                 VARCHAR(32)   NULL,
  method                 VARCHAR(16)   NOT NULL,
  operation              VARCHAR(100)  NULL,
  path_template          VARCHAR(300)  NULL,
  path                   VARCHAR(2048) NOT NULL COMMENT 'path as forwarded, without the query string',
  policy_check_result    VARCHAR(32)   NOT NULL,
  rule                   VARCHAR(200)  NULL,
  reason                 VARCHAR(500)  NULL,
  estimated_usd          DECIMAL(18,6) NULL,
  amount_usd             DECIMAL(18,6) NULL,
  upstream_status        SMALLINT      NULL,
  upstream_request_id    VARCHAR(200)  NULL,
  idempotency_key        VARCHAR(255)  NULL,
  latency_us             INT           NULL COMMENT 'whole call inside Keyward, microseconds',
  upstream_latency_us    INT           NULL COMMENT 'vendor part of it, microseconds',
  node_id                VARCHAR(64)   NOT NULL,
  metadata               JSON          NULL COMMENT 'key metadata plus agent_name and agent_run_id',
  UNIQUE KEY ux_calls_request (request_id),
  KEY ix_calls_ts (ts),
  KEY ix_calls_run (agent_run_id, ts),
  KEY ix_calls_key (key_id, ts),
  KEY ix_calls_agent (agent_name, ts),
  KEY ix_calls_result (policy_check_result, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (1, 'vault_keys and calls', UTC_TIMESTAMP(6));
