-- sql/upgrade.sql: ALTER EXTENSION vigil UPDATE from 0.1.0 (docs/upgrading.md).
--   1. A database created with VERSION '0.1.0' and filled (rules, migrations ledger and its
--      events, quarantine rows, health history and alerts) is updated; its data is kept and
--      usable (the batch quarantined under 0.1.0 is restored under 0.2.0).
--   2. Every member of the updated extension (functions: signature, OUT columns, defaults,
--      volatility, parallel safety, strictness, SECURITY DEFINER, SET options, C symbol,
--      grants; tables: columns, defaults, constraints, indexes, grants, row security and
--      policies; sequences; pg_dump's configuration tables) equals a fresh install's: the
--      symmetric difference of the two descriptions is empty.
--   3. The install scripts agree with the C++ registry (vigil_functions()): each registry entry
--      has exactly one pg_proc entry with the same kind, argument types, optional arguments
--      (DEFAULT NULL) and write status (VOLATILE, no EXECUTE for PUBLIC), and vice versa.
-- It runs in a database of its own: it drops the extension.
SET client_min_messages = warning;
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_upgrade_test;
\c vigil_upgrade_test
SET client_min_messages = warning;

-- A canonical description of every member of the extension: (kind, object, property, value),
-- no OIDs, so two installs compare row by row.
CREATE FUNCTION describe_vigil() RETURNS TABLE (kind text, object text, property text, value text)
LANGUAGE sql STABLE AS $$
WITH members AS (
  SELECT d.classid, d.objid, d.objsubid
  FROM pg_catalog.pg_depend d
  JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
  WHERE d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass AND d.deptype = 'e'
    AND e.extname = 'vigil'),
funcs AS (
  SELECT p.* FROM pg_catalog.pg_proc p JOIN members m
    ON m.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND m.objid = p.oid),
rels AS (
  SELECT c.* FROM pg_catalog.pg_class c JOIN members m
    ON m.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND m.objid = c.oid)
-- every member by its description (any kind of object)
SELECT 'member', pg_catalog.pg_describe_object(classid, objid, objsubid), 'exists', ''
FROM members
UNION ALL
SELECT 'function', f.oid::pg_catalog.regprocedure::text, x.property, x.value
FROM funcs f, LATERAL (VALUES
  ('arguments', pg_catalog.pg_get_function_arguments(f.oid)),
  ('result', pg_catalog.pg_get_function_result(f.oid)),
  ('retset', f.proretset::text),
  ('volatile', f.provolatile::text),
  ('parallel', f.proparallel::text),
  ('strict', f.proisstrict::text),
  ('security_definer', f.prosecdef::text),
  ('leakproof', f.proleakproof::text),
  ('cost_rows', f.procost || '/' || f.prorows),
  ('config', COALESCE(f.proconfig::text, '')),
  ('language', (SELECT l.lanname::text FROM pg_catalog.pg_language l WHERE l.oid = f.prolang)),
  ('symbol', f.prosrc || ' ' || COALESCE(f.probin, '')),
  ('owner', f.proowner::pg_catalog.regrole::text),
  ('acl', COALESCE(f.proacl::text, '(default)')),
  ('comment', COALESCE(pg_catalog.obj_description(f.oid, 'pg_proc'), ''))) AS x(property, value)
UNION ALL
SELECT 'relation', r.oid::pg_catalog.regclass::text, x.property, x.value
FROM rels r, LATERAL (VALUES
  ('kind', r.relkind::text),
  ('persistence', r.relpersistence::text),
  ('owner', r.relowner::pg_catalog.regrole::text),
  ('acl', COALESCE(r.relacl::text, '(default)')),
  ('row_security', r.relrowsecurity || '/' || r.relforcerowsecurity),
  ('options', COALESCE(r.reloptions::text, '')),
  ('comment', COALESCE(pg_catalog.obj_description(r.oid, 'pg_class'), ''))) AS x(property, value)
UNION ALL
SELECT 'column', r.oid::pg_catalog.regclass::text || '.' || a.attname,
       'definition',
       a.attnum || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END
       || COALESCE(' DEFAULT ' || pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), '')
       || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
       || CASE WHEN a.attgenerated <> '' THEN ' GENERATED ' || a.attgenerated::text ELSE '' END
       || COALESCE(' COLLATE ' || NULLIF(a.attcollation, 0)::pg_catalog.regcollation::text, '')
       || COALESCE(' ACL ' || a.attacl::text, '')
