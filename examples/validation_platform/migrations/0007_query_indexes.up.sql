-- examples/validation_platform/migrations/0007_query_indexes.up.sql
-- The indexes the platform's queries need (demo/workload.sql): every foreign key, detections
-- and annotations of a video by time, the processing queue.
CREATE INDEX videos_project ON videos (project_id);
CREATE INDEX videos_processing_status ON videos (processing_status);
CREATE INDEX test_sessions_project ON test_sessions (project_id);
CREATE INDEX test_sessions_video ON test_sessions (video_id);
CREATE INDEX detection_events_session ON detection_events (test_session_id);
CREATE INDEX detection_events_video_time ON detection_events (video_id, timestamp_s);
CREATE INDEX ground_truth_video_time ON ground_truth_objects (video_id, timestamp_s);
