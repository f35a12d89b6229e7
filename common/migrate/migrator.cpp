// common/migrate/migrator.cpp
//
// The migration operations (migrator.hpp).  Transaction shape of every writing call:
//
//   foreign-key enforcement off (SQLite, only effective outside a transaction)
//   SAVEPOINT (the call)                     -- SQLite in autocommit mode: the transaction
//     create the ledger on demand, take the migration lock (advisory lock / write lock)
//     read the ledger (after the lock: a second migrator sees the first one's work)
//     per migration: SAVEPOINT
//                      lock_timeout, statements one by one, foreign-key check (SQLite)
//                      ledger row + history event (+ the schema fingerprint after the step)
//                    RELEASE
//                    -- on error: ROLLBACK TO (schema and ledger as before the migration),
//                    -- then the failure is recorded and the run stops
//   RELEASE (the call)
//   foreign-key enforcement back on
//
// A cancelled statement (57014: pg_cancel_backend, statement_timeout, sqlite3_interrupt) is
// not recorded as a failure: it ends the whole call, as it ends a PL/pgSQL exception block.
#include "migrate/migrator.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "migrate/checksum.hpp"
#include "migrate/plan.hpp"
#include "migrate/schema_tracker.hpp"
#include "migrate/splitter.hpp"
#include "migrate/version.hpp"
#include "schema/canonical.hpp"
#include "schema/introspect.hpp"
#include "sql/lexer.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/system_fault.hpp"
#include "vigil/write_call.hpp"

namespace vigil::migrate {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point start) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  return static_cast<double>(us) / 1000.0;
}

