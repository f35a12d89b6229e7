-- examples/validation_platform/schema.postgres.sql
-- The AI model-validation platform of shared/seed/, in PostgreSQL's spelling.  schema.sqlite.sql
-- is the same schema in SQLite's: vigil_schema_fingerprint() is equal for both.
CREATE TABLE projects (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE,
  camera_model text NOT NULL,
  camera_view text NOT NULL,
  signal_type text NOT NULL,
  status text NOT NULL DEFAULT 'Draft' CHECK (status IN ('Draft', 'Active', 'Completed', 'Archived')),
  created_at timestamp NOT NULL DEFAULT now()
);
CREATE TABLE videos (
  id integer PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  path text NOT NULL UNIQUE,
  duration_s double precision NOT NULL CHECK (duration_s > 0),
  fps double precision NOT NULL CHECK (fps > 0),
  width integer NOT NULL CHECK (width > 0),
  height integer NOT NULL CHECK (height > 0),
  processing_status text NOT NULL DEFAULT 'pending'
    CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed'))
);
CREATE TABLE test_sessions (
  id integer PRIMARY KEY,
  project_id integer NOT NULL REFERENCES projects (id),
  video_id integer NOT NULL REFERENCES videos (id),
  model_name text NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'finished', 'failed')),
  started_at timestamp NOT NULL,
  finished_at timestamp,
  CHECK (finished_at IS NULL OR finished_at >= started_at)
);
CREATE TABLE detection_events (
  id integer PRIMARY KEY,
  test_session_id integer NOT NULL REFERENCES test_sessions (id) ON DELETE CASCADE,
  video_id integer NOT NULL REFERENCES videos (id),
  timestamp_s double precision NOT NULL CHECK (timestamp_s >= 0),
  class_label text NOT NULL,
  confidence double precision NOT NULL,
  x double precision NOT NULL, y double precision NOT NULL, w double precision NOT NULL, h double precision NOT NULL
);
CREATE TABLE ground_truth_objects (
  id integer PRIMARY KEY,
  video_id integer NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  timestamp_s double precision NOT NULL CHECK (timestamp_s >= 0),
  class_label text NOT NULL,
  x double precision NOT NULL, y double precision NOT NULL, w double precision NOT NULL, h double precision NOT NULL,
  annotator text NOT NULL,
  validated boolean NOT NULL DEFAULT FALSE
);
CREATE INDEX videos_project ON videos (project_id);
CREATE INDEX test_sessions_video ON test_sessions (video_id);
CREATE INDEX detection_events_session ON detection_events (test_session_id);
CREATE INDEX detection_events_video_time ON detection_events (video_id, timestamp_s);
CREATE INDEX ground_truth_video_time ON ground_truth_objects (video_id, timestamp_s);
