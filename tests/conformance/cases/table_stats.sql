-- vigil_table_stats(): the same data on both engines gives the same exact row counts and index
-- counts (sizes, pages, dead rows and last analyze are engine-specific and not compared).

-- setup sqlite
PRAGMA foreign_keys = ON;  -- so that ON DELETE CASCADE acts as in PostgreSQL
CREATE TABLE projects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE videos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path TEXT NOT NULL UNIQUE,
    fps REAL
);
CREATE TABLE detection_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    video_id INTEGER NOT NULL REFERENCES videos(id),
    frame_number INTEGER NOT NULL,
    confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1)
);
CREATE TABLE ground_truth_objects (
    video_id INTEGER NOT NULL REFERENCES videos(id),
    frame_number INTEGER NOT NULL,
    label TEXT NOT NULL,
    validated BOOLEAN DEFAULT 0,
    PRIMARY KEY (video_id, frame_number, label)
);
CREATE TABLE empty_log (message TEXT);

-- setup postgres
CREATE TABLE projects (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamp DEFAULT now()
);
CREATE TABLE videos (
    id serial PRIMARY KEY,
    project_id integer NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    path text NOT NULL UNIQUE,
    fps double precision
);
CREATE TABLE detection_events (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    video_id integer NOT NULL REFERENCES videos(id),
    frame_number integer NOT NULL,
    confidence double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1)
);
CREATE TABLE ground_truth_objects (
    video_id integer NOT NULL REFERENCES videos(id),
    frame_number integer NOT NULL,
    label text NOT NULL,
    validated boolean DEFAULT false,
    PRIMARY KEY (video_id, frame_number, label)
);
CREATE TABLE empty_log (message text);

-- setup
CREATE INDEX idx_videos_project ON videos(project_id);
CREATE INDEX idx_detections_video_frame ON detection_events(video_id, frame_number);
CREATE UNIQUE INDEX idx_detections_unique_frame ON detection_events(video_id, frame_number, confidence);
INSERT INTO projects(name) VALUES ('alpha'), ('beta'), ('gamma');
INSERT INTO videos(project_id, path, fps) VALUES
    (1, '/v/a1.mp4', 30), (1, '/v/a2.mp4', 25), (2, '/v/b1.mp4', 29.97), (3, '/v/c1.mp4', NULL);
INSERT INTO detection_events(video_id, frame_number, confidence) VALUES
    (1, 1, 0.5), (1, 2, 0.75), (1, 3, 0.99), (2, 1, 0.1), (2, 2, 0), (3, 1, 1), (4, 10, 0.33);
INSERT INTO ground_truth_objects(video_id, frame_number, label, validated) VALUES
    (1, 1, 'car', true), (1, 1, 'person', false), (2, 1, 'car', true);
INSERT INTO ground_truth_objects(video_id, frame_number, label) VALUES (3, 5, 'bicycle');

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats();
-- expect
[["detection_events", 7, 2],
 ["empty_log", 0, 0],
 ["ground_truth_objects", 4, 0],
 ["projects", 3, 1],
 ["videos", 4, 2]]

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('videos');
-- expect
[["videos", 4, 2]]

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('detection_events');

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('ground_truth_objects');

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats('empty_log');

-- An unquoted name is found whatever its case, as SQL would find it on both engines.
-- query
SELECT table_name, row_count FROM vigil_table_stats('PROJECTS');
-- expect
[["projects", 3]]

-- The figures follow the data.
-- setup
DELETE FROM detection_events WHERE video_id = 4;
DELETE FROM projects WHERE name = 'gamma';
DROP INDEX idx_detections_unique_frame;

-- query
SELECT table_name, row_count, index_count FROM vigil_table_stats();
-- expect
[["detection_events", 6, 1],
 ["empty_log", 0, 0],
 ["ground_truth_objects", 4, 0],
 ["projects", 2, 1],
 ["videos", 3, 2]]

-- query
SELECT sum(row_count), count(*) FROM vigil_table_stats();
-- expect
[[15, 5]]

-- Every table of vigil_schema(), in the same order.
-- query
SELECT table_name FROM vigil_table_stats();
-- query
SELECT name FROM vigil_schema() WHERE object_type = 'table';
