-- pg_extension/sql/20_stats.sql: statistics and health (common/stats/)

--
-- vigil_table_stats([table_name])
--
-- One row per user table: exact row count, sizes, index count, dead rows, last analyze.
--
CREATE FUNCTION vigil_table_stats(
    text DEFAULT NULL, -- table_name (unnamed: it would clash with the OUT column)
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
