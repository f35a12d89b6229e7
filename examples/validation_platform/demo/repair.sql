-- examples/validation_platform/demo/repair.sql
-- The self-repair part of `make demo`: the plan (dry run), the repair, the quarantine, the
-- restore of one batch and its repair again.  The same SQL on SQLite and PostgreSQL.
-- Written against the contract of vigil_repair / vigil_restore / vigil_quarantine
-- (/work/shared/DESIGN.md "Self-repair", docs/repair.md); scripts/demo.sh runs it only when
-- vigil_functions() lists vigil_repair.
--   vigil_repair([dry_run]) -> action, table_name, rows_affected, detail, batch (dry run by default)
--   vigil_restore(batch)    -> the number of rows put back
--   vigil_quarantine        -> id, batch, table_name, row_key, row_data, reason, quarantined_at, restored_at

-- 1. The plan: what a repair would do.  Nothing changes.
SELECT 'plan (dry run)' AS step, action, table_name, rows_affected, detail
FROM vigil_repair() ORDER BY table_name, action, detail;
SELECT 'after the dry run' AS step, count(*) AS findings FROM vigil_check() WHERE severity <> 'info';

-- The checksum of a table before the repair: a repair and a restore of all its batches give it back.
CREATE TEMP TABLE demo_before AS
SELECT table_name, checksum FROM vigil_checksums();

-- 2. The repair.  Every row removed or changed is first copied, whole, to vigil_quarantine.
SELECT 'repair' AS step, action, table_name, rows_affected, batch, detail
FROM vigil_repair(false) ORDER BY batch, table_name, action, detail;

-- 3. The quarantine.
SELECT 'quarantine' AS step, batch, table_name, reason, count(*) AS rows_held
FROM vigil_quarantine GROUP BY batch, table_name, reason ORDER BY batch, table_name, reason;
SELECT 'after the repair' AS step, check_name, table_name, violations
FROM vigil_check() WHERE severity <> 'info' ORDER BY table_name, check_name;

-- 4. Restore one batch (the first): its rows go back, and their findings with them.
SELECT 'restore' AS step, (SELECT min(batch) FROM vigil_quarantine) AS batch,
       vigil_restore((SELECT min(batch) FROM vigil_quarantine)) AS rows_restored;
SELECT 'after the restore' AS step, check_name, table_name, violations
FROM vigil_check() WHERE severity <> 'info' ORDER BY table_name, check_name;
SELECT 'restored tables' AS step, b.table_name,
       CASE WHEN b.checksum = c.checksum THEN 'as before the repair' ELSE 'changed' END AS content
FROM demo_before b JOIN vigil_checksums() c ON c.table_name = b.table_name ORDER BY b.table_name;

-- 5. Repair again: the restored rows are quarantined once more, in a new batch.
SELECT 're-repair' AS step, action, table_name, rows_affected, batch, detail
FROM vigil_repair(false) ORDER BY batch, table_name, action, detail;
SELECT 'quarantine' AS step, batch, count(*) AS rows_held,
       sum(CASE WHEN restored_at IS NULL THEN 0 ELSE 1 END) AS restored
FROM vigil_quarantine GROUP BY batch ORDER BY batch;
DROP TABLE demo_before;
