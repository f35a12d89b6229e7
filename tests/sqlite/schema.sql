-- tests/sqlite/schema.sql: vigil_schema() and vigil_schema_fingerprint() in SQLite
.load build/vigil
.headers on
.mode list
SELECT vigil_version();
-- an empty database: no rows, the same fingerprint as an empty PostgreSQL database
SELECT count(*) FROM vigil_schema();
SELECT vigil_schema_fingerprint();

-- the validation platform's schema, written the SQLite way
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  camera_model VARCHAR(100),
  status TEXT NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Active', 'Completed')),
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE videos (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects ON DELETE CASCADE,
  path TEXT NOT NULL UNIQUE,
  duration_s REAL CHECK (duration_s > 0),
  fps NUMERIC(6,2),
  processing_status TEXT DEFAULT 'pending'
);
CREATE TABLE test_sessions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id INTEGER NOT NULL REFERENCES projects(id),
  video_id INTEGER REFERENCES videos(id) ON DELETE SET NULL,
  started_at TIMESTAMP,
  finished_at TIMESTAMP,
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE TABLE detection_events (
  session_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  video_id INTEGER NOT NULL,
  class_label TEXT NOT NULL,
  confidence REAL CHECK (confidence BETWEEN 0 AND 1),
  bbox JSON,
  validated BOOLEAN DEFAULT 0,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id) REFERENCES test_sessions(id),
  FOREIGN KEY (video_id) REFERENCES videos(id)
) WITHOUT ROWID;
CREATE INDEX detection_events_video ON detection_events (video_id, class_label);
CREATE UNIQUE INDEX videos_lower_path ON videos (lower(path));
CREATE INDEX videos_pending ON videos (project_id) WHERE processing_status = 'pending';

.mode table
SELECT table_name, object_type, name, definition FROM vigil_schema();
SELECT name, engine_definition FROM vigil_schema() WHERE table_name = 'videos' AND object_type <> 'table';
SELECT table_name, object_type, name, definition FROM vigil_schema('test_sessions');
-- the same fingerprint as sql/schema.sql gives for PostgreSQL's spelling of this schema
.mode list
SELECT vigil_schema_fingerprint();
SELECT vigil_schema_fingerprint('projects') <> vigil_schema_fingerprint('videos') AS distinct_tables;

-- drift
CREATE TEMP TABLE fp AS SELECT vigil_schema_fingerprint() AS before;
ALTER TABLE videos ADD COLUMN notes TEXT;
SELECT vigil_schema_fingerprint() <> before AS changed_after_add_column FROM fp;
ALTER TABLE videos DROP COLUMN notes;
SELECT vigil_schema_fingerprint() = before AS back_after_drop_column FROM fp;
-- views, sqlite_* tables and vigil's own tables (vigil_quarantine, ...) are not part of the
-- model; a user table whose name merely starts with vigil_ is; a temp table shows its bare name
CREATE VIEW project_names AS SELECT name FROM projects;
CREATE TABLE vigil_quarantine (x);
CREATE TABLE vigil_own (x);
CREATE TEMP TABLE scratch (x);
SELECT DISTINCT table_name FROM vigil_schema() ORDER BY 1;
SELECT table_name, row_count FROM vigil_table_stats('scratch');
-- case-insensitive lookup, as SQLite resolves names
SELECT count(*) FROM vigil_schema('PROJECTS');
-- an attached database is reached as schema.table
ATTACH ':memory:' AS archive;
CREATE TABLE archive.old_projects (id INTEGER PRIMARY KEY, name TEXT);
.mode table
SELECT table_name, object_type, name, definition FROM vigil_schema('archive.old_projects');
-- a table whose name needs quoting
CREATE TABLE "x""; DROP TABLE projects;--" ("Weird Col" INTEGER PRIMARY KEY, "select" TEXT);
SELECT table_name, object_type, name, definition FROM vigil_schema('x"; DROP TABLE projects;--');
SELECT count(*) FROM projects;