FROM rels r
JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = r.oid AND ad.adnum = a.attnum
WHERE r.relkind IN ('r', 'p', 'v', 'm', 'f')
UNION ALL
SELECT 'constraint', r.oid::pg_catalog.regclass::text || ' ' || c.conname, 'definition',
       pg_catalog.pg_get_constraintdef(c.oid) || CASE WHEN c.convalidated THEN '' ELSE ' (not valid)' END
FROM rels r JOIN pg_catalog.pg_constraint c ON c.conrelid = r.oid
UNION ALL
SELECT 'index', i.indexrelid::pg_catalog.regclass::text, 'definition',
       pg_catalog.pg_get_indexdef(i.indexrelid)
FROM rels r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
UNION ALL
SELECT 'policy', r.oid::pg_catalog.regclass::text || ' ' || p.polname, 'definition',
       p.polcmd::text || ' ' || p.polpermissive::text || ' ' || p.polroles::pg_catalog.regrole[]::text
       || ' USING ' || COALESCE(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '-')
       || ' CHECK ' || COALESCE(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '-')
FROM rels r JOIN pg_catalog.pg_policy p ON p.polrelid = r.oid
UNION ALL
SELECT 'trigger', r.oid::pg_catalog.regclass::text || ' ' || t.tgname, 'definition',
       pg_catalog.pg_get_triggerdef(t.oid)
FROM rels r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
UNION ALL
SELECT 'sequence', s.seqrelid::pg_catalog.regclass::text, 'definition',
       pg_catalog.format_type(s.seqtypid, NULL) || ' ' || s.seqstart || ' ' || s.seqincrement
       || ' ' || s.seqmin || ' ' || s.seqmax || ' ' || s.seqcache || ' ' || s.seqcycle
       || ' owned by ' || COALESCE((SELECT d.refobjid::pg_catalog.regclass::text || '.' || d.refobjsubid
                                    FROM pg_catalog.pg_depend d
                                    WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                                      AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')
                                      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass), '-')
FROM rels r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid
UNION ALL
-- pg_dump's configuration tables (pg_extension_config_dump) and their filters
SELECT 'extension', 'vigil', 'config ' || cfg.rel::pg_catalog.regclass::text, COALESCE(cfg.cond, '')
FROM pg_catalog.pg_extension e,
     LATERAL ROWS FROM (unnest(e.extconfig), unnest(e.extcondition)) AS cfg(rel, cond)
WHERE e.extname = 'vigil'
UNION ALL
SELECT 'extension', 'vigil', 'schema', e.extnamespace::pg_catalog.regnamespace::text
FROM pg_catalog.pg_extension e WHERE e.extname = 'vigil'
$$;

--------------------------------------------------------------------------------------------
-- 1. 0.1.0, filled, updated
--------------------------------------------------------------------------------------------
CREATE EXTENSION vigil VERSION '0.1.0';
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vigil';
CREATE TABLE readings (id int PRIMARY KEY, v float8, label text);
INSERT INTO readings VALUES (1, 0.5, 'car'), (2, 7, 'bus'), (3, -0.25, 'boat'), (4, 9, 'truck');
CREATE TABLE log (n int GENERATED ALWAYS AS IDENTITY, msg text, level int);
INSERT INTO log (msg, level) VALUES ('ok', 1), ('bad', -1);
SELECT vigil_rule_add('v_range', 'readings', 'v BETWEEN -1 AND 1');
SELECT vigil_rule_add('labels', 'readings', $$label IN ('car', 'bus')$$, 'error', 'quarantine');
SELECT vigil_rule_add('levels', 'log', 'level >= 0', 'warning', 'quarantine');
SELECT vigil_migration_add('1', 'projects',
  'CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL);', 'DROP TABLE projects;');
SELECT vigil_migration_add('2', 'project code', 'ALTER TABLE projects ADD COLUMN code text;',
  'ALTER TABLE projects DROP COLUMN code;');
