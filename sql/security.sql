-- sql/security.sql: vigil under a hostile search_path, its function attributes, and what
-- PUBLIC may not run (docs/reliability.md, "Security").
--
-- In a database of its own: objects are planted in public BEFORE CREATE EXTENSION and stay
-- there for every call -- operators that would be a better match than pg_catalog's for the
-- catalog types vigil compares (every left/right pair without an exact pg_catalog operator),
-- functions shadowing pg_catalog ones for varchar/name arguments, views named like catalog
-- tables and like vigil's own tables.  Each planted object bumps a sequence (not rolled back
-- by the error) and raises: the last query shows the sequence was never touched.

-- 1. Function attributes: no SECURITY DEFINER; every function pinned with
--    SET search_path = pg_catalog, pg_temp -- all but the procedure vigil_migrate_strict (a
--    procedure with a SET clause cannot COMMIT; it names everything qualified and calls the
--    pinned vigil_migrate).
SELECT p.proname, p.prokind, p.proconfig
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
WHERE p.proconfig IS DISTINCT FROM '{"search_path=pg_catalog, pg_temp"}'
ORDER BY 1;
SELECT pg_catalog.count(*) > 30 AS pinned_functions
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
WHERE p.proconfig = '{"search_path=pg_catalog, pg_temp"}';
SELECT count(*) AS security_definer_functions
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
WHERE p.prosecdef;

-- 2. What is revoked from PUBLIC (docs/reliability.md lists the same): every function that
--    writes, and vigil_backup.  Everything else may be run by anyone, with the caller's rights.
SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS args
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
WHERE p.prokind <> 'a' AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.aclexplode(COALESCE(p.proacl,
                    pg_catalog.acldefault('f', p.proowner))) a
                  WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')
ORDER BY 1;
-- ...and every function that the registry says writes is among them
SELECT f.name AS writes_but_executable_by_public
FROM vigil_functions() f
JOIN pg_catalog.pg_proc p ON p.proname = f.name
WHERE f.writes AND pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE');
-- vigil's tables: PUBLIC may read vigil_rules (vigil_check reads it with the caller's
-- rights) and nothing else
SELECT c.relname, a.privilege_type
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
  AND d.objid = c.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil'
CROSS JOIN LATERAL pg_catalog.aclexplode(COALESCE(c.relacl,
    pg_catalog.acldefault('r', c.relowner))) a
WHERE a.grantee = 0
ORDER BY 1, 2;

-- 3. A hostile database.
\set regress_db :DBNAME
CREATE DATABASE vigil_hostile;
\c vigil_hostile
CREATE SCHEMA trap;
CREATE SEQUENCE trap.hits;
CREATE FUNCTION trap.hit(what text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_catalog.nextval('trap.hits');
  RAISE EXCEPTION 'planted object used: %', what;
END $$;
CREATE FUNCTION trap.show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
-- operators: for each pair of these types (the catalog's, and the numbers and times of the
-- monitoring queries) without an exact pg_catalog operator, a planted one would be preferred
-- over pg_catalog's, which needs an implicit cast -- or, for `name_column op 'literal'`, is
-- not even considered first: an unknown literal takes the other side's type
DO $$
DECLARE
  types text[] := ARRAY['oid', 'regclass', 'regtype', 'regproc', 'name', 'text', '"char"',
                        'varchar', 'bpchar', 'smallint', 'integer', 'bigint', 'boolean',
                        'int2vector', 'oidvector', 'smallint[]', 'text[]', 'name[]', 'oid[]',
                        'numeric', 'real', 'double precision', 'interval',
                        'timestamp with time zone'];
  ops text[] := ARRAY['=', '<>', '<', '>', '<=', '>=', '~', '!~', '~~', '||', '+', '-', '*',
                      '/'];
  l text; r text; op text; n int := 0;
BEGIN
  FOREACH l IN ARRAY types LOOP
    FOREACH r IN ARRAY types LOOP
      EXECUTE pg_catalog.format(
        'CREATE FUNCTION public.planted_op(%s, %s) RETURNS boolean LANGUAGE sql '
        'AS $f$ SELECT trap.hit(%L) $f$', l, r, 'operator on ' || l || ', ' || r);
      FOREACH op IN ARRAY ops LOOP
        -- (this test's own comparisons name pg_catalog's operators: the planted ones would
        -- otherwise catch them too, as the first version of this loop showed)
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator o
                       WHERE o.oprname OPERATOR(pg_catalog.=) op::pg_catalog.name
                         AND o.oprleft OPERATOR(pg_catalog.=) l::pg_catalog.regtype::pg_catalog.oid
                         AND o.oprright OPERATOR(pg_catalog.=) r::pg_catalog.regtype::pg_catalog.oid) THEN
          EXECUTE pg_catalog.format(
            'CREATE OPERATOR public.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = public.planted_op)',
            op, l, r);
          n := n OPERATOR(pg_catalog.+) 1;
        END IF;
      END LOOP;
    END LOOP;
  END LOOP;
  RAISE NOTICE 'more than 1000 operators planted: %', n OPERATOR(pg_catalog.>) 1000;
