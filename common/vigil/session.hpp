// common/vigil/session.hpp
//
// The only way the core reaches a database.  Each engine implements Session once
// (pg_extension/pg_session.cpp over SPI, sqlite_extension/sqlite_session.cpp over the C API);
// the core never knows which engine it talks to except through the Dialect.
//
// Contract for implementations:
//  - query() streams: rows are produced as the caller calls next(), never collected first;
//  - params are bound values, never pasted into SQL text (the dialect's param(n) names them);
//  - an engine error becomes a vigil::Error (or, in PostgreSQL, an exception that carries the
//    engine's own error so the adapter can re-raise it unchanged);
//  - savepoint()/release()/rollback_to() nest like a stack;
//  - check_interrupts() throws when the user cancelled the statement;
//  - wait_point() returns at once unless a test asked the host to hold the call there.
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"
#include "vigil/value.hpp"

namespace vigil {

class Dialect;
class QueryStatsStore;

class Cursor {
 public:
  virtual ~Cursor() = default;
  // Advances to the next row; false when there is none.
  virtual bool next() = 0;
  virtual std::size_t column_count() const = 0;
  // The value of column i of the current row.
  virtual Value get(std::size_t i) const = 0;
  // The same value without copying its bytes where the host can point into its current row;
  // where it cannot, the value is converted into `storage` and the result points there.  Valid
  // until next(), or until `storage` is used again.
  virtual ValueRef get_ref(std::size_t i, Value& storage) const {
    storage = get(i);
    return ValueRef::of(storage);
  }
  // Every column of the current row as get_ref gives it, in one call (the hot loop of a
  // checksum): out[i] for i < column_count(), with storage[i] as column i's storage.
  virtual void get_refs(ValueRef* out, Value* storage) const {
    for (std::size_t i = 0; i < column_count(); ++i) out[i] = get_ref(i, storage[i]);
  }
};

class DatabaseFiles;

// Named points in the long loops of the core where a test can hold a call, to cancel it at a
// known place instead of after a guessed time (Session::wait_point).  wait_point_name() gives
// the name the host's setting uses (PostgreSQL: vigil.debug_wait_point, docs/reliability.md).
enum class WaitPoint {
  kChecksumScan,      // every 4096 rows a content checksum reads (over the whole scan)
  kCheckScan,         // every 4096 rows an integrity check's query returns (vigil_check[_rows])
  kTableStats,        // before each table vigil_table_stats counts
  kRepairRow,         // before each row vigil_repair(false) repairs
  kRestoreRow,        // before each row vigil_restore puts back
  kMigrateStatement,  // before each statement of a migration's up_sql or down_sql
};
inline constexpr WaitPoint kWaitPoints[] = {WaitPoint::kChecksumScan, WaitPoint::kCheckScan,
                                            WaitPoint::kTableStats,   WaitPoint::kRepairRow,
                                            WaitPoint::kRestoreRow,   WaitPoint::kMigrateStatement};
const char* wait_point_name(WaitPoint point);

class Session {
 public:
  virtual ~Session() = default;

  virtual std::unique_ptr<Cursor> query(std::string_view sql, const Params& params) = 0;
  std::unique_ptr<Cursor> query(std::string_view sql) { return query(sql, Params{}); }
  virtual void exec(std::string_view sql, const Params& params) = 0;
  void exec(std::string_view sql) { exec(sql, Params{}); }

  virtual void savepoint() = 0;
  virtual void release() = 0;
  virtual void rollback_to() = 0;

  virtual void check_interrupts() = 0;
  // A test point: where a test asked for `point`, the host waits here, interruptibly, until
  // the statement is cancelled (so it throws like check_interrupts(), and never returns);
  // otherwise it returns at once.  Only for tests: never turned on in production.  The
  // default (SQLite, whose tests interrupt deterministically with a progress handler) does
  // nothing.
  virtual void wait_point(WaitPoint /*point*/) {}
  virtual const Dialect& dialect() const = 0;