SELECT version, name, status FROM vigil_migrate('1');
-- What 0.1.0's vigil_repair(false) and vigil_snapshot() wrote, written here as they wrote it:
-- the 0.2.0 library loaded in this server reads vigil_rules.added_by and the quarantine's new
-- columns, which exist only after ALTER EXTENSION UPDATE (docs/upgrading.md), and the 0.1.0
-- library cannot be loaded beside it.  The rows are byte for byte what 0.1.0 wrote for this data
-- (docs/repair.md gives the encoding, unchanged in 0.2.0).
DELETE FROM log WHERE level < 0;
DELETE FROM readings WHERE label NOT IN ('car', 'bus');
UPDATE readings SET v = NULL WHERE id = 2;
INSERT INTO vigil_quarantine (batch, table_name, row_key, row_data, reason, action, column_name) VALUES
  (1, 'log', '{"ctid": "(0,2)"}', '{"n": 2, "msg": "bad", "level": -1}', 'rule:levels: fails rule levels (level >= 0)', 'removed', NULL),
  (1, 'readings', '{"id": 3}', '{"v": {"real": "-0.25"}, "id": 3, "label": "boat"}', 'rule:labels: fails rule labels (label IN (''car'', ''bus''))', 'removed', NULL),
  (1, 'readings', '{"id": 4}', '{"v": {"real": "9"}, "id": 4, "label": "truck"}', 'rule:labels: fails rule labels (label IN (''car'', ''bus''))', 'removed', NULL),
  (1, 'readings', '{"id": 2}', '{"v": {"real": "7"}, "id": 2, "label": "bus"}', 'rule:v_range: fails rule v_range (v BETWEEN -1 AND 1)', 'changed', 'v');
INSERT INTO vigil_health_history (recorded_at, metric, value, threshold, status, message) VALUES
  (CURRENT_TIMESTAMP, 'overall', 100, NULL, 'excellent', '8 of 8 metrics ok'),
  (CURRENT_TIMESTAMP, 'integrity_errors', 3, 0, 'critical', '3 errors');
CREATE TEMP TABLE data_before AS
SELECT 'rules' AS what, pg_catalog.count(*) AS n FROM vigil_rules
UNION ALL SELECT 'migrations', pg_catalog.count(*) FROM vigil_migrations
UNION ALL SELECT 'migration events', pg_catalog.count(*) FROM vigil_migration_events
UNION ALL SELECT 'quarantine', pg_catalog.count(*) FROM vigil_quarantine
UNION ALL SELECT 'health history', pg_catalog.count(*) FROM vigil_health_history
UNION ALL SELECT 'alerts', pg_catalog.count(*) FROM vigil_alerts;

ALTER EXTENSION vigil UPDATE;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vigil';
SELECT vigil_version();
-- the data is kept...
SELECT b.what, b.n > 0 AS had_rows, a.n = b.n AS kept
FROM data_before b JOIN (
  SELECT 'rules' AS what, pg_catalog.count(*) AS n FROM vigil_rules
  UNION ALL SELECT 'migrations', pg_catalog.count(*) FROM vigil_migrations
  UNION ALL SELECT 'migration events', pg_catalog.count(*) FROM vigil_migration_events
  UNION ALL SELECT 'quarantine', pg_catalog.count(*) FROM vigil_quarantine
  UNION ALL SELECT 'health history', pg_catalog.count(*) FROM vigil_health_history
  UNION ALL SELECT 'alerts', pg_catalog.count(*) FROM vigil_alerts) a USING (what)
ORDER BY 1;
-- ... and usable: the batch quarantined under 0.1.0 comes back, the ledger goes on
SELECT vigil_restore(1);
SELECT * FROM readings ORDER BY id;
SELECT msg, level FROM log ORDER BY n;
SELECT count(*) AS restored FROM vigil_quarantine WHERE restored_at IS NOT NULL;
SELECT version, name, status FROM vigil_migrate();
SELECT version, state FROM vigil_migrations ORDER BY version;
SELECT name, table_name FROM vigil_rules ORDER BY name;
SELECT check_name, table_name, violations FROM vigil_check() ORDER BY 1, 2;

--------------------------------------------------------------------------------------------
-- 2. The updated extension equals a fresh install
--------------------------------------------------------------------------------------------
CREATE TABLE updated AS SELECT * FROM describe_vigil();
-- (the data was checked above; a fresh install starts empty)
DROP EXTENSION vigil CASCADE;
CREATE EXTENSION vigil;
SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'vigil';
CREATE TABLE fresh AS SELECT * FROM describe_vigil();
-- not vacuous: functions, tables, columns, sequences, grants were described
SELECT kind, count(*) > 0 AS described FROM fresh GROUP BY kind ORDER BY kind;
-- the difference, expected empty
(SELECT 'only after UPDATE' AS side, * FROM updated EXCEPT SELECT 'only after UPDATE', * FROM fresh)
UNION ALL
(SELECT 'only in a fresh install', * FROM fresh EXCEPT SELECT 'only in a fresh install', * FROM updated)
ORDER BY 2, 3, 4, 1;

