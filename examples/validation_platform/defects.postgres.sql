-- examples/validation_platform/defects.postgres.sql
-- Plants the defects in PostgreSQL (psql, after generate.postgres.sql).  PostgreSQL enforces
-- foreign keys with triggers, which session_replication_role = replica skips (as logical
-- replication and bulk loaders do: superuser only).  A CHECK cannot be turned off: the two
-- status checks are dropped and added back NOT VALID, which is how such rows survive in real
-- databases (vigil reports both the rows, check_constraint, and the constraint,
-- unvalidated_constraint).
SET session_replication_role = replica;
ALTER TABLE videos DROP CONSTRAINT videos_processing_status_check;
ALTER TABLE test_sessions DROP CONSTRAINT test_sessions_status_check;
\ir defects.sql
ALTER TABLE videos ADD CONSTRAINT videos_processing_status_check
  CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')) NOT VALID;
ALTER TABLE test_sessions ADD CONSTRAINT test_sessions_status_check
  CHECK (status IN ('running', 'finished', 'failed')) NOT VALID;
RESET session_replication_role;

-- sequence_behind: the identity's sequence set back, so new detections would collide with
-- the newest ids.
SELECT setval(pg_get_serial_sequence('detection_events', 'id'),
              max(id) - (SELECT sequence_behind FROM gen_params)) FROM detection_events;