  // The query statistics the host records (common/stats/query_stats.hpp), or nullptr when it
  // records none.  May throw kPrerequisiteState saying what the host needs to record them.
  virtual QueryStatsStore* query_stats() { return nullptr; }
  // Whether the caller has no transaction open, so that a vigil function may begin and end
  // one itself (SQLite in autocommit mode).  PostgreSQL functions always run inside the
  // caller's transaction: false, the default.
  virtual bool can_begin_transaction() const;
  // Whether the connection holds a read transaction and no write one: SQLite then never runs
  // its busy handler, so a write lock held by another connection cannot be waited for (the
  // statement of a table-valued call reads).  False where waiting does not depend on it.
  virtual bool reading_only() const { return false; }

  // The SQLSTATE of an error this session's calls threw: the engine's own for an engine error
  // (PostgreSQL's sqlerrcode), the mapped one for a vigil::Error.  Never touches the database,
  // so it may be asked after a savepoint was rolled back.
  virtual std::string error_sqlstate(const std::exception& e) const;

  // Parses one statement without running it: the engine's syntax error message, or "" when
  // it parses (or when the engine cannot parse without running; the default).
  virtual std::string syntax_error(std::string_view statement);

  // Schema change tracking, so a fingerprint can be kept up to date table by table.  The
  // first call starts tracking and returns nullopt.  Later calls return the tables whose
  // definition may have changed since the previous call (by their name before and after a
  // rename or drop, so some may no longer exist), or nullopt when the host cannot tell which:
  // then every table must be read again.  The default cannot tell.
  virtual std::optional<std::vector<TableRef>> schema_changes();

  // A query of the engine's catalog (introspection) or a lookup by key in vigil's own tables:
  // the same as query(), but the host may keep one plan for every parameter value (PostgreSQL:
  // a generic plan, where the plan cache would plan catalog lookups afresh on every call).
  // Not for queries of user data, whose best plan may depend on the values.
  virtual std::unique_ptr<Cursor> catalog_query(std::string_view sql, const Params& params) {
    return query(sql, params);
  }

  // Convenience: the first column of the first row, or NULL when there is no row.
  Value scalar(std::string_view sql, const Params& params = {});

  // Whether the statements started now name the caller's objects the caller's way (see
  // CallerNames below): the host resolves their names as the caller's session would.
  bool caller_names() const { return caller_names_ > 0; }

  // --- Stored code (docs/reliability.md, "Trust model for stored code") -------------------
  // A rule condition is code kept in vigil's tables by one role and evaluated by whoever
  // checks.  Before any evaluation the core asks the host to check it, then runs the statement
  // that contains it inside a StoredCode scope.
  //
  // Checks that `condition` is exactly one boolean expression over `table` that has no side
  // effect (PostgreSQL: parsed and analysed as a CHECK constraint, no volatile function; SQLite:
  // `statement`, the statement vigil will run with the condition on lines of its own, compiled
  // and its program inspected: one read-only statement calling only SQLite's pure built-in
  // functions), and that the role that stored it may attach code to the table: `added_by`
  // (nullptr: the caller, who is adding it now) must be a member of the table's owner role
  // (PostgreSQL; SQLite has no roles).  Throws the engine's error or a vigil::Error, and leaves
  // the transaction usable (PostgreSQL: the analysis runs in a subtransaction).  The default
  // refuses every condition.
  virtual void check_stored_condition(const TableRef& table, const std::string& condition,
                                      const std::string& statement, const std::string* added_by);

  // Raises what the engine raises when the caller may not read `table` (PostgreSQL: 42501
  // without SELECT on it): checked before its stored code is, since it is the caller's
  // problem, not the code's, and fails the call.  The default allows.
  virtual void check_may_evaluate(const TableRef& /*table*/) {}

  // The table whose owner the statements started now run as (see StoredCode below), or
  // nullptr.
  const TableRef* stored_code_table() const { return stored_code_table_; }

