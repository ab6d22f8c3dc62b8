-- Operations ranked by money spent through them.
SET @since := UTC_TIMESTAMP(6) - INTERVAL 7 DAY;

SELECT vendor, operation, SUM(amount_usd) AS spent_usd, COUNT(*) AS paid_calls, MAX(amount_usd) AS largest_usd
  FROM calls
 WHERE ts >= @since AND amount_usd IS NOT NULL
 GROUP BY vendor, operation
 ORDER BY spent_usd DESC, vendor, operation;
