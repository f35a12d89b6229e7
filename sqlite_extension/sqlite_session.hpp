// sqlite_extension/sqlite_session.hpp
//
// vigil::Session over one SQLite connection.  Statements are prepared per call and stepped
// as the core pulls rows; values come out in their storage class (sqlite3_column_*).
#pragma once

#include <memory>
#include <string>

#include "sqlite_extension/sqlite_api.hpp"
#include "vigil/session.hpp"

namespace vigil::sqlite {

// Also the database's files (DatabaseFiles): SQLite databases are files that can be copied with
// the online backup API and opened as further connections.
class SqliteSession final : public Session, public DatabaseFiles {
 public:
  explicit SqliteSession(sqlite3* db) : db_(db) {}
  // A session that owns `db` and closes it.
  static std::unique_ptr<SqliteSession> owning(sqlite3* db);
  ~SqliteSession() override;
  SqliteSession(const SqliteSession&) = delete;
  SqliteSession& operator=(const SqliteSession&) = delete;

  std::unique_ptr<Cursor> query(std::string_view sql, const Params& params) override;
  void exec(std::string_view sql, const Params& params) override;
  using Session::exec;
  using Session::query;

  void savepoint() override;
  void release() override;
  void rollback_to() override;
  void check_interrupts() override;
  const Dialect& dialect() const override;
  QueryStatsStore* query_stats() override;
  DatabaseFiles* files() override { return this; }

  std::string main_path() override;
  bool in_write_transaction() override;
  void copy_main_to(const std::string& path) override;
  std::unique_ptr<Session> open(const std::string& path, bool writable) override;

  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
  bool owns_ = false;
  int savepoint_depth_ = 0;
};

// Throws the vigil::Error that matches SQLite result `rc` on `db`, with SQLite's message.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc);

}  // namespace vigil::sqlite
