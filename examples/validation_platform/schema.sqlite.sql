-- examples/validation_platform/schema.sqlite.sql
-- The platform's schema in one file, for clients and benchmarks that do not migrate: the up
-- migrations of migrations/ for sqlite, in order (tests/demo/run.sh checks that both give the
-- same vigil_schema_fingerprint() as the migrations).  schema.postgres.sql is the same schema
-- for postgres.  The demo (scripts/demo.sh) applies the migrations with vigil_migrate instead.

-- Projects: one camera product under test.  The same text runs on SQLite and PostgreSQL.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  camera_model TEXT NOT NULL,
  camera_view TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Active', 'Completed', 'Archived')),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Videos of a project.  DOUBLE PRECISION, not REAL: REAL is 4 bytes in PostgreSQL, and SQLite
-- gives DOUBLE PRECISION its REAL (8-byte) affinity, so both hold the same values.
CREATE TABLE videos (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  path TEXT NOT NULL UNIQUE,
  duration_s DOUBLE PRECISION NOT NULL CHECK (duration_s > 0),
  fps DOUBLE PRECISION NOT NULL CHECK (fps > 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0)
);

-- One run of a model over one video.  "A finished session ends after it started" is the rule
-- session_finished_after_start (rules.sql), so that vigil reports the rows that break it.
CREATE TABLE test_sessions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  video_id INTEGER NOT NULL REFERENCES videos (id),
  model_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP
);

-- What a model detected.  The one migration written twice: detection ids come from the
-- database (ingestion inserts without an id), and an id generator has no spelling common to
-- both engines (SQLite AUTOINCREMENT, PostgreSQL GENERATED ... AS IDENTITY).  vigil's schema
-- model calls both "identity": the two files give the same vigil_schema_fingerprint().
CREATE TABLE detection_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  test_session_id INTEGER NOT NULL REFERENCES test_sessions (id) ON DELETE CASCADE,
  video_id INTEGER NOT NULL REFERENCES videos (id),
  timestamp_s DOUBLE PRECISION NOT NULL CHECK (timestamp_s >= 0),
  class_label TEXT NOT NULL,
  confidence DOUBLE PRECISION NOT NULL,
  x DOUBLE PRECISION NOT NULL,
  y DOUBLE PRECISION NOT NULL,
  w DOUBLE PRECISION NOT NULL,
  h DOUBLE PRECISION NOT NULL,
  CHECK (w > 0 AND h > 0)
);

-- What a human annotator marked in a video: what the detections are validated against.
CREATE TABLE ground_truth_objects (
  id INTEGER PRIMARY KEY,
  video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  timestamp_s DOUBLE PRECISION NOT NULL CHECK (timestamp_s >= 0),
  class_label TEXT NOT NULL,
  x DOUBLE PRECISION NOT NULL,
  y DOUBLE PRECISION NOT NULL,
  w DOUBLE PRECISION NOT NULL,
  h DOUBLE PRECISION NOT NULL,
  annotator TEXT NOT NULL,
  validated BOOLEAN NOT NULL DEFAULT FALSE,
  CHECK (w > 0 AND h > 0)
);

-- The platform document's own example migration ("Add video processing status"), with the
-- accepted values as a constraint.  Both engines put the new column last.
ALTER TABLE videos ADD COLUMN processing_status TEXT NOT NULL DEFAULT 'pending'
  CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed'));

-- The indexes the platform's queries need (demo/workload.sql): every foreign key, detections
-- and annotations of a video by time, the processing queue.
CREATE INDEX videos_project ON videos (project_id);
CREATE INDEX videos_processing_status ON videos (processing_status);
CREATE INDEX test_sessions_project ON test_sessions (project_id);
CREATE INDEX test_sessions_video ON test_sessions (video_id);
CREATE INDEX detection_events_session ON detection_events (test_session_id);
CREATE INDEX detection_events_video_time ON detection_events (video_id, timestamp_s);
CREATE INDEX ground_truth_video_time ON ground_truth_objects (video_id, timestamp_s);
