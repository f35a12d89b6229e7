-- sql/migrate_concurrency.sql: migration tracking against other sessions (through dblink):
-- retries under lock_timeout, a migrating backend killed mid-way, and the deploy-script
-- recipe's exit code (psql -v ON_ERROR_STOP=1).  The two-migrators case is
-- specs/migrate_lock.spec.
SET client_min_messages = warning;
CREATE EXTENSION dblink;
DROP EXTENSION IF EXISTS vigil;
CREATE EXTENSION vigil;
CREATE TABLE hot (id int);
CREATE FUNCTION other_session() RETURNS text LANGUAGE sql AS $$
  SELECT format('dbname=%s host=%s port=%s user=%s', current_database(),
                split_part(current_setting('unix_socket_directories'), ',', 1),
                current_setting('port'), current_user)
$$;
SELECT dblink_connect('holder', other_session());
SELECT dblink_connect('migrator', other_session());

--------------------------------------------------------------------------------------------
-- lock_timeout and retries: another session holds a lock the migration needs
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('1', 'hot column', 'ALTER TABLE hot ADD COLUMN v int;', NULL,
                           '{"lock_timeout_ms": 50, "retries": 2}');
SELECT vigil_migration_add('2', 'after hot', 'CREATE TABLE after_hot (x int);');
SELECT dblink_exec('holder', 'BEGIN');
SELECT dblink_exec('holder', 'LOCK TABLE hot IN ACCESS SHARE MODE');
-- three attempts (one and two retries, with backoff), each waiting 50 ms: failed, recorded
SELECT version, status, detail FROM vigil_migrate();
SELECT version, action, attempts, error FROM vigil_migration_events ORDER BY event_id;
SELECT count(*) AS hot_columns FROM pg_attribute WHERE attrelid = 'hot'::regclass AND attname = 'v';
SELECT dblink_exec('holder', 'COMMIT');
SELECT version, status FROM vigil_migrate();
SELECT version, action, attempts FROM vigil_migration_events ORDER BY event_id;

--------------------------------------------------------------------------------------------
-- A second migrator waits for the migration lock up to its lock_timeout (60 s when that is
-- 0), then fails cleanly, having done nothing.
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('2.5', 'waits', 'CREATE TABLE waited (x int);');
SELECT dblink_exec('holder', 'BEGIN');
SELECT * FROM dblink('holder', 'SELECT count(*) FROM vigil_migrate()') AS t(applied bigint);
SET lock_timeout = '100ms';
SELECT * FROM vigil_migrate();
RESET lock_timeout;
SELECT dblink_exec('holder', 'COMMIT');
SELECT version, action FROM vigil_migration_events WHERE version = '2.5';

--------------------------------------------------------------------------------------------
-- A migration killed mid-way (pg_terminate_backend of the migrating session) leaves no trace:
-- the schema and the ledger are as before, no lock is left behind, and the next run applies it.
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('3', 'killed mid-way', $m$
CREATE TABLE half_done (x int);
INSERT INTO half_done VALUES (1);
LOCK TABLE hot IN ACCESS EXCLUSIVE MODE;
$m$, NULL, '{"lock_timeout_ms": 3600000}');
SELECT dblink_exec('holder', 'BEGIN');
SELECT dblink_exec('holder', 'LOCK TABLE hot IN ACCESS SHARE MODE');
CREATE TEMP TABLE migrator_pid AS SELECT pid FROM dblink('migrator', 'SELECT pg_backend_pid()') AS t(pid int);
SELECT dblink_send_query('migrator', 'SELECT * FROM vigil_migrate()');
-- wait until the migrator waits for the lock on hot: it has created half_done by then (polled;
-- the loop's bound only turns a hang into a failure, as does the terminate's timeout)
DO $$
BEGIN
  FOR i IN 1..30000 LOOP
    EXIT WHEN EXISTS (SELECT 1 FROM pg_locks l JOIN migrator_pid m ON m.pid = l.pid
                      WHERE l.relation = 'hot'::regclass AND NOT l.granted);
    PERFORM pg_sleep(0.01);
  END LOOP;
END $$;
SELECT count(*) AS migrator_holds_vigil_lock FROM pg_locks l JOIN migrator_pid m ON m.pid = l.pid
WHERE l.locktype = 'advisory' AND l.classid = 1986619241 AND l.objid = 1819109735 AND l.granted;
SELECT pg_terminate_backend(pid, 300000) AS terminated FROM migrator_pid;
SELECT dblink_disconnect('migrator');
SELECT version, state, error FROM vigil_migration_status() WHERE version = '3';
SELECT count(*) AS events_of_3 FROM vigil_migration_events WHERE version = '3';
SELECT count(*) AS half_done_tables FROM pg_class WHERE relname = 'half_done';
SELECT count(*) AS advisory_locks FROM pg_locks WHERE locktype = 'advisory';
SELECT dblink_exec('holder', 'COMMIT');
SELECT version, status FROM vigil_migrate();
SELECT count(*) AS half_done_rows FROM half_done;

--------------------------------------------------------------------------------------------
-- The deploy-script recipes: the command exits non-zero when a migration failed, and the
-- failure (with what ran before it) is committed.
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('4', 'deploy ok', 'CREATE TABLE deploy_ok (x int);');
SELECT vigil_migration_add('5', 'deploy fails', 'INSERT INTO nowhere VALUES (1);');
SELECT vigil_migration_add('6', 'never reached', 'CREATE TABLE never_reached (x int);');
CREATE TEMP TABLE exit_codes (recipe text, code text);
-- psql with one -c per statement: each is sent, and committed, on its own
CREATE FUNCTION run_psql(recipe text, VARIADIC statements text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($c$COPY exit_codes (code) FROM PROGRAM %L$c$,
    format('psql -X -q -v ON_ERROR_STOP=1 -h %s -p %s -d %s %s >/dev/null 2>&1; echo $?',
           split_part(current_setting('unix_socket_directories'), ',', 1),
           current_setting('port'), current_database(),
           (SELECT string_agg('-c ' || quote_literal(s), ' ') FROM unnest(statements) AS s)));
  UPDATE exit_codes SET recipe = run_psql.recipe WHERE exit_codes.recipe IS NULL;
END $$;
SELECT run_psql('CALL vigil_migrate_strict()', 'CALL vigil_migrate_strict()');
SELECT version, state, error FROM vigil_migration_status() WHERE version IN ('4', '5', '6');
-- what the deploy log shows
CALL vigil_migrate_strict();
SELECT vigil_migration_add('5', 'deploy fixed', 'CREATE TABLE somewhere (x int);');
SELECT run_psql('CALL vigil_migrate_strict() after the fix', 'CALL vigil_migrate_strict()');
SELECT version, state FROM vigil_migration_status() WHERE version IN ('4', '5', '6');
-- the same with two statements, each committed on its own (the recipe SQLite shares)
SELECT vigil_migration_add('7', 'fails again', 'INSERT INTO nowhere VALUES (1);');
SELECT run_psql('migrate then assert', 'SELECT count(*) FROM vigil_migrate()', 'SELECT vigil_migration_assert()');
SELECT version, state FROM vigil_migration_status() WHERE version = '7';
SELECT recipe, code AS exit_code FROM exit_codes;
-- inside an explicit transaction block the procedure cannot commit
BEGIN;
CALL vigil_migrate_strict();
ROLLBACK;

SELECT dblink_disconnect('holder');
DROP FUNCTION run_psql(text, text[]);
DROP FUNCTION other_session();
DROP EXTENSION dblink;
