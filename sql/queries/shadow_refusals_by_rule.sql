-- What shadow (report-only) policies would have refused, per rule: the calls they let through that
-- an enforced policy would have answered with shadow_result, most frequent first. Read it before
-- switching a policy from "shadow" to "enforce": every row is traffic the switch would stop.
-- Filter by one agent with:  AND agent_name = 'billing-agent'
SET @since := UTC_TIMESTAMP(6) - INTERVAL 7 DAY;

SELECT agent_name, vendor, shadow_result, rule, operation,
       COUNT(*) AS calls, COUNT(DISTINCT key_id) AS keys_involved,
       SUM(amount_usd) AS spent_usd, MIN(ts) AS first_seen, MAX(ts) AS last_seen
  FROM calls
 WHERE ts >= @since AND shadow_result IS NOT NULL
 GROUP BY agent_name, vendor, shadow_result, rule, operation
 ORDER BY calls DESC, agent_name, shadow_result, rule, operation;
