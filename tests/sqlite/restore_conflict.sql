-- tests/sqlite/restore_conflict.sql: vigil_restore puts back only what is still as the repair
-- left it (issue #16, item 9; docs/repair.md).  The repair sets 150 and 160 to NULL (rule
-- v < 100); a writer then sets 42: the restore fails listing the row, nothing is restored and
-- 42 is kept.  Once the writer's value is undone the whole batch comes back.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE m (id INTEGER PRIMARY KEY, v INTEGER);
INSERT INTO m VALUES (1, 150), (2, 160), (3, 5);
SELECT vigil_rule_add('small', 'm', 'v < 100');
SELECT action, table_name, rows_affected, detail, batch FROM vigil_repair(0);
UPDATE m SET v = 42 WHERE id = 1;
SELECT vigil_restore(1);
SELECT * FROM m ORDER BY id;
SELECT count(*) AS restored FROM vigil_quarantine WHERE restored_at IS NOT NULL;
UPDATE m SET v = NULL WHERE id = 1;
SELECT vigil_restore(1);
SELECT * FROM m ORDER BY id;
