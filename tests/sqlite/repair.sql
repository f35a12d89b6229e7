-- tests/sqlite/repair.sql: vigil_repair / vigil_quarantine / vigil_restore in SQLite -- each
-- repair action, the dry run changes nothing, repair leaves nothing repairable, repair then
-- restore gives identical content (vigil_checksums, storage classes, rowids), a restore that an
-- engine constraint or type affinity refuses changes nothing, DIRECTONLY (a trigger or a view
-- cannot call them).
.load build/vigil
.headers on
.mode list
.nullvalue NULL
PRAGMA ignore_check_constraints = ON;
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT);
CREATE TABLE detections (
  id INTEGER PRIMARY KEY,
  video_id INTEGER REFERENCES videos (id),
  confidence REAL CHECK (confidence BETWEEN 0 AND 1),
  label TEXT,
  box BLOB,
  extra);
CREATE TABLE log (msg TEXT, level INTEGER);
INSERT INTO videos VALUES (1, 'a.mp4'), (2, NULL), (3, 'c.mp4'), (4, 'd.mp4');
-- video 2 (a NULL name) is referenced by detection 12: quarantining it is refused
INSERT INTO detections VALUES
  (10, 1, 0.5, 'car', X'00ff', 0.1),
  (11, 99, 0.25, '', X'', 'héllo ✓'),
  (12, 2, 1.5, NULL, NULL, 9223372036854775807),
  (13, 3, 0.75, 'truck', X'de00ad', 1e300),
  (14, 98, -2.5, 'bus', NULL, ''),
  (15, 4, 0.125, 'car', NULL, -0.0);
