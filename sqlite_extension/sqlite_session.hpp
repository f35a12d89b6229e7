// sqlite_extension/sqlite_session.hpp
//
// vigil::Session over one SQLite connection.  Statements are prepared per call and stepped
// as the core pulls rows; values come out in their storage class (sqlite3_column_*).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sqlite_extension/schema_statement.hpp"
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
  bool can_begin_transaction() const override { return sqlite3_get_autocommit(db_) != 0; }
  bool reading_only() const override { return sqlite3_txn_state(db_, nullptr) == SQLITE_TXN_READ; }
  std::string syntax_error(std::string_view statement) override;
  // The statement compiled (one statement, read-only) and its program (EXPLAIN) inspected:
  // reads of `table` (and its indexes) only, SQLite's pure built-in functions only, no
  // aggregate, no virtual table.  `added_by` is ignored: SQLite has no roles.
  void check_stored_condition(const TableRef& table, const std::string& condition,
                              const std::string& statement, const std::string* added_by) override;
  std::optional<std::vector<TableRef>> schema_changes() override;

  sqlite3* db() const { return db_; }
  // How many times schema_changes() read all of main.sqlite_schema (the tests check that the
  // statements known from their text spare that read).
  std::size_t schema_reads() const { return schema_reads_; }

  // The statement cache (query(), and exec() with bound values): a prepared statement for
  // `sql`, and whether it belongs to the cache (then release_statement() hands it back) or to
  // the caller (who finalizes it).
  sqlite3_stmt* acquire_statement(std::string_view sql, bool* cached);
  void release_statement(sqlite3_stmt* stmt);

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt;
    bool in_use;
  };
  static constexpr std::size_t kMaxCachedStatements = 128;

  sqlite3* db_;
  bool owns_ = false;
  int savepoint_depth_ = 0;
  std::unordered_map<std::string, CachedStatement> statements_;
  // schema_changes(): the schema as last seen (tbl_name → hash of its objects' SQL), version.
  struct SchemaEntry {
    std::uint64_t before = 0;  // as last read from sqlite_schema
    std::uint64_t now = 0;     // being summed
    bool seen = false;         // still in sqlite_schema
    bool fresh = true;         // not reported yet
    bool dirty = false;        // reported without reading sqlite_schema: `before` is stale
  };
  std::int64_t schema_version();
  void step_tracked(sqlite3_stmt* stmt, std::string_view text);
  std::optional<std::vector<TableRef>> report_known_changes();
  bool tracking_ = false;
  std::size_t schema_reads_ = 0;
  std::int64_t schema_version_ = 0;
  // SQLite's table names are unique ignoring ASCII case; the key is the name as sqlite_schema
  // spells it (the tracker keys tables so).
  struct NoCaseLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  std::map<std::string, SchemaEntry, NoCaseLess> schema_;
  // Between two schema_changes() calls: whether every statement exec() ran since the first
  // had an effect known from its text (schema_statement.hpp), each schema statement found the
  // schema version where the previous one left it (fast_version_) and moved it by at most one,
  // and no savepoint was rolled back; then the tables they named are all that changed.
  bool fast_valid_ = false;
  std::int64_t fast_version_ = 0;
  std::vector<std::string> fast_tables_;
};

// Throws the vigil::Error that matches SQLite result `rc` on `db`, with SQLite's message.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc);

}  // namespace vigil::sqlite
