DROP TABLE test_sessions;
