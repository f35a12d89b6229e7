-- examples/validation_platform/defects.sql
-- Plants a known number of each kind of defect into the generated data: the statements the
-- two engines share.  Run through defects.sqlite.sql or defects.postgres.sql, which first turn
-- off what would refuse the defects (foreign keys, CHECK constraints) and plant what only one
-- engine can hold.  Deterministic: the rows are the smallest ids of a residue class of
-- (id + seed) mod 11, a different class for each defect of a table, so no row carries two.
-- The counts come from the gen_params temp table (scripts/demo.sh creates it); each must be
-- at most ~1/11 of the table's rows (any scale from 20 videos up is fine for the defaults).

-- fk_orphan: detections of a test session that does not exist (a session deleted by hand).
UPDATE detection_events SET test_session_id = test_session_id + 1000000000
WHERE id IN (SELECT id FROM detection_events WHERE (id + (SELECT seed FROM gen_params)) % 11 = 0
             ORDER BY id LIMIT (SELECT orphan_detections FROM gen_params));
-- fk_orphan: annotations of a video that does not exist.
UPDATE ground_truth_objects SET video_id = video_id + 1000000000
WHERE id IN (SELECT id FROM ground_truth_objects WHERE (id + (SELECT seed FROM gen_params)) % 11 = 0
             ORDER BY id LIMIT (SELECT orphan_annotations FROM gen_params));
-- rule:confidence_range: a model that reports percent instead of a fraction.
UPDATE detection_events SET confidence = confidence * 100
WHERE id IN (SELECT id FROM detection_events WHERE (id + (SELECT seed FROM gen_params)) % 11 = 1
             ORDER BY id LIMIT (SELECT bad_confidence FROM gen_params));
-- rule:detection_inside_frame: boxes past the right edge of any frame.
UPDATE detection_events SET x = x + 10000
WHERE id IN (SELECT id FROM detection_events WHERE (id + (SELECT seed FROM gen_params)) % 11 = 2
             ORDER BY id LIMIT (SELECT detections_outside_frame FROM gen_params));
-- rule:detection_within_video: timestamps past the end of any video (more than a day).
UPDATE detection_events SET timestamp_s = timestamp_s + 100000
WHERE id IN (SELECT id FROM detection_events WHERE (id + (SELECT seed FROM gen_params)) % 11 = 3
             ORDER BY id LIMIT (SELECT detections_after_video FROM gen_params));
-- rule:annotation_inside_frame: boxes below the bottom of any frame.
UPDATE ground_truth_objects SET y = y + 10000
WHERE id IN (SELECT id FROM ground_truth_objects WHERE (id + (SELECT seed FROM gen_params)) % 11 = 1
             ORDER BY id LIMIT (SELECT annotations_outside_frame FROM gen_params));
-- rule:annotation_within_video
UPDATE ground_truth_objects SET timestamp_s = timestamp_s + 100000
WHERE id IN (SELECT id FROM ground_truth_objects WHERE (id + (SELECT seed FROM gen_params)) % 11 = 2
             ORDER BY id LIMIT (SELECT annotations_after_video FROM gen_params));
-- rule:session_finished_after_start: start and end written the wrong way round.
UPDATE test_sessions SET started_at = finished_at, finished_at = started_at
WHERE id IN (SELECT id FROM test_sessions WHERE (id + (SELECT seed FROM gen_params)) % 11 = 0
               AND status = 'finished'
             ORDER BY id LIMIT (SELECT sessions_end_before_start FROM gen_params));
-- check_constraint: a processing status outside its set (needs the CHECK turned off).
UPDATE videos SET processing_status = 'corrupted'
WHERE id IN (SELECT id FROM videos WHERE (id + (SELECT seed FROM gen_params)) % 11 = 0
             ORDER BY id LIMIT (SELECT bad_video_status FROM gen_params));
-- check_constraint: a session status outside its set.
UPDATE test_sessions SET status = 'done'
WHERE id IN (SELECT id FROM test_sessions WHERE (id + (SELECT seed FROM gen_params)) % 11 = 1
             ORDER BY id LIMIT (SELECT bad_session_status FROM gen_params));
