-- The spend ledger against the audit trail, per key and UTC day. Must return no rows once the
-- day's settles are written: what the ledger counts as spent is exactly the sum of amount_usd of
-- that key's calls that day.
SELECT l.scope_id AS key_id, l.day, l.spent_usd AS ledger_spent_usd, COALESCE(a.audited_usd, 0) AS audited_usd,
       l.reserved_usd AS still_reserved_usd
  FROM spend_ledger l
  LEFT JOIN (SELECT key_id, DATE(ts) AS day, SUM(amount_usd) AS audited_usd
               FROM calls WHERE amount_usd IS NOT NULL GROUP BY key_id, DATE(ts)) a
         ON a.key_id = l.scope_id AND a.day = l.day
 WHERE l.scope = 'key' AND l.spent_usd <> COALESCE(a.audited_usd, 0)
 ORDER BY l.day DESC, l.scope_id;
