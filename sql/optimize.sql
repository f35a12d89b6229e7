-- sql/optimize.sql: vigil_optimize([apply]) (autovacuum off: statistics change only by the test)
CREATE TABLE o_parent (id int PRIMARY KEY, code text UNIQUE) WITH (autovacuum_enabled = false);
CREATE TABLE o_child (id int PRIMARY KEY, parent_id int REFERENCES o_parent, other_id int REFERENCES o_parent,
                      note text) WITH (autovacuum_enabled = false);
CREATE INDEX o_child_other ON o_child (other_id);
CREATE INDEX o_child_note ON o_child (note);
CREATE INDEX o_child_note_again ON o_child (note);
CREATE INDEX o_parent_code ON o_parent (code);
INSERT INTO o_parent SELECT g, 'c' || g FROM generate_series(1, 100) g;
INSERT INTO o_child SELECT g, 1 + g % 100, 1 + g % 7, 'x' FROM generate_series(1, 500) g;
SELECT pg_stat_force_next_flush();
SELECT action, target, reason, sql, applied FROM vigil_optimize()
WHERE target LIKE 'o\_%' ORDER BY action, target;
-- apply: the index is created and the tables analyzed; drops are only reported
SELECT action, target, applied FROM vigil_optimize(true) WHERE target LIKE 'o\_%' ORDER BY action, target;
SELECT indexname FROM pg_indexes WHERE tablename = 'o_child' ORDER BY 1;
SELECT relname, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables
WHERE relname LIKE 'o\_%' ORDER BY 1;
SELECT pg_stat_force_next_flush();
SELECT action, target FROM vigil_optimize() WHERE target LIKE 'o\_%' ORDER BY action, target;
-- only for privileged roles
CREATE ROLE vigil_opt_user;
SET ROLE vigil_opt_user;
SELECT * FROM vigil_optimize();
RESET ROLE;
DROP ROLE vigil_opt_user;
DROP TABLE o_child, o_parent;
