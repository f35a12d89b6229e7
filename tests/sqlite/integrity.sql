-- tests/sqlite/integrity.sql: vigil_check() and vigil_check_rows() in SQLite, every check kind,
-- with defects planted the way they happen in SQLite: foreign_keys off (the default),
-- ignore_check_constraints, schema edits through writable_schema.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT,
                     project_id INTEGER NOT NULL REFERENCES projects (id),
                     path TEXT NOT NULL UNIQUE, fps REAL CHECK (fps > 0));
CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER REFERENCES videos (id),
                         frame INTEGER NOT NULL,
                         confidence REAL NOT NULL CONSTRAINT confidence_range CHECK (confidence BETWEEN 0 AND 1),
                         label TEXT, CHECK (frame >= 0));
-- composite primary key, self-referencing composite foreign key, WITHOUT ROWID
CREATE TABLE frames (video_id INTEGER, frame INTEGER, prev_video INTEGER, prev_frame INTEGER,
                     PRIMARY KEY (video_id, frame),
                     FOREIGN KEY (prev_video, prev_frame) REFERENCES frames (video_id, frame))
  WITHOUT ROWID;
CREATE TABLE annotations (id INTEGER PRIMARY KEY, video_id INTEGER, frame INTEGER,
                          FOREIGN KEY (video_id, frame) REFERENCES frames (video_id, frame));
-- no primary key: rows are named by rowid
CREATE TABLE log (video_id INTEGER REFERENCES videos (id), message TEXT NOT NULL);
CREATE TABLE empty_table (id INTEGER PRIMARY KEY, v INTEGER NOT NULL REFERENCES videos (id) CHECK (v > 0));
CREATE TABLE "x""; DROP TABLE t;--" (id INTEGER PRIMARY KEY, video_id INTEGER REFERENCES videos (id),
                                     n INTEGER CHECK (n >= 0));
CREATE TABLE t (id INTEGER PRIMARY KEY);
INSERT INTO projects VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO videos (project_id, path, fps) VALUES (1, '/v/1', 30), (1, '/v/2', 25), (2, '/v/3', 29.97);
INSERT INTO detections VALUES (1, 1, 0, 0.5, 'car'), (2, 2, 1, 0.9, 'person'), (3, NULL, 2, 0.1, NULL);
INSERT INTO frames VALUES (1, 1, NULL, NULL), (1, 2, 1, 1), (2, 1, 1, 2);
INSERT INTO annotations VALUES (1, 1, 1), (2, 2, 1), (3, NULL, 99);
INSERT INTO log VALUES (1, 'ok'), (NULL, 'no video');
INSERT INTO "x""; DROP TABLE t;--" VALUES (1, 1, 0);
INSERT INTO t VALUES (1), (2);

-- A clean database: no rows.
SELECT count(*) AS findings FROM vigil_check();
SELECT count(*) AS rows FROM vigil_check_rows('fk_orphan', 'detections');

-- Plant the defects.
PRAGMA foreign_keys;
INSERT INTO detections VALUES (4, 99, 3, 0.7, 'car'), (5, 98, 4, 0.2, 'car'), (6, NULL, 5, 0.3, 'car');
INSERT INTO frames VALUES (1, 3, 1, 9), (2, 2, NULL, 5), (3, 1, 3, 1);
INSERT INTO annotations VALUES (4, 2, 7), (5, 7, NULL);
INSERT INTO log VALUES (42, 'lost'), (43, 'lost too');
INSERT INTO "x""; DROP TABLE t;--" VALUES (2, 77, 5);
PRAGMA ignore_check_constraints = ON;
INSERT INTO detections VALUES (7, 1, -1, 1.5, 'car');
INSERT INTO "x""; DROP TABLE t;--" VALUES (3, 1, -4);
PRAGMA ignore_check_constraints = OFF;
-- values no strictly typed engine could hold
INSERT INTO detections VALUES (8, 1, 2.5, 0.5, X'00FF'), (9, 1, 'ten', 0.5, 'car');
UPDATE videos SET fps = 'high' WHERE id = 3;
-- AUTOINCREMENT that would hand out an id already taken
UPDATE sqlite_sequence SET seq = 1 WHERE name = 'videos';
-- a non-INTEGER primary key of a rowid table takes NULL
CREATE TABLE codes (code TEXT PRIMARY KEY, v INTEGER);
INSERT INTO codes VALUES ('a', 1), (NULL, 2), (NULL, 3);
-- NOT NULL and UNIQUE added by editing the schema over rows that break them
CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, nick TEXT);
CREATE INDEX people_email ON people (email);
INSERT INTO people VALUES (1, 'a@x', 'a'), (2, 'a@x', NULL), (3, 'b@x', NULL), (4, NULL, 'd'),
                          (5, NULL, 'e'), (6, 'a@x', 'f');
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'nick TEXT', 'nick TEXT NOT NULL') WHERE name = 'people';
UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX people_email ON people (email)'
WHERE name = 'people_email';
PRAGMA writable_schema = RESET;

