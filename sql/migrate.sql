-- sql/migrate.sql: migration tracking in PostgreSQL (docs/migrations.md)
SET client_min_messages = warning;
-- the migrations' tables go to their own schema (earlier tests left projects, videos in public)
CREATE SCHEMA mig;
SET search_path = mig, public;
SELECT count(*) AS migrations FROM vigil_migration_status();

--------------------------------------------------------------------------------------------
-- Registration
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('1', 'projects',
  'CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL);', 'DROP TABLE projects;');
-- the same with other line endings and trailing blanks: unchanged
SELECT vigil_migration_add('1', 'projects',
  E'CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL);   \r\n',
  E'DROP TABLE projects;\r\n\r\n');
SELECT show_error($$SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id serial PRIMARY KEY, video_id integer NOT NULL REFERENCES videos(id),
     confidence double precision CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE detections;', '{"requires": ["2"]}')$$);
SELECT vigil_migration_add('2', 'videos', $m$
CREATE TABLE videos (id serial PRIMARY KEY, project_id integer NOT NULL REFERENCES projects(id),
                     path text NOT NULL UNIQUE);
CREATE INDEX videos_project ON videos (project_id);
$m$, 'DROP TABLE videos;');
SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id serial PRIMARY KEY, video_id integer NOT NULL REFERENCES videos(id),
     confidence double precision CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE detections;', '{"requires": ["2"]}');
SELECT vigil_migration_add('1.10', 'project code', 'ALTER TABLE projects ADD COLUMN code text;',
  'ALTER TABLE projects DROP COLUMN code;');
SELECT vigil_migration_add('1.9', 'seed', $m$INSERT INTO projects (id, name) VALUES (1, 'alpha'), (2, 'beta');$m$,
  'DELETE FROM projects WHERE id IN (1, 2);');
SELECT vigil_migration_add('1.9', 'seed projects', $m$INSERT INTO projects (id, name) VALUES (1, 'alpha'), (2, 'beta');$m$,
  'DELETE FROM projects WHERE id IN (1, 2);');
-- dollar quotes, a function body with semicolons, comments: one statement each
SELECT vigil_migration_add('1.11', 'a function', $m$
-- a comment; with a semicolon
CREATE FUNCTION project_label(p projects) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN
  RETURN p.name || ';' || coalesce(p.code, '?');
END
$f$;
/* and a block comment; too */
COMMENT ON FUNCTION project_label(projects) IS 'name;code';
$m$, 'DROP FUNCTION project_label(projects);');
SELECT version, name, state FROM vigil_migration_status();

-- Bad input: a clear error with a SQLSTATE, nothing registered.
SELECT show_error($$SELECT vigil_migration_add(NULL, 'x', 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('', 'x', 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('3 a', 'x', 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('3', '', 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('3', NULL, 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', NULL)$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', '  -- nothing but a comment')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', '')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'INSERT INTO t VALUES (''abc);')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'DO $f$ BEGIN END $g$')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'CREATE TABLE t (id int')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'CREATE TABLE t (id int,)')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'CREAT TABLE t (id int)')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', 'DROP TABLE t; DROP TABEL u')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'BEGIN; CREATE TABLE t (id int); COMMIT;')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', E'SELECT 1;\n\\i other.sql')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"retry": 3}')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"retries": "3"}')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"lock_timeout_ms": 1.5}')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"transactional": "yes"}')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '[1]')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": [')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": ["99"]}')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'SELECT 1', NULL, '{"requires": [1.5]}')$$);
SELECT show_error($$SELECT vigil_migration_add('01', 'x', 'SELECT 1')$$);
SELECT show_error($$SELECT vigil_migration_add('3', 'x', 'CREATE INDEX CONCURRENTLY i ON videos (path)', NULL, '{"transactional": true}')$$);
SELECT show_error($$SELECT vigil_migration_add('2', 'videos', 'SELECT 1', NULL, '{"requires": ["10"]}')$$);
SELECT count(*) AS migrations, count(*) FILTER (WHERE version = '3') AS has_3 FROM vigil_migrations;
SELECT count(*) AS events FROM vigil_migration_events;

