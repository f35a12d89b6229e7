-- sql/errors.sql: bad arguments give clean errors with a SQLSTATE, and the session goes on
SELECT show_error($$SELECT * FROM vigil_schema('nope')$$);
SELECT show_error($$SELECT vigil_schema_fingerprint('nope')$$);
SELECT show_error($$SELECT * FROM vigil_table_stats('nope')$$);
SELECT show_error($$SELECT * FROM vigil_schema('')$$);
SELECT show_error($$SELECT * FROM vigil_schema('project_names')$$);
SELECT show_error($$SELECT * FROM vigil_table_stats('videos_id_seq')$$);
SELECT show_error($$SELECT * FROM vigil_schema('x"; DROP TABLE videos;--')$$);
SELECT count(*) FROM videos;
-- NULL means "every table"
SELECT count(*) > 0 AS all_tables FROM vigil_schema(NULL);
-- a wrong type is refused by PostgreSQL before vigil runs
SELECT * FROM vigil_table_stats(42);
-- the error raised directly (not through the helper) and the session still works after it
\set VERBOSITY sqlstate
SELECT * FROM vigil_schema('nope');
\set VERBOSITY default
SELECT * FROM vigil_schema('nope');
SELECT 1 AS still_working;

-- A PostgreSQL error raised inside the C++ core (here: permission denied while counting rows
-- of a table the role may not read) becomes a clean ERROR with PostgreSQL's own SQLSTATE.
CREATE TABLE secret (id int);
CREATE ROLE vigil_reader;
GRANT SELECT ON projects TO vigil_reader;
SET ROLE vigil_reader;
SELECT table_name, row_count FROM vigil_table_stats('projects');
SELECT show_error($$SELECT * FROM vigil_table_stats('secret')$$);
SELECT * FROM vigil_table_stats('secret');
SELECT 1 AS still_working;
-- inside a PL/pgSQL exception block (a subtransaction) the error is caught and work goes on
DO $$
BEGIN
  PERFORM * FROM vigil_table_stats('secret');
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END $$;
-- in a transaction: the error aborts it like any other error
BEGIN;
SELECT * FROM vigil_table_stats('secret');
SELECT 1;
ROLLBACK;
RESET ROLE;
DROP TABLE secret;
REVOKE ALL ON projects FROM vigil_reader;
DROP ROLE vigil_reader;

-- cancellation: statement_timeout interrupts vigil while it reads a table's statistics (the
-- test wait point holds the call there until the cancel: sql/cancel.sql)
CREATE TABLE many AS SELECT g AS id FROM generate_series(1, 10000) g;
\set VERBOSITY terse
SET vigil.debug_wait_point = 'table_stats';
SET statement_timeout = '30ms';
SELECT * FROM vigil_table_stats('many');
RESET statement_timeout;
RESET vigil.debug_wait_point;
\set VERBOSITY default
SELECT 1 AS still_working;
DROP TABLE many;
