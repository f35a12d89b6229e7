// sqlite_extension/sqlite_session.hpp
//
// vigil::Session over one SQLite connection.  Statements are prepared per call and stepped
// as the core pulls rows; values come out in their storage class (sqlite3_column_*).
#pragma once

#include "sqlite_extension/sqlite_api.hpp"
#include "vigil/session.hpp"

namespace vigil::sqlite {

class SqliteSession final : public Session {
 public:
  explicit SqliteSession(sqlite3* db) : db_(db) {}

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

  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
  int savepoint_depth_ = 0;
};

// Throws the vigil::Error that matches SQLite result `rc` on `db`, with SQLite's message.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc);

}  // namespace vigil::sqlite
