ALTER TABLE videos DROP COLUMN processing_status;
