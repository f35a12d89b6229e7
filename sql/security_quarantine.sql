-- sql/security_quarantine.sql: the quarantine and the restore across roles (issue #16, items 5,
-- 6, 7, 9, 10, 11; docs/repair.md "Quarantine and restore across roles").  Every attack below
-- is run by a role given exactly the grants docs/repair.md recommends, and each expected
-- result is the defended one (before the fixes: the forged row came back, the steward
-- quarantined 30 valid rows, the reader saw the secret, the restore overwrote 42, the audit
-- trigger failed with 42P01).
--
-- In a database of its own: vigil_repair walks every table of the database.
\set regress_db :DBNAME
CREATE DATABASE vigil_quarantine_roles;
\c vigil_quarantine_roles
SET client_min_messages = warning;
CREATE EXTENSION vigil;
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE ROLE vq_steward;
CREATE ROLE vq_forger;
CREATE ROLE vq_reader;
-- the documented grants (docs/repair.md, "Privileges and safety")
GRANT EXECUTE ON FUNCTION vigil_repair(boolean, text), vigil_restore(bigint)
  TO vq_steward, vq_forger;
GRANT SELECT, INSERT, UPDATE (restored_at) ON vigil_quarantine TO vq_steward, vq_forger;
GRANT USAGE ON SEQUENCE vigil_quarantine_batch_seq TO vq_steward, vq_forger;
GRANT SELECT ON vigil_quarantine TO vq_reader;
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO vq_steward, vq_forger, vq_reader;
CREATE TABLE app.parent (id int PRIMARY KEY, ssn text);
INSERT INTO app.parent SELECT g, 'TOPSECRET-' || g FROM generate_series(1, 30) g;
CREATE TABLE app.child (id int PRIMARY KEY, parent_id int);
INSERT INTO app.child SELECT g, g FROM generate_series(1, 30) g;
ALTER TABLE app.child ADD FOREIGN KEY (parent_id) REFERENCES app.parent;
GRANT SELECT, INSERT, UPDATE, DELETE ON app.parent, app.child TO vq_steward;

-- 5. Forged quarantine rows.  A real batch first (the superuser quarantines a row of
--    app.child that breaks a rule).
INSERT INTO app.child VALUES (31, NULL);
SELECT vigil_rule_add('has_parent', 'app.child', 'parent_id IS NOT NULL', 'error', 'quarantine');
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false);
SELECT batch, table_name, table_schema, table_relname, quarantined_by = current_user AS by_me
FROM vigil_quarantine;
-- The forger may INSERT into vigil_quarantine, not into app.parent.  A row claimed for another
-- role is refused by row-level security; one in its own name is accepted ...
SET ROLE vq_forger;
SELECT show_error($$INSERT INTO vigil_quarantine (batch, table_name, table_schema, table_relname,
  row_data, reason, action, quarantined_by) VALUES (1, 'app.parent', 'app', 'parent',
  '{"id": 99, "ssn": "forged"}', 'x', 'removed', 'postgres')$$);
INSERT INTO vigil_quarantine (batch, table_name, table_schema, table_relname, row_key, row_data,
  reason, action) VALUES (1, 'app.parent', 'app', 'parent', '{"id": 99}',
  '{"id": 99, "ssn": "forged"}', 'fk_orphan: forged', 'removed');
-- ... and may not rewrite rows others quarantined (UPDATE is granted on restored_at only).
SELECT show_error($$UPDATE vigil_quarantine SET row_data = '{"id": 31, "parent_id": 7}'$$);
RESET ROLE;
-- ... but a superuser's restore of batch 1 refuses it, all or nothing.
SELECT show_error('SELECT vigil_restore(1)');
SELECT count(*) AS forged_rows_in_parent FROM app.parent WHERE id = 99;
SELECT count(*) AS restored FROM vigil_quarantine WHERE restored_at IS NOT NULL;
-- the owner removes the forged row after review; the genuine batch comes back
DELETE FROM vigil_quarantine WHERE quarantined_by = 'vq_forger';
SELECT vigil_restore(1);
SELECT id, parent_id FROM app.child WHERE id = 31;
DELETE FROM app.child WHERE id = 31;
SELECT vigil_rule_drop('has_parent');
-- A row quarantined by the steward comes back while the steward may still delete and insert
-- in its table; once those privileges are revoked the steward's rows are no longer vouched for.
CREATE TABLE app.v (id int PRIMARY KEY, n int);
INSERT INTO app.v VALUES (1, 5), (2, -5);
GRANT SELECT, INSERT, UPDATE, DELETE ON app.v TO vq_steward;
SELECT vigil_rule_add('v_pos', 'app.v', 'n > 0', 'error', 'quarantine');
SET ROLE vq_steward;
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false);
RESET ROLE;
REVOKE INSERT ON app.v FROM vq_steward;
SELECT show_error('SELECT vigil_restore(2)');
GRANT INSERT ON app.v TO vq_steward;
SELECT vigil_restore(2);
SELECT * FROM app.v ORDER BY id;
SELECT vigil_rule_drop('v_pos');
DROP TABLE app.v;

