// common/dialect/sqlite_monitoring.cpp
//
// SQLite's side of statistics, health and monitoring: PRAGMA-based health metrics, the
// vigil_settings table, and what SQLite does not have (notifications, a scheduler).
#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "dialect/sqlite_dialect.hpp"
#include "stats/settings.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/session.hpp"

namespace vigil {

std::string_view SqliteDialect::engine_title() const {
  return "SQLite";
}

Value SqliteDialect::read_setting(Session& session, const std::string& name) const {
  const std::string table = own_table(session, settings_table(), false);
  if (table.empty()) return Value::null();
  return session.scalar("SELECT value FROM " + table + " WHERE name = ?1", {Value::text(name)});
}

void SqliteDialect::prepare_settings(Session& session) const {
  const std::string table = own_table(session, settings_table(), true);
  for (std::size_t i = 0; i < kSettingCount; ++i) {
    const SettingSpec& s = kSettings[i];
    session.exec(
        "INSERT OR IGNORE INTO " + table + " (name, value, description) VALUES (?1, ?2, ?3)",
        {Value::text(s.name), Value::real(s.default_value), Value::text(s.description)});
  }
}

std::string SqliteDialect::now_sql() const {
  return "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
}

namespace {

// The size of the main database's WAL file: SQLite keeps it beside the database as <file>-wal.
Row wal_size(Session& session) {
  const std::string file =
      session.scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").to_text();
  if (file.empty()) return {Value::real(0), Value::text("no WAL: the database is not a file")};
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(file + "-wal", ec);
  if (ec) return {Value::real(0), Value::text("no WAL file")};
  return {Value::real(static_cast<double>(bytes) / 1048576.0),
          Value::text(fmt::format("{} bytes in {}-wal", bytes, file))};
}

}  // namespace

std::vector<HealthProbe> SqliteDialect::health_probes() const {
  std::vector<HealthProbe> probes;
  probes.push_back({"freelist_pct",
                    R"sql(
SELECT CASE WHEN p.page_count = 0 THEN 0.0 ELSE 100.0 * f.freelist_count / p.page_count END,
       f.freelist_count || ' free pages of ' || p.page_count
FROM pragma_page_count AS p, pragma_freelist_count AS f)sql",
                    false,
                    {}});
  probes.push_back({"wal_size_mb", "", false, wal_size});
  probes.push_back({"journal_mode",
                    "SELECT CASE WHEN journal_mode = 'wal' THEN 1.0 ELSE 0.0 END, journal_mode "
                    "FROM pragma_journal_mode",
                    false,
                    {}});
  probes.push_back({"quick_check",
                    R"sql(
SELECT count(*), min(quick_check) FROM pragma_quick_check WHERE quick_check <> 'ok')sql",
                    false,
                    {}});
  probes.push_back({"database_size_mb",
                    R"sql(
SELECT p.page_count * s.page_size / 1048576.0, (p.page_count * s.page_size) || ' bytes'
FROM pragma_page_count AS p, pragma_page_size AS s)sql",
                    false,
                    {}});
  return probes;
}

std::string SqliteDialect::notify_sql() const {
  return "";
}

bool SqliteDialect::check_scheduler(Session&) const {
  throw Error(ErrorCode::kFeatureNotSupported,
              "SQLite has no job scheduler: call vigil_snapshot() from the application's own "
              "scheduler");
}

std::string SqliteDialect::schedule_sql() const {
  return "";
}

std::string SqliteDialect::unschedule_sql() const {
  return "";
}

std::string SqliteDialect::function_prefix(Session&) const {
  return "";
}

// Tables with rows and no statistics in sqlite_stat1 (ANALYZE never ran on them).
std::vector<StaleTable> SqliteDialect::stale_tables(Session& session) const {
  const bool have_stats =
      !session
           .scalar(
               "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'")
           .is_null();
  std::vector<StaleTable> out;
  auto tables = session.query(list_tables_sql());
  std::vector<TableRef> refs;
  while (tables->next()) refs.push_back({tables->get(0).to_text(), tables->get(1).to_text()});
  for (const TableRef& ref : refs) {
    if (have_stats && !session
                           .scalar("SELECT 1 FROM main.sqlite_stat1 WHERE tbl = ?1 LIMIT 1",
                                   {Value::text(ref.name)})
                           .is_null()) {
      continue;
    }
    if (session.scalar("SELECT 1 FROM " + qualified(ref) + " LIMIT 1").is_null()) continue;
    out.push_back({ref, "never analyzed"});
  }
  return out;
}

std::string SqliteDialect::unused_indexes_sql() const {
  return "";  // SQLite keeps no index usage counts
}

std::vector<EngineAdvice> SqliteDialect::engine_advice(Session& session) const {
  std::vector<EngineAdvice> out;
  const std::string mode = session.scalar("SELECT journal_mode FROM pragma_journal_mode").to_text();
  const std::string file =
      session.scalar("SELECT file FROM pragma_database_list WHERE name = 'main'").to_text();
  if (mode != "wal" && !file.empty()) {
    out.push_back({"set_journal_mode", "main",
                   fmt::format("journal_mode is {}: in WAL mode readers do not block the writer "
                               "nor the writer the readers",
                               mode),
                   "PRAGMA main.journal_mode = WAL", false});
  }
  out.push_back({"optimize", "main",
                 "lets SQLite refresh the planner statistics it finds stale (run it before "
                 "closing long-lived connections)",
                 "PRAGMA main.optimize", true});
  return out;
}

std::string SqliteDialect::create_index_sql(const TableRef& table, const std::string& index,
                                            const std::vector<std::string>& columns) const {
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + quote_identifier(c);
  return fmt::format("CREATE INDEX {}.{} ON {} ({})", quote_identifier(table.schema),
                     quote_identifier(index), quote_identifier(table.name), list);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
