DROP INDEX ground_truth_video_time;
DROP INDEX detection_events_video_time;
DROP INDEX detection_events_session;
DROP INDEX test_sessions_video;
DROP INDEX test_sessions_project;
DROP INDEX videos_processing_status;
DROP INDEX videos_project;