-- 13. Batches come from a sequence (specs/quarantine_batch.spec races two REPEATABLE READ
--     repairs); a repair that keeps no row takes no number.
SELECT batch FROM vigil_repair(false);
SELECT last_value FROM vigil_quarantine_batch_seq;

-- 7. The quarantine shows a row only to roles that may SELECT its table.
CREATE TABLE secret_t (id int PRIMARY KEY, ssn text);
INSERT INTO secret_t VALUES (1, 'TOPSECRET-1'), (2, 'ok');
SELECT vigil_rule_add('no_secret', 'secret_t', 'ssn NOT LIKE ''TOPSECRET%''', 'error', 'quarantine');
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false);
SELECT vigil_rule_drop('no_secret');
SET ROLE vq_reader;
SELECT table_name, row_data FROM vigil_quarantine ORDER BY id;
RESET ROLE;
-- The reader's own table of the same name, first in its search_path, does not open the row:
-- rows are matched to their table by schema and name, never through search_path.
CREATE SCHEMA reader_s AUTHORIZATION vq_reader;
SET ROLE vq_reader;
CREATE TABLE reader_s.secret_t (id int);
SET search_path = reader_s, public;
SELECT table_name, row_data FROM vigil_quarantine ORDER BY id;
RESET search_path;
RESET ROLE;
GRANT SELECT ON secret_t TO vq_reader;
SET ROLE vq_reader;
SELECT table_name, row_data FROM vigil_quarantine ORDER BY id;
RESET ROLE;
-- rows of a dropped table are hidden from everyone but the owner
DROP TABLE secret_t;
SET ROLE vq_reader;
SELECT count(*) AS visible FROM vigil_quarantine;
RESET ROLE;
SELECT count(*) AS owner_sees FROM vigil_quarantine WHERE table_name = 'secret_t';

-- 6. Row-level security hides app.parent from the steward: vigil cannot decide, says so, and
--    changes nothing.
ALTER TABLE app.parent ENABLE ROW LEVEL SECURITY;
CREATE POLICY hide_all ON app.parent USING (false);
SET ROLE vq_steward;
SELECT check_name, severity, table_name, detail, violations, repairable FROM vigil_check();
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(false);
SELECT show_error($$SELECT * FROM vigil_check_rows('fk_orphan', 'app.child')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('not_null', 'app.parent')$$);
SELECT count(*) AS children_kept FROM app.child;
RESET ROLE;
-- The superuser bypasses the policy: the same database is clean.
SELECT count(*) AS findings FROM vigil_check() WHERE check_name <> 'physical';
-- Duplicates across hidden rows, and a parent row whose children are hidden: a child table
-- the caller cannot see may reference the row, so it is not removed.
DROP POLICY hide_all ON app.parent;
ALTER TABLE app.parent DISABLE ROW LEVEL SECURITY;
ALTER TABLE app.child ENABLE ROW LEVEL SECURITY;
CREATE POLICY hide_all ON app.child USING (false);
SELECT vigil_rule_add('short_ssn', 'app.parent', 'length(ssn) < 12', 'error', 'quarantine');
SET ROLE vq_steward;
SELECT action, table_name, rows_affected, detail FROM vigil_repair(false) ORDER BY 1, 2, 4;
RESET ROLE;
SELECT count(*) AS parents_kept FROM app.parent;
SELECT vigil_rule_drop('short_ssn');
DROP POLICY hide_all ON app.child;
ALTER TABLE app.child DISABLE ROW LEVEL SECURITY;

-- 9. A restore puts back only what is still as the repair left it.
CREATE TABLE app.m (id int PRIMARY KEY, v int);
INSERT INTO app.m VALUES (1, 150), (2, 160), (3, 5);
SELECT vigil_rule_add('small', 'app.m', 'v < 100');
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(false);
UPDATE app.m SET v = 42 WHERE id = 1;          -- a writer, after the repair
SELECT show_error('SELECT vigil_restore(4)');
SELECT * FROM app.m ORDER BY id;                -- nothing restored, 42 kept
UPDATE app.m SET v = NULL WHERE id = 1;
SELECT vigil_restore(4);
SELECT * FROM app.m ORDER BY id;
SELECT vigil_rule_drop('small');
DROP TABLE app.m;

