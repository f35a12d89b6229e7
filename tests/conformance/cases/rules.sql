-- vigil_rule_add / vigil_rule_drop and the rule:<name> findings: the same rules give the same
-- findings, counts, keys and errors in both engines (NULL passes, as in CHECK).  Errors the
-- engine itself raises (an unknown column) have engine wording and are tested per engine.

-- setup
CREATE TABLE detections (id integer PRIMARY KEY, confidence real, x integer, w integer, label text);
INSERT INTO detections VALUES (1, 0.5, 10, 20, 'car'), (2, 1.5, 10, 20, 'car'),
  (3, NULL, 600, 100, 'bus'), (4, -1, 0, 0, NULL), (5, 1, 0, 640, 'car');
CREATE TABLE labels (label text PRIMARY KEY);
INSERT INTO labels VALUES ('car');

-- query
SELECT vigil_rule_add('confidence_range', 'detections', 'confidence BETWEEN 0 AND 1')
-- expect
[["confidence_range"]]

-- query
SELECT vigil_rule_add('inside_frame', 'detections', 'x + w <= 640', 'warning', 'quarantine')
-- expect
[["inside_frame"]]

-- query
SELECT vigil_rule_add('known_label', 'detections', 'label IN (''car'')', 'info')
-- expect
[["known_label"]]

-- query
SELECT name, table_name, condition, severity, repair FROM vigil_rules ORDER BY name

-- query
SELECT check_name, severity, table_name, detail, violations, repairable, sample_keys
FROM vigil_check() WHERE check_name LIKE 'rule:%'
-- expect
[["rule:confidence_range", "error", "detections", "fails rule confidence_range (confidence BETWEEN 0 AND 1)", 2, true, [{"id": 2}, {"id": 4}]], ["rule:inside_frame", "warning", "detections", "fails rule inside_frame (x + w <= 640)", 1, true, [{"id": 3}]], ["rule:known_label", "info", "detections", "fails rule known_label (label IN ('car'))", 1, true, [{"id": 3}]]]

-- query unordered
SELECT row_key, detail FROM vigil_check_rows('rule:confidence_range', 'detections')

-- error 42710
SELECT vigil_rule_add('confidence_range', 'detections', 'x > 0')
-- expect
rule "confidence_range" already exists

-- error 42601
SELECT vigil_rule_add('r', 'detections', 'x > 0; DROP TABLE detections')
-- expect
a rule condition must be one expression, not statements (";" found)

-- error 42601
SELECT vigil_rule_add('r', 'detections', 'x > 0) OR (1 = 1')
-- expect
unbalanced parentheses in rule condition

-- error 42601
SELECT vigil_rule_add('r', 'detections', 'x IN (SELECT 1 FROM (DELETE FROM detections) d)')
-- expect
a rule condition must be a read-only expression ("SELECT" found)

-- error 22023
SELECT vigil_rule_add('r', 'detections', 'x > 0', 'fatal')
-- expect
invalid severity "fatal"

-- error 22004
SELECT vigil_rule_add('r', NULL, 'x > 0')
-- expect
argument "table_name" must not be NULL

-- error 42P01
SELECT vigil_rule_add('r', 'no_such_table', 'x > 0')
-- expect
table "no_such_table" does not exist

-- error 42704
SELECT vigil_rule_drop('no_such_rule')
-- expect
rule "no_such_rule" does not exist

-- query
SELECT vigil_rule_drop('inside_frame')
-- expect
[["inside_frame"]]

-- query
SELECT check_name, violations FROM vigil_check() WHERE check_name LIKE 'rule:%'
-- expect
[["rule:confidence_range", 2], ["rule:known_label", 1]]
