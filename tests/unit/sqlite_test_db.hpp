// tests/unit/sqlite_test_db.hpp
//
// A SQLite connection with vigil registered (sqlite3_vigil_init, as `.load` does), for the unit
// tests that drive the SQLite host end to end through plain SQL.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

extern "C" int sqlite3_vigil_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace vigil_test {

using Rows = std::vector<std::vector<std::string>>;

class SqliteDb {
 public:
  explicit SqliteDb(const std::string& path = ":memory:") {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
      sqlite3_close(db_);
      throw std::runtime_error("sqlite3_open " + path);
    }
    char* err = nullptr;
    if (sqlite3_vigil_init(db_, &err, nullptr) != SQLITE_OK) {
      const std::string msg = err != nullptr ? err : "?";
      sqlite3_free(err);
      sqlite3_close(db_);
      throw std::runtime_error("sqlite3_vigil_init: " + msg);
    }
  }
  ~SqliteDb() { sqlite3_close(db_); }
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  sqlite3* db() const { return db_; }

  // Runs `sql` (one or more statements); on failure returns the error message, else "".
  std::string exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    std::string msg;
    if (rc != SQLITE_OK) msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return msg;
  }

  // Runs `sql`; a failure fails the test with SQLite's message.
  void must(const std::string& sql) {
    const std::string err = exec(sql);
    ASSERT_EQ(err, "") << sql;
  }

  // Every row of a single statement, NULL as "<null>"; on failure throws with SQLite's
  // message, and last_rc() keeps the code.
  Rows rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      const std::string message = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      throw std::runtime_error(message);
    }
    Rows out;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* p = sqlite3_column_text(stmt, i);
        row.emplace_back(p == nullptr ? "<null>" : reinterpret_cast<const char*>(p));
      }
      out.push_back(std::move(row));
    }
    last_rc_ = rc;
    const std::string message = sqlite3_errmsg(db_);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) throw std::runtime_error(message);
    return out;
  }

  // The first column of the first row; throws when there is none.
  std::string value(const std::string& sql) {
    const Rows r = rows(sql);
    if (r.empty() || r[0].empty()) throw std::runtime_error("no value: " + sql);
    return r[0][0];
  }

  // The message of the error `sql` fails with ("" when it does not fail).
  std::string error(const std::string& sql) {
    try {
      rows(sql);
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  }

  int last_rc() const { return last_rc_; }

 private:
  sqlite3* db_ = nullptr;
  int last_rc_ = SQLITE_OK;
};

}  // namespace vigil_test
