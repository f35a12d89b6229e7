-- vigil_check() / vigil_check_rows(): the same defects, planted the way each engine lets them
-- in, give the same check_name, table_name, violations and sample keys on both engines.
-- SQLite: foreign_keys off (its default), ignore_check_constraints, writable_schema edits.
-- PostgreSQL: session_replication_role = replica, NOT VALID constraints, catalog edits, setval.
-- (PostgreSQL also reports unvalidated_constraint and its physical info row, SQLite its own
-- kinds: the queries keep to the kinds both engines share.)

-- setup sqlite
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT,
                     project_id INTEGER NOT NULL REFERENCES projects (id),
                     path TEXT NOT NULL UNIQUE, fps REAL);
CREATE TABLE detections (id INTEGER PRIMARY KEY, video_id INTEGER REFERENCES videos (id),
                         frame INTEGER NOT NULL, confidence REAL NOT NULL,
                         CHECK (confidence BETWEEN 0 AND 1));
CREATE TABLE frames (video_id INTEGER, frame INTEGER, prev_video INTEGER, prev_frame INTEGER,
                     PRIMARY KEY (video_id, frame),
                     FOREIGN KEY (prev_video, prev_frame) REFERENCES frames (video_id, frame));
CREATE TABLE log (video_id INTEGER REFERENCES videos (id), message TEXT);
CREATE TABLE people (id INTEGER PRIMARY KEY, email TEXT, nick TEXT);
CREATE TABLE "x""; DROP TABLE t;--" (id INTEGER PRIMARY KEY, video_id INTEGER REFERENCES videos (id));
CREATE TABLE t (id INTEGER PRIMARY KEY);
-- setup postgres
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE videos (id serial PRIMARY KEY,
                     project_id integer NOT NULL REFERENCES projects (id),
                     path text NOT NULL UNIQUE, fps double precision);
CREATE TABLE detections (id integer PRIMARY KEY, video_id integer REFERENCES videos (id),
                         frame integer NOT NULL, confidence double precision NOT NULL);
CREATE TABLE frames (video_id integer, frame integer, prev_video integer, prev_frame integer,
                     PRIMARY KEY (video_id, frame),
                     FOREIGN KEY (prev_video, prev_frame) REFERENCES frames (video_id, frame));
CREATE TABLE log (video_id integer REFERENCES videos (id), message text);
CREATE TABLE people (id integer PRIMARY KEY, email text, nick text);
CREATE TABLE "x""; DROP TABLE t;--" (id integer PRIMARY KEY, video_id integer REFERENCES videos (id));
CREATE TABLE t (id integer PRIMARY KEY);

-- setup
INSERT INTO projects VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO videos (project_id, path, fps) VALUES (1, '/v/1', 30), (1, '/v/2', 25), (2, '/v/3', 29.97);
INSERT INTO detections VALUES (1, 1, 0, 0.5), (2, 2, 1, 0.9), (3, NULL, 2, 0.1);
INSERT INTO frames VALUES (1, 1, NULL, NULL), (1, 2, 1, 1);
INSERT INTO log VALUES (1, 'ok'), (NULL, 'no video');
INSERT INTO people VALUES (1, 'a@x', 'a'), (2, 'a@x', NULL), (3, 'b@x', NULL), (4, NULL, 'd'),
                          (5, NULL, 'e'), (6, 'a@x', 'f');
INSERT INTO t VALUES (1), (2);

-- A clean database.
-- query
SELECT count(*) FROM vigil_check() WHERE severity <> 'info';
-- expect
[[0]]

-- Orphans (PostgreSQL: loaded as a replica).
-- setup postgres
SET session_replication_role = replica;
-- setup sqlite
PRAGMA ignore_check_constraints = ON;
-- setup
INSERT INTO detections VALUES (4, 99, 3, 0.7), (5, 98, 4, 0.2), (6, NULL, 5, 0.3), (7, 1, 6, 1.5),
                              (8, 1, 7, -0.5);
INSERT INTO frames VALUES (1, 3, 1, 9), (2, 2, NULL, 5), (3, 1, 3, 1);
INSERT INTO log VALUES (42, 'lost'), (43, 'lost too');
INSERT INTO "x""; DROP TABLE t;--" VALUES (1, 1), (2, 77);
-- setup postgres
RESET session_replication_role;
-- A CHECK over rows that break it (SQLite: declared with the table, PostgreSQL: NOT VALID).
ALTER TABLE detections ADD CHECK (confidence BETWEEN 0 AND 1) NOT VALID;
-- NOT NULL over NULLs, and a unique index the engine does not enforce (catalog edits).
UPDATE pg_attribute SET attnotnull = true WHERE attrelid = 'people'::regclass AND attname = 'nick';
CREATE UNIQUE INDEX people_email ON people (email) WHERE email <> 'a@x';
UPDATE pg_index SET indisvalid = false, indisready = false, indpred = NULL
WHERE indexrelid = 'people_email'::regclass;
-- A sequence moved back.
SELECT setval('videos_id_seq', 1);
-- setup sqlite
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, 'nick TEXT', 'nick TEXT NOT NULL') WHERE name = 'people';
PRAGMA writable_schema = RESET;
CREATE INDEX people_email ON people (email);
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = 'CREATE UNIQUE INDEX people_email ON people (email)'
WHERE name = 'people_email';
PRAGMA writable_schema = RESET;
UPDATE sqlite_sequence SET seq = 1 WHERE name = 'videos';

