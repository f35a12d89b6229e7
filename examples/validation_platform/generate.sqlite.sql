-- examples/validation_platform/generate.sqlite.sql
-- Deterministic platform data for SQLite; generate.postgres.sql makes the same rows in
-- PostgreSQL.  The scale comes from a temp table the caller creates first:
--   CREATE TEMP TABLE gen_params AS SELECT 400 AS videos, 50 AS detections_per_video;
-- Projects: videos / 20 (at least 1); test sessions: 2 per video; ground truth: 10 per video.
INSERT INTO projects (id, name, camera_model, camera_view, signal_type, status, created_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT max(1, videos / 20) FROM gen_params))
SELECT i, 'Project ' || i, 'TestCam-' || (i % 4), 
       CASE i % 3 WHEN 0 THEN 'Front-facing VRU' WHEN 1 THEN 'Rear-facing' ELSE 'In-cab' END,
       CASE i % 2 WHEN 0 THEN 'GPIO' ELSE 'CAN' END,
       CASE i % 4 WHEN 0 THEN 'Draft' WHEN 1 THEN 'Active' WHEN 2 THEN 'Completed' ELSE 'Active' END,
       datetime('2026-01-01 00:00:00', '+' || i || ' days')
FROM n;

INSERT INTO videos (id, project_id, path, duration_s, fps, width, height, processing_status)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT videos FROM gen_params))
SELECT i, 1 + i % (SELECT max(1, videos / 20) FROM gen_params), '/data/videos/v' || i || '.mp4',
       60.0 + i % 120, CASE i % 2 WHEN 0 THEN 30.0 ELSE 25.0 END, 1920, 1080,
       CASE i % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'processing' ELSE 'completed' END
FROM n;

INSERT INTO test_sessions (id, project_id, video_id, model_name, status, started_at, finished_at)
SELECT v.id * 2 - k.k, v.project_id, v.id, 'detector-v' || (1 + (v.id + k.k) % 3),
       'finished',
       datetime('2026-02-01 00:00:00', '+' || (v.id * 2 - k.k) || ' minutes'),
       datetime('2026-02-01 00:00:00', '+' || (v.id * 2 - k.k) || ' minutes', '+' || (5 + v.id % 7) || ' seconds')
FROM videos v, (SELECT 0 AS k UNION ALL SELECT 1) k;

INSERT INTO detection_events (id, test_session_id, video_id, timestamp_s, class_label, confidence, x, y, w, h)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT videos * detections_per_video FROM gen_params))
SELECT i, 2 * (1 + (i - 1) / (SELECT detections_per_video FROM gen_params)) - i % 2,
       1 + (i - 1) / (SELECT detections_per_video FROM gen_params),
       (i % 600) / 10.0,
       CASE i % 5 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' WHEN 3 THEN 'truck' ELSE 'motorcycle' END,
       (50 + (i * 37) % 50) / 100.0,
       (i * 13) % 1800, (i * 7) % 1000, 20 + i % 100, 40 + i % 60
FROM n;

INSERT INTO ground_truth_objects (id, video_id, timestamp_s, class_label, x, y, w, h, annotator, validated)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
                        WHERE i < (SELECT videos * 10 FROM gen_params))
SELECT i, 1 + (i - 1) / 10, (i % 600) / 10.0,
       CASE i % 4 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' ELSE 'truck' END,
       (i * 11) % 1800, (i * 5) % 1000, 30 + i % 80, 50 + i % 50,
       'annotator-' || (1 + i % 5), i % 3 <> 0
FROM n;
