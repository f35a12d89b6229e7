-- vigil_check()'s `repairable` agrees with vigil_repair()'s dry-run plan (default options) for
-- every finding: true when the plan repairs all of the finding's offending rows, false when it
-- repairs none ('none' or 'refused'), NULL when it repairs some.  Covered on both engines:
-- fk_orphan (a plain orphan: true; an orphan that another row references: false), not_null (a
-- row nothing references: true; a row another table references: false; one of each: NULL),
-- check_constraint (a NOT NULL column: quarantine; a nullable one referenced by other rows:
-- set to NULL, so still true), unique_duplicate, sequence_behind, rule:<name>.  The last query
-- compares every finding, so the engine-only kinds (SQLite type_mismatch; PostgreSQL
-- unvalidated_constraint) are compared too.  Each offending row breaks one finding only: a
-- dry run repairs findings one after another, and a row an earlier finding removed is not
-- planned again.

-- setup sqlite
CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT);
CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE mixed (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents (id),
                   mixed_id INTEGER REFERENCES mixed (id), level_id INTEGER REFERENCES levels (id));
CREATE TABLE nodes (id INTEGER PRIMARY KEY, up INTEGER REFERENCES nodes (id));
CREATE TABLE levels (id INTEGER PRIMARY KEY, n INTEGER UNIQUE CHECK (n >= 0));
CREATE TABLE readings (id INTEGER PRIMARY KEY, v REAL NOT NULL CHECK (v >= 0));
CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT);
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT);
CREATE TABLE typed (id INTEGER PRIMARY KEY, n INTEGER, r REAL);
-- setup postgres
CREATE TABLE parents (id integer PRIMARY KEY, code text);
CREATE TABLE tags (id integer PRIMARY KEY, name text);
CREATE TABLE mixed (id integer PRIMARY KEY, name text);
CREATE TABLE levels (id integer PRIMARY KEY, n integer);
CREATE TABLE kids (id integer PRIMARY KEY, parent_id integer REFERENCES parents (id),
                   mixed_id integer REFERENCES mixed (id), level_id integer REFERENCES levels (id));
CREATE TABLE nodes (id integer PRIMARY KEY, up integer REFERENCES nodes (id));
CREATE TABLE readings (id integer PRIMARY KEY, v double precision NOT NULL);
CREATE TABLE people (id integer PRIMARY KEY, email text);
CREATE TABLE videos (id serial PRIMARY KEY, path text);
CREATE TABLE typed (id integer PRIMARY KEY, n integer, r double precision);

-- A real repair of the clean database creates vigil_quarantine: in SQLite, a dry run that
-- creates it (and rolls it back) ends the other statements of the query it runs in.
-- setup
SELECT count(*) FROM vigil_repair(false);

-- setup postgres
SET session_replication_role = replica;
-- setup sqlite
PRAGMA ignore_check_constraints = ON;
-- setup
INSERT INTO parents VALUES (1, NULL), (2, 'b');
INSERT INTO tags VALUES (1, NULL), (2, 'x');
INSERT INTO mixed VALUES (1, NULL), (2, NULL), (3, 'c');
INSERT INTO levels VALUES (1, -1), (2, 2);
INSERT INTO kids VALUES (1, 1, 1, 1), (2, 99, NULL, NULL), (3, 2, 3, 2);
INSERT INTO nodes VALUES (1, 77), (2, 1);
INSERT INTO readings VALUES (1, -5), (2, 3);
INSERT INTO people VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x');
INSERT INTO videos (path) VALUES ('/1'), ('/2'), ('/3');
INSERT INTO typed VALUES (1, 1, 0.5);
-- setup postgres
RESET session_replication_role;
ALTER TABLE levels ADD CONSTRAINT levels_n_check CHECK (n >= 0) NOT VALID;
ALTER TABLE levels ADD CONSTRAINT levels_n_key UNIQUE (n);
ALTER TABLE readings ADD CHECK (v >= 0) NOT VALID;
UPDATE pg_attribute SET attnotnull = true
WHERE (attrelid, attname) IN (('parents'::regclass, 'code'), ('tags'::regclass, 'name'), ('mixed'::regclass, 'name'));
CREATE UNIQUE INDEX people_email ON people (email) WHERE email <> 'a@x';
UPDATE pg_index SET indisvalid = false, indisready = false, indpred = NULL
WHERE indexrelid = 'people_email'::regclass;
SELECT setval('videos_id_seq', 1);
-- setup sqlite
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(replace(sql, 'code TEXT', 'code TEXT NOT NULL'), 'name TEXT', 'name TEXT NOT NULL')
WHERE name IN ('parents', 'tags', 'mixed');
PRAGMA writable_schema = RESET;
CREATE INDEX people_email ON people (email);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX people_email ON people (email)'
WHERE name = 'people_email';
PRAGMA writable_schema = RESET;
UPDATE sqlite_sequence SET seq = 1 WHERE name = 'videos';
INSERT INTO typed VALUES (2, 'many', 1), (3, 3, 'pear');
-- setup
SELECT vigil_rule_add('short_path', 'videos', 'path <> ''/1''');
CREATE TEMP TABLE findings AS
SELECT check_name, table_name, repairable FROM vigil_check() WHERE severity <> 'info';

