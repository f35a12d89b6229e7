-- vigil_restore puts back only what is still as the repair left it (issue #16, item 9): the
-- repair sets 150 and 160 to NULL, a writer then sets 42; the restore fails in both engines
-- with the same message listing the row, nothing is restored; once the writer's value is undone
-- the whole batch comes back.

-- setup
CREATE TABLE m (id integer PRIMARY KEY, v integer);
INSERT INTO m VALUES (1, 150), (2, 160), (3, 5);

-- query
SELECT vigil_rule_add('small', 'm', 'v < 100')
-- expect
[["small"]]

-- query
SELECT action, table_name, rows_affected, batch FROM vigil_repair(false)
-- expect
[["set_null", "m", 2, 1]]

-- setup
UPDATE m SET v = 42 WHERE id = 1;

-- error 55000
SELECT vigil_restore(1)
-- expect
cannot restore batch 1: 1 value changed since the repair: row {"id": 1} of table "m" column "v" holds 42

-- query
SELECT id, v FROM m ORDER BY id
-- expect
[[1, 42], [2, null], [3, 5]]

-- setup
UPDATE m SET v = NULL WHERE id = 1;

-- query
SELECT vigil_restore(1)
-- expect
[[2]]

-- query
SELECT id, v FROM m ORDER BY id
-- expect
[[1, 150], [2, 160], [3, 5]]
