-- examples/validation_platform/migrations/0006_video_processing_status.up.sql
-- The platform document's own example migration ("Add video processing status"), with the
-- accepted values as a constraint.  Both engines put the new column last.
ALTER TABLE videos ADD COLUMN processing_status TEXT NOT NULL DEFAULT 'pending'
  CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed'));
