-- pg_extension/sql/10_schema.sql: the schema group (common/schema/)

--
-- vigil_functions()
--
-- Every function of vigil, with its arguments and whether it changes data.
--
CREATE FUNCTION vigil_functions(
    OUT name text,
    OUT kind text,
    OUT arguments text,
    OUT writes boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_functions'
LANGUAGE C IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

--
-- vigil_version()
--
-- The version of the loaded library, the same text in PostgreSQL and SQLite.
--
CREATE FUNCTION vigil_version()
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp;

--
-- vigil_schema([table_name])
--
-- The canonical, engine-neutral schema model as rows (docs/schema.md), of every user
-- table or of the one named.
--
CREATE FUNCTION vigil_schema(
    text DEFAULT NULL, -- table_name (unnamed: it would clash with the OUT column)
    OUT table_name text,
    OUT object_type text,
    OUT name text,
    OUT definition text,
    OUT engine_definition text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_schema'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_schema_fingerprint([table_name])
--
-- Hex XXH3-128 of vigil_schema(): equal for equivalent schemas in PostgreSQL and SQLite.
--
CREATE FUNCTION vigil_schema_fingerprint(table_name text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_schema_fingerprint'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

