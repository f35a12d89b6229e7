-- tests/sqlite/rules.sql: data-quality rules in SQLite -- vigil_rule_add / vigil_rule_drop,
-- rule:<name> findings, refused conditions (nothing stored), DIRECTONLY (a trigger or a view
-- cannot call the writing functions).
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE detections (id INTEGER PRIMARY KEY, confidence REAL, x INTEGER, w INTEGER, label TEXT);
INSERT INTO detections VALUES (1, 0.5, 10, 20, 'car'), (2, 1.5, 10, 20, 'car'),
  (3, NULL, 600, 100, 'bus'), (4, -1, 0, 0, NULL), (5, 1, 0, 640, 'car');
CREATE TABLE "x""; DROP TABLE t;--" (n INTEGER);
INSERT INTO "x""; DROP TABLE t;--" VALUES (1), (-2), (NULL), (-3);
-- before any rule, vigil_rules does not exist and nothing is reported
SELECT count(*) FROM vigil_check();
SELECT count(*) FROM sqlite_schema WHERE name = 'vigil_rules';
SELECT vigil_rule_add('confidence_range', 'detections', 'confidence BETWEEN 0 AND 1');
SELECT vigil_rule_add('inside_frame', 'DETECTIONS', 'x + w <= 640', 'warning', 'quarantine');
SELECT vigil_rule_add('non_negative', 'x"; DROP TABLE t;--', 'n >= 0', 'INFO');
SELECT name, table_name, condition, severity, repair, created_at <= CURRENT_TIMESTAMP AS created
FROM vigil_rules ORDER BY name;
SELECT * FROM vigil_check();
SELECT * FROM vigil_check_rows('rule:confidence_range', 'detections') ORDER BY row_key;
SELECT * FROM vigil_check_rows('rule:non_negative', 'x"; DROP TABLE t;--') ORDER BY row_key;
SELECT count(*) FROM vigil_check_rows('rule:nope', 'detections');
-- refused: nothing stored
SELECT vigil_rule_add('confidence_range', 'detections', 'x > 0');
SELECT vigil_rule_add('r', 'detections', 'nope > 1');
SELECT vigil_rule_add('r', 'detections', 'x > 0; DROP TABLE detections');
SELECT vigil_rule_add('r', 'detections', 'x > 0) OR (1');
SELECT vigil_rule_add('r', 'detections', 'x > 0 -- comment');
SELECT vigil_rule_add('r', 'detections', 'x IN (SELECT 1 FROM (DELETE FROM detections))');
SELECT vigil_rule_add('r', 'detections', '');
SELECT vigil_rule_add('r', 'detections', 'x > 0', 'fatal');
SELECT vigil_rule_add('r', 'detections', 'x > 0', 'error', 'delete');
SELECT vigil_rule_add(NULL, 'detections', 'x > 0');
SELECT vigil_rule_add('r', 'no_such_table', 'x > 0');
SELECT vigil_rule_drop('no_such_rule');
SELECT count(*) AS rules FROM vigil_rules;
SELECT count(*) AS detections_rows FROM detections;
-- writing functions cannot run from a trigger or a view
CREATE TABLE log (m TEXT);
CREATE TRIGGER log_rule AFTER INSERT ON log BEGIN SELECT vigil_rule_add('t', 'detections', 'x > 0'); END;
INSERT INTO log VALUES ('a');
CREATE VIEW drop_rule AS SELECT vigil_rule_drop('confidence_range');
SELECT * FROM drop_rule;
SELECT count(*) AS rules FROM vigil_rules;
SELECT vigil_rule_drop('inside_frame');
SELECT check_name, violations FROM vigil_check() ORDER BY 1;
-- vigil's own table is not a user table
SELECT count(*) FROM vigil_schema() WHERE table_name = 'vigil_rules';
-- replace() is a function, not the REPLACE statement: allowed
SELECT vigil_rule_add('no_space', 'detections', 'replace(label, '' '', '''') = label');
SELECT check_name, violations FROM vigil_check() WHERE check_name = 'rule:no_space';
