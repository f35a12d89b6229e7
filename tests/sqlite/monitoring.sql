-- tests/sqlite/monitoring.sql: query statistics, health, snapshots and alerts, settings,
-- monitoring, metrics and optimize in SQLite
.load build/vigil
.headers on
.mode table
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES projects (id), path TEXT);
INSERT INTO projects VALUES (1, 'a'), (2, 'b');
INSERT INTO videos VALUES (1, 1, '/v/1'), (2, 1, '/v/2'), (3, 2, '/v/3');
SELECT path FROM videos WHERE id = 1;
select PATH from "videos" where ID = 2;
SELECT path FROM [videos] WHERE id = ?1;
SELECT count(*) FROM videos WHERE id IN (1, 2);
SELECT count(*) FROM videos WHERE id IN (3);
UPDATE videos SET path = path || '.mp4' WHERE project_id = 1;
-- statistics of this connection: every statement run so far, normalised
SELECT query, calls, rows, errors FROM vigil_query_stats() ORDER BY query;
SELECT count(*) AS consistent FROM vigil_query_stats()
WHERE fingerprint GLOB '[0-9a-f]*' AND length(fingerprint) = 16 AND min_ms <= mean_ms
  AND mean_ms <= max_ms AND stddev_ms >= 0;
SELECT vigil_query_stats_reset() > 0 AS reset;
SELECT query, calls FROM vigil_query_stats();
-- health: SQLite's set of metrics with their default thresholds
SELECT metric, threshold, status FROM vigil_health();
-- an orphan row (foreign keys are not enforced by default) is an integrity finding
INSERT INTO videos VALUES (4, 99, '/v/orphan');
SELECT metric, value, status, message FROM vigil_health() WHERE metric IN ('integrity_findings', 'overall');
-- a snapshot creates vigil_settings (with the defaults), the history and the alerts
SELECT metric, status, alert FROM vigil_snapshot() WHERE alert IS NOT NULL OR metric = 'overall';
SELECT severity, metric, message, resolved_at IS NULL AS open FROM vigil_alerts;
SELECT count(*) AS settings FROM vigil_settings;
SELECT name, value FROM vigil_settings WHERE name LIKE 'mean%' OR name LIKE 'error%';
-- settings are rows of vigil_settings: a low threshold crosses mean_query_ms
UPDATE vigil_settings SET value = 0 WHERE name = 'mean_query_ms_warning';
SELECT metric, threshold, status FROM vigil_health() WHERE metric = 'mean_query_ms';
-- the orphan gone and the threshold back: the alert is resolved
DELETE FROM videos WHERE id = 4;
UPDATE vigil_settings SET value = 1000 WHERE name = 'mean_query_ms_warning';
SELECT metric, status, alert FROM vigil_snapshot() WHERE alert IS NOT NULL OR metric = 'overall';
SELECT severity, metric, resolved_at IS NOT NULL AS resolved FROM vigil_alerts;
SELECT count(DISTINCT recorded_at) AS snapshots, count(*) AS rows FROM vigil_health_history;
-- bad settings are clear errors
UPDATE vigil_settings SET value = 'abc' WHERE name = 'freelist_warning_pct';
SELECT * FROM vigil_health();
UPDATE vigil_settings SET value = 500 WHERE name = 'freelist_warning_pct';
SELECT * FROM vigil_health();
UPDATE vigil_settings SET value = 25 WHERE name = 'freelist_warning_pct';
-- a storage limit
UPDATE vigil_settings SET value = 0.001 WHERE name = 'database_size_limit_mb';
SELECT metric, status FROM vigil_health() WHERE metric = 'database_size_mb';
UPDATE vigil_settings SET value = 0 WHERE name = 'database_size_limit_mb';
-- freed pages are counted by freelist_pct
CREATE TABLE filler (b BLOB);
WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200)
INSERT INTO filler SELECT randomblob(2000) FROM g;
DROP TABLE filler;
SELECT metric, status FROM vigil_health() WHERE metric = 'freelist_pct';
-- SQLite has no scheduler
SELECT vigil_monitor_start(60);
SELECT vigil_monitor_stop();
-- metrics: the families present (the text is parsed by a Prometheus parser in tests/monitoring)
SELECT count(*) AS type_lines FROM (
  WITH RECURSIVE lines(line, rest) AS (
    SELECT NULL, vigil_metrics() || char(10)
    UNION ALL
    SELECT substr(rest, 1, instr(rest, char(10)) - 1), substr(rest, instr(rest, char(10)) + 1)
    FROM lines WHERE rest <> '')
  SELECT line FROM lines WHERE line LIKE '# TYPE %');
SELECT instr(vigil_metrics(0), 'vigil_table_rows') = 0 AS without_tables;
-- optimize: an index for the foreign key, ANALYZE, WAL, PRAGMA optimize
SELECT action, target, reason, sql, applied FROM vigil_optimize();
SELECT action, target, applied FROM vigil_optimize(1);
SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'videos';
SELECT action, target FROM vigil_optimize();
-- functions that write cannot run from a trigger or a view
CREATE VIEW v AS SELECT * FROM vigil_snapshot();
SELECT * FROM v;
