-- sql/integrity.sql: vigil_check() and vigil_check_rows(), every check kind the engines share,
-- with defects planted the way they get into PostgreSQL: data loaded with
-- session_replication_role = replica or with triggers disabled (foreign keys), NOT VALID
-- constraints, setval() moving a sequence back, a catalog edit under a NOT NULL column.
-- A database of its own, so that the other tests' tables do not show.
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_integrity;
\c vigil_integrity
CREATE EXTENSION vigil;
CREATE SCHEMA media;
CREATE TABLE projects (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE videos (id serial PRIMARY KEY,
                     project_id integer NOT NULL REFERENCES projects (id),
                     path text NOT NULL UNIQUE, fps double precision CHECK (fps > 0));
CREATE TABLE detections (id integer PRIMARY KEY, video_id integer REFERENCES videos (id),
                         frame integer NOT NULL,
                         confidence double precision NOT NULL, label text);
-- composite primary key, self-referencing composite foreign key
CREATE TABLE frames (video_id integer, frame integer, prev_video integer, prev_frame integer,
                     PRIMARY KEY (video_id, frame),
                     FOREIGN KEY (prev_video, prev_frame) REFERENCES frames (video_id, frame));
-- a foreign key into another schema, composite
CREATE TABLE media.annotations (id integer PRIMARY KEY, video_id integer, frame integer,
                                FOREIGN KEY (video_id, frame) REFERENCES frames (video_id, frame));
-- no primary key: rows are named by ctid
CREATE TABLE log (video_id integer REFERENCES videos (id), message text NOT NULL);
CREATE TABLE empty_table (id integer PRIMARY KEY, v integer NOT NULL REFERENCES videos (id) CHECK (v > 0));
CREATE TABLE "x""; DROP TABLE t;--" (id integer PRIMARY KEY, video_id integer REFERENCES videos (id),
                                     n integer);
CREATE TABLE t (id integer PRIMARY KEY);
INSERT INTO projects VALUES (1, 'alpha'), (2, 'beta');
INSERT INTO videos (project_id, path, fps) VALUES (1, '/v/1', 30), (1, '/v/2', 25), (2, '/v/3', 29.97);
INSERT INTO detections VALUES (1, 1, 0, 0.5, 'car'), (2, 2, 1, 0.9, 'person'), (3, NULL, 2, 0.1, NULL);
INSERT INTO frames VALUES (1, 1, NULL, NULL), (1, 2, 1, 1), (2, 1, 1, 2);
INSERT INTO media.annotations VALUES (1, 1, 1), (2, 2, 1), (3, NULL, 99);
INSERT INTO log VALUES (1, 'ok'), (NULL, 'no video');
INSERT INTO "x""; DROP TABLE t;--" VALUES (1, 1, 0);
INSERT INTO t VALUES (1), (2);

-- A clean database: no rows but the info row of the physical check (amcheck is not installed).
SELECT * FROM vigil_check();
SELECT count(*) AS rows FROM vigil_check_rows('fk_orphan', 'detections');

-- Plant the defects.  Foreign keys: rows loaded as a replica, or with the triggers off.
SET session_replication_role = replica;
INSERT INTO detections VALUES (4, 99, 3, 0.7, 'car'), (5, 98, 4, 0.2, 'car'), (6, NULL, 5, 0.3, 'car'),
                              (7, 1, -1, 1.5, 'car');
INSERT INTO frames VALUES (1, 3, 1, 9), (2, 2, NULL, 5), (3, 1, 3, 1);
RESET session_replication_role;
ALTER TABLE media.annotations DISABLE TRIGGER ALL;
INSERT INTO media.annotations VALUES (4, 2, 7), (5, 7, NULL);
ALTER TABLE media.annotations ENABLE TRIGGER ALL;
ALTER TABLE log DISABLE TRIGGER ALL;
INSERT INTO log VALUES (42, 'lost'), (43, 'lost too');
ALTER TABLE log ENABLE TRIGGER ALL;
ALTER TABLE "x""; DROP TABLE t;--" DISABLE TRIGGER ALL;
INSERT INTO "x""; DROP TABLE t;--" VALUES (2, 77, 5), (3, 1, -4);
ALTER TABLE "x""; DROP TABLE t;--" ENABLE TRIGGER ALL;
-- CHECK constraints added NOT VALID over rows that break them
ALTER TABLE detections ADD CONSTRAINT confidence_range CHECK (confidence BETWEEN 0 AND 1) NOT VALID;
ALTER TABLE detections ADD CHECK (frame >= 0) NOT VALID;
ALTER TABLE "x""; DROP TABLE t;--" ADD CHECK (n >= 0) NOT VALID;
-- a sequence moved back: the next insert would take an id already used
SELECT setval('videos_id_seq', 1);
-- NULLs under NOT NULL: a catalog edit (as a superuser could) over rows that break it
CREATE TABLE people (id integer PRIMARY KEY, email text, nick text);
INSERT INTO people VALUES (1, 'a@x', 'a'), (2, 'a@x', NULL), (3, 'b@x', NULL), (4, NULL, 'd'),
                          (5, NULL, 'e'), (6, 'a@x', 'f');
UPDATE pg_attribute SET attnotnull = true WHERE attrelid = 'people'::regclass AND attname = 'nick';
-- a unique index that failed to build concurrently over duplicates: left invalid
CREATE UNIQUE INDEX CONCURRENTLY people_email ON people (email);

SELECT * FROM vigil_check();

-- One table; the rows of each finding.
SELECT * FROM vigil_check('detections');
SELECT * FROM vigil_check_rows('fk_orphan', 'detections') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('check_constraint', 'detections') ORDER BY row_key::text, detail;
SELECT * FROM vigil_check_rows('fk_orphan', 'frames') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('fk_orphan', 'media.annotations') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('fk_orphan', 'log') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('not_null', 'people') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('unique_duplicate', 'people') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('invalid_index', 'people');
SELECT * FROM vigil_check_rows('sequence_behind', 'videos') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('unvalidated_constraint', 'detections') ORDER BY detail;
SELECT * FROM vigil_check_rows('fk_orphan', 'x"; DROP TABLE t;--') ORDER BY row_key::text;
SELECT * FROM vigil_check_rows('check_constraint', 'x"; DROP TABLE t;--') ORDER BY row_key::text;
SELECT * FROM vigil_check('x"; DROP TABLE t;--');
SELECT count(*) AS t_rows FROM t;
-- the empty table, and type_mismatch, which PostgreSQL's typed columns never need
SELECT count(*) AS findings FROM vigil_check('empty_table') WHERE severity <> 'info';
SELECT count(*) AS rows FROM vigil_check_rows('type_mismatch', 'detections');

-- Every finding's violations is the number of its rows.
SELECT c.check_name, c.table_name, sum(c.violations) AS violations,
       (SELECT count(*) FROM vigil_check_rows(c.check_name, c.table_name)) AS rows
FROM vigil_check() AS c WHERE c.table_name IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2;

-- Misuse: clear errors with their SQLSTATE, nothing changed.
CREATE FUNCTION show_error(sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE sql;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT show_error($$SELECT * FROM vigil_check_rows('nope', 'detections')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows(NULL, 'detections')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('fk_orphan', NULL)$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('fk_orphan', 'missing')$$);
SELECT show_error($$SELECT * FROM vigil_check('missing')$$);
SELECT show_error($$SELECT * FROM vigil_check('')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('fk_orphan', 'y"; DROP TABLE t;--')$$);
CREATE VIEW v AS SELECT * FROM videos;
SELECT show_error($$SELECT * FROM vigil_check('v')$$);
SELECT show_error($$SELECT * FROM vigil_check_rows('physical', 'videos')$$);
SELECT * FROM vigil_check_rows('nope', 'detections');
SELECT count(*) AS t_rows FROM t;

\c :regression_db
DROP DATABASE vigil_integrity;