--------------------------------------------------------------------------------------------
-- Applying: in order, each atomically, with a history
--------------------------------------------------------------------------------------------
SELECT version, name, status, duration_ms >= 0 AS timed, detail FROM vigil_migrate('1.10', 1);
SELECT version, name, status FROM vigil_migrate('1.10');
SELECT count(*) AS rows FROM vigil_migrate('1.10');
SELECT version, name, status FROM vigil_migrate();
SELECT version, name, state, checksum_ok, applied_at IS NOT NULL AS has_time, applied_by,
       duration_ms >= 0 AS timed, error, length(fingerprint) AS fp_len, drift, manual_sql
FROM vigil_migration_status();
SELECT event_id, version, action, direction, performed_by, attempts, error FROM vigil_migration_events;
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;
SELECT project_label(p) FROM projects p ORDER BY id;
-- nothing pending: no rows, nothing recorded
SELECT count(*) AS rows FROM vigil_migrate();
SELECT count(*) AS events FROM vigil_migration_events;

-- Requirements come first: 3 requires 30, pulled forward to run just before it.
SELECT vigil_migration_add('30', 'labels', 'CREATE TABLE labels (name text PRIMARY KEY);', 'DROP TABLE labels;');
SELECT vigil_migration_add('3', 'video labels',
  'CREATE TABLE video_labels (video_id integer REFERENCES videos(id), label text REFERENCES labels(name));',
  'DROP TABLE video_labels;', '{"requires": ["30"]}');
SELECT version, state FROM vigil_migration_status();
SELECT version, status FROM vigil_migrate();

-- An applied migration never changes; its name and down_sql may.
SELECT show_error($$SELECT vigil_migration_add('1', 'projects', 'CREATE TABLE projects (id integer PRIMARY KEY, name text);', 'DROP TABLE projects;')$$);
SELECT vigil_migration_add('1', 'projects table',
  'CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL);', 'DROP TABLE projects');

--------------------------------------------------------------------------------------------
-- A failing migration: schema and ledger as before it, the error recorded, the run stopped
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('11', 'confidence index', 'CREATE INDEX detections_confidence ON detections (confidence);');
SELECT vigil_migration_add('12', 'bad data', $m$CREATE TABLE tags (name text PRIMARY KEY);
INSERT INTO tags VALUES ('car');
INSERT INTO detections (video_id, confidence) VALUES (1, 2.5);$m$);
SELECT vigil_migration_add('13', 'after the bad one', 'CREATE TABLE later (x integer);');
SELECT version, name, status, detail FROM vigil_migrate();
SELECT count(*) AS new_tables FROM pg_class WHERE relname IN ('tags', 'later') AND relnamespace = 'mig'::regnamespace;
SELECT vigil_schema_fingerprint() = (SELECT fingerprint FROM vigil_migration_events
                                     WHERE version = '11' AND action = 'apply') AS schema_as_after_11;
SELECT version, state, error FROM vigil_migration_status() WHERE version IN ('11', '12', '13');
SELECT version, action, direction, error,
       fingerprint = (SELECT fingerprint FROM vigil_migration_events WHERE version = '11') AS fp_unchanged
