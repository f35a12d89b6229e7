/* pg_extension/sql/vigil--0.1.0--0.2.0.sql -- from 0.1.0 to 0.2.0 (unreleased: edited until 0.2.0 ships).

   CREATE EXTENSION vigil installs 0.1.0 and then runs this script (no vigil--0.2.0.sql exists,
   as in contrib/amcheck), so a fresh install and an upgrade run the same statements.  Every
   change to the SQL surface after 0.1.0 is written here, one section per change, with a banner;
   docs/upgrading.md lists them. */

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION vigil UPDATE TO '0.2.0'" to load this file. \quit

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