// The role that runs the step: the database's current user, or, in an engine without roles,
// the operating-system user of the process.
std::optional<std::string> current_user(Session& session) {
  const std::string sql = session.dialect().current_user_sql();
  if (!sql.empty()) {
    const Value v = session.scalar(sql);
    if (!v.is_null()) return v.to_text();
    return std::nullopt;
  }
  for (const char* var : {"USER", "LOGNAME"}) {
    const char* value = std::getenv(var);  // NOLINT(concurrency-mt-unsafe): read-only use
    if (value != nullptr && *value != '\0') return std::string(value);
  }
  struct passwd entry {};
  struct passwd* found = nullptr;
  char buffer[1024];
  if (getpwuid_r(geteuid(), &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) {
    return std::string(found->pw_name);
  }
  return std::nullopt;
}

std::string describe(const MigrationRow& r) {
  return fmt::format("migration {} ({})", r.version, r.name);
}

// Foreign-key enforcement off for the length of a call (SQLite's table-rebuild pattern needs
// it); vigil checks the tables each migration touched instead (ForeignKeyCheck).  Only
// effective when the caller has no transaction open: inside one, SQLite ignores the pragma.
class ForeignKeysOff {
 public:
  explicit ForeignKeysOff(Session& session) : session_(session) {
    const Dialect& d = session.dialect();
    if (d.foreign_keys_enabled_sql().empty()) return;
    if (session.scalar(d.foreign_keys_enabled_sql()).to_bool()) {
      session.exec(d.foreign_keys_set_sql(false));
      restore_ = !session.scalar(d.foreign_keys_enabled_sql()).to_bool();
    }
  }
  ~ForeignKeysOff() {
    if (!restore_) return;
    try {
      session_.exec(session_.dialect().foreign_keys_set_sql(true));
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  ForeignKeysOff(const ForeignKeysOff&) = delete;
  ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

 private:
  Session& session_;
  bool restore_ = false;
};

// The foreign-key check of one migration (engines that do not enforce foreign keys during
// migrations): violations counted before and after in the tables its statements write to and
// in the tables that reference them (SchemaTracker::foreign_key_scope); more after than before
// fails the migration.
class ForeignKeyCheck {
 public:
  ForeignKeyCheck(Session& session, const SchemaTracker& tracker,
                  const std::vector<SqlStatement>& statements)
      : session_(session), tracker_(tracker) {
    if (session.dialect().foreign_key_violations_sql().empty()) return;
    for (const auto& s : statements) {
      for (auto& name : written_tables(s.text)) {
        if (std::find(names_.begin(), names_.end(), name) == names_.end()) {
          names_.push_back(std::move(name));
        }
      }
    }
    before_ = counts();
  }

  // After the statements, with the tracker up to date.
  void verify() {
    if (session_.dialect().foreign_key_violations_sql().empty()) return;
    std::string problems;
    for (const auto& [table, n] : counts()) {
      auto it = before_.find(table);
      const std::int64_t added = n - (it == before_.end() ? 0 : it->second);
      if (added > 0) {
        problems += fmt::format("{}{} in table \"{}\"", problems.empty() ? "" : ", ", added, table);
      }
    }
    if (!problems.empty()) {
      throw Error(ErrorCode::kDataException,
                  fmt::format("the migration created foreign key violations: {}", problems),
                  "Run SELECT * FROM pragma_foreign_key_check to see them.");
    }
  }

 private:
  std::map<std::string, std::int64_t> counts() {
    std::map<std::string, std::int64_t> out;
    if (names_.empty()) return out;
    for (const auto& ref : tracker_.foreign_key_scope(names_)) {
      out[ref.name] =
          session_.scalar(session_.dialect().foreign_key_violations_sql(), {Value::text(ref.name)})
              .to_integer();
    }
    return out;
  }

  Session& session_;
  const SchemaTracker& tracker_;
  std::vector<std::string> names_;
  std::map<std::string, std::int64_t> before_;
};

// One writing call as one unit that holds the migration lock.  When the host can begin a
// transaction (SQLite called outside one), the call is its own transaction, begun with the
// dialect's write-lock BEGIN (BEGIN IMMEDIATE: waits for the write lock up to the busy
// timeout when nothing else of the connection is reading); otherwise (PostgreSQL, or the
// caller's own transaction) a savepoint inside the caller's transaction.  Either way the
// ledger is created when needed and the migration lock taken before the ledger is read.  A
// busy lock becomes one clear error, the same in both engines.
class LockedCall {
 public:
  LockedCall(Session& session, const char* what) : session_(session) {
    const Dialect& d = session.dialect();
    const bool reading = session.reading_only();
    try {
      if (session.can_begin_transaction() && !d.begin_write_sql().empty()) {
        session.exec(d.begin_write_sql());
        began_ = true;
      }
      sub_.emplace(session);
      ledger_ = Ledger::open(session, true);
      std::string saved;
      if (!d.lock_timeout_get_sql().empty()) {
        saved = session.scalar(d.lock_timeout_get_sql()).to_text();
        if (saved == "0") session.exec(d.lock_timeout_set_sql(), {Value::text("60s")});
      }
      session.exec(d.migration_lock_sql(ledger_->migrations()));
      if (saved == "0") session.exec(d.lock_timeout_set_sql(), {Value::text(saved)});
    } catch (const std::exception& e) {
      const std::string state = session.error_sqlstate(e);
      try {
        end(false);
      } catch (...) {  // NOLINT(bugprone-empty-catch): the first error is the one to report
      }
      if ((state == "55P03" || state == "40P01") && !d.begin_write_sql().empty()) {
        // The migration lock is the database's write lock (SQLite): any writer holds it, an
        // application as well as another migrator.
        throw WriteCall::busy_error(what, reading || session.reading_only());
      }
      if (state == "55P03" || state == "40P01") {
        throw Error(ErrorCode::kLockNotAvailable,
                    "another migrator holds the migration lock; nothing was done",
                    d.migration_lock_hint());
      }
      throw;
    }
  }
  ~LockedCall() {
    try {
      end(false);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  LockedCall(const LockedCall&) = delete;
  LockedCall& operator=(const LockedCall&) = delete;

  const Ledger& ledger() const { return *ledger_; }
  void commit() { end(true); }

 private:
  // The savepoint is released or rolled back first, so the transaction the call began has
  // nothing left to undo when it ends: COMMIT either way (a ROLLBACK would abort the reading
  // statement of a table-valued call).
  void end(bool ok) {
    if (sub_) {
      if (ok) {
        sub_->commit();
        sub_.reset();
      } else {
        sub_.reset();  // rolls back
      }
    }
    if (began_) {
      began_ = false;
      // After an I/O error or out of memory SQLite may have rolled the transaction back
      // itself: then there is nothing to commit (tests/faults).
      if (!session_.can_begin_transaction()) session_.exec(session_.dialect().commit_sql());
    }
  }

  Session& session_;
  bool began_ = false;
  std::optional<SubTransaction> sub_;
  std::optional<Ledger> ledger_;
};

// The splitter as every call uses it: the statement limit, and a cancel observed.
SplitOptions split_options(Session& session) {
  SplitOptions options;
  options.check_interrupts = [&session] { session.check_interrupts(); };
  return options;
}

std::vector<std::size_t> order_of(Session& session, const std::vector<MigrationRow>& rows) {
  std::vector<PlanNode> nodes;
  nodes.reserve(rows.size());
  for (const auto& r : rows) nodes.push_back({r.version, r.options.requires_versions});
  return plan_order(nodes, [&session] { session.check_interrupts(); });
}

bool is_retryable(const std::string& state) {
  return state == "55P03" || state == "40P01" || state == "40001";
}

enum class Direction { kUp, kDown };

// Runs one migration (up) or its down_sql (down) atomically, with lock_timeout and retries
// where the engine has them, and records the outcome.
class StepRunner {
 public:
  StepRunner(Session& session, const Ledger& ledger)
      : session_(session),
        ledger_(ledger),
        user_(current_user(session)),
        defer_records_(session.dialect().lock_timeout_set_sql().empty()),
        tracker_(session) {
    const Dialect& d = session.dialect();
    if (!d.lock_timeout_get_sql().empty()) {
      session_lock_timeout_ = session.scalar(d.lock_timeout_get_sql()).to_text();
      lock_timeout_now_ = session_lock_timeout_;
    }
    tracker_.fingerprint();  // reads the schema as it is before the first step
  }

  // After the last step: the session's lock_timeout again (the steps leave theirs set, so that
  // a run of steps with the same lock_timeout sets it once).
  void finish() {
    write_records();
    set_lock_timeout(session_lock_timeout_);
  }

  StepResult run(const MigrationRow& row, Direction direction) {
    const Dialect& d = session_.dialect();
    const bool up = direction == Direction::kUp;
    const MigrationDefinition def = definition(row.version, up);
    const std::string& text = up ? def.up_sql : *def.down_sql;
    const std::vector<SqlStatement> statements =
        split_statements(text, up ? "up_sql" : "down_sql", split_options(session_));
    // A step that names anything of vigil's (its tables, its functions) sees the ledger as the
    // steps before it left it.
    if (!records_.empty()) {
      for (const auto& s : statements) {
        if (sql::ascii_lower(s.text).find("vigil_") != std::string::npos) {
          write_records();
          break;
        }
      }
    }

    // lock_timeout: the migration's own, else the session's when it has one, else a default.
    std::string lock_timeout;
    std::int64_t retries = 0;
    if (!d.lock_timeout_set_sql().empty()) {
      if (row.options.lock_timeout_ms) {
        lock_timeout = fmt::format("{}ms", *row.options.lock_timeout_ms);
      } else if (session_lock_timeout_ == "0") {
        lock_timeout = fmt::format("{}ms", kDefaultLockTimeoutMs);
      }
      retries = row.options.retries.value_or(kDefaultRetries);
    }

    if (lock_timeout.empty()) lock_timeout = session_lock_timeout_;

    std::int64_t attempts = 0;
    for (;;) {
      ++attempts;
      const auto start = Clock::now();
      std::size_t statement = 0;  // 1-based while a statement runs
      // The savepoint's rollback puts lock_timeout back to what it was before the step.
      const std::string lock_timeout_before = lock_timeout_now_;
      try {
        SubTransaction sub(session_);
        set_lock_timeout(lock_timeout);
        ForeignKeyCheck fk(session_, tracker_, statements);
        for (std::size_t i = 0; i < statements.size(); ++i) {
          statement = i + 1;
          session_.check_interrupts();
          session_.wait_point(WaitPoint::kMigrateStatement);
          const CallerNames callers(session_);  // the migration's SQL: the caller's names
          session_.exec(statements[i].text);
        }
        statement = 0;
        // duration_ms: the migration's own work (statements and foreign-key check), not
        // vigil's bookkeeping.
        double duration = elapsed_ms(start);
        const std::string fingerprint = tracker_.fingerprint();
        const auto check_start = Clock::now();
        fk.verify();
        duration += elapsed_ms(check_start);
        const std::string at = now_iso();
        if (up && next_seq_ == 0) next_seq_ = ledger_.next_apply_seq();
        Record record{up,
                      next_seq_,
                      {row.version, up ? "apply" : "rollback", up ? "up" : "down", at, user_,
                       duration, std::nullopt, fingerprint, def.checksum, attempts}};
        if (defer_records_) {
          records_.push_back(std::move(record));
        } else {
          write(record);
        }
        sub.commit();
        if (up) ++next_seq_;
        return {row.version, row.name, up ? kApplied : kRolledBack, duration, std::nullopt};
      } catch (const std::exception& e) {
        // The savepoint is rolled back here: schema, ledger and lock_timeout are as before the
        // step.
        lock_timeout_now_ = lock_timeout_before;
        const std::string state = session_.error_sqlstate(e);
        // Out of memory, an I/O error, a cancellation: the call ends, nothing is recorded (the
        // migration was not wrong; the engine may have rolled the transaction back).
        if (is_system_fault(state)) throw;
        if (is_retryable(state) && attempts <= retries && !d.sleep_sql().empty()) {
          double seconds = 0.1;  // 0.1 s, 0.2 s, 0.4 s, ... at most 5 s
          for (std::int64_t i = 1; i < attempts && seconds < 5.0; ++i) seconds *= 2;
          session_.exec(d.sleep_sql(), {Value::real(std::min(seconds, 5.0))});
          continue;
        }
        const double duration = elapsed_ms(start);
        std::string error = e.what();
        if (statement > 0) {
          error = fmt::format("{} statement {} (line {}): {}", up ? "up_sql" : "down_sql",
                              statement, statements[statement - 1].line, error);
        }
        error += d.migration_error_advice(error);
        if (attempts > 1) error += fmt::format(" (after {} attempts)", attempts);
        const std::string fingerprint = tracker_.fingerprint();
        write_records();
        if (up) {
          ledger_.set_failed(row.version, error, duration);
        } else {
          ledger_.set_rollback_error(row.version, error);
        }
        ledger_.append({row.version, "fail", up ? "up" : "down", now_iso(), user_, duration, error,
                        fingerprint, def.checksum, attempts});
        return {row.version, row.name, kFailed, duration, error};
      }
    }
  }

  SchemaTracker& tracker() { return tracker_; }
  const std::optional<std::string>& user() const { return user_; }

 private:
  // What a step that succeeded writes to the ledger: its row and its event.
  struct Record {
    bool up;
    std::int64_t apply_seq;
    Event event;
  };
  void write(const Record& r) {
    const Event& e = r.event;
    const std::string& fingerprint = *e.fingerprint;
    if (r.up) {
      ledger_.set_applied(e.version, r.apply_seq, e.happened_at, e.performed_by, e.duration_ms,
                          fingerprint, *e.checksum);
    } else {
      ledger_.set_rolled_back(e.version, e.happened_at, e.performed_by, *e.duration_ms,
                              fingerprint);
    }
    ledger_.append(e);
  }
  // The records held back, in the order of their steps (see defer_records_).
  void write_records() {
    for (const auto& r : records_) write(r);
    records_.clear();
  }

  // Sets lock_timeout (where the engine has one) unless it has that value already.
  void set_lock_timeout(const std::string& value) {
    if (value == lock_timeout_now_) return;
    session_.exec(session_.dialect().lock_timeout_set_sql(), {Value::text(value)});
    lock_timeout_now_ = value;
  }

  // The definitions a run needs, read with one query at the first step (those not applied when
  // applying, the applied ones when rolling back) rather than one query per step.
  MigrationDefinition definition(const std::string& version, bool up) {
    if (!definitions_loaded_) {
      for (auto& d : ledger_.definitions_in_state(!up)) {
        const std::string v = d.version;
        definitions_.emplace(v, std::move(d));
      }
      definitions_loaded_ = true;
    }
    auto it = definitions_.find(version);
    if (it != definitions_.end()) return it->second;
    return *ledger_.definition(version);
  }

  Session& session_;
  const Ledger& ledger_;
  std::optional<std::string> user_;
  // Where the engine has no lock_timeout (SQLite: the call holds the database's write lock, so
  // the ledger writes wait for nothing), a step's ledger row and event are written after the
  // last step of the run, before a failure is recorded, or before a step that names anything
  // of vigil's -- all inside the call's transaction, so no one else ever sees the difference.
  // SQLite re-prepares every statement after a schema change: written together, the two
  // ledger statements are prepared once per run instead of once per step.  Elsewhere
  // (PostgreSQL) a step's records are written inside its savepoint, under its lock_timeout.
  bool defer_records_;
  std::vector<Record> records_;
  std::string session_lock_timeout_;
  std::string lock_timeout_now_;  // lock_timeout as the steps left it ("": no such setting)
  std::map<std::string, MigrationDefinition> definitions_;
  bool definitions_loaded_ = false;
  SchemaTracker tracker_;
  std::int64_t next_seq_ = 0;  // read from the ledger at the first apply, then counted here
};

std::string manual_detail(const MigrationRow& r) {
  return fmt::format(
      "{} has statements that cannot run inside a transaction: run the statements of its "
      "manual_sql (vigil_migration_status()) yourself, then vigil_migration_mark_applied('{}')",
      describe(r), r.version);
}

// The migrations a run applies: not applied, in order, up to `target` (and what those
// require, wherever it sorts).
std::vector<const MigrationRow*> pending_in_order(Session& session,
                                                  const std::vector<MigrationRow>& rows,
                                                  const std::optional<std::string>& target) {
  const std::vector<std::size_t> order = order_of(session, rows);
  std::map<std::string, const MigrationRow*, std::less<>> by_version;
  for (const auto& r : rows) by_version.emplace(r.version, &r);
  std::set<std::string> wanted;
  std::vector<const MigrationRow*> stack;
  for (const auto& r : rows) {
    if (r.state != kApplied && (!target || compare_versions(r.version, *target) <= 0)) {
      stack.push_back(&r);
    }
  }
  while (!stack.empty()) {
    const MigrationRow* r = stack.back();
    stack.pop_back();
    if (!wanted.insert(r->version).second) continue;
    for (const auto& req : r->options.requires_versions) {
      const MigrationRow* q = by_version.find(req)->second;
      if (q->state != kApplied) stack.push_back(q);
    }
  }
  std::vector<const MigrationRow*> out;
  for (std::size_t i : order) {
    if (wanted.count(rows[i].version) > 0) out.push_back(&rows[i]);
  }
  return out;
}

// What the caller passed, checked and normalised into a definition.
MigrationDefinition make_definition(Session& session, const std::string& version,
                                    const std::string& name, const std::string& up_sql,
                                    const std::optional<std::string>& down_sql,
                                    MigrationOptions options) {
  validate_version(version, "version");
  if (name.empty()) throw Error(ErrorCode::kInvalidParameter, "name must not be empty");
  for (const auto& r : options.requires_versions) {
    validate_version(r, "a required version");
    if (r == version) {
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("migration {} cannot require itself", version));
    }
  }
  MigrationDefinition d;
  d.version = version;
  d.name = name;
  d.up_sql = up_sql;
  d.down_sql = down_sql;
  d.options = std::move(options);
  d.checksum = migration_checksum(up_sql);
  d.checksum_algorithm = kChecksumAlgorithm;

  // Every statement: transaction control refused, engine syntax checked, manual detected.
  std::optional<std::string> manual_reason;
  auto check = [&](const std::string& text, const char* what) {
    if (text.size() > kMaxMigrationTextBytes) {
      throw Error(ErrorCode::kProgramLimitExceeded,
                  fmt::format("{} of migration {} is {} bytes long; the limit is {} bytes", what,
                              version, text.size(), kMaxMigrationTextBytes),
                  "Split the work into several migrations.");
    }
    auto statements = split_statements(text, what, split_options(session));
    if (statements.empty()) {
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("{} contains no SQL statement{}", what,
                              std::string_view(what) == "down_sql" ? " (pass NULL for none)" : ""));
    }
    for (std::size_t i = 0; i < statements.size(); ++i) {
      session.check_interrupts();
      const SqlStatement& s = statements[i];
      const Classification c = classify_statement(s.text);
      if (c.kind == StatementKind::kTransactionControl) {
        throw Error(ErrorCode::kInvalidParameter,
                    fmt::format("{} statement {} (line {}): {} is not allowed in a migration", what,
                                i + 1, s.line, c.reason),
                    "vigil runs each migration in its own transaction; remove BEGIN/COMMIT.");
      }
      const std::string syntax = session.syntax_error(s.text);
      if (!syntax.empty()) {
        throw Error(ErrorCode::kSyntaxError,
                    fmt::format("{} statement {} (line {}): {}", what, i + 1, s.line, syntax));
      }
      if (c.kind == StatementKind::kNonTransactional && std::string_view(what) == "up_sql" &&
          !manual_reason) {
        manual_reason = fmt::format("statement {} (line {}): {}", i + 1, s.line, c.reason);
      }
    }
    return statements;
  };
  const auto up_statements = check(up_sql, "up_sql");
  if (down_sql) check(*down_sql, "down_sql");

  if (manual_reason && d.options.transactional.value_or(false)) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("up_sql {} cannot run inside a transaction, but the option "
                            "\"transactional\" is true",
                            *manual_reason),
                "Leave \"transactional\" out (or set it to false): the migration is then "
                "manual, run by the client and recorded with vigil_migration_mark_applied.");
  }
  if (manual_reason || !d.options.transactional.value_or(true)) {
    json statements = json::array();
    for (const auto& s : up_statements) statements.push_back(s.text);
    d.manual_sql = statements.dump();
  }
  return d;
}

bool same_definition(const MigrationDefinition& a, const MigrationDefinition& b) {
  auto norm = [](const std::optional<std::string>& s) {
    return s ? std::optional<std::string>(normalise_migration_text(*s)) : std::nullopt;
  };
  return a.name == b.name && a.checksum_algorithm == b.checksum_algorithm &&
         a.checksum == b.checksum && norm(a.down_sql) == norm(b.down_sql) && a.options == b.options;
}

// Registers `d` (the ledger is locked); "added", "updated" or "unchanged".
// The registered versions by their number (version_number_key), so that a run of registrations
// (an import) finds a version equivalent to a new one without reading the ledger each time.
using VersionsByNumber = std::map<std::string, std::string>;

VersionsByNumber versions_by_number(Session& session, const Ledger& ledger) {
  VersionsByNumber out;
  for (auto& v : ledger.versions()) {
    session.check_interrupts();
    std::string key = version_number_key(v);
    out.emplace(std::move(key), std::move(v));
  }
  return out;
}

// `known`: the registered versions, kept up to date here; when null, read from the ledger.
std::string register_definition(Session& session, const Ledger& ledger,
                                const MigrationDefinition& d, VersionsByNumber* known = nullptr) {
  const auto existing = ledger.definition(d.version);
  if (!existing) {
    VersionsByNumber read;
    if (known == nullptr) {
      read = versions_by_number(session, ledger);
      known = &read;
    }
    const std::string key = version_number_key(d.version);
    const auto same = known->find(key);
    if (same != known->end()) {
      throw Error(ErrorCode::kDuplicateObject,
                  fmt::format("version \"{}\" is the same number as registered version \"{}\"",
                              d.version, same->second));
    }
    ledger.insert(d, now_iso());
    known->emplace(key, d.version);
    return "added";
  }
  if (same_definition(*existing, d)) return "unchanged";
  const auto row = ledger.row(d.version);
  if (row->state == kApplied) {
    if (existing->checksum != d.checksum || existing->checksum_algorithm != d.checksum_algorithm) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("migration {} is applied and its up_sql is different now "
                              "(checksum {}, now {}); an applied migration is never changed",
                              d.version, existing->checksum, d.checksum),
                  "Add a new migration for the new change, or roll this one back first.");
    }
    ledger.update(d, false);
  } else {
    ledger.update(d, true);
  }
  return "updated";
}