INSERT INTO log VALUES ('ok', 1), ('bad', -1), ('ok', 2), ('worse', -7);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'name TEXT', 'name TEXT NOT NULL') WHERE name = 'videos';
PRAGMA writable_schema = RESET;
UPDATE sqlite_sequence SET seq = 2 WHERE name = 'videos';
SELECT vigil_rule_add('labels', 'detections', 'label IN (''car'', ''bus'', '''')');
SELECT vigil_rule_add('levels', 'log', 'level >= 0', 'warning', 'quarantine');
CREATE TEMP TABLE before_sums AS SELECT table_name, row_count, checksum FROM vigil_checksums();
SELECT check_name, table_name, violations, sample_keys FROM vigil_check();

-- the dry run: the plan, nothing changed (not even vigil_quarantine created), batch NULL
SELECT * FROM vigil_repair();
SELECT count(*) AS plan_rows FROM vigil_repair(NULL);
SELECT count(*) AS unchanged FROM before_sums b JOIN vigil_checksums() c USING (table_name)
WHERE b.checksum = c.checksum;
SELECT seq FROM sqlite_sequence WHERE name = 'videos';
SELECT count(*) AS quarantine_tables FROM sqlite_schema WHERE name = 'vigil_quarantine';

-- the repair, batch 1; vigil_check still reports only what was refused
SELECT * FROM vigil_repair(0);
SELECT check_name, table_name, violations, sample_keys FROM vigil_check();
SELECT seq FROM sqlite_sequence WHERE name = 'videos';
SELECT id, batch, table_name, row_key, row_data, reason, action, column_name,
       quarantined_at IS NOT NULL AS at, restored_at
FROM vigil_quarantine ORDER BY id;
SELECT * FROM detections ORDER BY id;
SELECT rowid, * FROM log ORDER BY rowid;
-- a second repair has nothing to quarantine: batch NULL
SELECT * FROM vigil_repair(1 = 0);

-- restore: the content is back exactly (checksums, storage classes, rowids)
SELECT vigil_restore(1);
SELECT b.table_name, b.checksum = c.checksum AS same, c.row_count
FROM before_sums b JOIN vigil_checksums() c USING (table_name) ORDER BY 1;
SELECT id, typeof(confidence), typeof(label), quote(box), typeof(extra), quote(extra)
FROM detections ORDER BY id;
SELECT rowid, * FROM log ORDER BY rowid;
SELECT count(*) AS restored FROM vigil_quarantine WHERE batch = 1 AND restored_at IS NOT NULL;
SELECT vigil_restore(1);
SELECT vigil_restore(99);
SELECT vigil_restore(NULL);
SELECT vigil_restore('x');

-- a restore that a constraint refuses changes nothing; once the conflict is gone it works
SELECT action, table_name, rows_affected, batch FROM vigil_repair(0) ORDER BY 1, 2;
INSERT INTO detections (id, video_id, confidence) VALUES (11, 1, 0.5);
SELECT vigil_restore(2);
SELECT count(*) AS still_quarantined FROM vigil_quarantine WHERE batch = 2 AND restored_at IS NULL;
SELECT id, confidence, label FROM detections ORDER BY id;
DELETE FROM detections WHERE id = 11;
SELECT vigil_restore(2);
SELECT b.table_name, b.checksum = c.checksum AS same
FROM before_sums b JOIN vigil_checksums() c USING (table_name) ORDER BY 1;
-- the next sections repair other tables only
DROP TABLE detections;
DROP TABLE log;
DROP TABLE videos;

-- a WITHOUT ROWID table: found by its primary key, put back exactly
CREATE TABLE wr (k TEXT PRIMARY KEY, v INTEGER, w) WITHOUT ROWID;
INSERT INTO wr VALUES ('a', 1, X'01'), ('b', -5, 2.5), ('c', 7, 'x');
SELECT vigil_rule_add('wr_v', 'wr', 'v BETWEEN 0 AND 5');
CREATE TEMP TABLE wr_sum AS SELECT vigil_table_checksum('wr') AS c;
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(0) WHERE table_name = 'wr';
SELECT * FROM wr ORDER BY k;
SELECT vigil_restore(3);
SELECT vigil_table_checksum('wr') = (SELECT c FROM wr_sum) AS same;
SELECT vigil_rule_drop('wr_v');
DROP TABLE wr;

-- unique_duplicate keeps the oldest row of a key; not_null quarantines.  Putting them back
-- breaks the (now enforced) UNIQUE and NOT NULL: the restore fails and changes nothing.
CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, nick TEXT);
CREATE INDEX people_email ON people (email);
INSERT INTO people VALUES (1, 'a@x', 'a'), (2, 'a@x', 'b'), (3, 'b@x', NULL), (4, 'a@x', 'd'),
  (5, 'b@x', 'e');
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'nick TEXT', 'nick TEXT NOT NULL') WHERE name = 'people';
UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX people_email ON people (email)'
WHERE name = 'people_email';
PRAGMA writable_schema = RESET;
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(0)
WHERE table_name = 'people';
SELECT * FROM people ORDER BY id;
SELECT count(*) AS findings FROM vigil_check('people');
SELECT vigil_restore(4);
SELECT * FROM people ORDER BY id;
SELECT count(*) AS still_quarantined FROM vigil_quarantine WHERE batch = 4 AND restored_at IS NULL;

-- type_mismatch: a safe cast ('0.5' → 0.5), else NULL; the restore cannot bring the text back
-- into a REAL column (affinity converts it) and says so, changing nothing
CREATE TABLE m (id INTEGER PRIMARY KEY, score TEXT, n INTEGER);
INSERT INTO m VALUES (1, '0.5', 1), (2, 'abc', 2), (3, '0.25', 3), (4, '1', 4);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'score TEXT', 'score REAL') WHERE name = 'm';
PRAGMA writable_schema = RESET;
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(0)
WHERE table_name = 'm';
SELECT id, score, typeof(score) FROM m ORDER BY id;
SELECT count(*) AS findings FROM vigil_check('m');
SELECT vigil_restore(5);
SELECT id, score, typeof(score) FROM m ORDER BY id;

-- fk_orphans => 'set_null': the orphan keeps its row, its key becomes NULL (a composite or
-- NOT NULL key is still quarantined)
CREATE TABLE parent (a INTEGER, b INTEGER, PRIMARY KEY (a, b));
CREATE TABLE child (id INTEGER PRIMARY KEY, p INTEGER REFERENCES m (id), a INTEGER, b INTEGER,
  FOREIGN KEY (a, b) REFERENCES parent (a, b));
INSERT INTO parent VALUES (1, 1);
INSERT INTO child VALUES (1, 1, 1, 1), (2, 77, 1, 1), (3, 1, 5, 5);
SELECT vigil_repair(0, 'drop');
SELECT action, table_name, rows_affected, detail FROM vigil_repair(0, 'SET_NULL');
SELECT * FROM child ORDER BY id;

-- physical damage in an index (its entries no longer match the table): REINDEX; the repair
-- runs the complete check (integrity_check), which compares every index with its table
CREATE TABLE idx (id INTEGER PRIMARY KEY, a TEXT, b TEXT);
CREATE INDEX idx_b ON idx (b);
INSERT INTO idx VALUES (1, 'x', 'p'), (2, 'y', 'q'), (3, 'z', 'r');
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = 'CREATE INDEX idx_b ON idx (a)' WHERE name = 'idx_b';
PRAGMA writable_schema = RESET;
SELECT check_name, table_name, detail, violations FROM vigil_check(NULL, 1);
SELECT * FROM vigil_repair();
SELECT * FROM vigil_repair(0);
SELECT count(*) AS findings FROM vigil_check(NULL, 1);
PRAGMA integrity_check;

-- the scalar form (no other statement reading) gives the same rows as JSON
SELECT vigil_repair();

-- the writing functions cannot run from a trigger or a view (DIRECTONLY)
CREATE TABLE trig (x INTEGER);
CREATE TRIGGER trig_repair AFTER INSERT ON trig BEGIN SELECT vigil_repair(0); END;
INSERT INTO trig VALUES (1);
CREATE TRIGGER trig_restore AFTER UPDATE ON trig BEGIN SELECT vigil_restore(1); END;
UPDATE trig SET x = 3;
CREATE VIEW v_repair AS SELECT * FROM vigil_repair();
SELECT * FROM v_repair;
SELECT count(*) FROM trig;
