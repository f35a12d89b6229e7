SELECT current_database() AS regression_db \gset
-- sql/security_rules.sql: the trust model for stored rule conditions (issue #16;
-- docs/reliability.md, "Trust model for stored code").  A role given exactly the documented
-- rule grants (docs/production-postgresql.md) tries to make a superuser's check run its code.
CREATE DATABASE vigil_security_rules_test;
\c vigil_security_rules_test
CREATE EXTENSION vigil;
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
GRANT EXECUTE ON FUNCTION show_error(text) TO PUBLIC;

-- the documented grants of "who keeps the rules"
CREATE ROLE vigil_sr_steward;
GRANT EXECUTE ON FUNCTION vigil_rule_add(text, text, text, text, text),
                          vigil_rule_drop(text) TO vigil_sr_steward;
GRANT INSERT, DELETE ON vigil_rules TO vigil_sr_steward;
-- a table of the application (the superuser's) and one the steward owns
CREATE SCHEMA app;
CREATE TABLE app.child (id integer PRIMARY KEY, val integer);
INSERT INTO app.child VALUES (1, 1), (2, -2);
GRANT USAGE ON SCHEMA app TO vigil_sr_steward;
GRANT SELECT ON app.child TO vigil_sr_steward;
CREATE SCHEMA stew AUTHORIZATION vigil_sr_steward;
SET ROLE vigil_sr_steward;
CREATE TABLE stew.own (id integer PRIMARY KEY, val integer);
INSERT INTO stew.own VALUES (1, 1), (2, -2);
-- code that makes its caller's role superuser; and a wrapper marked IMMUTABLE that calls it
-- (nothing checks the mark)
CREATE FUNCTION stew.evil() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE 'ALTER ROLE vigil_sr_steward SUPERUSER';
  RETURN true;
END $$;
CREATE FUNCTION stew.ok(int) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM stew.evil();
  RETURN true;
END $$;

-- 1. only the table's owner may attach a rule to it (42501), as only the owner may add a CHECK
SELECT show_error($$SELECT vigil_rule_add('val_ok', 'app.child', 'stew.ok(val)')$$);
-- a volatile function is refused (42P17)
SELECT show_error($$SELECT vigil_rule_add('evil', 'stew.own', 'stew.evil()')$$);
-- on its own table the steward may: the rule runs as the steward, whatever role checks
SELECT vigil_rule_add('val_ok', 'stew.own', 'stew.ok(val)');
SELECT vigil_rule_add('val_positive', 'stew.own', 'val > 0');
RESET ROLE;
-- the superuser's read-only check, health, the snapshot job and repair: the code runs as the
-- steward, who may not make itself superuser
SELECT show_error($$SELECT * FROM vigil_check('stew.own')$$);
SELECT show_error($$SELECT * FROM vigil_health()$$);
SELECT show_error($$SELECT vigil_snapshot()$$);
SELECT show_error($$SELECT * FROM vigil_repair(false)$$);
SELECT rolsuper FROM pg_roles WHERE rolname = 'vigil_sr_steward';
SELECT vigil_rule_drop('val_ok');

-- 2. INSERT on vigil_rules cannot forge the author: row-level security (42501)
SET ROLE vigil_sr_steward;
SELECT show_error(format($$INSERT INTO vigil_rules (name, table_name, condition, severity, repair,
                                                   added_by)
                           VALUES ('forged', 'app.child', 'stew.ok(val)', 'error', 'auto', %L)$$,
                         (SELECT rolname FROM pg_roles WHERE oid = 10)));
-- a row inserted by hand for a table the steward does not own: stored, but refused at every
-- evaluation as an error finding of that rule (and the other checks still run)
INSERT INTO vigil_rules (name, table_name, condition, severity, repair)
VALUES ('direct', 'app.child', 'stew.ok(val)', 'error', 'auto');
SELECT name, added_by FROM vigil_rules WHERE name = 'direct';
RESET ROLE;
SELECT check_name, severity, table_name, detail, violations, repairable
FROM vigil_check('app.child');
SELECT * FROM vigil_check_rows('rule:direct', 'app.child');
SELECT action, table_name, rows_affected, detail FROM vigil_repair(false)
WHERE table_name = 'app.child';
SELECT rolsuper FROM pg_roles WHERE rolname = 'vigil_sr_steward';
DELETE FROM vigil_rules WHERE name = 'direct';

-- 3. side effects without a function of one's own: refused when added (42P17), and refused
-- at evaluation when inserted by hand; the listener hears nothing
LISTEN leak;
SET ROLE vigil_sr_steward;
SELECT show_error($$SELECT vigil_rule_add('leak', 'stew.own',
  'pg_notify(''leak'', query_to_xml(''select rolname, rolpassword from pg_authid'', true, false, '''')::text) IS NOT NULL')$$);
CREATE SEQUENCE stew.s;
SELECT show_error($$SELECT vigil_rule_add('s', 'stew.own', 'setval(''stew.s'', 42) > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('g', 'stew.own', 'set_config(''work_mem'', ''64kB'', false) IS NOT NULL')$$);
SELECT show_error($$SELECT vigil_rule_add('t', 'stew.own', 'pg_terminate_backend(pg_backend_pid() + 1000000) IS NULL')$$);
SELECT show_error($$SELECT vigil_rule_add('a', 'stew.own', 'pg_advisory_lock(val) IS NULL')$$);
SELECT show_error($$SELECT vigil_rule_add('q', 'stew.own', '(SELECT count(*) FROM pg_authid) > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('n', 'stew.own', 'val IN (SELECT 1)')$$);
SELECT show_error($$SELECT vigil_rule_add('w', 'stew.own', 'sum(val) > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('x', 'stew.own', 'generate_series(1, val) > 0')$$);
INSERT INTO vigil_rules (name, table_name, condition, severity, repair)
VALUES ('leak', 'stew.own',
  'pg_notify(''leak'', query_to_xml(''select rolname, rolpassword from pg_authid'', true, false, '''')::text) IS NOT NULL',
  'error', 'auto');
RESET ROLE;
SELECT check_name, detail, violations FROM vigil_check('stew.own') ORDER BY 1;
SELECT pg_sleep(0);  -- psql shows notifications after a statement: none may come
SELECT nextval('stew.s');
SHOW work_mem;
UNLISTEN leak;
DELETE FROM vigil_rules WHERE name = 'leak';

-- 4. stored text pasted into SQL: a row inserted by hand that closes the parenthesis, and one
-- ending in a comment; each is an error finding of its own rule, nothing else runs or breaks
SET ROLE vigil_sr_steward;
INSERT INTO vigil_rules (name, table_name, condition, severity, repair)
VALUES ('paste', 'stew.own', 'true); ALTER ROLE vigil_sr_steward SUPERUSER; SELECT 1 WHERE (true',
        'error', 'auto'),
       ('comment', 'stew.own', 'val > 0 -- positive', 'error', 'auto');
RESET ROLE;
SELECT action, table_name, rows_affected, detail FROM vigil_repair(false) ORDER BY 1, 4;
SELECT rolsuper FROM pg_roles WHERE rolname = 'vigil_sr_steward';
SELECT check_name, detail, violations FROM vigil_check('stew.own') ORDER BY 1;
SELECT count(*) AS health_rows FROM vigil_health();
SELECT count(*) > 0 AS snapshot FROM vigil_snapshot();
DELETE FROM vigil_rules WHERE name IN ('paste', 'comment');

-- 5. a size limit: 54000 above 64 KiB, nothing stored
SET ROLE vigil_sr_steward;
SELECT show_error(format('SELECT vigil_rule_add(%L, %L, %L)', 'big', 'stew.own',
                         'val = 1' || repeat(' OR val = 1', 6000)));
RESET ROLE;
SELECT count(*) AS big FROM vigil_rules WHERE name = 'big';

-- 6. an author who is no longer a member of the owner role: refused at evaluation
ALTER TABLE stew.own OWNER TO CURRENT_USER;
SELECT check_name, detail, violations FROM vigil_check('stew.own') ORDER BY 1;
ALTER TABLE stew.own OWNER TO vigil_sr_steward;

-- 7. a reader with SELECT who is subject to the table's row security does not evaluate rules
-- that run as the owner, who sees every row
CREATE ROLE vigil_sr_reader;
GRANT USAGE ON SCHEMA stew TO vigil_sr_reader;
SET ROLE vigil_sr_steward;
GRANT SELECT ON stew.own TO vigil_sr_reader;
ALTER TABLE stew.own ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_one ON stew.own TO vigil_sr_reader USING (id = 1);
RESET ROLE;
SET ROLE vigil_sr_reader;
SELECT check_name, detail, violations FROM vigil_check('stew.own') ORDER BY 1;
RESET ROLE;
SELECT check_name, detail, violations FROM vigil_check('stew.own') ORDER BY 1;

-- the policies on vigil_rules
SELECT polname, polcmd, pg_get_expr(polqual, polrelid) AS using_expr,
       pg_get_expr(polwithcheck, polrelid) AS check_expr
FROM pg_policy WHERE polrelid = 'vigil_rules'::regclass ORDER BY 1;

-- 8. upgrade from 0.1.0: existing rules get their table's owner as author
\c :regression_db
DROP DATABASE vigil_security_rules_test;
CREATE DATABASE vigil_security_rules_test;
\c vigil_security_rules_test
CREATE EXTENSION vigil VERSION '0.1.0';
CREATE TABLE t (n integer);
CREATE SCHEMA s AUTHORIZATION vigil_sr_steward;
CREATE TABLE s.u (n integer);
ALTER TABLE s.u OWNER TO vigil_sr_steward;
INSERT INTO t VALUES (-1);
SELECT vigil_rule_add('t_pos', 't', 'n > 0');
SELECT vigil_rule_add('u_pos', 's.u', 'n > 0');
ALTER EXTENSION vigil UPDATE TO '0.2.0';
SELECT name, table_name, added_by FROM vigil_rules ORDER BY 1;
SELECT check_name, violations FROM vigil_check('t');
\c :regression_db
DROP DATABASE vigil_security_rules_test;
DROP ROLE vigil_sr_reader;
DROP ROLE vigil_sr_steward;
