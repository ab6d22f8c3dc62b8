-- Keyward schema, version 8: admin tokens with scopes.
-- Apply by hand with:  mariadb keyward < sql/V8__admin_tokens.sql   (safe to run twice)
--
-- Each token is shown once, when it is made (POST /admin/tokens); only its SHA-256 is kept. Its
-- scopes say which admin routes it may call (keys:write, keys:read, audit:read, kill, secrets:write,
-- tokens:admin, admin). The bootstrap token of the config file holds admin and has no row here.
CREATE TABLE IF NOT EXISTS admin_tokens (
  name        VARCHAR(32)   NOT NULL PRIMARY KEY COMMENT 'what admin_events.admin_id records',
  token_hash  BINARY(32)    NOT NULL COMMENT 'SHA-256 of the token',
  scopes      VARCHAR(200)  NOT NULL COMMENT 'space-separated',
  created_at  DATETIME(6)   NOT NULL,
  created_by  VARCHAR(32)   NOT NULL COMMENT 'the name of the token that made it',
  revoked_at  DATETIME(6)   NULL,
  UNIQUE KEY ux_admin_tokens_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (8, 'admin_tokens', UTC_TIMESTAMP(6));