FROM vigil_migration_events WHERE version = '12';
SELECT vigil_migration_add('12', 'tags', $m$CREATE TABLE tags (name text PRIMARY KEY);
INSERT INTO tags VALUES ('car');$m$, 'DROP TABLE tags;');
SELECT version, state, error FROM vigil_migration_status() WHERE version = '12';
SELECT version, name, status FROM vigil_migrate();
-- PostgreSQL checks foreign keys itself: a migration that would orphan rows fails
INSERT INTO videos (id, project_id, path) VALUES (1, 1, '/v/1.mp4'), (2, 2, '/v/2.mp4');
SELECT vigil_migration_add('14', 'drop beta', 'DELETE FROM projects WHERE id = 2;');
SELECT version, status, detail FROM vigil_migrate();
SELECT vigil_migration_add('14', 'drop beta', $m$DELETE FROM videos WHERE project_id = 2;
DELETE FROM projects WHERE id = 2;$m$, 'SELECT 1;');
SELECT version, status, detail FROM vigil_migrate();
-- a table rebuilt: dropping tables works in PostgreSQL's table form
SELECT vigil_migration_add('15', 'labels rebuilt', $m$
ALTER TABLE video_labels DROP CONSTRAINT video_labels_label_fkey;
CREATE TABLE labels_new (name text PRIMARY KEY, color text);
INSERT INTO labels_new (name) SELECT name FROM labels;
DROP TABLE labels;
ALTER TABLE labels_new RENAME TO labels;
ALTER TABLE video_labels ADD FOREIGN KEY (label) REFERENCES labels(name);
$m$, 'ALTER TABLE labels DROP COLUMN color;');
SELECT version, status, detail FROM vigil_migrate();
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;

--------------------------------------------------------------------------------------------
-- Manual migrations: statements that cannot run inside a transaction or a function
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('16', 'path index', 'CREATE INDEX CONCURRENTLY videos_path_idx ON videos (path);',
  'DROP INDEX videos_path_idx;');
SELECT vigil_migration_add('17', 'notes', 'CREATE TABLE notes (body text);', 'DROP TABLE notes;');
SELECT vigil_migration_add('18', 'client side', 'CREATE TABLE client_side (x integer);', 'DROP TABLE client_side;',
  '{"transactional": false}');
SELECT version, status, detail FROM vigil_migrate();
SELECT version, state, manual_sql FROM vigil_migration_status() WHERE version IN ('16', '17', '18');
-- the client runs the statements (here with \gexec, one statement per row), then records them
SELECT s FROM vigil_migration_status(), jsonb_array_elements_text(manual_sql) AS s WHERE version = '16' \gexec
SELECT vigil_migration_mark_applied('16');
SELECT show_error($$SELECT vigil_migration_mark_applied('16')$$);
SELECT show_error($$SELECT vigil_migration_mark_applied('99')$$);
SELECT show_error($$SELECT vigil_migration_mark_applied(NULL)$$);
SELECT version, status FROM vigil_migrate();
SELECT s FROM vigil_migration_status(), jsonb_array_elements_text(manual_sql) AS s WHERE version = '18' \gexec
SELECT vigil_migration_mark_applied('18');
SELECT version, state FROM vigil_migration_status() WHERE version IN ('16', '17', '18');
SELECT version, action FROM vigil_migration_events WHERE version IN ('16', '17', '18') ORDER BY event_id;
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS mark_records_the_fingerprint;

--------------------------------------------------------------------------------------------
-- Checksums, drift and the deploy-script assertion
--------------------------------------------------------------------------------------------
SELECT vigil_migration_assert() AS applied;
SELECT vigil_migration_assert('10') AS applied_up_to_10;
UPDATE vigil_migrations SET up_sql = up_sql || ' DROP TABLE x;' WHERE version = '13';
SELECT version, state, checksum_ok FROM vigil_migration_status() WHERE version = '13';
SELECT show_error($$SELECT vigil_migration_assert()$$);
SELECT count(*) AS rows FROM vigil_migrate();
UPDATE vigil_migrations SET up_sql = 'CREATE TABLE later (x integer);' WHERE version = '13';
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
ALTER TABLE notes ADD COLUMN author text;
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
SELECT show_error($$SELECT vigil_migration_assert()$$);
ALTER TABLE notes DROP COLUMN author;
SELECT version, drift FROM vigil_migration_status() WHERE drift IS NOT NULL;
SELECT vigil_migration_add('19', 'pending', 'CREATE TABLE pending_one (x integer);');
SELECT show_error($$SELECT vigil_migration_assert()$$);
SELECT vigil_migration_assert('18') AS applied_up_to_18;

--------------------------------------------------------------------------------------------
-- Rollback
--------------------------------------------------------------------------------------------
SELECT show_error($$SELECT * FROM vigil_rollback('10')$$);
SELECT vigil_migration_add('11', 'confidence index', 'CREATE INDEX detections_confidence ON detections (confidence);',
  'DROP INDEX detections_confidence;');
