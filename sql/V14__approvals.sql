-- Keyward schema, version 14: approvals bound to the exact request.
-- Apply by hand with:  mariadb keyward < sql/V14__approvals.sql   (safe to run twice)
--
-- An allow entry may carry "approval_above_usd": a call it admits that would cost more is refused
-- 403 approval_required, its cost not reserved, and a pending row is made here (one per key and
-- request: the agent's retries of the same call find the same row). An operator approves or denies
-- it (POST /admin/approvals/{id}/approve|deny, scope approve); once approved, the identical request
-- (request_hash: method, path, meaningful headers and every parameter of the one reading; and the
-- same Idempotency-Key) passes once before expires_at. request_params shows the operator what that
-- request says (amount, currency, destination...), masked as the audit trail is. Using it is one conditional UPDATE, so two
-- copies of the call sent at once cannot both ride on it.
CREATE TABLE IF NOT EXISTS approvals (
  id               CHAR(26)       NOT NULL PRIMARY KEY COMMENT 'apr_ and 22 random base62 characters',
  key_id           VARCHAR(32)    NOT NULL,
  agent_name       VARCHAR(128)   NOT NULL,
  agent_run_id     VARCHAR(128)   NULL,
  vendor           VARCHAR(32)    NOT NULL,
  operation        VARCHAR(64)    NULL,
  method           VARCHAR(8)     NOT NULL,
  path             VARCHAR(2048)  NOT NULL COMMENT 'the vendor path, as the audit row shows it',
  rule             VARCHAR(200)   NOT NULL COMMENT 'the allow entry whose approval_above_usd asked for it',
  estimated_usd    DECIMAL(18,6)  NULL COMMENT 'NULL when the cost cannot be read from the request',
  threshold_usd    DECIMAL(18,6)  NOT NULL,
  request_hash     BINARY(32)     NOT NULL COMMENT 'SHA-256 of the request fingerprint and its Idempotency-Key',
  idempotency_key  VARCHAR(255)   NULL COMMENT 'as the operator sees it (masked, cut); the hash holds the exact one',
  request_params   TEXT           NULL COMMENT 'what the operator approves: the parameters and meaningful headers as JSON, masked and cut',
  state            VARCHAR(16)    NOT NULL COMMENT 'pending, approved, denied, used',
  created_at       DATETIME(6)    NOT NULL,
  created_request_id VARCHAR(40)  NOT NULL COMMENT 'the refused call that asked for it (calls.request_id)',
  decided_at       DATETIME(6)    NULL,
  decided_by       VARCHAR(32)    NULL COMMENT 'the admin token that decided',
  reason           VARCHAR(500)   NULL,
  expires_at       DATETIME(6)    NULL COMMENT 'an approved request must come before this',
  used_at          DATETIME(6)    NULL,
  used_request_id  VARCHAR(40)    NULL COMMENT 'the call that rode on it (calls.request_id)',
  -- One pending approval per key and request, however many copies of the call arrive at once:
  -- NULL once decided, and a unique key admits any number of NULLs.
  pending_hash     BINARY(32)     AS (IF(state = 'pending', request_hash, NULL)) PERSISTENT,
  UNIQUE KEY ux_approvals_pending (key_id, pending_hash),
  KEY ix_approvals_request (key_id, request_hash, state),
  KEY ix_approvals_state (state, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (14, 'approvals', UTC_TIMESTAMP(6));
