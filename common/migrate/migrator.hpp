// common/migrate/migrator.hpp
//
// The migration operations behind the SQL functions (functions.cpp has their SQL contracts).
// Every operation that writes runs as one unit: a savepoint around the whole call (in SQLite
// outside a transaction, that is the transaction), the migration lock taken first, and each
// migration inside its own savepoint, so a failing migration is undone whole while what came
// before it stays, with the failure recorded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "migrate/ledger.hpp"
#include "vigil/session.hpp"

namespace vigil::migrate {

// One row of vigil_migrate() / vigil_rollback().
struct StepResult {
  std::string version;
  std::string name;
  std::string status;  // applied | failed | manual | rolled_back
  std::optional<double> duration_ms;
  std::optional<std::string> detail;  // the error, or what a manual migration needs
};

// One row of vigil_migration_status().
struct StatusRow {
  std::string version;
  std::string name;
  std::string state;
  std::optional<bool> checksum_ok;
  std::optional<std::string> applied_at;
  std::optional<std::string> applied_by;
  std::optional<double> duration_ms;
  std::optional<std::string> error;
  std::optional<std::string> fingerprint;
  std::optional<bool> drift;
  std::optional<std::string> manual_sql;
};

// Size limits (docs/migrations.md, "Limits"): above them a call fails with
// kProgramLimitExceeded (54000 / SQLITE_TOOBIG) and changes nothing.  The statements of one
// up_sql or down_sql are limited by the splitter (kMaxStatementsPerMigration).
inline constexpr std::size_t kMaxMigrationTextBytes = 64U << 20U;  // one up_sql or down_sql
inline constexpr std::size_t kMaxImportBytes = 256U << 20U;        // vigil_migrations_import
inline constexpr std::size_t kMaxImportMigrations = 100000;        // migrations in one import

// Defaults of the per-migration options where the engine has a lock timeout.
inline constexpr std::int64_t kDefaultLockTimeoutMs = 10000;
inline constexpr std::int64_t kDefaultRetries = 3;

// "added", "updated" or "unchanged".
std::string add_migration(Session& session, const std::string& version, const std::string& name,
                          const std::string& up_sql, const std::optional<std::string>& down_sql,
                          const std::optional<std::string>& options_json);

std::vector<StepResult> migrate(Session& session, const std::optional<std::string>& target,
                                const std::optional<std::int64_t>& steps);
std::vector<StepResult> rollback(Session& session, const std::string& target);
std::int64_t baseline(Session& session, const std::string& version);
std::int64_t mark_applied(Session& session, const std::string& version);

std::vector<StatusRow> status(Session& session);
std::string export_migrations(Session& session);
std::int64_t import_migrations(Session& session, const std::string& json);
std::int64_t assert_migrated(Session& session, const std::optional<std::string>& target);

}  // namespace vigil::migrate
