-- examples/validation_platform/rules.sql
-- The platform's data-quality rules (docs/repair.md): what a CHECK constraint cannot say,
-- because it needs another table's row or is about a state.  The same SQL on SQLite and
-- PostgreSQL.  The status sets, positive sizes and non-negative times are CHECK constraints
-- of the migrations; the rules add the rest.  A rule's condition is written like a CHECK: a
-- row passes when it is true or NULL.  A row whose video does not exist passes the video rules
-- (NOT EXISTS finds no video): it is reported once, as fk_orphan.
SELECT vigil_rule_add('confidence_range', 'detection_events', 'confidence BETWEEN 0 AND 1');
SELECT vigil_rule_add('detection_inside_frame', 'detection_events',
  'x >= 0 AND y >= 0 AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = detection_events.video_id AND (detection_events.x + detection_events.w > v.width OR detection_events.y + detection_events.h > v.height))');
SELECT vigil_rule_add('detection_within_video', 'detection_events',
  'NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = detection_events.video_id AND detection_events.timestamp_s > v.duration_s)');
SELECT vigil_rule_add('annotation_inside_frame', 'ground_truth_objects',
  'x >= 0 AND y >= 0 AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = ground_truth_objects.video_id AND (ground_truth_objects.x + ground_truth_objects.w > v.width OR ground_truth_objects.y + ground_truth_objects.h > v.height))',
  'warning');
SELECT vigil_rule_add('annotation_within_video', 'ground_truth_objects',
  'NOT EXISTS (SELECT 1 FROM videos v WHERE v.id = ground_truth_objects.video_id AND ground_truth_objects.timestamp_s > v.duration_s)',
  'warning');
SELECT vigil_rule_add('session_finished_after_start', 'test_sessions',
  'status <> ''finished'' OR (finished_at IS NOT NULL AND finished_at > started_at)');
