
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
