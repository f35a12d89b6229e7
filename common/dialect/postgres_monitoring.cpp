// common/dialect/postgres_monitoring.cpp
//
// PostgreSQL's side of statistics, health and monitoring: the catalog and statistics views
// behind its health metrics, GUC-backed settings, NOTIFY, and pg_cron.  SQL text only, run by
// the core through the session.
#include <fmt/format.h>

#include "dialect/postgres_dialect.hpp"
#include "vigil/error.hpp"
#include "vigil/session.hpp"

namespace vigil {
namespace {

// Tables that belong to no extension, outside the system schemas (as list_tables_sql()).
constexpr const char* kUserRelation = R"sql(
  n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])
  AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
                    AND d.objid = c.oid AND d.deptype = 'e'))sql";

}  // namespace

std::string_view PostgresDialect::engine_title() const {
  return "PostgreSQL";
}

Value PostgresDialect::read_setting(Session& session, const std::string& name) const {
  return session.scalar("SELECT pg_catalog.current_setting('vigil.' || $1, true)",
                        {Value::text(name)});
}

void PostgresDialect::prepare_settings(Session&) const {}

std::string PostgresDialect::now_sql() const {
  return R"sql(SELECT pg_catalog.to_char(pg_catalog.timezone('UTC', pg_catalog.now()),
                                  'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))sql";
}

// The operands of every operator below have exactly the types of a pg_catalog operator (casts
// where they would not): an operator planted in the caller's search_path for, say,
// numeric * bigint would otherwise be a better match than pg_catalog's (sql/security.sql).
std::vector<HealthProbe> PostgresDialect::health_probes() const {
  std::vector<HealthProbe> probes;
  // Client connections only: background workers do not take max_connections slots.
  probes.push_back({"connections_pct",
                    R"sql(
SELECT 100.0 * pg_catalog.count(*)::pg_catalog.numeric
         / pg_catalog.current_setting('max_connections')::pg_catalog.numeric,
       pg_catalog.count(*) OPERATOR(pg_catalog.||) ' of ' OPERATOR(pg_catalog.||) pg_catalog.current_setting('max_connections')
         OPERATOR(pg_catalog.||) ' connections in use'
FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend')sql",
                    false,
                    {}});
  probes.push_back({"cache_hit_pct",
                    R"sql(
SELECT CASE WHEN blks_hit + blks_read = 0 THEN 100.0
            ELSE 100.0 * blks_hit::pg_catalog.numeric / (blks_hit + blks_read)::pg_catalog.numeric END,
       blks_hit OPERATOR(pg_catalog.||) ' buffer hits, ' OPERATOR(pg_catalog.||) blks_read OPERATOR(pg_catalog.||) ' reads'
FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database())sql",
                    false,
                    {}});
  probes.push_back({"xid_age",
                    R"sql(
SELECT pg_catalog.age(datfrozenxid)::float8,
       'transaction IDs since the oldest unfrozen one (wraparound at 2147483648)'
FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())sql",
                    false,
                    {}});
  probes.push_back({"long_running_seconds",
                    R"sql(
SELECT COALESCE(pg_catalog.max(EXTRACT(epoch FROM pg_catalog.clock_timestamp() - query_start)), 0)::float8,
       pg_catalog.count(*) FILTER (
         WHERE pg_catalog.clock_timestamp() - query_start > $1 * interval '1 second')
         OPERATOR(pg_catalog.||) ' queries running longer than the threshold'
FROM pg_catalog.pg_stat_activity
WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid())sql",
                    true,
                    {}});
  probes.push_back({"idle_in_transaction_seconds",
                    R"sql(
SELECT COALESCE(pg_catalog.max(EXTRACT(epoch FROM pg_catalog.clock_timestamp() - state_change)), 0)::float8,
       pg_catalog.count(*) FILTER (
         WHERE pg_catalog.clock_timestamp() - state_change > $1 * interval '1 second')
         OPERATOR(pg_catalog.||) ' sessions idle in a transaction longer than the threshold'
FROM pg_catalog.pg_stat_activity
WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')
  AND backend_type = 'client backend' AND pid <> pg_catalog.pg_backend_pid())sql",
                    true,
                    {}});
  probes.push_back({"dead_rows_pct",
                    fmt::format(R"sql(
SELECT CASE WHEN COALESCE(pg_catalog.sum(s.n_live_tup + s.n_dead_tup), 0) = 0::pg_catalog.numeric THEN 0.0
            ELSE 100.0 * pg_catalog.sum(s.n_dead_tup) / pg_catalog.sum(s.n_live_tup + s.n_dead_tup) END,
       COALESCE(pg_catalog.sum(s.n_dead_tup), 0) OPERATOR(pg_catalog.||) ' dead rows of '
         OPERATOR(pg_catalog.||) COALESCE(pg_catalog.sum(s.n_live_tup + s.n_dead_tup), 0)
FROM pg_catalog.pg_stat_all_tables s
JOIN pg_catalog.pg_class c ON c.oid = s.relid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE {})sql",
                                kUserRelation),
                    false,
                    {}});
  probes.push_back({"database_size_mb",
                    R"sql(
SELECT pg_catalog.pg_database_size(pg_catalog.current_database())::pg_catalog.numeric / 1048576.0,
       pg_catalog.pg_size_pretty(pg_catalog.pg_database_size(pg_catalog.current_database())))sql",
                    false,
                    {}});
  return probes;
}

