-- examples/validation_platform/migrations/0004_detection_events.up.sqlite.sql
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
