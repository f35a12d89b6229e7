-- sql/health.sql: vigil_health(), vigil_snapshot(), vigil_alerts, NOTIFY, vigil_metrics()
-- In a database of its own: integrity_findings counts vigil_check()'s errors, and the tests
-- before this one leave tables with planted defects in the regression database.
SELECT current_database() AS regression_db \gset
CREATE DATABASE vigil_health;
\c vigil_health
CREATE EXTENSION vigil;
SELECT vigil_query_stats_reset() >= 0 AS reset;
-- the buffer cache hit ratio depends on what ran before: out of the way (0 %) in this test
SET vigil.cache_hit_warning_pct = 0;
SELECT value BETWEEN 0 AND 100 AS cache_hit_in_range FROM vigil_health() WHERE metric = 'cache_hit_pct';
-- every metric of PostgreSQL's set, in order, with its default threshold
SELECT metric, threshold, status FROM vigil_health();
-- thresholds are GUCs
SHOW vigil.mean_query_ms_warning;
SET vigil.error_rate_critical_pct = 150;
SET vigil.error_rate_critical_pct = 'x';
RESET vigil.error_rate_critical_pct;
-- a slow query crosses mean_query_ms (threshold lowered to 50 ms)
SELECT vigil_query_stats_reset() >= 0 AS reset;
SELECT pg_sleep(0.5);
SET vigil.mean_query_ms_warning = 50;
SELECT metric, status, value > 50 AS above FROM vigil_health() WHERE metric = 'mean_query_ms';
SELECT value AS score, status FROM vigil_health() WHERE metric = 'overall';
-- a snapshot records it and raises a warning alert (NOTIFY vigil_alerts: tests/monitoring)
SELECT metric, status, alert FROM vigil_snapshot() WHERE alert IS NOT NULL OR metric = 'overall';
SELECT severity, metric, resolved_at IS NULL AS open FROM vigil_alerts ORDER BY id;
SELECT count(DISTINCT recorded_at) AS snapshots, count(*) AS rows FROM vigil_health_history;
-- the same state again: the alert stays open, no new row
SELECT metric, alert FROM vigil_snapshot() WHERE alert IS NOT NULL;
SELECT count(*) AS alerts FROM vigil_alerts;
-- failing queries cross error_rate_pct (critical)
SELECT 1 / 0 FROM pg_class LIMIT 1;
SELECT 1 / 0 FROM pg_class LIMIT 1;
SELECT 1 / 0 FROM pg_class LIMIT 1;
SELECT metric, status FROM vigil_health() WHERE metric IN ('error_rate_pct', 'overall');
SELECT metric, status, alert FROM vigil_snapshot() WHERE alert IS NOT NULL OR metric = 'overall';
-- back to normal: thresholds raised, the alerts are resolved
SET vigil.mean_query_ms_warning = 100000;
SET vigil.error_rate_critical_pct = 100;
SELECT metric, status, alert FROM vigil_snapshot() WHERE alert IS NOT NULL OR metric = 'overall';
SELECT severity, metric, resolved_at IS NOT NULL AS resolved FROM vigil_alerts ORDER BY id;
-- connections above 0 % of max_connections: a warning, raised then resolved
SET vigil.connections_warning_pct = 0;
SELECT metric, alert FROM vigil_snapshot() WHERE alert IS NOT NULL;
SELECT severity, metric, resolved_at IS NULL AS open FROM vigil_alerts WHERE metric = 'connections_pct';
RESET vigil.connections_warning_pct;
SELECT metric, alert FROM vigil_snapshot() WHERE alert IS NOT NULL;
-- a storage limit: database_size_mb gets a threshold and crosses it
SET vigil.database_size_limit_mb = 1;
SELECT metric, threshold, status FROM vigil_health() WHERE metric = 'database_size_mb';
RESET vigil.database_size_limit_mb;
-- integrity findings: a row breaking a NOT VALID check and duplicates under an invalid unique
-- index: two vigil_check() errors (critical)
CREATE TABLE hl (id int, v int);
INSERT INTO hl VALUES (1, -1), (1, 2);
ALTER TABLE hl ADD CONSTRAINT v_positive CHECK (v > 0) NOT VALID;
\set VERBOSITY terse
CREATE UNIQUE INDEX CONCURRENTLY hl_id ON hl (id);
\set VERBOSITY default
SELECT indisvalid FROM pg_index WHERE indexrelid = 'hl_id'::regclass;
SELECT metric, value, status FROM vigil_health() WHERE metric IN ('integrity_findings', 'overall');
DROP TABLE hl;
SELECT metric, value, status FROM vigil_health() WHERE metric = 'integrity_findings';
-- dead rows: deletes, statistics flushed
SET vigil.error_rate_critical_pct = 100;
CREATE TABLE dead (id int) WITH (autovacuum_enabled = false);
INSERT INTO dead SELECT generate_series(1, 1000);
DELETE FROM dead WHERE id <= 900;
SELECT pg_stat_force_next_flush();
SET vigil.dead_rows_warning_pct = 5;
SELECT metric, status FROM vigil_health() WHERE metric = 'dead_rows_pct';
RESET vigil.dead_rows_warning_pct;
DROP TABLE dead;
-- snapshots are for privileged roles
CREATE ROLE vigil_health_user;
SET ROLE vigil_health_user;
SELECT count(*) > 0 AS can_read FROM vigil_health();
SELECT * FROM vigil_snapshot();
RESET ROLE;
DROP ROLE vigil_health_user;
RESET ALL;
\c :regression_db
DROP DATABASE vigil_health;
