-- sql/security_limits.sql: issue #16 (security probe), items 4, 8 and 14 in PostgreSQL.
--  - a 30,000-long chain of `requires` (import, status) no longer crashes the backend (the
--    recursive planner overflowed the stack: every session was restarted);
--  - the documented size limits fail with 54000 program_limit_exceeded, nothing changed;
--  - vigil_check_rows('rule:<unknown>', t) is an error (42704), not an empty answer;
--  - a non-superuser: vigil_check with amcheck installed (its functions revoked from PUBLIC)
--    gives the info row, and vigil_monitor_start/stop, once granted, give the clear pg_cron
--    error, not a permission error on cron.database_name.
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_security_limits;
\c vigil_security_limits
CREATE EXTENSION vigil;
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

-- 30,000 migrations, version n requiring n + 1: planning version 1 walks the whole chain.
SELECT vigil_migrations_import(json_build_object(
  'format', 'vigil-migrations', 'format_version', 1,
  'migrations', (SELECT json_agg(json_build_object(
      'version', g::text, 'name', 'm' || g, 'up_sql', 'SELECT ' || g,
      'options', CASE WHEN g < 30000 THEN json_build_object('requires', json_build_array((g + 1)::text))
                      ELSE '{}'::json END) ORDER BY g)
    FROM generate_series(1, 30000) g))::jsonb) AS imported;
-- the plan: the chain's end first, the first version last
SELECT count(*) AS migrations, min(version) FILTER (WHERE state = 'pending') AS any_pending
FROM vigil_migration_status();
SELECT version FROM vigil_migration_status() LIMIT 3;
-- a cycle of 30,000: the error names the first 20 and counts the rest
SELECT show_error($$SELECT vigil_migration_add('30000', 'm30000', 'SELECT 30000', NULL,
                                               '{"requires": ["1"]}')$$);
SELECT count(*) AS still_30000 FROM vigil_migrations;

-- limits: 54000, nothing changed
SELECT show_error($$SELECT vigil_migrations_import(('{"format": "vigil-migrations", "format_version": 1, "migrations": ['
  || (SELECT string_agg('0', ',') FROM generate_series(1, 100001)) || ']}')::jsonb)$$);
SELECT show_error($$SELECT vigil_migration_add('40000', 'many', repeat('SELECT 1; ', 100001))$$);
SELECT show_error($$SELECT vigil_migration_add('40000', 'huge', repeat(' ', 64 * 1024 * 1024 + 1))$$);
SELECT vigil_migration_add('40000', 'most', repeat('SELECT 1; ', 100000)) AS at_the_limit;
SELECT count(*) AS migrations FROM vigil_migrations;

-- an unknown rule is an error; a rule of another table too; a known rule answers
CREATE TABLE t (id integer PRIMARY KEY, v integer);
CREATE TABLE u (id integer PRIMARY KEY);
INSERT INTO t VALUES (1, -1), (2, 2);
SELECT vigil_rule_add('positive', 't', 'v >= 0');
SELECT show_error($$SELECT * FROM vigil_check_rows('rule:nope', 't')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('rule:positive', 'u')$$);
SELECT * FROM vigil_check_rows('rule:positive', 't');
SELECT show_error($$SELECT * FROM vigil_check_rows('nope', 't')$$);

-- a non-superuser
CREATE ROLE regress_vigil_limits;
GRANT SELECT ON t, u TO regress_vigil_limits;
GRANT EXECUTE ON FUNCTION vigil_monitor_start(integer), vigil_monitor_stop() TO regress_vigil_limits;
CREATE EXTENSION amcheck;
SET ROLE regress_vigil_limits;
SELECT check_name, severity, table_name, detail FROM vigil_check() WHERE check_name = 'physical';
SELECT show_error($$SELECT * FROM vigil_check_rows('physical', 't')$$);
SELECT show_error($$SELECT vigil_monitor_start(60)$$);
SELECT show_error($$SELECT vigil_monitor_stop()$$);
RESET ROLE;
-- a superuser runs amcheck: no physical row
SELECT count(*) AS physical_rows FROM vigil_check() WHERE check_name = 'physical';

\c :regression_db
DROP DATABASE vigil_security_limits;
DROP ROLE regress_vigil_limits;
