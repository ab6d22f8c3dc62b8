-- What Keyward refused, by result code and rule, most frequent first.
SET @since := UTC_TIMESTAMP(6) - INTERVAL 1 DAY;

SELECT policy_check_result, rule, COUNT(*) AS calls, COUNT(DISTINCT key_id) AS keys_involved, MAX(ts) AS last_seen
  FROM calls
 WHERE ts >= @since AND policy_check_result <> 'allowed'
 GROUP BY policy_check_result, rule
 ORDER BY calls DESC, policy_check_result, rule;