--------------------------------------------------------------------------------------------
-- 3. The SQL declarations agree with the registry (vigil_functions())
--------------------------------------------------------------------------------------------
-- The registry's types as PostgreSQL may declare them (an integer may be any width).
CREATE TABLE registry_type (vigil text, pg regtype, PRIMARY KEY (vigil, pg));
INSERT INTO registry_type VALUES ('text', 'text'), ('integer', 'bigint'), ('integer', 'integer'),
  ('integer', 'smallint'), ('real', 'float8'), ('boolean', 'boolean'), ('json', 'jsonb'),
  ('json', 'json'), ('timestamp', 'timestamptz'), ('numeric', 'numeric'), ('blob', 'bytea');
CREATE TABLE registry AS
SELECT f.name, f.kind, f.writes, a.ord, a.optional, a.vigil_type, a.arg
FROM vigil_functions() f
LEFT JOIN LATERAL (
  SELECT s.ord, s.arg LIKE '[%]' AS optional,
         pg_catalog.split_part(pg_catalog.btrim(s.arg, '[]'), ' ', 2) AS vigil_type, s.arg
  FROM pg_catalog.unnest(pg_catalog.string_to_array(NULLIF(f.arguments, ''), ', '))
       WITH ORDINALITY AS s(arg, ord)) a ON true;
-- every argument's registry type is known here
SELECT name, arg FROM registry r
WHERE arg IS NOT NULL AND NOT EXISTS (SELECT 1 FROM registry_type t WHERE t.vigil = r.vigil_type);
CREATE TABLE members AS
SELECT p.proname::text AS name, p.oid, p.proretset, p.provolatile, p.pronargs, p.pronargdefaults,
       pg_catalog.has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
       pg_catalog.pg_get_function_arguments(p.oid) AS arguments, l.lanname::text AS language
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
  AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'vigil';
-- the functions written in SQL or PL/pgSQL (helpers of the install script, not the registry's)
SELECT name, language FROM members WHERE language <> 'c' ORDER BY 1;
-- the C functions are the registry's
CREATE TABLE declared AS SELECT * FROM members WHERE language = 'c';
-- names: exactly one declaration per registry entry, and no declaration outside the registry
SELECT r.name, count(d.oid) AS declarations
FROM (SELECT DISTINCT name FROM registry) r LEFT JOIN declared d USING (name)
GROUP BY r.name HAVING count(d.oid) <> 1 ORDER BY 1;
SELECT d.name AS not_in_registry FROM declared d
WHERE NOT EXISTS (SELECT 1 FROM registry r WHERE r.name = d.name) ORDER BY 1;
-- kind and writes: a table function returns a set; a function that writes is VOLATILE and not
-- executable by PUBLIC, one that does not is executable by PUBLIC
SELECT DISTINCT r.name, r.kind, r.writes, d.proretset, d.provolatile, d.public_execute
FROM registry r JOIN declared d USING (name)
WHERE (r.kind = 'table') <> d.proretset
   OR (r.writes AND d.provolatile <> 'v') OR r.writes = d.public_execute
ORDER BY 1;
-- arguments: the same number, types and position; the optional ones (and only they) DEFAULT
SELECT d.name, d.arguments,
       (SELECT pg_catalog.string_agg(r.arg, ', ' ORDER BY r.ord) FROM registry r
        WHERE r.name = d.name) AS registry_arguments
FROM declared d
WHERE d.pronargs <> (SELECT count(r.ord) FROM registry r WHERE r.name = d.name)
   OR d.pronargdefaults <> (SELECT count(*) FROM registry r WHERE r.name = d.name AND r.optional)
   OR EXISTS (
     SELECT 1 FROM registry r
     WHERE r.name = d.name AND r.ord IS NOT NULL
       AND NOT EXISTS (
         SELECT 1 FROM registry_type t JOIN pg_catalog.pg_proc p ON p.oid = d.oid
         WHERE t.vigil = r.vigil_type AND t.pg = p.proargtypes[r.ord - 1]::pg_catalog.regtype))
   OR EXISTS (  -- an optional argument after a required one would not be omissible
     SELECT 1 FROM registry r1 JOIN registry r2 ON r2.name = r1.name AND r2.ord > r1.ord
     WHERE r1.name = d.name AND r1.optional AND NOT r2.optional)
ORDER BY 1;
-- not vacuous
SELECT count(DISTINCT name) > 30 AS registry_entries, count(*) > count(DISTINCT name) AS arguments
FROM registry;

\c :regression_db
DROP DATABASE vigil_upgrade_test;
