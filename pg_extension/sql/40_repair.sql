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
LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION vigil_rule_add(text, text, text, text, text) FROM PUBLIC;

--
-- vigil_rule_drop(name)
--
CREATE FUNCTION vigil_rule_drop(name text)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_rule_drop'
LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE ALL ON FUNCTION vigil_rule_drop(text) FROM PUBLIC;
