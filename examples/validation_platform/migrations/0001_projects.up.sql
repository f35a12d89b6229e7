-- examples/validation_platform/migrations/0001_projects.up.sql
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
