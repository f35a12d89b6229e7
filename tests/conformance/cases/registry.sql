-- The result columns of every table function: in SQLite they come from the C++ registry itself
-- (each eponymous virtual table is declared from it), in PostgreSQL from the install and upgrade
-- scripts' OUT parameters.  Equal names in the same order, so the scripts cannot drift from the
-- registry (sql/upgrade.sql compares their arguments, kinds and write status).

-- setup sqlite
CREATE TEMP VIEW out_columns AS
SELECT f.name AS function_name, c.cid + 1 AS position, c.name AS column_name
FROM vigil_functions() f JOIN pragma_table_xinfo(f.name) c
WHERE f.kind = 'table' AND c.hidden = 0;

-- setup postgres
CREATE VIEW out_columns AS
SELECT f.name AS function_name, o.position, o.column_name
FROM vigil_functions() f
JOIN pg_catalog.pg_proc p ON p.proname = f.name
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
CROSS JOIN LATERAL (
  SELECT row_number() OVER (ORDER BY a.ord) AS position, a.name AS column_name
  FROM unnest(p.proargmodes, p.proargnames) WITH ORDINALITY AS a(mode, name, ord)
  WHERE a.mode IN ('o', 't')) o
WHERE f.kind = 'table';

-- query
SELECT function_name, position, column_name FROM out_columns ORDER BY function_name, position;

-- query
SELECT count(DISTINCT function_name) > 10 AS functions, count(*) > 50 AS columns FROM out_columns;
-- expect
[[true, true]]
