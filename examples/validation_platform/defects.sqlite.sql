-- examples/validation_platform/defects.sqlite.sql
-- Plants the defects in SQLite (run from the repository root, after generate.sqlite.sql):
-- foreign keys off (SQLite's default anyway) and CHECK constraints ignored, the shared
-- defects.sql, then what only SQLite can hold.
PRAGMA foreign_keys = OFF;
PRAGMA ignore_check_constraints = ON;
.read examples/validation_platform/defects.sql
PRAGMA ignore_check_constraints = OFF;

-- type_mismatch (SQLite only: PostgreSQL's types refuse it): a client that wrote the
-- annotator's name as bytes, not text.  The same characters; PostgreSQL holds them as text.
UPDATE ground_truth_objects SET annotator = CAST(annotator AS BLOB)
WHERE id IN (SELECT id FROM ground_truth_objects WHERE (id + (SELECT seed FROM gen_params)) % 11 = 3
             ORDER BY id LIMIT (SELECT annotator_bytes FROM gen_params));

-- sequence_behind: AUTOINCREMENT's counter set back, so new detections would reuse the ids of
-- the newest ones.
UPDATE sqlite_sequence SET seq = seq - (SELECT sequence_behind FROM gen_params)
WHERE name = 'detection_events';