SELECT * FROM vigil_check();

-- One table; the rows of each finding.
SELECT * FROM vigil_check('detections');
SELECT * FROM vigil_check_rows('fk_orphan', 'detections') ORDER BY row_key;
SELECT * FROM vigil_check_rows('check_constraint', 'detections') ORDER BY row_key, detail;
SELECT * FROM vigil_check_rows('type_mismatch', 'detections') ORDER BY row_key, detail;
SELECT * FROM vigil_check_rows('type_mismatch', 'videos');
SELECT * FROM vigil_check_rows('fk_orphan', 'frames') ORDER BY row_key;
SELECT * FROM vigil_check_rows('fk_orphan', 'annotations') ORDER BY row_key;
SELECT * FROM vigil_check_rows('fk_orphan', 'log') ORDER BY row_key;
SELECT * FROM vigil_check_rows('not_null', 'people') ORDER BY row_key;
SELECT * FROM vigil_check_rows('not_null', 'codes') ORDER BY row_key;
SELECT * FROM vigil_check_rows('unique_duplicate', 'people') ORDER BY row_key;
SELECT * FROM vigil_check_rows('sequence_behind', 'videos') ORDER BY row_key;
SELECT * FROM vigil_check_rows('fk_orphan', 'x"; DROP TABLE t;--') ORDER BY row_key;
SELECT * FROM vigil_check_rows('check_constraint', 'x"; DROP TABLE t;--') ORDER BY row_key;
SELECT * FROM vigil_check('x"; DROP TABLE t;--');
SELECT count(*) AS t_rows FROM t;
-- the empty table and the kinds SQLite has no use for
SELECT count(*) AS findings FROM vigil_check('empty_table');
SELECT count(*) AS rows FROM vigil_check_rows('invalid_index', 'people');
SELECT count(*) AS rows FROM vigil_check_rows('unvalidated_constraint', 'detections');

-- Every finding's violations is the number of its rows.
SELECT c.check_name, c.table_name, sum(c.violations) AS violations,
       (SELECT count(*) FROM vigil_check_rows(c.check_name, c.table_name)) AS rows
FROM vigil_check() AS c GROUP BY 1, 2 ORDER BY 1, 2;

-- Misuse: clear errors, nothing changed.
SELECT * FROM vigil_check_rows('nope', 'detections');
SELECT * FROM vigil_check_rows(NULL, 'detections');
SELECT * FROM vigil_check_rows('fk_orphan', NULL);
SELECT * FROM vigil_check_rows('fk_orphan', 'missing');
SELECT * FROM vigil_check('missing');
SELECT * FROM vigil_check('');
SELECT * FROM vigil_check_rows('fk_orphan', 'y"; DROP TABLE t;--');
CREATE VIEW v AS SELECT * FROM videos;
SELECT * FROM vigil_check('v');
SELECT * FROM vigil_check_rows(42, 'videos');
SELECT count(*) AS t_rows FROM t;
