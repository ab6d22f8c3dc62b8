-- Money counted as spent per agent and UTC day, with the number of calls that moved it.
SET @since := UTC_DATE() - INTERVAL 30 DAY;

SELECT agent_name, DATE(ts) AS day, SUM(amount_usd) AS spent_usd, COUNT(*) AS paid_calls
  FROM calls
 WHERE ts >= @since AND amount_usd IS NOT NULL
 GROUP BY agent_name, DATE(ts)
 ORDER BY day DESC, spent_usd DESC;
