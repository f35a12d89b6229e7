// common/dialect/sqlite_format.cpp
#include "dialect/sqlite_format.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/session.hpp"

namespace vigil {

namespace {

constexpr const char* kMetaTable = kSqliteMetaTable;
constexpr const char* kUpgradeDoc = "docs/upgrading.md";

}  // namespace

// One entry per format after 1 (0.1.0's).  Never edit a released step: append a new one.
const std::vector<FormatStep>& format_steps() {
  static const std::vector<FormatStep> steps = {
      // 1 -> 2 (vigil 0.2.0): vigil_meta and its format row, written by every upgrade; no
      // table of 0.1.0 changes its layout here yet.
      {2, {}},
  };
  return steps;
}

namespace {

bool main_table_exists(Session& session, const std::string& name) {
  return !session
              .scalar("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1",
                      {Value::text(name)})
              .is_null();
}

void write_format(Session& session, int format) {
  session.exec(
      fmt::format("CREATE TABLE IF NOT EXISTS \"main\".\"{}\" "
                  "(name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                  kMetaTable));
  session.exec(fmt::format("INSERT OR REPLACE INTO \"main\".\"{}\" (name, value) "
                           "VALUES ('format', ?1)",
                           kMetaTable),
               {Value::text(std::to_string(format))});
}

}  // namespace

int sqlite_format(Session& session) {
  if (main_table_exists(session, kMetaTable)) {
    const Value v = session.scalar(
        fmt::format("SELECT value FROM \"main\".\"{}\" WHERE name = 'format'", kMetaTable));
    const std::string text = v.is_null() ? std::string() : v.to_text();
    char* end = nullptr;
    const long format = text.empty() ? 0 : std::strtol(text.c_str(), &end, 10);
    if (text.empty() || end == nullptr || *end != '\0' || format < 1 || format > 1000000) {
      throw Error(ErrorCode::kDataCorrupted,
                  fmt::format("vigil_meta has no valid format row (found \"{}\")",
                              v.is_null() ? "NULL" : text),
                  fmt::format("vigil_meta is vigil's own table; see {}.", kUpgradeDoc));
    }
    return static_cast<int>(format);
  }
  std::string own;
  for (const char* name : kOwnTables) own += std::string(own.empty() ? "'" : ", '") + name + "'";
  const Value any = session.scalar(
      "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND "
      "name IN (" +
      own + ")");
  return any.is_null() ? 0 : 1;
}

void upgrade_sqlite_format(Session& session, int from, const std::vector<FormatStep>& steps) {
  const int to = steps.empty() ? from : steps.back().to;
  try {
    SubTransaction sub(session);
    for (const auto& step : steps) {
      if (step.to <= from) continue;
      for (const auto& statement : step.statements) {
        if (main_table_exists(session, statement.table)) session.exec(statement.sql);
      }
    }
    write_format(session, to);
    sub.commit();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kReadOnly) throw;
    throw Error(ErrorCode::kReadOnly,
                fmt::format("vigil's tables in this database have format {} and this vigil ({}) "
                            "needs format {}, but the database is read-only: {}",
                            from, kVersion, to, e.what()),
                fmt::format("Open the database read-write once with this vigil: its first call "
                            "upgrades vigil's tables in one transaction ({}).",
                            kUpgradeDoc));
  }
}

void ensure_sqlite_format(Session& session, bool create) {
  const int format = sqlite_format(session);
  if (format == kSqliteFormat) return;
  if (format > kSqliteFormat) {
    throw Error(ErrorCode::kFeatureNotSupported,
                fmt::format("vigil's tables in this database have format {}, written by a newer "
                            "vigil; this vigil ({}) reads format {} at most",
                            format, kVersion, kSqliteFormat),
                fmt::format("Load the newer vigil library; downgrades are not supported ({}).",
                            kUpgradeDoc));
  }
  if (format == 0) {
    if (create) write_format(session, kSqliteFormat);
    return;
  }
  // A reader needs the upgrade only when a step changes a table that exists: otherwise the
  // tables already have the current layout, and it reads them without writing (a read-only file,
  // a backup being verified).  A writer always writes the format row.
  if (!create) {
    bool changes = false;
    for (const auto& step : format_steps()) {
      for (const auto& statement : step.statements) {
        changes = changes || (step.to > format && main_table_exists(session, statement.table));
      }
    }
    if (!changes) return;
  }
  upgrade_sqlite_format(session, format, format_steps());
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
