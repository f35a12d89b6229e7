
-- pg_extension/sql/30_integrity.sql: integrity checks (common/integrity/, docs/integrity.md)

--
-- vigil_check([table_name [, full]])
--
-- One row per finding: a constraint, column, index or sequence of a table (or the database's
-- physical check) with offending rows, their exact number and up to 10 of their keys.  A
-- clean database returns no rows.  `full`: the slower, complete physical check (SQLite
-- integrity_check; amcheck with heapallindexed).
--
CREATE FUNCTION vigil_check(
    text DEFAULT NULL,    -- table_name (unnamed: it would clash with the OUT column)
    full boolean DEFAULT false,
    OUT check_name text,
    OUT severity text,
    OUT table_name text,
    OUT detail text,
    OUT violations bigint,
    OUT repairable boolean,
    OUT sample_keys jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_check'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_check_rows(check_name, table_name [, full])
--
-- Every offending row of one check on one table, streamed: row_key (the primary key as JSON,
-- or {"ctid": ...} where there is none) and detail.
--
CREATE FUNCTION vigil_check_rows(
    check_name text,
    table_name text,
    full boolean DEFAULT false,
    OUT row_key jsonb,
    OUT detail text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_check_rows'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
