-- sql/cancel.sql: a vigil call cancelled inside the core's long loops stops with 57014
-- (query_canceled), changes nothing, and the session goes on.  The call is held at a named
-- point of the loop by the superuser-only test setting vigil.debug_wait_point
-- (pg_extension/debug_wait.hpp): it waits there until it is cancelled, so statement_timeout
-- always ends it at that point, however fast or slow the machine is.  (pg_cancel_backend from
-- another session: tests/pg_physical/run.py.)
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_cancel_test;
\c vigil_cancel_test
CREATE EXTENSION vigil;

-- off by default; only a superuser may set it; only the named points exist
SHOW vigil.debug_wait_point;
CREATE ROLE vigil_wait_user;
SET ROLE vigil_wait_user;
SET vigil.debug_wait_point = 'checksum_scan';
RESET ROLE;
DROP ROLE vigil_wait_user;
SET vigil.debug_wait_point = 'nowhere';
SELECT enumvals FROM pg_settings WHERE name = 'vigil.debug_wait_point';

CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (id integer PRIMARY KEY, parent_id integer REFERENCES parents (id));
ALTER TABLE children DISABLE TRIGGER ALL;
INSERT INTO children SELECT g, g FROM generate_series(1, 10000) g;
ALTER TABLE children ENABLE TRIGGER ALL;

-- a point the call does not reach holds nothing
SET vigil.debug_wait_point = 'migrate_statement';
SELECT count(*) AS orphans FROM vigil_check_rows('fk_orphan', 'children');

\set VERBOSITY sqlstate
SET statement_timeout = '10ms';
-- the checks: in the loop over the orphans the query returns
SET vigil.debug_wait_point = 'check_scan';
SELECT count(*) FROM vigil_check_rows('fk_orphan', 'children');
SELECT count(*) FROM vigil_check('children');
-- the checksums: in the loop over the rows (the heap scan and the segments' query)
SET vigil.debug_wait_point = 'checksum_scan';
SELECT vigil_table_checksum('children');
SELECT vigil_table_checksum('children', 'id');
SELECT count(*) FROM vigil_checksums();
SELECT count(*) FROM vigil_checksum_segments('children', 4);
-- the statistics: before a table is counted
SET vigil.debug_wait_point = 'table_stats';
SELECT count(*) FROM vigil_table_stats('children');
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT 1 AS still_working;
SELECT count(*) AS orphans FROM vigil_check_rows('fk_orphan', 'children');

-- a repair cancelled at its first row: nothing repaired, nothing quarantined
DROP TABLE children, parents;
CREATE TABLE readings (id integer PRIMARY KEY, v integer NOT NULL);
INSERT INTO readings SELECT g, g FROM generate_series(1, 100) g;
SELECT vigil_rule_add('small', 'readings', 'v <= 90', 'error', 'quarantine');
SELECT action, table_name, rows_affected FROM vigil_repair();
SET vigil.debug_wait_point = 'repair_row';
\set VERBOSITY sqlstate
SET statement_timeout = '10ms';
SELECT * FROM vigil_repair(false);
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT count(*) AS rows, max(id) AS max_id FROM readings;
SELECT count(*) AS quarantined FROM vigil_quarantine;
-- without the wait point it repairs
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false)
WHERE action = 'quarantine';
SELECT count(*) AS rows, max(id) AS max_id FROM readings;

-- a restore cancelled at its first row: the batch stays quarantined and unrestored
SET vigil.debug_wait_point = 'restore_row';
\set VERBOSITY sqlstate
SET statement_timeout = '10ms';
SELECT vigil_restore(1);
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT count(*) AS rows, sum(v) AS sum FROM readings;
SELECT count(*) AS quarantined, count(restored_at) AS restored FROM vigil_quarantine;
SELECT vigil_restore(1) AS put_back;
SELECT count(*) AS rows, sum(v) AS sum FROM readings;
SELECT vigil_rule_drop('small');

-- a migration cancelled before its first statement: pending, nothing of it left, no event;
-- a rollback cancelled before down_sql's statement: still applied
SELECT vigil_migration_add('1', 'tags',
  'CREATE TABLE tags (id integer PRIMARY KEY); INSERT INTO tags VALUES (1);', 'DROP TABLE tags;');
SET vigil.debug_wait_point = 'migrate_statement';
\set VERBOSITY sqlstate
SET statement_timeout = '10ms';
SELECT * FROM vigil_migrate();
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT version, state FROM vigil_migration_status();
SELECT count(*) AS events FROM vigil_migration_events;
SELECT to_regclass('tags') AS tags;
SELECT version, status FROM vigil_migrate();
SET vigil.debug_wait_point = 'migrate_statement';
\set VERBOSITY sqlstate
SET statement_timeout = '10ms';
SELECT * FROM vigil_rollback('0');
RESET statement_timeout;
\set VERBOSITY default
RESET vigil.debug_wait_point;
SELECT version, state FROM vigil_migration_status();
SELECT count(*) AS tags FROM tags;

-- inside a transaction the cancel aborts it like any error; ROLLBACK recovers, and SET LOCAL
-- ends with it
BEGIN;
SET LOCAL vigil.debug_wait_point = 'table_stats';
SET LOCAL statement_timeout = '10ms';
\set VERBOSITY sqlstate
SELECT count(*) FROM vigil_table_stats('readings');
\set VERBOSITY default
SELECT 1;
ROLLBACK;
SHOW vigil.debug_wait_point;
SELECT count(*) AS tables FROM vigil_table_stats('readings');

\c :regression_db
DROP DATABASE vigil_cancel_test;
