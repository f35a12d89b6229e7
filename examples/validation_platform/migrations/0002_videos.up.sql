-- examples/validation_platform/migrations/0002_videos.up.sql
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
