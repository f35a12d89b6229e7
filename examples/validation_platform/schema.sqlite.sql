-- examples/validation_platform/schema.sqlite.sql
-- The AI model-validation platform of shared/seed/, in SQLite's spelling.  schema.postgres.sql
-- is the same schema in PostgreSQL's: vigil_schema_fingerprint() is equal for both.
CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  camera_model TEXT NOT NULL,
  camera_view TEXT NOT NULL,
  signal_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Active', 'Completed', 'Archived')),
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE videos (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  path TEXT NOT NULL UNIQUE,
  duration_s REAL NOT NULL CHECK (duration_s > 0),
  fps REAL NOT NULL CHECK (fps > 0),
  width INTEGER NOT NULL CHECK (width > 0),
  height INTEGER NOT NULL CHECK (height > 0),
  processing_status TEXT NOT NULL DEFAULT 'pending'
    CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed'))
);
CREATE TABLE test_sessions (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects (id),
  video_id INTEGER NOT NULL REFERENCES videos (id),
  model_name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE TABLE detection_events (
  id INTEGER PRIMARY KEY,
  test_session_id INTEGER NOT NULL REFERENCES test_sessions (id) ON DELETE CASCADE,
  video_id INTEGER NOT NULL REFERENCES videos (id),
  timestamp_s REAL NOT NULL CHECK (timestamp_s >= 0),
  class_label TEXT NOT NULL,
  confidence REAL NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL
);
CREATE TABLE ground_truth_objects (
  id INTEGER PRIMARY KEY,
  video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  timestamp_s REAL NOT NULL CHECK (timestamp_s >= 0),
  class_label TEXT NOT NULL,
  x REAL NOT NULL, y REAL NOT NULL, w REAL NOT NULL, h REAL NOT NULL,
  annotator TEXT NOT NULL,
  validated BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX videos_project ON videos (project_id);
CREATE INDEX test_sessions_video ON test_sessions (video_id);
CREATE INDEX detection_events_session ON detection_events (test_session_id);
CREATE INDEX detection_events_video_time ON detection_events (video_id, timestamp_s);
CREATE INDEX ground_truth_video_time ON ground_truth_objects (video_id, timestamp_s);