// After registering: every requirement known, no cycle.
void validate_requirements(Session& session, const Ledger& ledger) {
  order_of(session, ledger.rows());
}

std::string display_state(const MigrationRow& r) {
  if (r.manual && r.state == kPending) return kManual;
  return r.state;
}

}  // namespace

std::string add_migration(Session& session, const std::string& version, const std::string& name,
                          const std::string& up_sql, const std::optional<std::string>& down_sql,
                          const std::optional<std::string>& options_json) {
  MigrationOptions options;
  if (options_json) options = parse_options(*options_json);
  const MigrationDefinition d =
      make_definition(session, version, name, up_sql, down_sql, std::move(options));
  LockedCall call(session, "vigil_migration_add");
  const Ledger& ledger = call.ledger();
  for (const auto& r : d.options.requires_versions) {
    if (!ledger.row(r)) {
      throw Error(
          ErrorCode::kUndefinedObject,
          fmt::format("migration {} requires version \"{}\", which is not registered", version, r));
    }
  }
  std::string result = register_definition(session, ledger, d);
  // A new migration cannot close a cycle (nothing requires it yet); a changed one can.
  if (result == "updated" && !d.options.requires_versions.empty())
    validate_requirements(session, ledger);
  call.commit();
  return result;
}

std::vector<StepResult> migrate(Session& session, const std::optional<std::string>& target,
                                const std::optional<std::int64_t>& steps) {
  if (target) validate_version(*target, "target_version");
  if (steps && *steps < 1) {
    throw Error(ErrorCode::kInvalidParameter, "steps must be at least 1 (NULL for all)");
  }
  ForeignKeysOff fk_off(session);
  LockedCall call(session, "vigil_migrate");
  const Ledger& ledger = call.ledger();
  const std::vector<MigrationRow> rows = ledger.rows();
  const std::vector<const MigrationRow*> todo = pending_in_order(session, rows, target);
  std::vector<StepResult> results;
  if (!todo.empty()) {
    StepRunner runner(session, ledger);
    std::int64_t done = 0;
    for (const MigrationRow* r : todo) {
      if (steps && done >= *steps) break;
      if (r->manual) {
        results.push_back({r->version, r->name, kManual, std::nullopt, manual_detail(*r)});
        break;
      }
      results.push_back(runner.run(*r, Direction::kUp));
      ++done;
      if (results.back().status == kFailed) break;
    }
    runner.finish();
  }
  call.commit();
  return results;
}

