-- examples/validation_platform/demo/repair.sql
-- The self-repair part of `make demo`: the plan (dry run), the repair, the quarantine, the
-- restore of one batch and its repair again, and what vigil refused, decided by hand.  The
-- same SQL on SQLite and PostgreSQL.
-- docs/repair.md describes the functions and the plan for each finding.
--   vigil_repair([dry_run]) -> action, table_name, rows_affected, detail, batch (dry run by default)
--   vigil_restore(batch)    -> the number of rows put back
--   vigil_quarantine        -> id, batch, table_name, row_key, row_data, reason, quarantined_at, restored_at

-- 1. The plan: what a repair would do.  Nothing changes.
SELECT 'plan (dry run)' AS step, action, table_name, rows_affected, detail
FROM vigil_repair() ORDER BY table_name, action, detail;
SELECT 'after the dry run' AS step, count(*) AS findings FROM vigil_check() WHERE severity <> 'info';

-- 2. The repair.  Every row removed or changed is first copied, whole, to vigil_quarantine.
SELECT 'repair' AS step, action, table_name, rows_affected, batch, detail
FROM vigil_repair(false) ORDER BY batch, table_name, action, detail;

-- 3. The quarantine.
SELECT 'quarantine' AS step, batch, table_name, reason, count(*) AS rows_held
FROM vigil_quarantine GROUP BY batch, table_name, reason ORDER BY batch, table_name, reason;
SELECT 'after the repair' AS step, check_name, table_name, violations
FROM vigil_check() WHERE severity <> 'info' ORDER BY table_name, check_name;

-- 4. New bad data arrives (a model run with confidences above 1), is repaired in a batch of
-- its own, and that batch is restored: its rows go back, and their findings with them.
-- (Batch 1 holds orphans: PostgreSQL enforces the foreign key, so vigil_restore(1) would
-- refuse there, naming the constraint, and change nothing.)
UPDATE detection_events SET confidence = 1.25
WHERE id IN (SELECT id FROM detection_events WHERE id % 101 = 0 ORDER BY id LIMIT 4);
SELECT 'new bad data' AS step, check_name, table_name, violations
FROM vigil_check('detection_events') WHERE severity <> 'info';
CREATE TEMP TABLE demo_before AS SELECT table_name, checksum FROM vigil_checksums();
SELECT 'repair' AS step, action, table_name, rows_affected, batch, detail
FROM vigil_repair(false) WHERE action <> 'refused' ORDER BY batch, table_name, action, detail;
SELECT 'restore' AS step, (SELECT max(batch) FROM vigil_quarantine) AS batch,
       vigil_restore((SELECT max(batch) FROM vigil_quarantine)) AS rows_restored;
SELECT 'after the restore' AS step, check_name, table_name, violations
FROM vigil_check('detection_events') WHERE severity <> 'info';
SELECT 'restored tables' AS step, b.table_name,
       CASE WHEN b.checksum = c.checksum THEN 'as before the repair' ELSE 'changed' END AS content
FROM demo_before b JOIN vigil_checksums() c ON c.table_name = b.table_name ORDER BY b.table_name;
DROP TABLE demo_before;

-- 5. Repair again: the restored rows are quarantined once more, in a new batch.
SELECT 're-repair' AS step, action, table_name, rows_affected, batch, detail
FROM vigil_repair(false) WHERE action <> 'refused' ORDER BY batch, table_name, action, detail;
SELECT 'quarantine' AS step, batch, count(*) AS rows_held,
       sum(CASE WHEN restored_at IS NULL THEN 0 ELSE 1 END) AS restored
FROM vigil_quarantine GROUP BY batch ORDER BY batch;

-- 6. What vigil refused.  A session or a video whose status breaks a CHECK or a rule still has
-- detections pointing at it: quarantining it would orphan them, so vigil_repair says `refused`
-- and leaves the decision to a person.  Here that person maps the values to what they meant
-- (the keys come from vigil_check_rows; `->>` reads JSON in both engines): swapped start and
-- end times are swapped back, unknown status words mapped to the set.
SELECT 'refused, decided by hand' AS step, 'test_sessions' AS table_name,
       count(*) AS rows_to_fix FROM vigil_check_rows('check_constraint', 'test_sessions');
UPDATE test_sessions SET started_at = finished_at, finished_at = started_at
WHERE id IN (SELECT CAST(row_key ->> 'id' AS INTEGER)
             FROM vigil_check_rows('rule:session_finished_after_start', 'test_sessions'));
-- 'done' meant finished, when the session has a proper end; otherwise it failed
UPDATE test_sessions
SET status = CASE WHEN finished_at > started_at THEN 'finished' ELSE 'failed' END
WHERE status = 'done' AND id IN (SELECT CAST(row_key ->> 'id' AS INTEGER)
                                 FROM vigil_check_rows('check_constraint', 'test_sessions'));
UPDATE videos SET processing_status = 'failed'
WHERE processing_status = 'corrupted' AND id IN (SELECT CAST(row_key ->> 'id' AS INTEGER)
                                                 FROM vigil_check_rows('check_constraint', 'videos'));
SELECT 'after the decisions' AS step, count(*) AS findings FROM vigil_check() WHERE severity <> 'info';
