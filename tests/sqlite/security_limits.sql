-- tests/sqlite/security_limits.sql: issue #16 (security probe) in SQLite.
--  - a 100,000-long chain of `requires` (import, status) no longer crashes the process (the
--    recursive planner overflowed the stack);
--  - the documented size limits fail with SQLITE_TOOBIG and a clear message, nothing changed;
--  - vigil_check_rows('rule:<unknown>', t) is an error, not an empty answer.
-- (Lock waits are tested in tests/unit/security_limits_test.cpp: they need two connections
-- and a busy handler that sees the wait.)
.load build/vigil
.headers on
.mode list
.nullvalue NULL

-- 100,000 migrations, version n requiring n + 1: planning version 1 walks the whole chain.
SELECT vigil_migrations_import(json_object(
  'format', 'vigil-migrations', 'format_version', 1,
  'migrations', (WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100000)
                 SELECT json_group_array(json_object(
                   'version', CAST(n AS TEXT), 'name', 'm' || n, 'up_sql', 'SELECT ' || n,
                   'options', CASE WHEN n < 100000
                                   THEN json_object('requires', json_array(CAST(n + 1 AS TEXT)))
                                   ELSE json_object() END))
                 FROM g))) AS imported;
SELECT count(*) AS migrations FROM vigil_migration_status();
SELECT version FROM vigil_migration_status() LIMIT 3;
-- a cycle of 100,000: the error names the first 20 and counts the rest
SELECT vigil_migration_add('100000', 'm100000', 'SELECT 100000', NULL, '{"requires": ["1"]}');
SELECT count(*) AS still_100000 FROM vigil_migrations;

-- limits: SQLITE_TOOBIG, nothing changed
SELECT vigil_migrations_import('{"format": "vigil-migrations", "format_version": 1, "migrations": ['
  || replace(hex(zeroblob(100000)), '00', '0,') || '0]}');
SELECT vigil_migration_add('200000', 'many', replace(hex(zeroblob(100001)), '00', 'SELECT 1; '));
SELECT vigil_migration_add('200000', 'huge', replace(hex(zeroblob(33554433)), '0', ' '));
SELECT vigil_migration_add('200000', 'most', replace(hex(zeroblob(100000)), '00', 'SELECT 1; '))
  AS at_the_limit;
SELECT count(*) AS migrations FROM vigil_migrations;

-- an unknown rule is an error; a rule of another table too; a known rule answers
CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);
CREATE TABLE u (id INTEGER PRIMARY KEY);
INSERT INTO t VALUES (1, -1), (2, 2);
SELECT vigil_rule_add('positive', 't', 'v >= 0');
SELECT * FROM vigil_check_rows('rule:nope', 't');
SELECT * FROM vigil_check_rows('rule:positive', 'u');
SELECT * FROM vigil_check_rows('rule:positive', 't');
SELECT * FROM vigil_check_rows('nope', 't');
