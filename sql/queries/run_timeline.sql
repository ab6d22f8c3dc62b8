-- A run's timeline after an incident: every refused call of the run, newest first, then the first
-- policy hit (the moment Keyward started saying no). Edit the run id and run with:
--   mariadb keyward < sql/queries/run_timeline.sql
SET @run_id := 'run_xyz';

SELECT ts, vendor, operation, endpoint, amount_usd, policy_check_result, rule, reason
  FROM calls
 WHERE agent_run_id = @run_id AND policy_check_result <> 'allowed'
 ORDER BY ts DESC, id DESC;

SELECT ts AS first_policy_hit, operation, policy_check_result, rule, reason
  FROM calls
 WHERE agent_run_id = @run_id AND policy_check_result <> 'allowed'
 ORDER BY ts ASC, id ASC
 LIMIT 1;
