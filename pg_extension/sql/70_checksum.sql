-- pg_extension/sql/70_checksum.sql: content checksums and backups (common/checksum/)

--
-- vigil_table_checksum(table_name [, columns])
--
-- Hex XXH3-128 content checksum of the table's rows, independent of row order; equal for the
-- same logical data in PostgreSQL and SQLite (docs/checksum-spec.md).  `columns`: a
-- comma-separated list of column names, NULL for all columns in ordinal order.
--
CREATE FUNCTION vigil_table_checksum(table_name text, columns text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_table_checksum'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_checksums()
--
-- One row per user table: its exact row count and its vigil_table_checksum().
--
CREATE FUNCTION vigil_checksums(
    OUT table_name text,
    OUT row_count bigint,
    OUT checksum text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_checksums'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_checksum_segments(table_name, segments [, lower_key [, upper_key]])
--
-- The rows between two primary-key bounds (JSON arrays, inclusive, each optional), split in
-- key order into segments of nearly equal row counts, each with its first and last key, row
-- count and checksum: compare the lists of two databases to locate a difference.
--
CREATE FUNCTION vigil_checksum_segments(
    table_name text,
    segments integer,
    text DEFAULT NULL, -- lower_key (unnamed: it would clash with the OUT column)
    text DEFAULT NULL, -- upper_key (unnamed: it would clash with the OUT column)
    OUT segment bigint,
    OUT lower_key text,
    OUT upper_key text,
    OUT row_count bigint,
    OUT checksum text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_checksum_segments'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_backup(path)
--
-- SQLite only: an online, verified backup into a new file.  PostgreSQL backups are taken with
-- pg_basebackup or pg_dump; this raises feature_not_supported saying so.
--
CREATE FUNCTION vigil_backup(
    text, -- path (unnamed: it would clash with the OUT column)
    OUT path text,
    OUT bytes bigint,
    OUT duration_ms double precision,
    OUT verified boolean,
    OUT checksum text,
    OUT reason text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_backup'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_backup(text) FROM PUBLIC;

--
-- vigil_backup_verify(path)
--
-- SQLite only: verifies a backup file against its manifest.  In PostgreSQL, compare
-- vigil_checksums() of the source and of the restored copy; this raises
-- feature_not_supported saying so.
--
CREATE FUNCTION vigil_backup_verify(
    text, -- path (unnamed: it would clash with the OUT column)
    OUT path text,
    OUT bytes bigint,
    OUT verified boolean,
    OUT checksum text,
    OUT reason text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_backup_verify'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;
