/* pg_extension/sql/vigil--0.1.0--0.2.0.sql -- from 0.1.0 to 0.2.0 (unreleased: edited until 0.2.0 ships).

   CREATE EXTENSION vigil installs 0.1.0 and then runs this script (no vigil--0.2.0.sql exists,
   as in contrib/amcheck), so a fresh install and an upgrade run the same statements.  Every
   change to the SQL surface after 0.1.0 is written here, one section per change, with a banner;
   docs/upgrading.md lists them. */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION vigil UPDATE TO '0.2.0'" to load this file. \quit

-- ==== Quarantine across roles (issue #16: items 5, 7, 13) ====
--
-- docs/repair.md, "Quarantine and restore across roles"; docs/reliability.md.
--
-- Batches come from a sequence: nextval() is unique across concurrent transactions and
-- snapshots (max(batch) + 1 was not, under REPEATABLE READ).  It starts past every existing
-- batch.  Whoever may INSERT into vigil_quarantine (those who repair) gets USAGE on it.
CREATE SEQUENCE vigil_quarantine_batch_seq AS bigint;
SELECT pg_catalog.setval('vigil_quarantine_batch_seq',
                         pg_catalog.max(batch), true) FROM vigil_quarantine HAVING pg_catalog.count(*) > 0;
SELECT pg_catalog.pg_extension_config_dump('vigil_quarantine_batch_seq', '');

-- Each row records the role that quarantined it (current_user; rows from before 0.2.0 are
-- attributed to the extension's owner, who alone could have granted anything then) and the
-- table it came from by schema and name (table_name is the display form, ambiguous when a
-- name holds a dot; existing rows are split at the first dot, no dot meaning public).
ALTER TABLE vigil_quarantine
    ADD COLUMN quarantined_by name,
    ADD COLUMN table_schema text,
    ADD COLUMN table_relname text;
UPDATE vigil_quarantine q SET
    quarantined_by = (SELECT r.rolname FROM pg_catalog.pg_extension e
                      JOIN pg_catalog.pg_roles r ON r.oid = e.extowner
                      WHERE e.extname = 'vigil'),
    table_schema = CASE WHEN pg_catalog.strpos(q.table_name, '.') > 0
                        THEN pg_catalog.split_part(q.table_name, '.', 1) ELSE 'public' END,
    table_relname = CASE WHEN pg_catalog.strpos(q.table_name, '.') > 0
                         THEN pg_catalog.substr(q.table_name, pg_catalog.strpos(q.table_name, '.') + 1)
                         ELSE q.table_name END;
ALTER TABLE vigil_quarantine
    ALTER COLUMN quarantined_by SET DEFAULT CURRENT_USER,
    ALTER COLUMN quarantined_by SET NOT NULL,
    ALTER COLUMN table_schema SET NOT NULL,
    ALTER COLUMN table_relname SET NOT NULL;

-- Row-level security (superusers and the table's owner bypass it):
--   INSERT: only rows recorded as one's own (quarantined_by = current_user);
--   SELECT, UPDATE: only rows of a table one may SELECT now (by schema and name, resolved
--   without search_path; rows of a dropped table are hidden from everyone but the owner);
--   UPDATE may change restored_at only (the column privilege granted below).
-- No DELETE policy: rows are deleted by the owner only.
ALTER TABLE vigil_quarantine ENABLE ROW LEVEL SECURITY;
CREATE POLICY vigil_quarantine_insert ON vigil_quarantine FOR INSERT
    WITH CHECK (quarantined_by OPERATOR(pg_catalog.=) CURRENT_USER);
CREATE POLICY vigil_quarantine_read ON vigil_quarantine FOR SELECT
    USING (COALESCE(pg_catalog.has_table_privilege(
               (SELECT c.oid FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                WHERE n.nspname OPERATOR(pg_catalog.=) table_schema::pg_catalog.name
                  AND c.relname OPERATOR(pg_catalog.=) table_relname::pg_catalog.name),
               'SELECT'), false));
CREATE POLICY vigil_quarantine_restore ON vigil_quarantine FOR UPDATE
    USING (COALESCE(pg_catalog.has_table_privilege(
               (SELECT c.oid FROM pg_catalog.pg_class c
                JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
                WHERE n.nspname OPERATOR(pg_catalog.=) table_schema::pg_catalog.name
                  AND c.relname OPERATOR(pg_catalog.=) table_relname::pg_catalog.name),
               'SELECT'), false));

-- Grants: the documented steward grant of 0.1.0 was SELECT, INSERT, UPDATE on the whole table,
-- which let a steward rewrite row_data of rows others quarantined.  UPDATE is narrowed to
-- restored_at for every role that held it, and every role that may INSERT gets USAGE on the
-- batch sequence.
DO $vigil$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT DISTINCT pg_catalog.quote_ident(g.rolname) AS role, a.privilege_type
        FROM pg_catalog.pg_class c,
             LATERAL pg_catalog.aclexplode(c.relacl) a
        JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) a.grantee
        WHERE c.oid OPERATOR(pg_catalog.=) 'vigil_quarantine'::pg_catalog.regclass
          AND a.grantee OPERATOR(pg_catalog.<>) c.relowner
          AND a.privilege_type IN ('INSERT', 'UPDATE')
    LOOP
        IF r.privilege_type OPERATOR(pg_catalog.=) 'UPDATE' THEN
            EXECUTE pg_catalog.format('REVOKE UPDATE ON vigil_quarantine FROM %s', r.role);
            EXECUTE pg_catalog.format('GRANT UPDATE (restored_at) ON vigil_quarantine TO %s',
                                      r.role);
        ELSE
            EXECUTE pg_catalog.format(
                'GRANT USAGE ON SEQUENCE vigil_quarantine_batch_seq TO %s', r.role);
        END IF;
    END LOOP;
END
$vigil$;

-- ==== Trust model for stored rule conditions (issue #16) ====
--
-- A rule condition is code that runs whenever anyone checks (vigil_check, vigil_health, the
-- pg_cron snapshot, vigil_repair).  It now runs as the table's owner under
-- SECURITY_RESTRICTED_OPERATION, and only a member of the table's owner role may store one
-- (docs/reliability.md, "Trust model for stored code").  added_by records who stored each rule:
-- the row-level security policies below let a role write only rows naming itself (so INSERT on
-- vigil_rules cannot forge it); superusers and the table's owner (the extension's owner)
-- bypass them, as they may do anything anyway.  Rows of 0.1.0, which kept no author, are
-- given the owner of their table when it still exists (the only role 0.2.0 would have let add
-- them), else NULL -- a rule with no author is refused at evaluation, as one whose author is
-- no longer a member of the owner role is: an error finding of that rule.
ALTER TABLE vigil_rules ADD COLUMN added_by name DEFAULT CURRENT_USER;
UPDATE vigil_rules r
   SET added_by = (SELECT c.relowner::regrole::name
                     FROM pg_catalog.pg_class c
                     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                    WHERE c.relkind IN ('r', 'p')
                      AND (n.nspname OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||)
                               c.relname = r.table_name
                           OR (n.nspname = 'public' AND c.relname = r.table_name))
                    ORDER BY n.nspname = 'public' LIMIT 1);
ALTER TABLE vigil_rules ENABLE ROW LEVEL SECURITY;
CREATE POLICY vigil_rules_read ON vigil_rules FOR SELECT USING (true);
CREATE POLICY vigil_rules_add ON vigil_rules FOR INSERT
    WITH CHECK (added_by = CURRENT_USER);
CREATE POLICY vigil_rules_change ON vigil_rules FOR UPDATE
    USING (true) WITH CHECK (added_by = CURRENT_USER);
CREATE POLICY vigil_rules_drop ON vigil_rules FOR DELETE USING (true);