std::vector<StepResult> rollback(Session& session, const std::string& target) {
  validate_version(target, "target_version");
  ForeignKeysOff fk_off(session);
  LockedCall call(session, "vigil_rollback");
  const Ledger& ledger = call.ledger();
  const std::vector<MigrationRow> rows = ledger.rows();
  std::vector<const MigrationRow*> todo;
  for (const auto& r : rows) {
    if (r.state == kApplied && compare_versions(r.version, target) > 0) todo.push_back(&r);
  }
  // Newest first: the reverse of the order they were applied in.
  std::sort(todo.begin(), todo.end(), [](const MigrationRow* a, const MigrationRow* b) {
    return a->apply_seq.value_or(0) > b->apply_seq.value_or(0);
  });
  // Everything is checked before anything runs.
  std::set<std::string> leaving;
  for (const MigrationRow* r : todo) leaving.insert(r->version);
  for (const MigrationRow* r : todo) {
    if (!r->has_down) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("{} has no down_sql; nothing was rolled back", describe(*r)),
                  "Register its down_sql with vigil_migration_add, or roll back to a later "
                  "version.");
    }
    const auto def = ledger.definition(r->version);
    for (const auto& s : split_statements(*def->down_sql, "down_sql", split_options(session))) {
      const Classification c = classify_statement(s.text);
      if (c.kind == StatementKind::kNonTransactional) {
        throw Error(ErrorCode::kPrerequisiteState,
                    fmt::format("the down_sql of {} cannot run inside a transaction ({}); "
                                "nothing was rolled back",
                                describe(*r), c.reason));
      }
    }
  }
  for (const auto& r : rows) {
    if (r.state != kApplied || leaving.count(r.version) > 0) continue;
    for (const auto& req : r.options.requires_versions) {
      if (leaving.count(req) > 0) {
        throw Error(ErrorCode::kPrerequisiteState,
                    fmt::format("cannot roll back migration {}: {} requires it and stays "
                                "applied; nothing was rolled back",
                                req, describe(r)));
      }
    }
  }
  std::vector<StepResult> results;
  if (!todo.empty()) {
    StepRunner runner(session, ledger);
    for (const MigrationRow* r : todo) {
      results.push_back(runner.run(*r, Direction::kDown));
      if (results.back().status == kFailed) break;
    }
    runner.finish();
  }
  call.commit();
  return results;
}

