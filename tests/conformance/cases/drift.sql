-- Schema drift: the same change moves the fingerprint the same way on both engines.
-- Temporary tables are not user tables in either engine, so they can hold the "before" values.

-- setup sqlite
CREATE TABLE projects (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
CREATE TABLE videos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE
);

-- setup postgres
CREATE TABLE projects (id serial PRIMARY KEY, name text NOT NULL);
CREATE TABLE videos (
    id serial PRIMARY KEY,
    project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path text NOT NULL UNIQUE
);

-- setup
CREATE TEMP TABLE before_fp AS
    SELECT vigil_schema_fingerprint() AS db, vigil_schema_fingerprint('videos') AS videos,
           vigil_schema_fingerprint('projects') AS projects;

-- query
SELECT db, videos, projects FROM before_fp;

-- Temporary tables are not part of the schema.
-- query
SELECT vigil_schema_fingerprint() = db FROM before_fp;
-- expect
[[true]]

-- setup
ALTER TABLE videos ADD COLUMN notes TEXT;

-- query
SELECT vigil_schema_fingerprint();

-- query
SELECT vigil_schema_fingerprint('videos');

-- query
SELECT vigil_schema_fingerprint() <> db, vigil_schema_fingerprint('videos') <> videos,
       vigil_schema_fingerprint('projects') = projects
FROM before_fp;
-- expect
[[true, true, true]]

-- query
SELECT name, definition FROM vigil_schema('videos') WHERE object_type = 'column';
-- expect
[["id", "1 integer not null identity"],
 ["project_id", "2 integer not null"],
 ["path", "3 text not null"],
 ["notes", "4 text"]]

-- A second step of drift: a new index.
-- setup
CREATE INDEX idx_videos_project ON videos(project_id);

-- query
SELECT vigil_schema_fingerprint(), vigil_schema_fingerprint('videos'), vigil_schema_fingerprint('projects');

-- Undoing the change gives back the original fingerprint.
-- setup
DROP INDEX idx_videos_project;
ALTER TABLE videos DROP COLUMN notes;

-- query
SELECT vigil_schema_fingerprint() = db, vigil_schema_fingerprint('videos') = videos FROM before_fp;
-- expect
[[true, true]]
