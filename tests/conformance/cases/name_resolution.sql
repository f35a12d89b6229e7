-- How a table_name argument and the all-tables listing resolve names: the same objects,
-- created with the same SQL, must be found (or refused) alike on both engines.

-- setup
CREATE TABLE videos (id integer PRIMARY KEY, path text NOT NULL);
CREATE INDEX idx_videos_path ON videos(path);
CREATE VIEW video_paths AS SELECT path FROM videos;
CREATE TABLE vigil_notes (id integer PRIMARY KEY, body text);
CREATE TABLE vigilant (id integer PRIMARY KEY);
CREATE TEMP TABLE scratch (id integer PRIMARY KEY, v text);
INSERT INTO scratch VALUES (1, 'a'), (2, 'b');

-- Unquoted names are case-insensitive in both engines.
-- query
SELECT table_name FROM vigil_table_stats('VIDEOS');
-- expect
[["videos"]]

-- An index is not a table.
-- error
SELECT * FROM vigil_schema('idx_videos_path');

-- error
SELECT * FROM vigil_table_stats('idx_videos_path');

-- A user table whose name merely starts with "vigil_" is a user table like any other.
-- query
SELECT name FROM vigil_schema() WHERE object_type = 'table';
-- expect
[["videos"], ["vigil_notes"], ["vigilant"]]

-- query
SELECT table_name, row_count FROM vigil_table_stats();

-- query
SELECT table_name, object_type, name, definition FROM vigil_schema('vigil_notes');

-- A temporary table, named explicitly: found on both, under one name.
-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('scratch');