SELECT vigil_migration_add('13', 'after the bad one', 'CREATE TABLE later (x integer);', 'DROP TABLE later;');
SELECT vigil_migration_add('16', 'path index', 'CREATE INDEX CONCURRENTLY videos_path_idx ON videos (path);',
  'DROP INDEX CONCURRENTLY videos_path_idx;');
SELECT show_error($$SELECT * FROM vigil_rollback('10')$$);
SELECT vigil_migration_add('16', 'path index', 'CREATE INDEX CONCURRENTLY videos_path_idx ON videos (path);',
  'DROP INDEX videos_path_idx;');
SELECT show_error($$SELECT * FROM vigil_rollback('25')$$);
SELECT show_error($$SELECT * FROM vigil_rollback(NULL)$$);
SELECT vigil_migration_add('10', 'detections',
  'CREATE TABLE detections (id serial PRIMARY KEY, video_id integer NOT NULL REFERENCES videos(id),
     confidence double precision CHECK (confidence BETWEEN 0 AND 1));',
  'DROP TABLE no_such_table;', '{"requires": ["2"]}');
SELECT version, status, detail FROM vigil_rollback('2.5');
SELECT count(*) AS tables FROM pg_class
WHERE relname IN ('later', 'tags', 'notes', 'client_side', 'labels', 'video_labels') AND relnamespace = 'mig'::regnamespace;
SELECT version, state, error FROM vigil_migration_status();
SELECT (SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC LIMIT 1)
       = vigil_schema_fingerprint() AS last_fingerprint_is_current;
SELECT version, status FROM vigil_migrate('13');
SELECT version, state FROM vigil_migration_status();
-- and the rest, with the manual ones run by hand again
SELECT version, status FROM vigil_migrate('19');
SELECT s FROM vigil_migration_status(), jsonb_array_elements_text(manual_sql) AS s WHERE version = '16' \gexec
SELECT vigil_migration_mark_applied('16');
SELECT version, status FROM vigil_migrate('19');
SELECT s FROM vigil_migration_status(), jsonb_array_elements_text(manual_sql) AS s WHERE version = '18' \gexec
SELECT vigil_migration_mark_applied('18');
SELECT version, status FROM vigil_migrate('19');
SELECT vigil_migration_assert() AS applied;

--------------------------------------------------------------------------------------------
-- Inside the caller's transaction: rolled back with it; the lock is held until its end
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('20', 'in a transaction', 'CREATE TABLE tx_table (x integer);');
BEGIN;
SELECT version, status FROM vigil_migrate('20');
SELECT locktype, classid, objid, objsubid, mode, granted FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
ROLLBACK;
SELECT count(*) AS advisory_locks FROM pg_locks WHERE locktype = 'advisory';
SELECT version, state FROM vigil_migration_status() WHERE version = '20';
SELECT count(*) AS tx_tables FROM pg_class WHERE relname = 'tx_table' AND relnamespace = 'mig'::regnamespace;

--------------------------------------------------------------------------------------------
-- Cancellation ends the call, as in a PL/pgSQL exception block: nothing is recorded, the
-- migration stays pending.  (The test wait point holds the call before the migration's
-- statement until statement_timeout cancels it: sql/cancel.sql.)
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('21', 'cancelled', 'CREATE TABLE cancelled_21 (x int);');
SET vigil.debug_wait_point = 'migrate_statement';
\set VERBOSITY terse
SET statement_timeout = '300ms';
SELECT * FROM vigil_migrate('21');
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT to_regclass('cancelled_21') AS cancelled_21;
SELECT version, state FROM vigil_migration_status() WHERE version IN ('20', '21');
SELECT count(*) AS events FROM vigil_migration_events WHERE version IN ('20', '21');
SELECT vigil_migration_add('21', 'not slow', 'SELECT 1;');

