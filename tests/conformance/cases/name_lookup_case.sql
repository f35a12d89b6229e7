-- One rule for the table_name argument in both engines (docs/architecture.md, "Decisions"):
-- the table with exactly that name; else the only one whose name equals it ignoring ASCII
-- case; several such → 42P01 listing them; 'schema.table' by the same rule when the whole
-- name is not a table.  Mixed case and spaces, as in ported sample databases
-- ("Order Details" of Northwind).

-- setup
CREATE TABLE "Order Details" ("OrderID" integer, "ProductID" integer, "Quantity" integer,
                              PRIMARY KEY ("OrderID", "ProductID"));
CREATE TABLE "Customers" ("CustomerID" text PRIMARY KEY, "CompanyName" text);
CREATE TABLE shippers (id integer PRIMARY KEY);
INSERT INTO "Order Details" VALUES (1, 1, 5), (1, 2, 3), (2, 1, 1);
INSERT INTO "Customers" VALUES ('ALFKI', 'Alfreds');

-- The exact name.
-- query
SELECT table_name, row_count FROM vigil_table_stats('Order Details');
-- expect
[["Order Details", 3]]

-- Another case: the one table whose name matches ignoring case.
-- query
SELECT table_name, row_count FROM vigil_table_stats('order details');
-- expect
[["Order Details", 3]]

-- query
SELECT table_name, object_type, name FROM vigil_schema('ORDER DETAILS') WHERE object_type IN ('table', 'primary_key');

-- query
SELECT table_name, row_count FROM vigil_checksums() ORDER BY table_name;

-- query
SELECT vigil_table_checksum('order details') = vigil_table_checksum('Order Details');
-- expect
[[1]]

-- query
SELECT table_name, row_count FROM vigil_table_stats('customers');
-- expect
[["Customers", 1]]

-- query
SELECT table_name, row_count FROM vigil_table_stats('SHIPPERS');
-- expect
[["shippers", 0]]

-- A name with spaces that no table has, in any case.
-- error 42P01
SELECT * FROM vigil_schema('order  details');
-- expect
table "order  details" does not exist

-- Schema-qualified (SQLite: main, PostgreSQL: public), schema and table in any case.
-- setup sqlite
CREATE TABLE notes (id integer PRIMARY KEY);
-- setup postgres
CREATE SCHEMA main;
CREATE TABLE main.notes (id integer PRIMARY KEY);

-- query
SELECT row_count FROM vigil_table_stats('main.notes');
-- expect
[[0]]

-- query
SELECT row_count FROM vigil_table_stats('MAIN.Notes');
-- expect
[[0]]

-- Two tables whose names differ only in case (PostgreSQL: in one schema; SQLite, whose names
-- ignore case within a schema: a temp table and a main one).  Each exact name finds its own;
-- a third spelling is ambiguous.
-- setup sqlite
CREATE TEMP TABLE "Dup" (id integer PRIMARY KEY);
CREATE TABLE main."dUP" (id integer PRIMARY KEY);
INSERT INTO main."dUP" VALUES (1), (2);
-- setup postgres
CREATE TABLE "Dup" (id integer PRIMARY KEY);
CREATE TABLE "dUP" (id integer PRIMARY KEY);
INSERT INTO "dUP" VALUES (1), (2);

-- query
SELECT table_name, row_count FROM vigil_table_stats('Dup');
-- expect
[["Dup", 0]]

-- query
SELECT table_name, row_count FROM vigil_table_stats('dUP');
-- expect
[["dUP", 2]]

-- error 42P01
SELECT * FROM vigil_table_stats('dup');
-- expect
table name "dup" is ambiguous: it matches "Dup", "dUP" ignoring case

-- error 42P01
SELECT vigil_table_checksum('DUP');
-- expect
table name "DUP" is ambiguous: it matches "Dup", "dUP" ignoring case