END $$;
-- functions: better matches than pg_catalog's for varchar / name arguments
DO $$
DECLARE
  f text; t text;
BEGIN
  FOREACH f IN ARRAY ARRAY['lower', 'upper', 'length', 'quote_ident', 'quote_literal', 'btrim',
                           'md5', 'to_regclass', 'format', 'concat', 'textlen'] LOOP
    FOREACH t IN ARRAY ARRAY['varchar', 'name', 'bpchar'] LOOP
      EXECUTE pg_catalog.format(
        'CREATE FUNCTION public.%I(%s) RETURNS text LANGUAGE sql AS $f$ SELECT trap.hit(%L)::text $f$',
        f, t, f || '(' || t || ')');
    END LOOP;
  END LOOP;
END $$;
-- and exact matches where pg_catalog's are polymorphic (anyarray, "any")
CREATE FUNCTION public.unnest(pg_catalog.oid[]) RETURNS SETOF pg_catalog.oid LANGUAGE sql
  AS $$ SELECT trap.hit('unnest(oid[])')::text::pg_catalog.oid $$;
CREATE FUNCTION public.unnest(pg_catalog.int2[]) RETURNS SETOF pg_catalog.int2 LANGUAGE sql
  AS $$ SELECT trap.hit('unnest(int2[])')::text::pg_catalog.int2 $$;
CREATE FUNCTION public.array_position(pg_catalog.int2[], pg_catalog.int2) RETURNS integer
  LANGUAGE sql AS $$ SELECT trap.hit('array_position(int2[], int2)')::text::integer $$;
CREATE FUNCTION public.count(pg_catalog.oid) RETURNS bigint LANGUAGE sql
  AS $$ SELECT trap.hit('count(oid)')::text::bigint $$;
-- relations named like catalog tables and like vigil's own tables
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['pg_class', 'pg_namespace', 'pg_attribute', 'pg_constraint',
                           'pg_index', 'pg_proc', 'pg_extension', 'pg_depend', 'pg_type',
                           'pg_stat_all_tables', 'pg_settings', 'pg_sequence', 'pg_attrdef',
                           'vigil_rules', 'vigil_quarantine', 'vigil_migrations',
                           'vigil_migration_events', 'vigil_settings', 'vigil_health_history',
                           'vigil_alerts', 'vigil_backups'] LOOP
    EXECUTE pg_catalog.format('CREATE VIEW public.%I AS SELECT trap.hit(%L) AS planted', r,
                              'relation public.' || r);
  END LOOP;
END $$;

-- CREATE EXTENSION into public refuses to take over a planted vigil_rules...
SELECT trap.show_error('CREATE EXTENSION vigil');
-- ...and into its own schema it installs beside every planted object
CREATE SCHEMA vigil_ext;
CREATE EXTENSION vigil SCHEMA vigil_ext;
SHOW search_path;

