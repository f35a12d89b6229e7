-- examples/validation_platform/generate.postgres.sql
-- The same rows as generate.sqlite.sql, in PostgreSQL's spelling (generate_series() and
-- intervals instead of WITH RECURSIVE and datetime(); the formulas are the same, see there).
-- Needs the gen_params temp table:
--   CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, 400 AS videos,
--          50 AS detections_per_video, 10 AS annotations_per_video;

INSERT INTO projects (id, name, camera_model, camera_view, signal_type, status, created_at)
WITH g AS (SELECT i, (i * 1103515245 + seed * 2654435761 + 11) % 2147483648 AS r
           FROM gen_params, generate_series(1::bigint, greatest(1, videos / 20)) AS i)
SELECT i, 'Project ' || i, 'TestCam-' || (1 + r / 65536 % 4),
       CASE r / 8192 % 3 WHEN 0 THEN 'Front-facing VRU' WHEN 1 THEN 'Rear-facing' ELSE 'In-cab' END,
       CASE r / 4096 % 2 WHEN 0 THEN 'GPIO' ELSE 'CAN' END,
       CASE r / 1024 % 4 WHEN 0 THEN 'Draft' WHEN 1 THEN 'Completed' ELSE 'Active' END,
       timestamp '2026-01-01 00:00:00' + i * interval '1 day' + (r / 256 % 86400) * interval '1 second'
FROM g;

INSERT INTO videos (id, project_id, path, duration_s, fps, width, height, processing_status)
WITH g AS (SELECT i, (i * 1103515245 + seed * 2654435761 + 23) % 2147483648 AS r,
                  greatest(1, videos / 20) AS projects
           FROM gen_params, generate_series(1::bigint, videos) AS i)
SELECT i, 1 + r / 65536 % projects, '/data/project-' || (1 + r / 65536 % projects) || '/video-' || i || '.mp4',
       30 + r / 128 % 571,
       CASE r / 16 % 3 WHEN 0 THEN 25 WHEN 1 THEN 30 ELSE 2997 / 100.0 END,
       CASE r / 4 % 2 WHEN 0 THEN 1920 ELSE 1280 END,
       CASE r / 4 % 2 WHEN 0 THEN 1080 ELSE 720 END,
       CASE r / 2048 % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'processing' WHEN 2 THEN 'failed' ELSE 'completed' END
FROM g;

INSERT INTO test_sessions (id, project_id, video_id, model_name, status, started_at, finished_at)
WITH s AS (SELECT v.id * 2 - k.k AS id, v.project_id, v.id AS video_id,
                  ((v.id * 2 - k.k)::bigint * 1103515245 + p.seed * 2654435761 + 37) % 2147483648 AS r
           FROM videos v, (VALUES (0), (1)) AS k(k), gen_params p)
SELECT id, project_id, video_id, 'detector-v' || (1 + r / 65536 % 3) || '.' || (r / 512 % 10),
       CASE WHEN r / 1024 % 20 = 0 THEN 'running' WHEN r / 1024 % 20 = 1 THEN 'failed' ELSE 'finished' END,
       timestamp '2026-02-01 00:00:00' + id * 3 * interval '1 minute',
       CASE WHEN r / 1024 % 20 = 0 THEN NULL
            ELSE timestamp '2026-02-01 00:00:00' + id * 3 * interval '1 minute'
                 + (5 + r / 64 % 170) * interval '1 second' END
FROM s;

INSERT INTO detection_events (id, test_session_id, video_id, timestamp_s, class_label, confidence, x, y, w, h)
WITH g AS (SELECT i, 1 + (i - 1) / detections_per_video AS video_id,
                  (i * 1103515245 + seed * 2654435761 + 41) % 2147483648 AS r,
                  (i * 22695477 + seed * 40503 + 43) % 2147483648 AS q
           FROM gen_params, generate_series(1::bigint, videos * detections_per_video) AS i)
SELECT g.i, 2 * g.video_id - g.r / 32 % 2, g.video_id,
       g.q / 128 % (CAST(v.duration_s AS INTEGER) * 10) / 10.0,
       CASE g.r / 65536 % 5 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' WHEN 3 THEN 'truck' ELSE 'motorcycle' END,
       (500 + g.q / 64 % 9500) / 10000.0,
       g.r / 1024 % (v.width - 20 - g.q / 8 % 200), g.q / 2048 % (v.height - 20 - g.r / 8 % 150),
       20 + g.q / 8 % 200, 20 + g.r / 8 % 150
FROM g JOIN videos v ON v.id = g.video_id;
-- The ids were given explicitly: move the identity's sequence past them, as a loader must.
SELECT setval(pg_get_serial_sequence('detection_events', 'id'), max(id)) FROM detection_events;

INSERT INTO ground_truth_objects (id, video_id, timestamp_s, class_label, x, y, w, h, annotator, validated)
WITH g AS (SELECT i, 1 + (i - 1) / annotations_per_video AS video_id,
                  (i * 1103515245 + seed * 2654435761 + 53) % 2147483648 AS r,
                  (i * 22695477 + seed * 40503 + 59) % 2147483648 AS q
           FROM gen_params, generate_series(1::bigint, videos * annotations_per_video) AS i)
SELECT g.i, g.video_id,
       g.q / 128 % (CAST(v.duration_s AS INTEGER) * 10) / 10.0,
       CASE g.r / 65536 % 4 WHEN 0 THEN 'pedestrian' WHEN 1 THEN 'cyclist' WHEN 2 THEN 'car' ELSE 'truck' END,
       g.r / 1024 % (v.width - 30 - g.q / 8 % 200), g.q / 2048 % (v.height - 30 - g.r / 8 % 150),
       30 + g.q / 8 % 200, 30 + g.r / 8 % 150,
       'annotator-' || (1 + g.r / 4096 % 5), g.q / 16 % 3 <> 0
FROM g JOIN videos v ON v.id = g.video_id;
