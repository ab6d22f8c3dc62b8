-- Deletes audit rows older than @days in small batches, so no statement holds locks for long.
-- Run it until it reports 0 rows deleted, e.g.
--   while [ "$(mariadb -N keyward < sql/queries/retention.sql)" != "0" ]; do sleep 1; done
SET @days := 400;

DELETE FROM calls WHERE ts < UTC_TIMESTAMP(6) - INTERVAL @days DAY ORDER BY id LIMIT 5000;
SELECT ROW_COUNT() AS deleted;