std::int64_t baseline(Session& session, const std::string& version) {
  validate_version(version, "version");
  LockedCall call(session, "vigil_migration_baseline");
  const Ledger& ledger = call.ledger();
  const std::vector<MigrationRow> rows = ledger.rows();
  const std::vector<std::size_t> order = order_of(session, rows);
  std::set<std::string> marking;
  bool any_at_or_below = false;
  for (const auto& r : rows) {
    if (compare_versions(r.version, version) > 0) continue;
    any_at_or_below = true;
    if (r.state != kApplied) marking.insert(r.version);
  }
  if (!any_at_or_below) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("no registered migration has a version at or below \"{}\"", version),
                "Register the migrations first (vigil_migration_add or "
                "vigil_migrations_import), then baseline.");
  }
  for (const auto& r : rows) {
    if (marking.count(r.version) == 0) continue;
    for (const auto& req : r.options.requires_versions) {
      const auto it = std::find_if(rows.begin(), rows.end(),
                                   [&](const MigrationRow& x) { return x.version == req; });
      if (it->state != kApplied && marking.count(req) == 0) {
        throw Error(ErrorCode::kPrerequisiteState,
                    fmt::format("cannot baseline {}: it requires migration {}, which is above "
                                "the baseline and not applied",
                                describe(r), req));
      }
    }
  }
  if (!marking.empty()) {
    const std::optional<std::string> user = current_user(session);
    SchemaTracker tracker(session);
    const std::string fingerprint = tracker.fingerprint();
    std::int64_t seq = ledger.next_apply_seq();
    for (std::size_t i : order) {
      const MigrationRow& r = rows[i];
      if (marking.count(r.version) == 0) continue;
      const std::string at = now_iso();
      ledger.set_applied(r.version, seq++, at, user, std::nullopt, fingerprint, r.checksum);
      ledger.append({r.version, "baseline", "", at, user, std::nullopt, std::nullopt, fingerprint,
                     r.checksum, 1});
    }
  }
  call.commit();
  return static_cast<std::int64_t>(marking.size());
}

