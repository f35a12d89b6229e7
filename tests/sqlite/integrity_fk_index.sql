-- tests/sqlite/integrity_fk_index.sql: fk_orphan where an index of the child leads with the
-- foreign key's column, so that SQLite probes the parent once per distinct value
-- (SqliteDialect::orphan_join): the same rows, details, counts and sample keys as the plain
-- anti-join, for several foreign keys of one table, NULLs, mixed storage classes, a WITHOUT
-- ROWID child, a self-reference and a table without a primary key.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE videos (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE models (name TEXT PRIMARY KEY);
CREATE TABLE detections (id INTEGER PRIMARY KEY,
                         video_id INTEGER REFERENCES videos (id),
                         model TEXT REFERENCES models (name),
                         parent_id INTEGER REFERENCES detections (id));
CREATE INDEX detections_video ON detections (video_id);
CREATE INDEX detections_model ON detections (model, id);
CREATE INDEX detections_parent ON detections (parent_id);
CREATE TABLE frames (video_id INTEGER REFERENCES videos (id), frame INTEGER,
                     PRIMARY KEY (video_id, frame)) WITHOUT ROWID;
CREATE TABLE log (video_id INTEGER REFERENCES videos (id), message TEXT);
CREATE INDEX log_video ON log (video_id);
INSERT INTO videos VALUES (1, '/v/1'), (2, '/v/2'), (3, '/v/3');
INSERT INTO models VALUES ('yolo'), ('detr');
INSERT INTO detections VALUES
  (1, 1, 'yolo', NULL), (2, 1, 'yolo', 1), (3, 2, 'detr', 1), (4, 9, 'yolo', 2),
  (5, 9, 'sam', NULL), (6, NULL, 'sam', 42), (7, 2.0, NULL, 7), (8, '3', 'YOLO', 4),
  (9, 'x', 'detr', 99), (10, 4.5, 'detr', 1), (11, 7, 'sam', 42), (12, 3, x'00', 3);
INSERT INTO frames VALUES (1, 1), (1, 2), (5, 1), (5, 2), (6, 0), (3, 1);
INSERT INTO log VALUES (1, 'ok'), (8, 'gone'), (NULL, 'none'), (8, 'gone again');

SELECT * FROM vigil_check_rows('fk_orphan', 'detections') ORDER BY detail, row_key;
SELECT * FROM vigil_check_rows('fk_orphan', 'frames') ORDER BY row_key;
SELECT * FROM vigil_check_rows('fk_orphan', 'log') ORDER BY row_key;
SELECT check_name, table_name, detail, violations, sample_keys FROM vigil_check()
WHERE check_name = 'fk_orphan' ORDER BY table_name, detail;

-- The same rows as the hand-written anti-joins (0 and 0: none missing, none extra).
WITH vigil AS (SELECT row_key ->> 'id' AS id, substr(detail, 1, instr(detail, ')') - 1) AS fk
               FROM vigil_check_rows('fk_orphan', 'detections')),
hand AS (SELECT c.id, '(video_id' FROM detections AS c LEFT JOIN videos AS p ON p.id = c.video_id
         WHERE c.video_id IS NOT NULL AND p.id IS NULL
         UNION ALL
         SELECT c.id, '(model' FROM detections AS c LEFT JOIN models AS p ON p.name = c.model
         WHERE c.model IS NOT NULL AND p.name IS NULL
         UNION ALL
         SELECT c.id, '(parent_id' FROM detections AS c LEFT JOIN detections AS p
         ON p.id = c.parent_id WHERE c.parent_id IS NOT NULL AND p.id IS NULL)
SELECT (SELECT count(*) FROM (SELECT * FROM hand EXCEPT SELECT * FROM vigil)) AS missing,
       (SELECT count(*) FROM (SELECT * FROM vigil EXCEPT SELECT * FROM hand)) AS extra,
       (SELECT count(*) FROM vigil) AS rows;

-- vigil_repair reads the same probes while it changes the rows they read: every orphan is
-- repaired once, and none is left.
SELECT action, table_name, rows_affected, detail FROM vigil_repair(0, 'set_null')
ORDER BY table_name, detail, action;
SELECT count(*) AS findings_left FROM vigil_check() WHERE check_name = 'fk_orphan';
SELECT * FROM detections ORDER BY id;
SELECT * FROM frames ORDER BY video_id, frame;
SELECT rowid, * FROM log ORDER BY rowid;
