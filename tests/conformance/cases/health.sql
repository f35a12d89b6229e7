-- vigil_health(): the metrics both engines have, their default thresholds, and an integrity
-- finding of the same kind (a row breaking a foreign key the engine does not check: SQLite
-- without PRAGMA foreign_keys, PostgreSQL through a NOT VALID key) counted the same way, as
-- vigil_check()'s fk_orphan error.

-- setup sqlite
CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id));
INSERT INTO child VALUES (1, 99);
-- setup postgres
CREATE TABLE parent (id integer PRIMARY KEY);
CREATE TABLE child (id integer PRIMARY KEY, parent_id integer);
INSERT INTO child VALUES (1, 99);
ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent (id) NOT VALID;

-- query
SELECT metric, value, threshold, status FROM vigil_health()
WHERE metric IN ('integrity_findings', 'overall') ORDER BY metric;
-- expect
[["integrity_findings", 1, 0, "critical"], ["overall", 70, null, "critical"]]

-- query
SELECT metric, threshold FROM vigil_health()
WHERE metric IN ('error_rate_pct', 'mean_query_ms', 'database_size_mb') ORDER BY metric;
-- expect
[["database_size_mb", null], ["error_rate_pct", 10], ["mean_query_ms", 1000]]

-- query
SELECT count(*) FROM vigil_health() WHERE status NOT IN ('ok', 'warning', 'critical', 'unknown')
  AND metric <> 'overall';
-- expect
[[0]]

-- The orphan removed (and, in PostgreSQL, the key validated): no finding.
-- setup
DELETE FROM child;
-- setup postgres
ALTER TABLE child VALIDATE CONSTRAINT child_parent_id_fkey;
-- query
SELECT metric, value, status FROM vigil_health() WHERE metric = 'integrity_findings';
-- expect
[["integrity_findings", 0, "ok"]]