std::int64_t mark_applied(Session& session, const std::string& version) {
  validate_version(version, "version");
  LockedCall call(session, "vigil_migration_mark_applied");
  const Ledger& ledger = call.ledger();
  const auto row = ledger.row(version);
  if (!row) {
    throw Error(ErrorCode::kUndefinedObject,
                fmt::format("migration {} is not registered", version));
  }
  if (row->state == kApplied) {
    throw Error(ErrorCode::kPrerequisiteState,
                fmt::format("{} is already applied", describe(*row)));
  }
  for (const auto& req : row->options.requires_versions) {
    const auto r = ledger.row(req);
    if (r->state != kApplied) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("cannot mark {} applied: it requires migration {}, which is not "
                              "applied",
                              describe(*row), req));
    }
  }
  const std::optional<std::string> user = current_user(session);
  SchemaTracker tracker(session);
  const std::string fingerprint = tracker.fingerprint();
  const std::string at = now_iso();
  ledger.set_applied(version, ledger.next_apply_seq(), at, user, std::nullopt, fingerprint,
                     row->checksum);
  ledger.append(
      {version, "mark", "", at, user, std::nullopt, std::nullopt, fingerprint, row->checksum, 1});
  call.commit();
  return 1;
}

std::vector<StatusRow> status(Session& session) {
  const std::optional<Ledger> ledger = Ledger::open(session, false);
  if (!ledger) return {};
  std::vector<MigrationRow> rows = ledger->rows();
  std::vector<std::size_t> order;
  try {
    order = order_of(session, rows);
  } catch (const Error& e) {  // a ledger edited by hand: show it in version order
    if (e.code() != ErrorCode::kInvalidParameter && e.code() != ErrorCode::kUndefinedObject) {
      throw;  // a cancel, out of memory
    }
    order.resize(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return compare_versions(rows[a].version, rows[b].version) < 0;
    });
  }
  std::map<std::string, StatusRow> details;
  {
    auto c = session.query(fmt::format(
        "SELECT version, up_sql, checksum, checksum_algorithm, applied_checksum, applied_at, "
        "applied_by, duration_ms, error, fingerprint, manual_sql FROM {}",
        ledger->migrations()));
    while (c->next()) {
      StatusRow s;
      const std::string up = c->get(1).to_text();
      const std::string checksum = c->get(2).to_text();
      try {
        const std::string now = migration_checksum(up, static_cast<int>(c->get(3).to_integer()));
        s.checksum_ok = now == checksum && (c->get(4).is_null() || c->get(4).to_text() == checksum);
      } catch (const Error&) {  // an algorithm this vigil does not know: cannot tell
        s.checksum_ok = std::nullopt;
      }
      if (!c->get(5).is_null()) s.applied_at = c->get(5).to_text();
      if (!c->get(6).is_null()) s.applied_by = c->get(6).to_text();
      if (!c->get(7).is_null()) {
        s.duration_ms = c->get(7).kind() == ValueKind::kReal
                            ? c->get(7).as_real()
                            : static_cast<double>(c->get(7).to_integer());
      }
      if (!c->get(8).is_null()) s.error = c->get(8).to_text();
      if (!c->get(9).is_null()) s.fingerprint = c->get(9).to_text();
      if (!c->get(10).is_null()) s.manual_sql = c->get(10).to_text();
      details.emplace(c->get(0).to_text(), std::move(s));
    }
  }
  const auto latest = ledger->latest_fingerprint();
  std::optional<bool> drift;
  if (latest) {
    const std::string now =
        schema_fingerprint(canonical_schema_rows(introspect_schema(session), session.dialect()));
    drift = now != latest->second;
  }
  std::vector<StatusRow> out;
  out.reserve(rows.size());
  for (std::size_t i : order) {
    const MigrationRow& r = rows[i];
    StatusRow s = std::move(details[r.version]);
    s.version = r.version;
    s.name = r.name;
    s.state = display_state(r);
    if (latest && latest->first == r.version) s.drift = drift;
    out.push_back(std::move(s));
  }
  return out;
}

