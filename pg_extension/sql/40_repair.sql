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
