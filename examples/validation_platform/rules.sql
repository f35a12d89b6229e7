-- examples/validation_platform/rules.sql
-- The platform's data-quality rules (docs/repair.md): what the schema does not declare.  The
-- same SQL on SQLite and PostgreSQL.  The status sets, positive sizes and non-negative times are CHECK constraints
-- of the migrations; the rules add the rest.  A rule's condition is written like a CHECK: a
-- row passes when it is true or NULL, and it reads only its own row: a rule may not read
-- another table (docs/reliability.md, "Trust model for stored code"), so the frame and the
-- duration are the largest the platform accepts (8K UHD, 24 hours), not those of the row's own
-- video.
SELECT vigil_rule_add('confidence_range', 'detection_events', 'confidence BETWEEN 0 AND 1');
SELECT vigil_rule_add('detection_inside_frame', 'detection_events',
  'x >= 0 AND y >= 0 AND x + w <= 7680 AND y + h <= 4320');
SELECT vigil_rule_add('detection_within_video', 'detection_events',
  'timestamp_s >= 0 AND timestamp_s < 86400');
SELECT vigil_rule_add('annotation_inside_frame', 'ground_truth_objects',
  'x >= 0 AND y >= 0 AND x + w <= 7680 AND y + h <= 4320', 'warning');
SELECT vigil_rule_add('annotation_within_video', 'ground_truth_objects',
  'timestamp_s >= 0 AND timestamp_s < 86400', 'warning');
SELECT vigil_rule_add('session_finished_after_start', 'test_sessions',
  'status <> ''finished'' OR (finished_at IS NOT NULL AND finished_at > started_at)');
