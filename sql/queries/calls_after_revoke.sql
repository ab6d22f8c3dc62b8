-- Calls a key made after it was revoked that were let through. Must return no rows: a revoke
-- bites on the next call on every node.
SELECT c.ts, c.request_id, c.key_id, k.revoked_at, c.operation, c.node_id
  FROM calls c
  JOIN vault_keys k ON k.id = c.key_id
 WHERE k.revoked_at IS NOT NULL AND c.ts > k.revoked_at AND c.policy_check_result = 'allowed'
 ORDER BY c.ts;
