DROP TABLE detection_events;
