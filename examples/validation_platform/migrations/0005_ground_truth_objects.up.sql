-- examples/validation_platform/migrations/0005_ground_truth_objects.up.sql
-- What a human annotator marked in a video: what the detections are validated against.
CREATE TABLE ground_truth_objects (
  id INTEGER PRIMARY KEY,
  video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
  timestamp_s DOUBLE PRECISION NOT NULL CHECK (timestamp_s >= 0),
  class_label TEXT NOT NULL,
  x DOUBLE PRECISION NOT NULL,
  y DOUBLE PRECISION NOT NULL,
  w DOUBLE PRECISION NOT NULL,
  h DOUBLE PRECISION NOT NULL,
  annotator TEXT NOT NULL,
  validated BOOLEAN NOT NULL DEFAULT FALSE,
  CHECK (w > 0 AND h > 0)
);
