// common/dialect/sqlite_migrate.cpp
//
// SQLite's SQL for migration tracking (common/migrate/).  The migration lock is the
// database's write lock.  Called outside a transaction, a writing vigil function begins its
// own with BEGIN IMMEDIATE, which waits up to the busy timeout -- but only when no other
// statement of the connection is reading: SQLite runs the busy handler only for a connection
// that holds no read transaction (waiting while holding one could deadlock), and the
// statement of a table-valued call (SELECT * FROM vigil_migrate()) holds one.  So the scalar
// forms (SELECT vigil_migrate();) wait, the table forms fail at once with SQLITE_BUSY, and a
// caller that wants the table form to wait runs BEGIN IMMEDIATE itself first.  Inside the
// caller's transaction the lock is a write that changes nothing, which takes the write lock
// the same way.
#include "dialect/sqlite_dialect.hpp"

namespace vigil {

std::string SqliteDialect::begin_write_sql() const {
  return "BEGIN IMMEDIATE";
}

std::string SqliteDialect::commit_sql() const {
  return "COMMIT";
}

std::string SqliteDialect::migration_lock_sql(const std::string& ledger) const {
  return "UPDATE " + ledger + " SET version = version WHERE 0";
}

std::string SqliteDialect::migration_lock_hint() const {
  return "Another connection is writing to this database (another migrator?). To wait for it "
         "instead of failing, run BEGIN IMMEDIATE first (it waits up to the busy timeout: "
         "PRAGMA busy_timeout, .timeout in the shell), then the vigil call, then COMMIT.";
}

// SQLite has no lock timeout: a migration holds the database's write lock from the start.
std::string SqliteDialect::lock_timeout_get_sql() const {
  return {};
}

std::string SqliteDialect::lock_timeout_set_sql() const {
  return {};
}

std::string SqliteDialect::sleep_sql() const {
  return {};
}

std::string SqliteDialect::current_user_sql() const {
  return {};
}

std::string SqliteDialect::foreign_keys_enabled_sql() const {
  return "PRAGMA foreign_keys";
}

std::string SqliteDialect::foreign_keys_set_sql(bool on) const {
  return on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF";
}

std::string SqliteDialect::foreign_key_violations_sql() const {
  return "SELECT count(*) FROM pragma_foreign_key_check(?1, 'main')";
}

std::string SqliteDialect::foreign_key_children_sql() const {
  return R"sql(
SELECT DISTINCT m.name
FROM main.sqlite_schema AS m, pragma_foreign_key_list(m.name, 'main') AS f
WHERE m.type = 'table' AND f."table" = ?1 COLLATE NOCASE)sql";
}

// OP_Destroy refuses to drop a b-tree while any other statement of the connection reads, and
// the table form of vigil_migrate()/vigil_rollback() is such a statement.
std::string SqliteDialect::migration_error_advice(const std::string& error) const {
  if (error.find("database table is locked") == std::string::npos) return {};
  return " (SQLite cannot drop a table or an index while a statement reads, as SELECT * FROM "
         "vigil_migrate() does: call SELECT vigil_migrate(); or SELECT vigil_rollback(...); "
         "instead)";
}

std::vector<std::string> SqliteDialect::append_only_sql(const std::string& table) const {
  std::vector<std::string> out;
  for (const char* op : {"UPDATE", "DELETE"}) {
    std::string trigger = table + (op[0] == 'U' ? "_no_update" : "_no_delete");
    std::string sql = "CREATE TRIGGER IF NOT EXISTS \"main\".";
    sql += quote_identifier(trigger);
    sql += " BEFORE ";
    sql += op;
    sql += " ON ";
    sql += quote_identifier(table);
    sql += " BEGIN SELECT RAISE(ABORT, '";
    sql += table;
    sql += " is append-only'); END";
    out.push_back(std::move(sql));
  }
  return out;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
