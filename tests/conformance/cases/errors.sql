-- Misuse gives the same error text on both engines, with a proper SQLSTATE in PostgreSQL
-- (never XX000), and table names are data, never SQL.

-- setup
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE t (id integer PRIMARY KEY);
INSERT INTO t VALUES (1), (2);
CREATE VIEW project_names AS SELECT name FROM projects;
CREATE TABLE "x""; DROP TABLE t;--" (id integer PRIMARY KEY, note text NOT NULL);
INSERT INTO "x""; DROP TABLE t;--" VALUES (1, 'a'), (2, 'b'), (3, 'c');
CREATE TABLE "q'); DROP TABLE t;--" (k text PRIMARY KEY);
INSERT INTO "q'); DROP TABLE t;--" VALUES ('k1');

-- A table that does not exist.
-- error 42P01
SELECT * FROM vigil_schema('nope');
-- expect
table "nope" does not exist

-- error 42P01
SELECT vigil_schema_fingerprint('nope');
-- expect
table "nope" does not exist

-- error 42P01
SELECT * FROM vigil_table_stats('nope');
-- expect
table "nope" does not exist

-- A view passed as a table.
-- error 42809
SELECT * FROM vigil_schema('project_names');
-- expect
"project_names" is a view, not a table

-- error 42809
SELECT vigil_schema_fingerprint('project_names');
-- expect
"project_names" is a view, not a table

-- error 42809
SELECT * FROM vigil_table_stats('project_names');
-- expect
"project_names" is a view, not a table

-- An empty name is misuse, not "all tables" (that is NULL).
-- error 22023
SELECT * FROM vigil_schema('');
-- expect
table name must not be empty

-- query
SELECT count(*) FROM vigil_schema(NULL) WHERE object_type = 'table';
-- expect
[[4]]

-- A real table with a hostile name is reported as itself.
-- query
SELECT table_name, object_type, name, definition FROM vigil_schema('x"; DROP TABLE t;--');
-- expect
[["x\"; DROP TABLE t;--", "table", "x\"; DROP TABLE t;--", ""],
 ["x\"; DROP TABLE t;--", "column", "id", "1 integer not null"],
 ["x\"; DROP TABLE t;--", "column", "note", "2 text not null"],
 ["x\"; DROP TABLE t;--", "primary_key", "(id)", "(id)"]]

-- query
SELECT vigil_schema_fingerprint('x"; DROP TABLE t;--');

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('x"; DROP TABLE t;--');
-- expect
[["x\"; DROP TABLE t;--", 3, 0]]

-- query
SELECT table_name, object_type, name, definition FROM vigil_schema('q''); DROP TABLE t;--');

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('q''); DROP TABLE t;--');
-- expect
[["q'); DROP TABLE t;--", 1, 0]]

-- Every table, hostile names included, through the all-tables paths.
-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats();

-- query
SELECT vigil_schema_fingerprint();

-- A missing table with a hostile name: the not-exist message, nothing run.
-- error 42P01
SELECT * FROM vigil_schema('y"; DROP TABLE t;--');
-- expect
table "y"; DROP TABLE t;--" does not exist

-- error 42P01
SELECT * FROM vigil_table_stats('y"; DROP TABLE t;--');
-- expect
table "y"; DROP TABLE t;--" does not exist

-- error 42P01
SELECT vigil_schema_fingerprint('y''); DROP TABLE t;--');
-- expect
table "y'); DROP TABLE t;--" does not exist

-- t still exists, with its rows.
-- query
SELECT count(*) FROM t;
-- expect
[[2]]

-- query unordered
SELECT name FROM vigil_schema() WHERE object_type = 'table';
-- expect
[["projects"], ["q'); DROP TABLE t;--"], ["t"], ["x\"; DROP TABLE t;--"]]
