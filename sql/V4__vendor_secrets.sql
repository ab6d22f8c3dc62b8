-- Keyward schema, version 4: vendor secrets stored encrypted, for rotation without restarts.
-- Apply by hand with:  mariadb keyward < sql/V4__vendor_secrets.sql

-- One real vendor credential, AES-256-GCM encrypted under a master key that lives only in the
-- gateways' environment; master_key_id names which one, so master keys can rotate.
CREATE TABLE IF NOT EXISTS vendor_secrets (
  vendor         VARCHAR(32)    NOT NULL PRIMARY KEY,
  master_key_id  VARCHAR(32)    NOT NULL,
  nonce          BINARY(12)     NOT NULL COMMENT 'random, never reused',
  ciphertext     VARBINARY(4096) NOT NULL COMMENT 'AES-256-GCM, tag included; the vendor name is the associated data',
  version        BIGINT         NOT NULL COMMENT 'bumped by every rotation; nodes compare it on every call',
  updated_at     DATETIME(6)    NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (4, 'vendor_secrets', UTC_TIMESTAMP(6));