-- 10. User triggers run with the caller's search_path: an audit trigger that names its table
--     unqualified works in the dry run and in the repair.
CREATE TABLE audit_log (what text);
CREATE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log
    VALUES (TG_OP || ' ' || CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END);
  RETURN NULL;
END $$;
CREATE TABLE app.t (id int PRIMARY KEY, v int);
CREATE TRIGGER t_audit AFTER INSERT OR DELETE OR UPDATE ON app.t FOR EACH ROW EXECUTE FUNCTION app.audit();
INSERT INTO app.t VALUES (1, 1), (2, -2);
SELECT vigil_rule_add('t_pos', 'app.t', 'v > 0', 'error', 'quarantine');
SELECT action, table_name, rows_affected FROM vigil_repair();
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false);
SELECT vigil_restore(5);
SELECT * FROM app.t ORDER BY id;
SELECT * FROM audit_log;
SELECT vigil_rule_drop('t_pos');

-- 11. vigil_query_stats() shows another role's query text only to pg_read_all_stats (and
--     superusers), as pg_stat_statements does; counters stay visible.
SELECT vigil_query_stats_reset() >= 0 AS reset;
SELECT 1 AS topsecret_alias;
SELECT 2 AS shared_alias;
SET ROLE vq_reader;
SELECT 3 AS reader_alias;
SELECT 4 AS shared_alias;
SELECT query, calls FROM vigil_query_stats() WHERE query LIKE '%alias%' ORDER BY query;
SELECT calls FROM vigil_query_stats() WHERE query = '<insufficient privilege>' AND calls = 2;
RESET ROLE;
SELECT query, calls FROM vigil_query_stats() WHERE query LIKE '%alias%' ORDER BY query;
GRANT pg_read_all_stats TO vq_reader;
SET ROLE vq_reader;
SELECT query, calls FROM vigil_query_stats() WHERE query LIKE '%alias%' ORDER BY query;
RESET ROLE;

-- Upgrading a 0.1.0 database that holds quarantine rows and the 0.1.0 steward grant: rows are
-- attributed to the extension's owner and split into schema and name; the batch sequence
-- starts past them; UPDATE is narrowed to restored_at; the steward gets USAGE on the sequence.
\c :regress_db
CREATE DATABASE vigil_quarantine_upgrade;
\c vigil_quarantine_upgrade
SET client_min_messages = warning;
CREATE EXTENSION vigil VERSION '0.1.0';
GRANT SELECT, INSERT, UPDATE ON vigil_quarantine TO vq_steward;
CREATE SCHEMA s;
CREATE TABLE s.t (id int PRIMARY KEY, v int);
CREATE TABLE t2 (id int PRIMARY KEY, v int);
INSERT INTO vigil_quarantine (batch, table_name, row_key, row_data, reason, action) VALUES
  (1, 's.t', '{"id": 1}', '{"id": 1, "v": -1}', 'rule:p: fails', 'removed'),
  (2, 't2', '{"id": 1}', '{"id": 1, "v": -1}', 'rule:p2: fails', 'removed');
ALTER EXTENSION vigil UPDATE TO '0.2.0';
SELECT batch, table_name, table_schema, table_relname, quarantined_by = current_user AS by_owner
FROM vigil_quarantine ORDER BY id;
SELECT last_value FROM vigil_quarantine_batch_seq;
SELECT has_table_privilege('vq_steward', 'vigil_quarantine', 'UPDATE') AS table_update,
       has_column_privilege('vq_steward', 'vigil_quarantine', 'restored_at', 'UPDATE') AS restored_at,
       has_column_privilege('vq_steward', 'vigil_quarantine', 'row_data', 'UPDATE') AS row_data,
       has_sequence_privilege('vq_steward', 'vigil_quarantine_batch_seq', 'USAGE') AS batch_seq;
SELECT vigil_restore(1), vigil_restore(2);
SELECT * FROM s.t UNION ALL SELECT * FROM t2;
INSERT INTO t2 VALUES (5, -5);
SELECT vigil_rule_add('p2', 't2', 'v > 0', 'error', 'quarantine');
SELECT batch FROM vigil_repair(false);
DROP EXTENSION vigil;

\c :regress_db
DROP DATABASE vigil_quarantine_upgrade;
DROP DATABASE vigil_quarantine_roles;
DROP ROLE vq_steward, vq_forger, vq_reader;
