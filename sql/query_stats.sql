-- sql/query_stats.sql: vigil_query_stats() and vigil_query_stats_reset() (the cluster runs with
-- shared_preload_libraries = 'vigil')
SHOW vigil.track;
SELECT vigil_query_stats_reset() >= 0 AS reset;
CREATE TABLE qs (id int PRIMARY KEY, name text);
INSERT INTO qs SELECT g, 'n' || g FROM generate_series(1, 50) g;
-- the same query with different literals, spellings and IN-list lengths
SELECT name FROM qs WHERE id = 1;
select NAME from QS where ID = 2;
SELECT name FROM qs WHERE id = -3 /* a comment */;
SELECT name FROM "qs" WHERE id = 4;
SELECT count(*) FROM qs WHERE id IN (1, 2, 3);
SELECT count(*) FROM qs WHERE id IN (4);
SELECT count(*) FROM qs WHERE id IN (5, 6, 7, 8, 9, 10, 11, 12);
SELECT count(*) FROM qs WHERE name = 'n1' OR name = E'n\x32';
-- prepared statements are counted under the same text as the literal forms
PREPARE by_id(int) AS SELECT name FROM qs WHERE id = $1;
EXECUTE by_id(5);
EXECUTE by_id(6);
DEALLOCATE by_id;
UPDATE qs SET name = name || '!' WHERE id <= 10;
SELECT query, calls, rows, errors FROM vigil_query_stats() ORDER BY query;
-- fingerprints are 16 hex digits of the normalised text; times are consistent
SELECT fingerprint ~ '^[0-9a-f]{16}$' AS hex, min_ms <= mean_ms AND mean_ms <= max_ms AS ordered,
       stddev_ms >= 0 AS stddev_ok, abs(total_ms - mean_ms * calls) < 0.001 AS total_ok
FROM vigil_query_stats() WHERE query = 'select name from qs where id = ?';
-- a slow query: its time is measured by the executor
SELECT pg_sleep(0.2);
SELECT calls, min_ms >= 200 AS at_least_200ms, max_ms < 5000 AS below_5s
FROM vigil_query_stats() WHERE query = 'select pg_sleep(?)';
-- errors: at execution, at parse time, inside a function; each counted once, calls unchanged
SELECT 1 / (id - id) FROM qs WHERE id = 1;
SELECT 1 / (id - id) FROM qs WHERE id = 2;
SELEC 1;
SELECT * FROM no_such_table;
CREATE FUNCTION qs_fail() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1 / 0; END $$;
SELECT qs_fail();
-- an error caught inside the statement is no failure of the statement
DO $$ BEGIN PERFORM 1 / 0; EXCEPTION WHEN division_by_zero THEN NULL; END $$;
SELECT query, calls, errors FROM vigil_query_stats() WHERE errors > 0 ORDER BY query;
-- vigil.track: 'top' does not count statements run inside functions, 'all' does, 'none' nothing
CREATE FUNCTION qs_inner() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT count(*) FROM qs WHERE id > 40); END $$;
SELECT qs_inner();
SELECT count(*) AS inner_counted FROM vigil_query_stats() WHERE query LIKE '%id > ?%';
SET vigil.track = 'all';
SELECT qs_inner();
SELECT query, calls FROM vigil_query_stats() WHERE query LIKE '%id > ?%' ORDER BY query;
SET vigil.track = 'none';
SELECT count(*) FROM qs WHERE id < 0;
RESET vigil.track;
SELECT count(*) AS untracked FROM vigil_query_stats() WHERE query = 'select count(*) from qs where id < ?';
-- cursors fetched in turns: each statement is timed and counted once, with all its rows
SET vigil.track = 'all';
BEGIN;
DECLARE c1 CURSOR FOR SELECT g FROM generate_series(1, 10) g;
DECLARE c2 CURSOR FOR SELECT g * 2 FROM generate_series(1, 5) g;
FETCH 3 FROM c1;
FETCH 2 FROM c2;
FETCH ALL FROM c1;
FETCH ALL FROM c2;
CLOSE c1;
CLOSE c2;
COMMIT;
-- a cursor that fails half way is not counted (the transaction aborts)
BEGIN;
DECLARE c3 CURSOR FOR SELECT 1 / (3 - g) FROM generate_series(1, 5) g;
FETCH ALL FROM c3;
ROLLBACK;
RESET vigil.track;
SELECT query, calls, rows FROM vigil_query_stats() WHERE query LIKE '%generate_series%' ORDER BY query;
-- vigil.max_statements is fixed at server start
SHOW vigil.max_statements;
SET vigil.max_statements = 200;
-- eviction: with more distinct queries than vigil.max_statements, the least used go and the
-- table stays bounded; a query used often survives
SELECT count(*) FROM qs WHERE id = 7 OR id = 8;
SELECT count(*) FROM qs WHERE id = 7 OR id = 8;
SELECT count(*) FROM qs WHERE id = 7 OR id = 8;
SET vigil.track = 'all';
DO $$ BEGIN
  FOR i IN 1..5200 LOOP EXECUTE format('SELECT %s AS c%s', i, i); END LOOP;
END $$;
RESET vigil.track;
SELECT count(*) BETWEEN 4700 AND 5000 AS bounded FROM vigil_query_stats();
SELECT calls FROM vigil_query_stats() WHERE query = 'select count(*) from qs where id = ? or id = ?';
SELECT count(*) AS newest FROM vigil_query_stats() WHERE query = 'select ? as c5200';
-- reset forgets this database's entries and says how many there were
SELECT vigil_query_stats_reset() > 4000 AS reset_many;
SELECT query, calls FROM vigil_query_stats() ORDER BY query;
-- the reset is for privileged roles only
CREATE ROLE vigil_qs_user;
SET ROLE vigil_qs_user;
SELECT vigil_query_stats_reset();
SELECT count(*) >= 0 AS can_read FROM vigil_query_stats();
RESET ROLE;
DROP ROLE vigil_qs_user;
DROP FUNCTION qs_fail();
DROP FUNCTION qs_inner();
DROP TABLE qs;
