/* pg_extension/sql/vigil--0.1.0.sql -- the install script of release 0.1.0.
   Released: never edit this file. Changes go into vigil--0.1.0--0.2.0.sql (and later upgrade scripts). */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION vigil" to load this file. \quit

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

-- pg_extension/sql/20_stats.sql: statistics, health and monitoring (common/stats/)

--
-- vigil_table_stats([table_name])
--
-- One row per user table: exact row count, sizes, index count, and PostgreSQL's cumulative
-- statistics (dead and live rows, scans, last vacuum and analyze).
--
CREATE FUNCTION vigil_table_stats(
    text DEFAULT NULL, -- table_name (unnamed: it would clash with the OUT column)
    OUT table_name text,
    OUT row_count bigint,
    OUT total_bytes bigint,
    OUT index_count bigint,
    OUT dead_rows bigint,
    OUT last_analyze timestamptz,
    OUT page_count bigint,
    OUT live_rows bigint,
    OUT seq_scans bigint,
    OUT index_scans bigint,
    OUT last_vacuum timestamptz,
    OUT last_autovacuum timestamptz,
    OUT last_autoanalyze timestamptz,
    OUT free_bytes bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_table_stats'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_query_stats()
--
-- One row per normalised query of this database, recorded by vigil's executor hooks (needs
-- shared_preload_libraries = 'vigil').  The fingerprint is the same in SQLite.
--
CREATE FUNCTION vigil_query_stats(
    OUT fingerprint text,
    OUT query text,
    OUT calls bigint,
    OUT total_ms double precision,
    OUT mean_ms double precision,
    OUT min_ms double precision,
    OUT max_ms double precision,
    OUT stddev_ms double precision,
    OUT rows bigint,
    OUT errors bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_query_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_query_stats_reset()
--
-- Forgets this database's query statistics; returns how many entries there were.
--
CREATE FUNCTION vigil_query_stats_reset()
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_query_stats_reset'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_query_stats_reset() FROM PUBLIC;

--
-- vigil_health()
--
-- One row per health metric (value, threshold, status, message), then the overall score and
-- status.  Thresholds are the GUCs vigil.* (docs/monitoring.md).
--
CREATE FUNCTION vigil_health(
    OUT metric text,
    OUT value double precision,
    OUT threshold double precision,
    OUT status text,
    OUT message text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_health'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

-- What vigil_snapshot() records: every row of vigil_health(), each time.
CREATE TABLE vigil_health_history (
    id bigserial PRIMARY KEY,
    recorded_at timestamptz NOT NULL,
    metric text NOT NULL,
    value double precision,
    threshold double precision,
    status text NOT NULL,
    message text
);
SELECT pg_catalog.pg_extension_config_dump('vigil_health_history', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_health_history_id_seq', '');

-- Alerts raised and resolved by vigil_snapshot().
CREATE TABLE vigil_alerts (
    id bigserial PRIMARY KEY,
    raised_at timestamptz NOT NULL,
    severity text NOT NULL,
    metric text NOT NULL,
    message text,
    resolved_at timestamptz
);
SELECT pg_catalog.pg_extension_config_dump('vigil_alerts', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_alerts_id_seq', '');

--
-- vigil_snapshot()
--
-- Records vigil_health() into vigil_health_history, raises and resolves vigil_alerts, and
-- sends NOTIFY vigil_alerts (JSON payload) for each alert raised.
--
CREATE FUNCTION vigil_snapshot(
    OUT recorded_at timestamptz,
    OUT metric text,
    OUT status text,
    OUT alert text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_snapshot() FROM PUBLIC;

--
-- vigil_monitor_start(interval_seconds)
--
-- Schedules vigil_snapshot() with pg_cron (job 'vigil_snapshot'); returns the job id.
--
CREATE FUNCTION vigil_monitor_start(interval_seconds integer)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_monitor_start'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_monitor_start(integer) FROM PUBLIC;

--
-- vigil_monitor_stop()
--
-- Removes the pg_cron job of vigil_monitor_start(); returns how many jobs were removed.
--
CREATE FUNCTION vigil_monitor_stop()
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_monitor_stop'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_monitor_stop() FROM PUBLIC;

--
-- vigil_metrics([with_tables])
--
-- Prometheus text exposition of health, alerts, table statistics and the top queries.
--
CREATE FUNCTION vigil_metrics(with_tables boolean DEFAULT true)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_metrics'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_optimize([apply])
--
-- Recommendations (foreign keys without an index, stale statistics, unused and duplicate
-- indexes); apply = true runs the safe ones (CREATE INDEX, ANALYZE).
--
CREATE FUNCTION vigil_optimize(
    apply boolean DEFAULT false,
    OUT action text,
    OUT target text,
    OUT reason text,
    OUT sql text,
    OUT applied boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_optimize'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_optimize(boolean) FROM PUBLIC;

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
-- pg_extension/sql/40_repair.sql: data-quality rules (common/repair/, docs/repair.md)

--
-- vigil_rules: one row per rule.  Part of the extension (skipped as a user table) and dumped
-- by pg_dump with its rows.  Everyone may read it (vigil_check() reads it with the caller's
-- privileges); only those granted vigil_rule_add / vigil_rule_drop and INSERT/DELETE on it
-- change it.
--
CREATE TABLE vigil_rules (
    name text PRIMARY KEY,
    table_name text NOT NULL,
    condition text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    repair text NOT NULL CHECK (repair IN ('auto', 'quarantine')),
    created_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP);
SELECT pg_catalog.pg_extension_config_dump('vigil_rules', '');
GRANT SELECT ON vigil_rules TO PUBLIC;

--
-- vigil_rule_add(name, table_name, condition [, severity [, repair]])
--
-- Stores a rule: one boolean expression every row of the table must satisfy (NULL passes, as
-- in CHECK).  The condition is validated against the table before it is stored.
--
CREATE FUNCTION vigil_rule_add(
    name text,
    table_name text,
    condition text,
    severity text DEFAULT NULL,
    repair text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_rule_add'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_rule_add(text, text, text, text, text) FROM PUBLIC;

--
-- vigil_rule_drop(name)
--
CREATE FUNCTION vigil_rule_drop(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_rule_drop'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_rule_drop(text) FROM PUBLIC;

--
-- vigil_quarantine: every row vigil_repair removed or changed, whole, as it was, copied in the
-- same transaction before the change (row_data: docs/repair.md gives the exact encoding).
-- Part of the extension and dumped by pg_dump with its rows.  Not readable by PUBLIC: it
-- holds copies of rows of any table; grant it to those who repair and restore.
--
CREATE TABLE vigil_quarantine (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch bigint NOT NULL,
    table_name text NOT NULL,
    row_key jsonb,
    row_data jsonb NOT NULL,
    reason text NOT NULL,
    action text NOT NULL CHECK (action IN ('removed', 'changed')),
    column_name text,
    quarantined_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
    restored_at timestamptz);
CREATE INDEX vigil_quarantine_batch ON vigil_quarantine (batch);
SELECT pg_catalog.pg_extension_config_dump('vigil_quarantine', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_quarantine_id_seq', '');

--
-- vigil_repair([dry_run [, fk_orphans]])
--
-- Repairs every repairable finding of vigil_check() with the smallest change, copying each
-- removed or changed row to vigil_quarantine first.  dry_run (the default): the same work in a
-- savepoint that is rolled back, returning the plan.  fk_orphans: 'quarantine' (default) or
-- 'set_null' (an orphan's nullable one-column key is set to NULL).  Runs with the caller's
-- privileges.
--
CREATE FUNCTION vigil_repair(
    dry_run boolean DEFAULT true,
    fk_orphans text DEFAULT NULL,
    OUT action text,
    OUT table_name text,
    OUT rows_affected bigint,
    OUT detail text,
    OUT batch bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_repair'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_repair(boolean, text) FROM PUBLIC;

--
-- vigil_restore(batch)
--
-- Puts every row of a quarantine batch back, all or nothing; returns how many.
--
CREATE FUNCTION vigil_restore(batch bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_restore'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_restore(bigint) FROM PUBLIC;

-- pg_extension/sql/50_migrate.sql: migration tracking (common/migrate/, docs/migrations.md)
--
-- Every function here that writes is VOLATILE and revoked from PUBLIC: only the extension's
-- owner (and superusers) may run them until they GRANT EXECUTE to a deploy role.  They run
-- with the caller's rights (SECURITY INVOKER): the role that migrates needs the rights its
-- migrations need, plus rights on the ledger tables (docs/migrations.md, "Who may migrate").

--
-- vigil_migrations: one row per registered migration.  Its columns match
-- migrations_table_spec() in common/migrate/ledger.cpp (SQLite creates it from there).
--
CREATE TABLE vigil_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    up_sql text NOT NULL,
    down_sql text,
    transactional boolean,
    requires jsonb NOT NULL,
    lock_timeout_ms bigint,
    retries bigint,
    manual_sql jsonb,
    checksum text NOT NULL,
    checksum_algorithm bigint NOT NULL,
    state text NOT NULL CHECK (state IN ('pending', 'applied', 'failed', 'rolled_back')),
    applied_checksum text,
    applied_at timestamptz,
    applied_by text,
    duration_ms double precision,
    error text,
    apply_seq bigint,
    fingerprint text,
    registered_at timestamptz NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('vigil_migrations', '');

--
-- vigil_migration_events: the history, one row per step, never rewritten (events_table_spec()).
--
CREATE TABLE vigil_migration_events (
    event_id bigserial PRIMARY KEY,
    version text NOT NULL,
    action text NOT NULL CHECK (action IN ('apply', 'fail', 'rollback', 'baseline', 'mark')),
    direction text,
    happened_at timestamptz NOT NULL,
    performed_by text,
    duration_ms double precision,
    error text,
    fingerprint text,
    checksum text,
    attempts bigint NOT NULL
);
SELECT pg_catalog.pg_extension_config_dump('vigil_migration_events', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_migration_events_event_id_seq', '');

CREATE FUNCTION vigil_migration_events_append_only()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RAISE EXCEPTION 'vigil_migration_events is append-only'
    USING ERRCODE = 'object_not_in_prerequisite_state';
END
$$;

CREATE TRIGGER vigil_migration_events_append_only
BEFORE UPDATE OR DELETE ON vigil_migration_events
FOR EACH ROW EXECUTE FUNCTION vigil_migration_events_append_only();

CREATE TRIGGER vigil_migration_events_no_truncate
BEFORE TRUNCATE ON vigil_migration_events
FOR EACH STATEMENT EXECUTE FUNCTION vigil_migration_events_append_only();

--
-- vigil_migration_add(version, name, up_sql [, down_sql [, options_json]])
--
-- Registers a migration: 'added', 'updated' or 'unchanged'.  options_json: transactional,
-- requires, lock_timeout_ms, retries.
--
CREATE FUNCTION vigil_migration_add(
    version text,
    name text,
    up_sql text,
    down_sql text DEFAULT NULL,
    options_json jsonb DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_migration_add'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_migration_add(text, text, text, text, jsonb) FROM PUBLIC;

--
-- vigil_migrate([target_version [, steps]])
--
-- Applies pending migrations in order, each atomically: one row per migration tried.
--
CREATE FUNCTION vigil_migrate(
    target_version text DEFAULT NULL,
    steps bigint DEFAULT NULL,
    OUT version text,
    OUT name text,
    OUT status text,
    OUT duration_ms double precision,
    OUT detail text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_migrate'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_migrate(text, bigint) FROM PUBLIC;

--
-- vigil_rollback(target_version)
--
-- Runs the down_sql of the applied migrations above target_version, newest first.
--
CREATE FUNCTION vigil_rollback(
    target_version text,
    OUT version text,
    OUT name text,
    OUT status text,
    OUT duration_ms double precision,
    OUT detail text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_rollback'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_rollback(text) FROM PUBLIC;

--
-- vigil_migration_status()
--
-- One row per registered migration, in application order, with drift on the latest step.
--
CREATE FUNCTION vigil_migration_status(
    OUT version text,
    OUT name text,
    OUT state text,
    OUT checksum_ok boolean,
    OUT applied_at timestamptz,
    OUT applied_by text,
    OUT duration_ms double precision,
    OUT error text,
    OUT fingerprint text,
    OUT drift boolean,
    OUT manual_sql jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_migration_status'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_migration_baseline(version)
--
-- Records every registered migration at or below version as applied, without running it.
--
CREATE FUNCTION vigil_migration_baseline(version text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_migration_baseline'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_migration_baseline(text) FROM PUBLIC;

--
-- vigil_migration_mark_applied(version)
--
-- Records one migration (a manual one the client ran) as applied.
--
CREATE FUNCTION vigil_migration_mark_applied(version text)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_migration_mark_applied'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_migration_mark_applied(text) FROM PUBLIC;

--
-- vigil_migrations_export()
--
-- The registered migrations as JSON, for vigil_migrations_import in another database.
--
CREATE FUNCTION vigil_migrations_export()
RETURNS jsonb
AS 'MODULE_PATHNAME', 'vigil_migrations_export'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_migrations_import(migrations)
--
-- Registers the migrations of an export, all or nothing: how many were added or updated.
--
CREATE FUNCTION vigil_migrations_import(migrations jsonb)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_migrations_import'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;
REVOKE ALL ON FUNCTION vigil_migrations_import(jsonb) FROM PUBLIC;

--
-- vigil_migration_assert([target_version])
--
-- Raises (55000) when a migration up to target_version is not applied as registered, or the
-- schema drifted; otherwise the number of applied migrations.  For deploy scripts.
--
CREATE FUNCTION vigil_migration_assert(target_version text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_migration_assert'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- CALL vigil_migrate_strict([target_version])
--
-- For deploy scripts (psql -v ON_ERROR_STOP=1): applies pending migrations one per
-- transaction, committing each (so each holds its locks only while it runs, and the failure
-- record is kept), and raises 55000 after committing when one failed or needs the client
-- (manual).  A procedure: CALL it outside an explicit transaction block.
--
-- Not pinned with SET search_path (a procedure with SET cannot COMMIT, and the migrations run
-- with the caller's search_path): what it names itself is qualified instead.
--
CREATE PROCEDURE vigil_migrate_strict(target_version text DEFAULT NULL)
LANGUAGE plpgsql
AS $$
DECLARE
  r record;
  tried bigint;
  problem text;
BEGIN
  LOOP
    tried := 0;
    problem := NULL;
    FOR r IN SELECT * FROM @extschema@.vigil_migrate(target_version, 1) LOOP
      tried := tried OPERATOR(pg_catalog.+) 1;
      RAISE NOTICE 'vigil: migration % (%) %', r.version, r.name, r.status;
      IF r.status OPERATOR(pg_catalog.<>) 'applied'::pg_catalog.text THEN
        problem := pg_catalog.format('migration %s (%s) %s: %s', r.version, r.name, r.status, r.detail);
      END IF;
    END LOOP;
    COMMIT;
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION 'vigil: %', problem USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    EXIT WHEN tried OPERATOR(pg_catalog.=) 0;
  END LOOP;
END
$$;
REVOKE ALL ON PROCEDURE vigil_migrate_strict(text) FROM PUBLIC;
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