-- user tables the calls work on: a text/varchar foreign key (no exact pg_catalog operator),
-- a CHECK, a rule, a partitioned table, a table without a primary key
CREATE TABLE parent (code text PRIMARY KEY, n int CHECK (n >= 0));
CREATE TABLE child (id int PRIMARY KEY, code varchar(10) REFERENCES parent);
CREATE TABLE parted (id int, v name) PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);
CREATE TABLE nopk (a "char", b smallint, c oid);
INSERT INTO parent VALUES ('a', 1), ('b', 2);
INSERT INTO child VALUES (1, 'a'), (2, 'b');
INSERT INTO parted VALUES (1, 'x'), (2, 'y');
INSERT INTO nopk VALUES ('a', 1, 1), ('a', 1, 1);
-- findings for the checks to find: an orphan (text parent, varchar child: the comparison is
-- the constraint's own operator, not a planted text = varchar), a rule violation
ALTER TABLE child DISABLE TRIGGER ALL;
INSERT INTO child VALUES (3, 'zz');
ALTER TABLE child ENABLE TRIGGER ALL;
INSERT INTO parent VALUES ('big', 500);
SELECT pg_catalog.count(*) AS schema_rows FROM vigil_ext.vigil_schema();
SELECT vigil_ext.vigil_schema_fingerprint() IS NOT NULL AS fingerprint;
SELECT table_name, row_count FROM vigil_ext.vigil_table_stats() ORDER BY 1;
SELECT vigil_ext.vigil_rule_add('n_small', 'parent', 'n < 100');
SELECT check_name, table_name, violations FROM vigil_ext.vigil_check() ORDER BY 1, 2;
SELECT * FROM vigil_ext.vigil_check_rows('fk_orphan', 'child');
SELECT * FROM vigil_ext.vigil_check_rows('rule:n_small', 'parent');
SELECT count(*) AS not_null FROM vigil_ext.vigil_check_rows('not_null', 'nopk');
SELECT count(*) AS checks FROM vigil_ext.vigil_check_rows('check_constraint', 'parent');
SELECT vigil_ext.vigil_table_checksum('child') = vigil_ext.vigil_table_checksum('child')
  AS checksum_stable;
SELECT pg_catalog.count(*) AS checksums FROM vigil_ext.vigil_checksums();
SELECT segment, row_count FROM vigil_ext.vigil_checksum_segments('child', 2, '[1]');
SELECT vigil_ext.vigil_migration_add('1', 'one', 'CREATE TABLE m1 (id int)', 'DROP TABLE m1',
                                     '{"requires": []}');
SELECT vigil_ext.vigil_migration_add('2', 'two', 'ALTER TABLE m1 ADD COLUMN v text');
CALL vigil_ext.vigil_migrate_strict('1');
SELECT version, status FROM vigil_ext.vigil_migrate();
SELECT version, status FROM vigil_ext.vigil_rollback('1');
SELECT version, state FROM vigil_ext.vigil_migration_status() ORDER BY 1;
SELECT vigil_ext.vigil_migration_assert('1');
SELECT vigil_ext.vigil_migrations_import(vigil_ext.vigil_migrations_export());
SELECT vigil_ext.vigil_migration_mark_applied('2');
SELECT pg_catalog.count(*) > 0 AS health FROM vigil_ext.vigil_health();
SELECT pg_catalog.length(vigil_ext.vigil_metrics()) > 0 AS metrics;
SELECT pg_catalog.count(*) >= 0 AS snapshot FROM vigil_ext.vigil_snapshot();
SELECT pg_catalog.count(*) >= 0 AS optimize FROM vigil_ext.vigil_optimize(false);
SELECT vigil_ext.vigil_rule_drop('n_small');
SELECT is_called AS a_planted_object_was_used FROM trap.hits;

-- the same with the extension in public (after the planted vigil_* views are gone): the
-- install script runs with public first in its search_path, beside the planted operators
DROP EXTENSION vigil;
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['vigil_rules', 'vigil_quarantine', 'vigil_migrations',
                           'vigil_migration_events', 'vigil_settings', 'vigil_health_history',
                           'vigil_alerts', 'vigil_backups'] LOOP
    EXECUTE pg_catalog.format('DROP VIEW public.%I', r);
  END LOOP;
END $$;
DROP TABLE m1;
CREATE EXTENSION vigil;
SELECT vigil_rule_add('n_small', 'parent', 'n < 100');
SELECT check_name, table_name, violations FROM vigil_check() ORDER BY 1, 2;
SELECT vigil_table_checksum('parted') IS NOT NULL AS checksum;
SELECT vigil_migration_add('1', 'one', 'CREATE TABLE m1 (id int)');
SELECT version, status FROM vigil_migrate();
SELECT pg_catalog.count(*) >= 0 AS query_stats FROM vigil_query_stats();
SELECT check_name, violations FROM vigil_check('child', true) ORDER BY 1;
-- every registered function (registry-driven: a new one is covered too), with NULL for each
-- argument: whatever it answers, it reaches no planted object
SELECT pg_catalog.count(*) > 20 AS functions_called,
       pg_catalog.count(*) FILTER (WHERE r LIKE '%planted object%') AS reached_planted_objects,
       pg_catalog.count(*) FILTER (WHERE r LIKE 'XX%') AS internal_errors
FROM (SELECT trap.show_error(pg_catalog.format('SELECT * FROM %I(%s)', p.proname,
        pg_catalog.array_to_string(
          pg_catalog.array_fill('NULL'::text, ARRAY[p.pronargs::integer]), ', '))) AS r
      FROM vigil_functions() f
      JOIN pg_catalog.pg_proc p ON p.proname OPERATOR(pg_catalog.=) f.name
        AND p.pronamespace OPERATOR(pg_catalog.=) 'public'::pg_catalog.regnamespace::pg_catalog.oid) calls;
SELECT is_called AS a_planted_object_was_used FROM trap.hits;

-- 4. Privileges: a role may only check what it may read.
CREATE ROLE vigil_sec_user;
GRANT SELECT ON parent TO vigil_sec_user;
GRANT USAGE ON SCHEMA trap TO vigil_sec_user;
SET ROLE vigil_sec_user;
SELECT pg_catalog.count(*) AS parent_readable FROM vigil_check('parent');
SELECT trap.show_error($$SELECT * FROM vigil_check('child')$$);
SELECT trap.show_error($$SELECT * FROM vigil_check_rows('fk_orphan', 'child')$$);
SELECT trap.show_error($$SELECT vigil_table_checksum('child')$$);
SELECT trap.show_error($$SELECT * FROM vigil_checksum_segments('child', 2)$$);
SELECT trap.show_error($$SELECT * FROM vigil_table_stats('child')$$);
SELECT trap.show_error($$SELECT * FROM vigil_check()$$);
-- functions that write are not for PUBLIC
SELECT trap.show_error($$SELECT vigil_rule_add('r', 'parent', 'n > 0')$$);
SELECT trap.show_error($$SELECT vigil_rule_drop('n_small')$$);
SELECT trap.show_error($$SELECT * FROM vigil_migrate()$$);
SELECT trap.show_error($$SELECT vigil_migration_add('9', 'x', 'SELECT 1')$$);
SELECT trap.show_error($$SELECT * FROM vigil_snapshot()$$);
-- vigil's ledgers are not readable, vigil_rules is
SELECT trap.show_error($$SELECT count(*) FROM vigil_migrations$$);
SELECT pg_catalog.count(*) AS rules_readable FROM vigil_rules;
RESET ROLE;
-- EXECUTE granted on a writing function still needs the rights on what it changes
GRANT EXECUTE ON FUNCTION vigil_rule_add(text, text, text, text, text) TO vigil_sec_user;
SET ROLE vigil_sec_user;
SELECT trap.show_error($$SELECT vigil_rule_add('r', 'parent', 'n > 0')$$);
RESET ROLE;
SELECT pg_catalog.count(*) AS rules_unchanged FROM vigil_rules;
REVOKE ALL ON parent FROM vigil_sec_user;
REVOKE ALL ON SCHEMA trap FROM vigil_sec_user;
REVOKE ALL ON FUNCTION vigil_rule_add(text, text, text, text, text) FROM vigil_sec_user;
DROP ROLE vigil_sec_user;
SELECT is_called AS a_planted_object_was_used FROM trap.hits;

-- 5. The caller's names.  The functions run with search_path = pg_catalog, pg_temp, and
--    still resolve what the caller names the caller's way: the table names passed, rule
--    conditions (and the functions they call, which plan their own statements when they
--    run), migration SQL.  vigil's own output does not depend on the caller's search_path.
CREATE SCHEMA app;
CREATE TABLE app.gauges (id integer PRIMARY KEY, reading integer);
INSERT INTO app.gauges VALUES (1, 5), (2, 50), (3, 7);
CREATE FUNCTION app.limit_of() RETURNS integer LANGUAGE sql AS 'SELECT 10';
CREATE FUNCTION app.in_range(v integer) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN v <= limit_of();  -- unqualified: found through the caller's search_path
END $$;
SET search_path = app, public;
SELECT table_name, row_count FROM vigil_table_stats('gauges');
SELECT vigil_rule_add('gauge_range', 'gauges', 'in_range(reading)');
SELECT check_name, table_name, violations FROM vigil_check('gauges');
SELECT row_key, detail FROM vigil_check_rows('rule:gauge_range', 'gauges');
-- the repair evaluates the condition again, row by row, as the caller would
SELECT action, table_name, rows_affected FROM vigil_repair(false)
WHERE table_name OPERATOR(pg_catalog.=) 'app.gauges' ORDER BY 1;
SELECT * FROM app.gauges ORDER BY id;
-- with the caller's search_path elsewhere, the same names are not found
SET search_path = public;
SELECT trap.show_error($$SELECT * FROM vigil_table_stats('gauges')$$);
SELECT trap.show_error($$SELECT vigil_rule_add('gauge_range2', 'app.gauges', 'in_range(reading)')$$);
SELECT vigil_rule_drop('gauge_range');
-- a migration's statements land where the caller's search_path says; a SET search_path in a
-- migration holds for the statements after it, and stays set after the call as a plain SET
-- does in any function with a SET clause
SET search_path = app, public;
SELECT vigil_migration_add('100', 'in app', 'CREATE TABLE mig_in_app (id integer)');
SELECT vigil_migration_add('101', 'switch', $$SET search_path = trap, public; CREATE TABLE mig_in_trap (id integer)$$);
SELECT vigil_migration_add('102', 'after switch', 'CREATE TABLE mig_after (id integer)');
SELECT version, status FROM vigil_migrate() ORDER BY version;
SHOW search_path;
-- a SET LOCAL holds for the rest of the call, not after it
SELECT vigil_migration_add('103', 'local', $$SET LOCAL search_path = app; CREATE TABLE mig_local (id integer)$$);
SELECT vigil_migration_add('104', 'after local', 'CREATE TABLE mig_local_after (id integer)');
SELECT version, status FROM vigil_migrate() ORDER BY version;
SHOW search_path;
-- a failing migration's SET is rolled back with it
SELECT vigil_migration_add('105', 'fails after a SET', $$SET search_path = public; SELECT 1/0$$);
SELECT version, status FROM vigil_migrate() ORDER BY version;
SHOW search_path;
SELECT n.nspname, c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~~) 'mig\_%' ORDER BY 2;
-- vigil's own output is the same whatever the caller's search_path: a default that names a
-- sequence, a column of a type outside pg_catalog
CREATE TYPE app.mood AS ENUM ('ok', 'bad');
CREATE TABLE app.feelings (id serial PRIMARY KEY, m app.mood DEFAULT 'ok');
SET search_path = app, public;
CREATE TEMP TABLE seen AS
SELECT 'app first' AS path, name, engine_definition FROM vigil_schema() WHERE table_name = 'app.feelings';
INSERT INTO seen SELECT 'app first', 'fingerprint', vigil_schema_fingerprint();
SET search_path = public;
INSERT INTO seen
SELECT 'public only', name, engine_definition FROM vigil_schema() WHERE table_name = 'app.feelings';
INSERT INTO seen SELECT 'public only', 'fingerprint', vigil_schema_fingerprint();
SELECT name, engine_definition FROM seen WHERE path = 'app first' AND name <> 'fingerprint' ORDER BY 1;
SELECT pg_catalog.count(DISTINCT (name, engine_definition)) AS distinct_rows,
       pg_catalog.count(*) AS rows_seen FROM seen;
RESET search_path;
SELECT is_called AS a_planted_object_was_used FROM trap.hits;

\c :regress_db
DROP DATABASE vigil_hostile;
