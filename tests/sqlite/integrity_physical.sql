-- tests/sqlite/integrity_physical.sql: the physical check (PRAGMA quick_check / integrity_check)
-- without reporting twice what other checks report, and cancellation of a long check.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT, y INTEGER NOT NULL CHECK (y > 0));
CREATE INDEX a_x ON a (x);
INSERT INTO a VALUES (1, 'p', 1), (2, 'q', 2), (3, 'r', 3);
CREATE TABLE b (id INTEGER PRIMARY KEY, z TEXT);
INSERT INTO b VALUES (1, 'z');
SELECT count(*) AS findings FROM vigil_check(NULL, 1);
-- a CHECK failure and a NULL in a NOT NULL column: integrity_check reports both, vigil only
-- under check_constraint and not_null
PRAGMA ignore_check_constraints = ON;
INSERT INTO a VALUES (4, 's', -1);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'x TEXT', 'x TEXT NOT NULL') WHERE name = 'a';
PRAGMA writable_schema = RESET;
PRAGMA ignore_check_constraints = OFF;
INSERT INTO a (id, x, y) SELECT 5, NULL, 5 WHERE 0;  -- (rejected now: x is NOT NULL)
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'x TEXT NOT NULL', 'x TEXT') WHERE name = 'a';
PRAGMA writable_schema = RESET;
INSERT INTO a VALUES (5, NULL, 5);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'x TEXT', 'x TEXT NOT NULL') WHERE name = 'a';
PRAGMA writable_schema = RESET;
PRAGMA integrity_check;
SELECT * FROM vigil_check(NULL, 1);
-- an index whose definition no longer matches its content: integrity_check (full) finds it,
-- quick_check does not look
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = 'CREATE INDEX a_x ON a (y)' WHERE name = 'a_x';
PRAGMA writable_schema = RESET;
SELECT * FROM vigil_check() WHERE check_name = 'physical';
SELECT * FROM vigil_check(NULL, 1) WHERE check_name = 'physical';
SELECT * FROM vigil_check('a', 1) WHERE check_name = 'physical';
SELECT * FROM vigil_check_rows('physical', 'a', 1);
SELECT count(*) AS rows FROM vigil_check_rows('physical', 'a');
SELECT count(*) AS rows FROM vigil_check_rows('physical', 'b', 1);
-- a page used twice: only the whole-database check sees it, and no table can be named
CREATE TABLE c (id INTEGER PRIMARY KEY, w TEXT);
CREATE INDEX c_w ON c (w);
INSERT INTO c VALUES (1, 'w');
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema WHERE name = 'b')
WHERE name = 'c_w';
PRAGMA writable_schema = RESET;
SELECT * FROM vigil_check() WHERE check_name = 'physical';
SELECT count(*) AS rows FROM vigil_check_rows('physical', 'c');

-- Cancellation: an interrupted check stops with SQLite's interrupt, and the connection goes on.
CREATE TABLE parents (id INTEGER PRIMARY KEY);
CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parents (id));
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200000)
INSERT INTO children SELECT n, n FROM g;
.progress 1000 --limit 50 --quiet
SELECT count(*) FROM vigil_check_rows('fk_orphan', 'children');
SELECT count(*) FROM vigil_check('children');
.progress off
SELECT count(*) AS orphans FROM vigil_check_rows('fk_orphan', 'children');