--------------------------------------------------------------------------------------------
-- lock_timeout: the migration's own, else the session's, else 10 s; restored afterwards
-- (the retries on 55P03/40P01/40001 need a second session: specs/migrate_lock.spec)
--------------------------------------------------------------------------------------------
SELECT vigil_migration_add('22', 'own lock timeout', $m$DO $d$ BEGIN
  RAISE NOTICE 'lock_timeout %', current_setting('lock_timeout');
  IF current_setting('lock_timeout') <> '50ms' THEN RAISE EXCEPTION 'wrong lock_timeout'; END IF;
END $d$;$m$, NULL, '{"lock_timeout_ms": 50, "retries": 2}');
SELECT vigil_migration_add('23', 'default lock timeout', $m$DO $d$ BEGIN
  IF current_setting('lock_timeout') <> '10s' THEN RAISE EXCEPTION 'wrong lock_timeout'; END IF;
END $d$;$m$);
SELECT vigil_migration_add('24', 'session lock timeout', $m$DO $d$ BEGIN
  IF current_setting('lock_timeout') <> '2s' THEN RAISE EXCEPTION 'wrong lock_timeout'; END IF;
END $d$;$m$);
SELECT version, status, detail FROM vigil_migrate('23');
SHOW lock_timeout;
SET lock_timeout = '2s';
SELECT version, status, detail FROM vigil_migrate('24');
SHOW lock_timeout;
RESET lock_timeout;
SELECT lock_timeout_ms, retries FROM vigil_migrations WHERE version = '22';

--------------------------------------------------------------------------------------------
-- Who may run what: the functions that write are revoked from PUBLIC
--------------------------------------------------------------------------------------------
CREATE ROLE vigil_reader;
GRANT SELECT ON vigil_migrations, vigil_migration_events TO vigil_reader;
SET ROLE vigil_reader;
SELECT count(*) > 0 AS can_read_status FROM vigil_migration_status();
SELECT show_error($$SELECT * FROM vigil_migrate()$$);
SELECT show_error($$SELECT vigil_migration_add('90', 'x', 'SELECT 1')$$);
SELECT show_error($$SELECT * FROM vigil_rollback('0')$$);
SELECT show_error($$SELECT vigil_migration_baseline('1')$$);
SELECT show_error($$SELECT vigil_migration_mark_applied('1')$$);
SELECT show_error($$SELECT vigil_migrations_import('{}')$$);
SELECT show_error($$CALL vigil_migrate_strict()$$);
RESET ROLE;
REVOKE ALL ON vigil_migrations, vigil_migration_events FROM vigil_reader;
DROP ROLE vigil_reader;
SELECT p.proname, p.provolatile, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_execute
FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
WHERE p.proname LIKE 'vigil_migrat%' OR p.proname = 'vigil_rollback'
ORDER BY p.proname;

-- The history is append-only.
SELECT show_error($$UPDATE vigil_migration_events SET error = 'rewritten' WHERE event_id = 1$$);
SELECT show_error($$DELETE FROM vigil_migration_events$$);
SELECT show_error($$TRUNCATE vigil_migration_events$$);
SELECT count(*) > 0 AS history_kept FROM vigil_migration_events;

-- lock_timeout is set once for a run of steps that share it, and is the session's again after
-- the call, also when the last step fails after a step with its own lock_timeout
SELECT vigil_migration_add('25', 'own lock timeout again', $m$DO $d$ BEGIN
  IF current_setting('lock_timeout') <> '70ms' THEN RAISE EXCEPTION 'wrong lock_timeout'; END IF;
END $d$;$m$, NULL, '{"lock_timeout_ms": 70}');
SELECT vigil_migration_add('26', 'fails under the default', $m$DO $d$ BEGIN
  RAISE EXCEPTION 'failing on purpose under lock_timeout %', current_setting('lock_timeout');
END $d$;$m$);
SELECT version, status, detail FROM vigil_migrate('26');
SHOW lock_timeout;
SELECT version, action, error FROM vigil_migration_events WHERE version IN ('25', '26')
ORDER BY event_id;
SELECT version, state FROM vigil_migration_status() WHERE version IN ('25', '26');