-- The kinds both engines report: the flag, and what the plan does with the finding.
-- query
WITH plan AS MATERIALIZED (SELECT action, table_name, rows_affected, detail FROM vigil_repair()),
judged AS (
SELECT f.check_name, f.table_name, f.repairable,
       (SELECT CASE WHEN coalesce(sum(CASE WHEN p.action IN ('none', 'refused') THEN 0
                                           ELSE p.rows_affected END), 0) = 0 THEN false
                    WHEN coalesce(sum(CASE WHEN p.action IN ('none', 'refused')
                                           THEN p.rows_affected ELSE 0 END), 0) = 0 THEN true
               END
        FROM plan p
        WHERE p.table_name = f.table_name
          AND substr(p.detail, 1, length(f.check_name) + 1) = f.check_name || ':') AS planned
FROM findings f)
SELECT check_name, table_name, repairable, planned FROM judged
WHERE check_name NOT IN ('type_mismatch', 'unvalidated_constraint', 'invalid_index', 'physical')
ORDER BY 1, 2
-- expect
[["check_constraint", "levels", 1, 1],
 ["check_constraint", "readings", 1, 1],
 ["fk_orphan", "kids", 1, 1],
 ["fk_orphan", "nodes", 0, 0],
 ["not_null", "mixed", null, null],
 ["not_null", "parents", 0, 0],
 ["not_null", "tags", 1, 1],
 ["rule:short_path", "videos", 1, 1],
 ["sequence_behind", "videos", 1, 1],
 ["unique_duplicate", "people", 1, 1]]

-- The refusals the flag foresees.
-- query
SELECT action, table_name, rows_affected FROM vigil_repair() WHERE action = 'refused' ORDER BY 2, 1
-- expect
[["refused", "mixed", 1], ["refused", "nodes", 1], ["refused", "parents", 1]]

-- Every finding of either engine, its own kinds included: the flag is the plan.
-- query
WITH plan AS MATERIALIZED (SELECT action, table_name, rows_affected, detail FROM vigil_repair()),
judged AS (
SELECT f.check_name, f.table_name, f.repairable,
       (SELECT CASE WHEN coalesce(sum(CASE WHEN p.action IN ('none', 'refused') THEN 0
                                           ELSE p.rows_affected END), 0) = 0 THEN false
                    WHEN coalesce(sum(CASE WHEN p.action IN ('none', 'refused')
                                           THEN p.rows_affected ELSE 0 END), 0) = 0 THEN true
               END
        FROM plan p
        WHERE p.table_name = f.table_name
          AND substr(p.detail, 1, length(f.check_name) + 1) = f.check_name || ':') AS planned
FROM findings f)
SELECT check_name, table_name, repairable, planned FROM judged
WHERE CASE WHEN repairable THEN 1 WHEN NOT repairable THEN 0 ELSE 2 END
   <> CASE WHEN planned THEN 1 WHEN NOT planned THEN 0 ELSE 2 END
-- expect
[]

-- Each engine's own kinds are there to be compared.
-- query
SELECT count(*) FROM findings WHERE check_name IN ('type_mismatch', 'unvalidated_constraint')
-- expect
[[2]]
