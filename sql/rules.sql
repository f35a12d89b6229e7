SELECT current_database() AS regression_db \gset
-- sql/rules.sql: data-quality rules -- vigil_rule_add / vigil_rule_drop, the rule:<name>
-- findings of vigil_check() and vigil_check_rows(), refused conditions (nothing stored),
-- privileges, pg_dump membership.
CREATE DATABASE vigil_rules_test;
\c vigil_rules_test
CREATE EXTENSION vigil;
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE detections (id integer PRIMARY KEY, confidence real, x integer, w integer,
                         label text);
INSERT INTO detections VALUES (1, 0.5, 10, 20, 'car'), (2, 1.5, 10, 20, 'car'),
  (3, NULL, 600, 100, 'bus'), (4, -1, 0, 0, NULL), (5, 1, 0, 640, 'car');
CREATE TABLE "x""; DROP TABLE t;--" (n integer);
INSERT INTO "x""; DROP TABLE t;--" VALUES (1), (-2), (NULL), (-3);

SELECT vigil_rule_add('confidence_range', 'detections', 'confidence BETWEEN 0 AND 1');
SELECT vigil_rule_add('inside_frame', 'detections', 'x + w <= 640', 'warning', 'quarantine');
SELECT vigil_rule_add('non_negative', 'x"; DROP TABLE t;--', 'n >= 0', 'INFO');
SELECT name, table_name, condition, severity, repair, created_at <= now() AS created
FROM vigil_rules ORDER BY name;

-- findings: exact counts, NULL passes (row 3 has NULL confidence; row 4 label NULL is fine)
SELECT * FROM vigil_check();
SELECT * FROM vigil_check('detections');
SELECT * FROM vigil_check_rows('rule:confidence_range', 'detections') ORDER BY row_key->>'id';
SELECT * FROM vigil_check_rows('rule:inside_frame', 'detections');
SELECT * FROM vigil_check_rows('rule:non_negative', 'x"; DROP TABLE t;--') ORDER BY 1::text;
-- a rule of another table, and an unknown rule, are errors (42704), not an empty answer
SELECT count(*) FROM vigil_check_rows('rule:non_negative', 'detections');
SELECT count(*) FROM vigil_check_rows('rule:nope', 'detections');

-- refused conditions and arguments: nothing stored
SELECT show_error($$SELECT vigil_rule_add('confidence_range', 'detections', 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'nope > 1')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x + 1')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x > 0; DROP TABLE detections')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x > 0) OR (true')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x > 0 -- comment')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', '(WITH d AS (DELETE FROM detections RETURNING 1) SELECT true)')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', '')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x > 0', 'fatal')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', 'x > 0', 'error', 'delete')$$);
SELECT show_error($$SELECT vigil_rule_add('', 'detections', 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_add(NULL, 'detections', 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('r', NULL, 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'detections', NULL)$$);
SELECT show_error($$SELECT vigil_rule_add('r', 'no_such_table', 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_drop('no_such_rule')$$);
SELECT show_error($$SELECT vigil_rule_drop(NULL)$$);
SELECT count(*) AS rules, count(*) FILTER (WHERE name = 'r') AS r FROM vigil_rules;
SELECT count(*) AS detections_rows FROM detections;

-- drop
SELECT vigil_rule_drop('inside_frame');
SELECT check_name, violations FROM vigil_check() ORDER BY 1;

-- privileges: the functions are revoked from PUBLIC; the rules table is readable by all, and
-- a condition runs with the caller's privileges.
CREATE ROLE vigil_rules_user;
GRANT SELECT ON detections TO vigil_rules_user;
SET ROLE vigil_rules_user;
SELECT show_error($$SELECT vigil_rule_add('r2', 'detections', 'x > 0')$$);
SELECT show_error($$SELECT vigil_rule_drop('confidence_range')$$);
SELECT check_name, violations FROM vigil_check('detections');
SELECT show_error($$SELECT * FROM vigil_check('x"; DROP TABLE t;--')$$);
RESET ROLE;
-- a condition reads its own row only: a subquery is refused (docs/reliability.md, "Trust model
-- for stored code"), so no rule can read a table for its caller
CREATE TABLE labels (label text PRIMARY KEY);
INSERT INTO labels VALUES ('car');
SELECT show_error($$SELECT vigil_rule_add('known_label', 'detections', 'label IN (SELECT l.label FROM labels l)')$$);
SELECT check_name, violations FROM vigil_check('detections') WHERE check_name = 'rule:known_label';
SET ROLE vigil_rules_user;
SELECT show_error($$SELECT * FROM vigil_check('detections')$$);
RESET ROLE;
SELECT proname, proacl IS NOT NULL AND NOT has_function_privilege('public', p.oid, 'EXECUTE') AS revoked,
       prosecdef
FROM pg_proc p WHERE proname LIKE 'vigil_rule%' ORDER BY 1;
-- dumped with its rows
SELECT extconfig::regclass[] FROM pg_extension WHERE extname = 'vigil';
-- the table is vigil's own: not a user table
SELECT count(*) FROM vigil_schema() WHERE table_name = 'vigil_rules';
REVOKE ALL ON detections FROM vigil_rules_user;
DROP ROLE vigil_rules_user;
\c :regression_db
DROP DATABASE vigil_rules_test;