std::string export_migrations(Session& session) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["format"] = "vigil-migrations";
  out["format_version"] = 1;
  out["vigil_version"] = kVersion;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  const std::optional<Ledger> ledger = Ledger::open(session, false);
  if (ledger) {
    const std::vector<MigrationRow> rows = ledger->rows();
    std::map<std::string, MigrationDefinition> defs;
    for (auto& d : ledger->definitions()) defs.emplace(d.version, std::move(d));
    for (std::size_t i : order_of(session, rows)) {
      const MigrationDefinition& d = defs.at(rows[i].version);
      nlohmann::ordered_json m = nlohmann::ordered_json::object();
      m["version"] = d.version;
      m["name"] = d.name;
      m["up_sql"] = d.up_sql;
      m["down_sql"] =
          d.down_sql ? nlohmann::ordered_json(*d.down_sql) : nlohmann::ordered_json(nullptr);
      nlohmann::ordered_json options = nlohmann::ordered_json::object();
      if (d.options.transactional) options["transactional"] = *d.options.transactional;
      if (!d.options.requires_versions.empty()) options["requires"] = d.options.requires_versions;
      if (d.options.lock_timeout_ms) options["lock_timeout_ms"] = *d.options.lock_timeout_ms;
      if (d.options.retries) options["retries"] = *d.options.retries;
      m["options"] = options;
      m["checksum"] = d.checksum;
      m["checksum_algorithm"] = d.checksum_algorithm;
      list.push_back(std::move(m));
    }
  }
  out["migrations"] = std::move(list);
  return out.dump();
}

