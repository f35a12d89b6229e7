-- examples/validation_platform/generate.postgres.sql
-- The same rows as generate.sqlite.sql, in PostgreSQL.  Needs the gen_params temp table:
--   CREATE TEMP TABLE gen_params AS SELECT 400 AS videos, 50 AS detections_per_video;
INSERT INTO projects (id, name, camera_model, camera_view, signal_type, status, created_at)
SELECT i, 'Project ' || i, 'TestCam-' || (i % 4),
       CASE i % 3 WHEN 0 THEN 'Front-facing VRU' WHEN 1 THEN 'Rear-facing' ELSE 'In-cab' END,
       CASE i % 2 WHEN 0 THEN 'GPIO' ELSE 'CAN' END,
       CASE i % 4 WHEN 0 THEN 'Draft' WHEN 1 THEN 'Active' WHEN 2 THEN 'Completed' ELSE 'Active' END,
       timestamp '2026-01-01 00:00:00' + i * interval '1 day'
FROM generate_series(1, (SELECT greatest(1, videos / 20) FROM gen_params)) AS i;

INSERT INTO videos (id, project_id, path, duration_s, fps, width, height, processing_status)
SELECT i, 1 + i % (SELECT greatest(1, videos / 20) FROM gen_params), '/data/videos/v' || i || '.mp4',
       60.0 + i % 120, CASE i % 2 WHEN 0 THEN 30.0 ELSE 25.0 END, 1920, 1080,
       CASE i % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'processing' ELSE 'completed' END
FROM generate_series(1, (SELECT videos FROM gen_params)) AS i;

INSERT INTO test_sessions (id, project_id, video_id, model_name, status, started_at, finished_at)
SELECT v.id * 2 - k, v.project_id, v.id, 'detector-v' || (1 + (v.id + k) % 3),
       'finished',
       timestamp '2026-02-01 00:00:00' + (v.id * 2 - k) * interval '1 minute',
       timestamp '2026-02-01 00:00:00' + (v.id * 2 - k) * interval '1 minute'
         + (5 + v.id % 7) * interval '1 second'
FROM videos v, (VALUES (0), (1)) AS kk(k);

INSERT INTO detection_events (id, test_session_id, video_id, timestamp_s, class_label, confidence, x, y, w, h)
SELECT i, 2 * (1 + (i - 1) / p.detections_per_video) - i % 2,
       1 + (i - 1) / p.detections_per_video,
       (i % 600) / 10.0,
       CASE i % 5 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' WHEN 3 THEN 'truck' ELSE 'motorcycle' END,
       (50 + (i * 37) % 50) / 100.0,
       (i * 13) % 1800, (i * 7) % 1000, 20 + i % 100, 40 + i % 60
FROM gen_params p, generate_series(1, p.videos * p.detections_per_video) AS i;

INSERT INTO ground_truth_objects (id, video_id, timestamp_s, class_label, x, y, w, h, annotator, validated)
SELECT i, 1 + (i - 1) / 10, (i % 600) / 10.0,
       CASE i % 4 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' ELSE 'truck' END,
       (i * 11) % 1800, (i * 5) % 1000, 30 + i % 80, 50 + i % 50,
       'annotator-' || (1 + i % 5), i % 3 <> 0
FROM gen_params p, generate_series(1, p.videos * 10) AS i;
