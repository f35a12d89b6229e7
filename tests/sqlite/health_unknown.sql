-- tests/sqlite/health_unknown.sql: a metric that cannot be measured (SQLite does not report
-- failed statements: error_rate_pct is unknown) keeps the overall status from 'excellent',
-- and the overall message names it; the score counts the measured metrics.
.load build/vigil
.headers on
.mode list
.nullvalue NULL
CREATE TABLE t (id INTEGER PRIMARY KEY);
SELECT metric, status FROM vigil_health() WHERE status = 'unknown';
SELECT metric, value, status, message FROM vigil_health() WHERE metric = 'overall';
-- a warning as well: the message lists both
SELECT count(*) AS snapshot_rows FROM vigil_snapshot();  -- creates vigil_settings
UPDATE vigil_settings SET value = 0.001 WHERE name = 'database_size_limit_mb';
SELECT metric, value, status, message FROM vigil_health() WHERE metric = 'overall';