std::int64_t import_migrations(Session& session, const std::string& text) {
  if (text.size() > kMaxImportBytes) {
    throw Error(ErrorCode::kProgramLimitExceeded,
                fmt::format("the import is {} bytes long; the limit is {} bytes", text.size(),
                            kMaxImportBytes),
                "Import the migrations in several parts.");
  }
  json in = parse_json_input(text, "the import");
  auto bad = [](const std::string& what) {
    return Error(ErrorCode::kInvalidParameter,
                 "the import is not a vigil migrations export: " + what,
                 "Pass the text vigil_migrations_export() returned.");
  };
  // (Compared without building a json from the literal: nlohmann's operator!= is noexcept,
  // and an allocation that fails inside it would end the process.)
  const auto format = in.is_object() ? in.find("format") : in.end();
  if (format == in.end() || !format->is_string() ||
      format->get_ref<const std::string&>() != "vigil-migrations") {
    throw bad("\"format\" must be \"vigil-migrations\"");
  }
  const auto format_version = in.find("format_version");
  if (format_version == in.end() || !format_version->is_number_integer() ||
      format_version->get<std::int64_t>() != 1) {
    throw bad("\"format_version\" must be 1");
  }
  if (!in.contains("migrations") || !in["migrations"].is_array()) {
    throw bad("\"migrations\" must be an array");
  }
  if (in["migrations"].size() > kMaxImportMigrations) {
    throw Error(ErrorCode::kProgramLimitExceeded,
                fmt::format("the import has {} migrations; the limit is {}",
                            in["migrations"].size(), kMaxImportMigrations),
                "Import the migrations in several parts.");
  }
  std::vector<MigrationDefinition> defs;
  std::set<std::string> seen;
  for (const auto& m : in["migrations"]) {
    session.check_interrupts();
    auto text_field = [&](const char* key) -> std::string {
      if (!m.is_object() || !m.contains(key) || !m[key].is_string()) {
        throw bad(fmt::format("every migration needs a text \"{}\"", key));
      }
      return m[key].get<std::string>();
    };
    const std::string version = text_field("version");
    if (!seen.insert(version).second)
      throw bad(fmt::format("version \"{}\" appears twice", version));
    std::optional<std::string> down;
    if (m.contains("down_sql") && !m["down_sql"].is_null()) {
      if (!m["down_sql"].is_string()) throw bad("\"down_sql\" must be text or null");
      down = m["down_sql"].get<std::string>();
    }
    MigrationOptions options;
    if (m.contains("options") && !m["options"].is_null())
      options = parse_options(m["options"].dump());
    MigrationDefinition d = make_definition(session, version, text_field("name"),
                                            text_field("up_sql"), down, std::move(options));
    if (m.contains("checksum")) {
      const int algorithm = m.value("checksum_algorithm", 1);
      if (!m["checksum"].is_string() ||
          migration_checksum(d.up_sql, algorithm) != m["checksum"].get<std::string>()) {
        throw Error(ErrorCode::kInvalidParameter,
                    fmt::format("the checksum of migration {} in the import does not match its "
                                "up_sql; nothing was imported",
                                version),
                    "The export was changed or damaged on the way.");
      }
    }
    defs.push_back(std::move(d));
  }
  release_json(in);
  LockedCall call(session, "vigil_migrations_import");
  const Ledger& ledger = call.ledger();
  std::int64_t changed = 0;
  VersionsByNumber known = versions_by_number(session, ledger);
  for (const auto& d : defs) {
    session.check_interrupts();
    if (register_definition(session, ledger, d, &known) != "unchanged") ++changed;
  }
  validate_requirements(session, ledger);
  call.commit();
  return changed;
}

std::int64_t assert_migrated(Session& session, const std::optional<std::string>& target) {
  if (target) validate_version(*target, "target_version");
  std::int64_t applied = 0;
  const std::vector<StatusRow> rows = status(session);
  for (const StatusRow& s : rows) {
    if (target && compare_versions(s.version, *target) > 0) continue;
    const std::string who = fmt::format("migration {} ({})", s.version, s.name);
    auto fail = [](const std::string& message, const std::string& hint = {}) {
      return Error(ErrorCode::kPrerequisiteState, message, hint);
    };
    if (s.state == kFailed) {
      throw fail(fmt::format("{} failed: {}", who, s.error.value_or("")));
    }
    if (s.state == kManual) {
      throw fail(fmt::format("{} must be run by hand", who),
                 fmt::format("Run the statements of its manual_sql, then "
                             "vigil_migration_mark_applied('{}').",
                             s.version));
    }
    if (s.state == kPending) throw fail(fmt::format("{} is pending", who));
    if (s.state == kRolledBack) throw fail(fmt::format("{} is rolled back", who));
    if (s.checksum_ok && !*s.checksum_ok) {
      throw fail(fmt::format("{} was changed after it was applied (checksum mismatch)", who));
    }
    ++applied;
  }
  // Drift concerns the whole schema, whatever the target.
  for (const StatusRow& s : rows) {
    if (s.drift && *s.drift) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("the schema was changed outside vigil after the last step of "
                              "migration {} ({})",
                              s.version, s.name),
                  fmt::format("Fingerprint recorded: {}; now: {}. Compare vigil_schema() with "
                              "what the migrations create.",
                              s.fingerprint.value_or(""),
                              schema_fingerprint(canonical_schema_rows(introspect_schema(session),
                                                                       session.dialect()))));
    }
  }
  return applied;
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