  // The engine's database files, where a database is a file the host can copy and open
  // (SQLite); nullptr where it is not (PostgreSQL).
  virtual DatabaseFiles* files() { return nullptr; }

  // Every row of the table schema.name, the columns named (in that order), in no particular
  // order, through a faster path than a query where the host has one; nullptr otherwise, and
  // whenever privileges, row security or the kind of table need the engine's own query (the
  // caller then runs SELECT columns FROM table).
  virtual std::unique_ptr<Cursor> scan_table(const std::string& /*schema*/,
                                             const std::string& /*name*/,
                                             const std::vector<std::string>& /*columns*/) {
    return nullptr;
  }

 private:
  friend class CallerNames;
  friend class StoredCode;
  int caller_names_ = 0;
  const TableRef* stored_code_table_ = nullptr;
};

// Marks the statements started while it lives as the caller's: a lookup of a table name the
// caller passed, a rule condition, a migration's SQL.  PostgreSQL runs vigil's functions with
// `search_path` pinned to `pg_catalog, pg_temp`, so that vigil's own statements cannot pick up
// objects planted in a schema others can write; these statements run with the caller's
// `search_path` instead (pg_extension/pg_session.cpp).  SQLite has no search path: no effect.
// Only the statement's start counts (a PostgreSQL query runs to completion when it starts).
class CallerNames {
 public:
  explicit CallerNames(Session& session, bool on = true) : session_(session), on_(on) {
    if (on_) ++session_.caller_names_;
  }
  CallerNames(const CallerNames&) = delete;
  CallerNames& operator=(const CallerNames&) = delete;
  ~CallerNames() {
    if (on_) --session_.caller_names_;
  }

 private:
  Session& session_;
  bool on_;
};

// Marks the statements started while it lives as containing stored code of `table` (a rule
// condition checked by Session::check_stored_condition).  PostgreSQL runs them as the table's
// owner under SECURITY_RESTRICTED_OPERATION with jit off, restoring the caller's identity after
// (pg_extension/pg_session.cpp); SQLite has no identities: no effect (the check refused
// everything that is not a pure read).  Names resolve as CallerNames says.
class StoredCode {
 public:
  StoredCode(Session& session, const TableRef& table)
      : session_(session), previous_(session.stored_code_table_), names_(session) {
    session_.stored_code_table_ = &table;
  }
  StoredCode(const StoredCode&) = delete;
  StoredCode& operator=(const StoredCode&) = delete;
  ~StoredCode() { session_.stored_code_table_ = previous_; }

 private:
  Session& session_;
  const TableRef* previous_;
  CallerNames names_;
};

// A database that lives in one file: what vigil_backup and vigil_backup_verify need from the
// host (common/checksum/backup.cpp).
class DatabaseFiles {
 public:
  virtual ~DatabaseFiles() = default;
  // The file of the session's main database ("" for an in-memory database).
  virtual std::string main_path() = 0;
  // Whether the session has changes to the main database that are not committed yet.
  virtual bool in_write_transaction() = 0;
  // Copies the session's main database, online, into the existing empty file `path`, reading
  // in the session's current read transaction when it has one.  Throws on any error, leaving
  // the file for the caller to remove.
  virtual void copy_main_to(const std::string& path) = 0;
  // A new session on the database file `path` (read-only unless `writable`).  The file must
  // exist; kIoError when it cannot be opened.
  virtual std::unique_ptr<Session> open(const std::string& path, bool writable) = 0;
};

// Runs a block inside a savepoint: released on success, rolled back when an exception leaves
// the block.  Use as `SubTransaction sub(session); ...; sub.commit();`.
class SubTransaction {
 public:
  explicit SubTransaction(Session& session) : session_(session) { session_.savepoint(); }
  SubTransaction(const SubTransaction&) = delete;
  SubTransaction& operator=(const SubTransaction&) = delete;
  ~SubTransaction();
  void commit();

 private:
  Session& session_;
  bool done_ = false;
};

}  // namespace vigil