std::string PostgresDialect::notify_sql() const {
  return "SELECT pg_catalog.pg_notify('vigil_alerts', $1)";
}

bool PostgresDialect::check_scheduler(Session& session) const {
  auto cursor = session.query(R"sql(
SELECT (SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_cron'),
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_available_extensions WHERE name = 'pg_cron'),
       (SELECT setting FROM pg_catalog.pg_settings WHERE name = 'cron.database_name'),
       pg_catalog.current_database())sql");
  cursor->next();
  const Value version = cursor->get(0);
  const std::string cron_db = cursor->get(2).to_text();
  const std::string this_db = cursor->get(3).to_text();
  if (version.is_null()) {
    if (cursor->get(1).to_integer() == 0) {
      throw Error(
          ErrorCode::kPrerequisiteState, "vigil monitoring needs pg_cron, which is not installed",
          fmt::format("Install the package postgresql-15-cron, set shared_preload_libraries "
                      "= 'vigil,pg_cron' and cron.database_name = '{}' in "
                      "postgresql.conf, restart PostgreSQL and run CREATE EXTENSION "
                      "pg_cron; or call vigil_snapshot() from a scheduler of your own.",
                      this_db));
    }
    throw Error(ErrorCode::kPrerequisiteState,
                "vigil monitoring needs the pg_cron extension in this database",
                cron_db.empty() || cron_db == this_db
                    ? std::string("Add pg_cron to shared_preload_libraries, restart PostgreSQL "
                                  "and run CREATE EXTENSION pg_cron.")
                    : fmt::format("pg_cron runs its jobs from database \"{}\" "
                                  "(cron.database_name): set it to \"{}\" and restart, then run "
                                  "CREATE EXTENSION pg_cron here.",
                                  cron_db, this_db));
  }
  // pg_cron 1.5 added intervals in seconds ('30 seconds').
  const std::string v = version.to_text();
  const auto dot = v.find('.');
  const int major = std::atoi(v.substr(0, dot).c_str());
  const int minor = dot == std::string::npos ? 0 : std::atoi(v.substr(dot + 1).c_str());
  return major > 1 || (major == 1 && minor >= 5);
}

std::string PostgresDialect::schedule_sql() const {
  return "SELECT cron.schedule($1, $2, $3)";
}

std::string PostgresDialect::unschedule_sql() const {
  return "SELECT pg_catalog.count(cron.unschedule(jobid)) FROM cron.job WHERE jobname = $1";
}

std::string PostgresDialect::function_prefix(Session& session) const {
  const Value schema = session.scalar(R"sql(
SELECT n.nspname::text FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'vigil')sql");
  return schema.is_null() ? std::string() : quote_identifier(schema.to_text()) + ".";
}

// Never analyzed (with rows), or more than 10 % of the rows (and at least 50) changed since.
std::vector<StaleTable> PostgresDialect::stale_tables(Session& session) const {
  auto cursor = session.query(fmt::format(R"sql(
SELECT n.nspname::text, c.relname::text,
       CASE WHEN s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
            THEN 'never analyzed'
            ELSE s.n_mod_since_analyze OPERATOR(pg_catalog.||) ' rows changed since the last analyze' END
FROM pg_catalog.pg_stat_all_tables s
JOIN pg_catalog.pg_class c ON c.oid = s.relid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND {}
  AND ((s.last_analyze IS NULL AND s.last_autoanalyze IS NULL
        AND s.n_live_tup + s.n_dead_tup + s.n_mod_since_analyze > 0)
       OR s.n_mod_since_analyze::pg_catalog.float8
          > 50::pg_catalog.float8 + 0.1::pg_catalog.float8 * GREATEST(c.reltuples, 0)::pg_catalog.float8)
ORDER BY 1, 2)sql",
                                          kUserRelation));
  std::vector<StaleTable> out;
  while (cursor->next()) {
    out.push_back({{cursor->get(0).to_text(), cursor->get(1).to_text()}, cursor->get(2).to_text()});
  }
  return out;
}

std::string PostgresDialect::unused_indexes_sql() const {
  return fmt::format(R"sql(
SELECT n.nspname::text, c.relname::text, ic.relname::text,
       'never used by a query since the statistics were reset'
FROM pg_catalog.pg_stat_all_indexes s
JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND {}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint co WHERE co.conindid = i.indexrelid)
ORDER BY 1, 2, 3)sql",
                     kUserRelation);
}

std::vector<EngineAdvice> PostgresDialect::engine_advice(Session&) const {
  return {};
}

std::string PostgresDialect::create_index_sql(const TableRef& table, const std::string& index,
                                              const std::vector<std::string>& columns) const {
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + quote_identifier(c);
  return fmt::format("CREATE INDEX {} ON {} ({})", quote_identifier(index), qualified(table), list);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
