-- Keyward schema, version 5: one counter that moves whenever a key's state, a kill switch or a
-- vendor secret changes. Every node polls it (keys.revoke_poll, 100 ms by default) and drops its
-- cached keys when it moves; money-moving calls check revoke, expiry and kill switches inside the
-- reservation itself, so they never depend on the poll.
-- Triggers, not application code, move it: a change made by hand in SQL counts too.
-- Apply by hand with:  mariadb keyward < sql/V5__change_epoch.sql   (safe to run twice)

CREATE TABLE IF NOT EXISTS keyward_changes (
  id     TINYINT UNSIGNED NOT NULL PRIMARY KEY,
  epoch  BIGINT UNSIGNED  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO keyward_changes (id, epoch) VALUES (1, 0);

CREATE TRIGGER IF NOT EXISTS keyward_keys_changed AFTER UPDATE ON vault_keys FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_keys_deleted AFTER DELETE ON vault_keys FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_switch_added AFTER INSERT ON kill_switches FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_switch_changed AFTER UPDATE ON kill_switches FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_switch_removed AFTER DELETE ON kill_switches FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_secret_added AFTER INSERT ON vendor_secrets FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_secret_changed AFTER UPDATE ON vendor_secrets FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;
CREATE TRIGGER IF NOT EXISTS keyward_secret_removed AFTER DELETE ON vendor_secrets FOR EACH ROW
  UPDATE keyward_changes SET epoch = epoch + 1 WHERE id = 1;

INSERT IGNORE INTO keyward_schema_history (version, description, applied_at)
VALUES (5, 'change_epoch', UTC_TIMESTAMP(6));