-- query unordered
SELECT check_name, severity, table_name, violations, repairable FROM vigil_check()
WHERE check_name IN ('fk_orphan', 'not_null', 'check_constraint', 'unique_duplicate', 'sequence_behind');
-- expect
[["fk_orphan", "error", "detections", 2, 1],
 ["check_constraint", "error", "detections", 2, 1],
 ["fk_orphan", "error", "frames", 1, 1],
 ["fk_orphan", "error", "log", 2, 1],
 ["not_null", "error", "people", 2, 1],
 ["unique_duplicate", "error", "people", 3, 1],
 ["sequence_behind", "error", "videos", 2, 1],
 ["fk_orphan", "error", "x\"; DROP TABLE t;--", 1, 1]]

-- The sample keys are the smallest keys, so they agree too (where there is a primary key).
-- query unordered
SELECT check_name, table_name, sample_keys FROM vigil_check()
WHERE check_name IN ('fk_orphan', 'not_null', 'check_constraint', 'unique_duplicate', 'sequence_behind')
  AND table_name <> 'log';
-- expect
[["fk_orphan", "detections", [{"id": 4}, {"id": 5}]],
 ["check_constraint", "detections", [{"id": 7}, {"id": 8}]],
 ["fk_orphan", "frames", [{"video_id": 1, "frame": 3}]],
 ["not_null", "people", [{"id": 2}, {"id": 3}]],
 ["unique_duplicate", "people", [{"id": 1}, {"id": 2}, {"id": 6}]],
 ["sequence_behind", "videos", [{"id": 2}, {"id": 3}]],
 ["fk_orphan", "x\"; DROP TABLE t;--", [{"id": 2}]]]

-- One table.
-- query unordered
SELECT check_name, table_name, violations, sample_keys FROM vigil_check('detections')
WHERE check_name IN ('fk_orphan', 'check_constraint');

-- The offending rows.
-- query unordered
SELECT row_key, detail FROM vigil_check_rows('fk_orphan', 'detections');
-- expect
[[{"id": 4}, "(video_id)=(99) has no row in videos (id)"],
 [{"id": 5}, "(video_id)=(98) has no row in videos (id)"]]

-- query unordered
SELECT row_key, detail FROM vigil_check_rows('fk_orphan', 'frames');
-- expect
[[{"video_id": 1, "frame": 3}, "(prev_video, prev_frame)=(1, 9) has no row in frames (video_id, frame)"]]

-- query unordered
SELECT row_key FROM vigil_check_rows('check_constraint', 'detections');
-- expect
[[{"id": 7}], [{"id": 8}]]

-- query unordered
SELECT row_key, detail FROM vigil_check_rows('not_null', 'people');
-- expect
[[{"id": 2}, "nick is NULL"], [{"id": 3}, "nick is NULL"]]

-- query unordered
SELECT row_key, detail FROM vigil_check_rows('unique_duplicate', 'people');
-- expect
[[{"id": 1}, "(email)=('a@x') is shared by 3 rows under unique index people_email (email)"],
 [{"id": 2}, "(email)=('a@x') is shared by 3 rows under unique index people_email (email)"],
 [{"id": 6}, "(email)=('a@x') is shared by 3 rows under unique index people_email (email)"]]

-- query unordered
SELECT row_key FROM vigil_check_rows('sequence_behind', 'videos');
-- expect
[[{"id": 2}], [{"id": 3}]]

-- query
SELECT count(*) FROM vigil_check_rows('fk_orphan', 'log');
-- expect
[[2]]

-- query unordered
SELECT row_key, detail FROM vigil_check_rows('fk_orphan', 'x"; DROP TABLE t;--');
-- expect
[[{"id": 2}, "(video_id)=(77) has no row in videos (id)"]]

-- query
SELECT count(*) FROM t;
-- expect
[[2]]

-- Misuse.
-- error 22023
SELECT * FROM vigil_check_rows('nope', 'detections');
-- expect
unknown check "nope"

-- error 42P01
SELECT * FROM vigil_check_rows('fk_orphan', 'y"; DROP TABLE t;--');
-- expect
table "y"; DROP TABLE t;--" does not exist

-- error 42P01
SELECT * FROM vigil_check('missing');
-- expect
table "missing" does not exist

-- error 22004
SELECT * FROM vigil_check_rows(NULL, 'detections');
-- expect
argument "check_name" must not be NULL
