-- examples/validation_platform/demo/workload.sql
-- A realistic read workload of the platform (the same SQL on SQLite and PostgreSQL): the
-- dashboards, the processing queue, a video's timeline, and the validation itself, matching
-- detections to ground truth.  scripts/demo.sh runs it and then shows vigil_query_stats():
-- the statements that differ only in their literals are counted as one.  Video ids 1..20
-- exist at every scale the demo accepts.
SELECT p.name, p.status, count(v.id) AS videos FROM projects p LEFT JOIN videos v ON v.project_id = p.id GROUP BY p.id, p.name, p.status ORDER BY p.name;
SELECT processing_status, count(*) FROM videos GROUP BY processing_status ORDER BY processing_status;
SELECT status, count(*) FROM test_sessions GROUP BY status ORDER BY status;
SELECT model_name, count(*) AS sessions FROM test_sessions WHERE status = 'finished' GROUP BY model_name ORDER BY model_name;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 3 AND confidence >= 0.6 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 3 AND timestamp_s BETWEEN 6 AND 36 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 3 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 3 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 3 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 7 AND confidence >= 0.5 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 7 AND timestamp_s BETWEEN 14 AND 44 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 7 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 7 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 7 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 11 AND confidence >= 0.4 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 11 AND timestamp_s BETWEEN 22 AND 52 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 11 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 11 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 11 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 19 AND confidence >= 0.7 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 19 AND timestamp_s BETWEEN 38 AND 68 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 19 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 19 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 19 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 2 AND confidence >= 0.5 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 2 AND timestamp_s BETWEEN 4 AND 34 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 2 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 2 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 2 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 5 AND confidence >= 0.3 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 5 AND timestamp_s BETWEEN 10 AND 40 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 5 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 5 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 5 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 13 AND confidence >= 0.6 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 13 AND timestamp_s BETWEEN 26 AND 56 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 13 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 13 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 13 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT id, path, duration_s FROM videos WHERE processing_status = 'pending' ORDER BY id LIMIT 10;
SELECT class_label, count(*), avg(confidence) FROM detection_events WHERE video_id = 17 AND confidence >= 0.5 GROUP BY class_label ORDER BY class_label;
SELECT id, timestamp_s, class_label, x, y, w, h FROM detection_events WHERE video_id = 17 AND timestamp_s BETWEEN 34 AND 64 ORDER BY timestamp_s, id;
SELECT id, timestamp_s, class_label, annotator FROM ground_truth_objects WHERE video_id = 17 AND validated = TRUE ORDER BY timestamp_s, id;
SELECT d.class_label, count(DISTINCT d.id) AS matched FROM detection_events d JOIN ground_truth_objects g ON g.video_id = d.video_id AND g.class_label = d.class_label AND g.timestamp_s BETWEEN d.timestamp_s - 0.5 AND d.timestamp_s + 0.5 WHERE d.video_id = 17 GROUP BY d.class_label ORDER BY d.class_label;
SELECT s.id, s.model_name, count(d.id) AS detections FROM test_sessions s LEFT JOIN detection_events d ON d.test_session_id = s.id WHERE s.video_id = 17 GROUP BY s.id, s.model_name ORDER BY s.id;
SELECT v.id, v.path, v.processing_status FROM videos v WHERE v.project_id = 1 ORDER BY v.id LIMIT 20;
SELECT count(*) FROM detection_events d JOIN videos v ON v.id = d.video_id WHERE v.project_id = 1 AND d.class_label IN ('pedestrian', 'cyclist');
SELECT v.id, v.path, v.processing_status FROM videos v WHERE v.project_id = 2 ORDER BY v.id LIMIT 20;
SELECT count(*) FROM detection_events d JOIN videos v ON v.id = d.video_id WHERE v.project_id = 2 AND d.class_label IN ('pedestrian', 'cyclist');
SELECT v.id, v.path, v.processing_status FROM videos v WHERE v.project_id = 3 ORDER BY v.id LIMIT 20;
SELECT count(*) FROM detection_events d JOIN videos v ON v.id = d.video_id WHERE v.project_id = 3 AND d.class_label IN ('pedestrian', 'cyclist');
SELECT v.id, v.path, v.processing_status FROM videos v WHERE v.project_id = 4 ORDER BY v.id LIMIT 20;
SELECT count(*) FROM detection_events d JOIN videos v ON v.id = d.video_id WHERE v.project_id = 4 AND d.class_label IN ('pedestrian', 'cyclist');
SELECT v.id, v.path, v.processing_status FROM videos v WHERE v.project_id = 5 ORDER BY v.id LIMIT 20;
SELECT count(*) FROM detection_events d JOIN videos v ON v.id = d.video_id WHERE v.project_id = 5 AND d.class_label IN ('pedestrian', 'cyclist');
