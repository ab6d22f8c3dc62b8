-- Keyward schema, version 7: a stored vendor secret is sealed for its version.
-- Apply by hand with:  mariadb keyward < sql/V7__sealed_secret_versions.sql   (safe to run twice)
--
-- AES-GCM's associated data was the vendor name; from now on it is the vendor name and the secret's
-- version, so an older sealed value copied over a newer row does not decrypt. sealed_for says which:
-- 'vendor' for rows sealed before this version (a node opening one seals it again, for its version,
-- at once), 'vendor+version' for the rest.
ALTER TABLE vendor_secrets ADD COLUMN IF NOT EXISTS sealed_for VARCHAR(16) NOT NULL DEFAULT 'vendor'
  COMMENT 'what the AES-GCM associated data binds: vendor, or vendor+version';

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (7, 'vendor secrets sealed for their version', UTC_TIMESTAMP(6));
