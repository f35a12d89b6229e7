-- sql/monitor.sql: vigil_monitor_start() / vigil_monitor_stop() with pg_cron.  pg_cron runs
-- its jobs from cron.database_name ('postgres' in the test cluster): in this database it is
-- missing, and the error says what to do.
SELECT show_error($$SELECT vigil_monitor_start(60)$$);
SELECT show_error($$SELECT vigil_monitor_stop()$$);
SELECT current_database() AS regression_db \gset
\c postgres
CREATE EXTENSION vigil;
CREATE EXTENSION pg_cron;
SELECT vigil_monitor_start(60) > 0 AS scheduled;
SELECT jobname, schedule, command, database FROM cron.job;
-- scheduling again replaces the schedule (one job)
SELECT vigil_monitor_start(300) > 0 AS rescheduled;
SELECT jobname, schedule FROM cron.job;
SELECT vigil_monitor_start(7200) > 0 AS hourly;
SELECT schedule FROM cron.job;
SELECT vigil_monitor_start(86400) > 0 AS daily;
SELECT schedule FROM cron.job;
-- intervals pg_cron 1.4 cannot express
\set VERBOSITY terse
SELECT vigil_monitor_start(90);
SELECT vigil_monitor_start(30);
SELECT vigil_monitor_start(0);
SELECT vigil_monitor_start(NULL);
\set VERBOSITY default
-- the command pg_cron will run works
BEGIN;
DO $$ BEGIN EXECUTE (SELECT command FROM cron.job WHERE jobname = 'vigil_snapshot'); END $$;
SELECT count(*) > 0 AS snapshot_taken FROM vigil_health_history WHERE recorded_at = now();
COMMIT;
SELECT vigil_monitor_stop() AS stopped;
SELECT vigil_monitor_stop() AS stopped_again;
SELECT count(*) AS jobs FROM cron.job;
DROP EXTENSION pg_cron;
DROP EXTENSION vigil;
\c :regression_db
