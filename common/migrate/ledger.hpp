// common/migrate/ledger.hpp
//
// vigil's migration ledger: the table vigil_migrations (one row per registered migration,
// with its text, options, checksum and current state) and the append-only history
// vigil_migration_events (one row per step: apply, fail, rollback, baseline, mark).  Both are
// described once here (OwnTable); PostgreSQL's install script creates the same tables
// (pg_extension/sql/30_migrate.sql), SQLite creates them on first use.  All SQL the ledger
// runs binds its values; identifiers come from the dialect.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "vigil/dialect.hpp"
#include "vigil/session.hpp"

namespace vigil::migrate {

// States of a migration (vigil_migrations.state and vigil_migration_status().state).
inline constexpr const char* kPending = "pending";
inline constexpr const char* kApplied = "applied";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kRolledBack = "rolled_back";
inline constexpr const char* kManual = "manual";

const OwnTable& migrations_table_spec();
const OwnTable& events_table_spec();

struct MigrationOptions {
  std::optional<bool> transactional;  // unset: decided by the statements
  std::vector<std::string> requires_versions;
  std::optional<std::int64_t> lock_timeout_ms;
  std::optional<std::int64_t> retries;

  bool operator==(const MigrationOptions& o) const {
    return transactional == o.transactional && requires_versions == o.requires_versions &&
           lock_timeout_ms == o.lock_timeout_ms && retries == o.retries;
  }
};

// Parses options_json (a JSON object with the keys above); throws kInvalidParameter naming
// the problem (not an object, an unknown key, a wrong type).
MigrationOptions parse_options(const std::string& json);
// A JSON parser's error message without the library's "[json.exception...] " prefix.
std::string json_error_text(const std::exception& e);
// JSON nested deeper than this is refused where a caller hands it over (options_json, an
// import): the JSON library writes and compares values recursively, and 100,000 nested arrays
// overflowed the stack (found by the hostile-input suite; the process died).
inline constexpr int kMaxJsonDepth = 64;
// Parses JSON a caller handed over; kInvalidParameter "<what> is not valid JSON: ..." or
// "<what> is nested too deeply ...".
nlohmann::json parse_json_input(const std::string& text, const char* what);
// Empties a parsed tree leaves first, which frees it without allocating: nlohmann/json's
// destructor allocates a stack of the children (nlohmann/json#4653), and an allocation that
// fails there ends the process (std::terminate; found by tests/faults).  Call it on the normal
// path before a tree goes out of scope (depth is bounded by kMaxJsonDepth).
void release_json(nlohmann::json& tree) noexcept;
// The JSON text of a list of versions: ["1","2"].
std::string versions_json(const std::vector<std::string>& versions);
std::vector<std::string> parse_versions_json(const std::string& json);

// One registered migration without its SQL text (what planning needs).
struct MigrationRow {
  std::string version;
  std::string name;
  MigrationOptions options;
  std::string state;
  bool manual = false;  // has statements that cannot run in a transaction
  std::string checksum;
  std::int64_t checksum_algorithm = 1;
  std::optional<std::string> applied_checksum;
  bool has_down = false;
  std::optional<std::int64_t> apply_seq;
};

// A full registered migration, as vigil_migration_add and the importer write it.
struct MigrationDefinition {
  std::string version;
  std::string name;
  std::string up_sql;
  std::optional<std::string> down_sql;
  MigrationOptions options;
  std::optional<std::string> manual_sql;  // JSON array of the statements, when manual
  std::string checksum;
  std::int64_t checksum_algorithm = 1;
};

struct Event {
  std::string version;
  std::string action;     // apply | fail | rollback | baseline | mark
  std::string direction;  // up | down | "" (baseline, mark)
  std::string happened_at;
  std::optional<std::string> performed_by;
  std::optional<double> duration_ms;
  std::optional<std::string> error;
  std::optional<std::string> fingerprint;
  std::optional<std::string> checksum;
  std::int64_t attempts = 1;
};

class Ledger {
 public:
  // `create`: SQLite creates the tables when they are missing (functions that write).  Returns
  // nullopt when they do not exist and `create` is false (nothing was ever registered).
  static std::optional<Ledger> open(Session& session, bool create);

  const std::string& migrations() const { return migrations_; }
  const std::string& events() const { return events_; }

  // Every registered migration, in no particular order.
  std::vector<MigrationRow> rows() const;
  std::optional<MigrationRow> row(const std::string& version) const;
  std::vector<std::string> versions() const;
  std::optional<MigrationDefinition> definition(const std::string& version) const;
  std::vector<MigrationDefinition> definitions() const;
  // The definitions of the migrations that are applied (true) or not applied (false).
  std::vector<MigrationDefinition> definitions_in_state(bool applied) const;

  void insert(const MigrationDefinition& d, const std::string& registered_at) const;
  // Replaces text and options of a registered migration; `state` stays unless `reset_state`.
  void update(const MigrationDefinition& d, bool reset_state) const;

  // The next apply_seq: one more than the highest (the order migrations were applied in).
  std::int64_t next_apply_seq() const;
  void set_applied(const std::string& version, std::int64_t apply_seq, const std::string& at,
                   const std::optional<std::string>& by, const std::optional<double>& duration_ms,
                   const std::string& fingerprint, const std::string& applied_checksum) const;
  void set_failed(const std::string& version, const std::string& error,
                  const std::optional<double>& duration_ms) const;
  // A failed rollback: the migration stays applied, with the error.
  void set_rollback_error(const std::string& version, const std::string& error) const;
  void set_rolled_back(const std::string& version, const std::string& at,
                       const std::optional<std::string>& by, double duration_ms,
                       const std::string& fingerprint) const;

  void append(const Event& e) const;
  // The version and fingerprint recorded by the latest successful step, if any.
  std::optional<std::pair<std::string, std::string>> latest_fingerprint() const;

 private:
  Ledger(Session& session, std::string migrations, std::string events)
      : session_(&session), migrations_(std::move(migrations)), events_(std::move(events)) {}
  std::string p(int n) const;

  Session* session_;
  std::string migrations_;
  std::string events_;
};

// The current time as ISO-8601 UTC text with microseconds: 2024-05-01T12:00:00.123456Z.
std::string now_iso();

}  // namespace vigil::migrate
