-- pg_extension/sql/20_stats.sql: statistics, health and monitoring (common/stats/)

--
-- vigil_table_stats([table_name])
--
-- One row per user table: exact row count, sizes, index count, and PostgreSQL's cumulative
-- statistics (dead and live rows, scans, last vacuum and analyze).
--
CREATE FUNCTION vigil_table_stats(
    text DEFAULT NULL, -- table_name (unnamed: it would clash with the OUT column)
    OUT table_name text,
    OUT row_count bigint,
    OUT total_bytes bigint,
    OUT index_count bigint,
    OUT dead_rows bigint,
    OUT last_analyze timestamptz,
    OUT page_count bigint,
    OUT live_rows bigint,
    OUT seq_scans bigint,
    OUT index_scans bigint,
    OUT last_vacuum timestamptz,
    OUT last_autovacuum timestamptz,
    OUT last_autoanalyze timestamptz,
    OUT free_bytes bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_table_stats'
LANGUAGE C STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_query_stats()
--
-- One row per normalised query of this database, recorded by vigil's executor hooks (needs
-- shared_preload_libraries = 'vigil').  The fingerprint is the same in SQLite.
--
CREATE FUNCTION vigil_query_stats(
    OUT fingerprint text,
    OUT query text,
    OUT calls bigint,
    OUT total_ms double precision,
    OUT mean_ms double precision,
    OUT min_ms double precision,
    OUT max_ms double precision,
    OUT stddev_ms double precision,
    OUT rows bigint,
    OUT errors bigint)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_query_stats'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_query_stats_reset()
--
-- Forgets this database's query statistics; returns how many entries there were.
--
CREATE FUNCTION vigil_query_stats_reset()
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_query_stats_reset'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_query_stats_reset() FROM PUBLIC;

--
-- vigil_health()
--
-- One row per health metric (value, threshold, status, message), then the overall score and
-- status.  Thresholds are the GUCs vigil.* (docs/monitoring.md).
--
CREATE FUNCTION vigil_health(
    OUT metric text,
    OUT value double precision,
    OUT threshold double precision,
    OUT status text,
    OUT message text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_health'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

-- What vigil_snapshot() records: every row of vigil_health(), each time.
CREATE TABLE vigil_health_history (
    id bigserial PRIMARY KEY,
    recorded_at timestamptz NOT NULL,
    metric text NOT NULL,
    value double precision,
    threshold double precision,
    status text NOT NULL,
    message text
);
SELECT pg_catalog.pg_extension_config_dump('vigil_health_history', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_health_history_id_seq', '');

-- Alerts raised and resolved by vigil_snapshot().
CREATE TABLE vigil_alerts (
    id bigserial PRIMARY KEY,
    raised_at timestamptz NOT NULL,
    severity text NOT NULL,
    metric text NOT NULL,
    message text,
    resolved_at timestamptz
);
SELECT pg_catalog.pg_extension_config_dump('vigil_alerts', '');
SELECT pg_catalog.pg_extension_config_dump('vigil_alerts_id_seq', '');

--
-- vigil_snapshot()
--
-- Records vigil_health() into vigil_health_history, raises and resolves vigil_alerts, and
-- sends NOTIFY vigil_alerts (JSON payload) for each alert raised.
--
CREATE FUNCTION vigil_snapshot(
    OUT recorded_at timestamptz,
    OUT metric text,
    OUT status text,
    OUT alert text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_snapshot'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_snapshot() FROM PUBLIC;

--
-- vigil_monitor_start(interval_seconds)
--
-- Schedules vigil_snapshot() with pg_cron (job 'vigil_snapshot'); returns the job id.
--
CREATE FUNCTION vigil_monitor_start(interval_seconds integer)
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_monitor_start'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_monitor_start(integer) FROM PUBLIC;

--
-- vigil_monitor_stop()
--
-- Removes the pg_cron job of vigil_monitor_start(); returns how many jobs were removed.
--
CREATE FUNCTION vigil_monitor_stop()
RETURNS bigint
AS 'MODULE_PATHNAME', 'vigil_monitor_stop'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_monitor_stop() FROM PUBLIC;

--
-- vigil_metrics([with_tables])
--
-- Prometheus text exposition of health, alerts, table statistics and the top queries.
--
CREATE FUNCTION vigil_metrics(with_tables boolean DEFAULT true)
RETURNS text
AS 'MODULE_PATHNAME', 'vigil_metrics'
LANGUAGE C VOLATILE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp;

--
-- vigil_optimize([apply])
--
-- Recommendations (foreign keys without an index, stale statistics, unused and duplicate
-- indexes); apply = true runs the safe ones (CREATE INDEX, ANALYZE).
--
CREATE FUNCTION vigil_optimize(
    apply boolean DEFAULT false,
    OUT action text,
    OUT target text,
    OUT reason text,
    OUT sql text,
    OUT applied boolean)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'vigil_optimize'
LANGUAGE C VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp;

REVOKE ALL ON FUNCTION vigil_optimize(boolean) FROM PUBLIC;
