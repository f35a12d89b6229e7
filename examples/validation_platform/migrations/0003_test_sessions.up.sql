-- examples/validation_platform/migrations/0003_test_sessions.up.sql
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
