-- vigil_repair / vigil_quarantine / vigil_restore: the same findings give the same plan, the same
-- quarantined rows (row_data in the same exact JSON form) and the same restore in both engines;
-- repair then restore gives back the same checksums.  Engine constraints added over bad rows
-- (PostgreSQL NOT VALID, SQLite ignore_check_constraints) are repaired alike; their restore
-- differs by design (PostgreSQL enforces them for the rows put back) and is tested per engine.

-- setup
CREATE TABLE readings (id integer PRIMARY KEY, v double precision, label text, note text);
INSERT INTO readings VALUES (1, 0.1, 'car', 'héllo ✓'), (2, -1e300, '', ''), (3, 2.5, 'truck', NULL),
  (4, 0.25, 'bus', 'x'), (5, 7, 'car', 'y');
CREATE TEMP TABLE before_sums AS SELECT table_name, checksum FROM vigil_checksums();

-- query
SELECT vigil_rule_add('v_range', 'readings', 'v BETWEEN -1 AND 1')
-- expect
[["v_range"]]

-- query
SELECT vigil_rule_add('labels', 'readings', 'label IN (''car'', ''bus'', '''')', 'error', 'quarantine')
-- expect
[["labels"]]

-- the dry run: the plan, batch NULL, nothing changed
-- query
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair() ORDER BY 1, 2, 4
-- expect
[["quarantine", "readings", 1, "rule:labels: fails rule labels (label IN ('car', 'bus', ''))", null], ["set_null", "readings", 2, "rule:v_range: fails rule v_range (v BETWEEN -1 AND 1) → v set to NULL", null]]

-- query
SELECT count(*) FROM before_sums b JOIN vigil_checksums() c ON c.table_name = b.table_name AND c.checksum = b.checksum
-- expect
[[1]]

-- query
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false) ORDER BY 1, 2
-- expect
[["quarantine", "readings", 1, 1], ["set_null", "readings", 2, 1]]

-- query
SELECT batch, table_name, row_key, row_data, reason, action, column_name, restored_at FROM vigil_quarantine ORDER BY row_key
-- expect
[[1, "readings", {"id": 2}, {"id": 2, "v": {"real": "-1e+300"}, "label": "", "note": ""}, "rule:v_range: fails rule v_range (v BETWEEN -1 AND 1)", "changed", "v", null], [1, "readings", {"id": 3}, {"id": 3, "v": {"real": "2.5"}, "label": "truck", "note": null}, "rule:labels: fails rule labels (label IN ('car', 'bus', ''))", "removed", null, null], [1, "readings", {"id": 5}, {"id": 5, "v": {"real": "7"}, "label": "car", "note": "y"}, "rule:v_range: fails rule v_range (v BETWEEN -1 AND 1)", "changed", "v", null]]

-- query
SELECT id, v, label, note FROM readings ORDER BY id
-- expect
[[1, 0.1, "car", "héllo ✓"], [2, null, "", ""], [4, 0.25, "bus", "x"], [5, null, "car", "y"]]

-- nothing repairable is left
-- query
SELECT check_name, table_name, violations FROM vigil_check() WHERE check_name <> 'physical'
-- expect
[]

-- query
SELECT vigil_restore(1)
-- expect
[[3]]

-- query
SELECT b.table_name, b.checksum = c.checksum AS same FROM before_sums b JOIN vigil_checksums() c ON c.table_name = b.table_name ORDER BY 1
-- expect
[["readings", true]]

-- query
SELECT count(*) FROM vigil_quarantine WHERE restored_at IS NOT NULL
-- expect
[[3]]

-- error 55000
SELECT vigil_restore(1)
-- expect
quarantine batch 1 was already restored

-- error 42704
SELECT vigil_restore(99)
-- expect
quarantine batch 99 does not exist

-- error 22004
SELECT vigil_restore(NULL)
-- expect
argument "batch" must not be NULL

-- Constraints over bad rows: orphans are quarantined, a CHECK is satisfied by a NULL.
-- setup
DROP TABLE readings;
SELECT vigil_rule_drop('v_range');
SELECT vigil_rule_drop('labels');
CREATE TABLE videos (id integer PRIMARY KEY, name text);
INSERT INTO videos VALUES (1, 'a'), (2, 'b');

-- setup sqlite
PRAGMA ignore_check_constraints = ON;
CREATE TABLE detections (id integer PRIMARY KEY, video_id integer REFERENCES videos (id),
  confidence double precision CHECK (confidence BETWEEN 0 AND 1), note text NOT NULL);
INSERT INTO detections VALUES (10, 1, 0.5, 'ok'), (11, 99, 0.5, 'orphan'), (12, 2, 1.5, 'high'),
  (13, 98, 2.0, 'orphan, high'), (14, 2, -0.5, 'low');

-- setup postgres
CREATE TABLE detections (id integer PRIMARY KEY, video_id integer, confidence double precision,
  note text NOT NULL);
INSERT INTO detections VALUES (10, 1, 0.5, 'ok'), (11, 99, 0.5, 'orphan'), (12, 2, 1.5, 'high'),
  (13, 98, 2.0, 'orphan, high'), (14, 2, -0.5, 'low');
ALTER TABLE detections ADD FOREIGN KEY (video_id) REFERENCES videos (id) NOT VALID;
ALTER TABLE detections ADD CHECK (confidence BETWEEN 0 AND 1) NOT VALID;

-- query
SELECT action, table_name, rows_affected, CASE WHEN detail LIKE 'check_constraint:%' THEN 'check_constraint' ELSE detail END, batch FROM vigil_repair(false) WHERE action <> 'none' ORDER BY 1, 2
-- expect
[["quarantine", "detections", 2, "fk_orphan: foreign key (video_id) references videos (id)", 2], ["set_null", "detections", 2, "check_constraint", 2]]

-- query
SELECT row_key, row_data, action, column_name FROM vigil_quarantine WHERE batch = 2 ORDER BY row_key
-- expect
[[{"id": 11}, {"id": 11, "video_id": 99, "confidence": {"real": "0.5"}, "note": "orphan"}, "removed", null], [{"id": 12}, {"id": 12, "video_id": 2, "confidence": {"real": "1.5"}, "note": "high"}, "changed", "confidence"], [{"id": 13}, {"id": 13, "video_id": 98, "confidence": {"real": "2"}, "note": "orphan, high"}, "removed", null], [{"id": 14}, {"id": 14, "video_id": 2, "confidence": {"real": "-0.5"}, "note": "low"}, "changed", "confidence"]]

-- query
SELECT id, video_id, confidence, note FROM detections ORDER BY id
-- expect
[[10, 1, 0.5, "ok"], [12, 2, null, "high"], [14, 2, null, "low"]]

-- query
SELECT check_name, table_name, violations FROM vigil_check() WHERE check_name NOT IN ('physical', 'unvalidated_constraint')
-- expect
[]
