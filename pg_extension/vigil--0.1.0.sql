/* pg_extension/vigil--0.1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION vigil" to load this file. \quit

--
-- vigil_version()
--
-- The version of the loaded library, the same text in PostgreSQL and SQLite.
--
CREATE FUNCTION vigil_version()
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_version'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

--
-- vigil_schema()
--
-- The canonical, engine-neutral schema model as rows (docs/schema.md).
--
CREATE FUNCTION vigil_schema(
    OUT table_name text,
    OUT object_type text,
    OUT name text,
    OUT definition text,
    OUT engine_definition text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_schema'
LANGUAGE C STABLE PARALLEL RESTRICTED;

--
-- vigil_schema_fingerprint()
--
-- Hex XXH3-128 of vigil_schema(): equal for equivalent schemas in PostgreSQL and SQLite.
--
CREATE FUNCTION vigil_schema_fingerprint()
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_schema_fingerprint'
LANGUAGE C STABLE PARALLEL RESTRICTED;

--
-- vigil_table_stats()
--
-- One row per user table: exact row count, sizes, index count, dead rows, last analyze.
--
CREATE FUNCTION vigil_table_stats(
    OUT table_name text,
    OUT row_count bigint,
    OUT total_bytes bigint,
    OUT index_count bigint,
    OUT dead_rows bigint,
    OUT last_analyze timestamptz,
    OUT page_count bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_table_stats'
LANGUAGE C STABLE PARALLEL RESTRICTED;
