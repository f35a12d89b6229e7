// tests/unit/query_trace_test.cpp
//
// SQLite's query statistics (sqlite_extension/query_trace.cpp) through the real C API: every
// run of a prepared statement is counted, rows and changes are right, statements run from
// inside another are not counted, a statement address reused for other SQL is not confused,
// and a damaged database file makes quick_check critical.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern "C" int sqlite3_vigil_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

class Conn {
 public:
  explicit Conn(const std::string& path = ":memory:") {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open");
    char* err = nullptr;
    if (sqlite3_vigil_init(db_, &err, nullptr) != SQLITE_OK) {
      sqlite3_free(err);
      throw std::runtime_error("sqlite3_vigil_init");
    }
  }
  ~Conn() { sqlite3_close(db_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  sqlite3* db() const { return db_; }

  void exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    const std::string msg = err != nullptr ? err : "";
    sqlite3_free(err);
    if (rc != SQLITE_OK) throw std::runtime_error(msg);
  }

  // "calls/rows" of the entry whose normalised text is `query`, or "none".
  std::string stats(const std::string& query) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, "SELECT calls, rows FROM vigil_query_stats() WHERE query = ?1", -1, &s,
                       nullptr);
    sqlite3_bind_text(s, 1, query.c_str(), -1, SQLITE_TRANSIENT);
    std::string out = "none";
    if (sqlite3_step(s) == SQLITE_ROW) {
      out = std::to_string(sqlite3_column_int64(s, 0)) + "/" +
            std::to_string(sqlite3_column_int64(s, 1));
    }
    sqlite3_finalize(s);
    return out;
  }

  std::string text(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sqlite3_errmsg(db_));
    }
    std::string out;
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    }
    const std::string err = rc == SQLITE_ROW || rc == SQLITE_DONE ? "" : sqlite3_errmsg(db_);
    sqlite3_finalize(s);
    if (!err.empty()) throw std::runtime_error(err);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(QueryTrace, EveryRunOfAPreparedStatementIsCounted) {
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  c.exec(
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100) "
      "INSERT INTO t SELECT n, 'v' || n FROM g");
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(c.db(), "SELECT v FROM t WHERE id = ?", -1, &s, nullptr), SQLITE_OK);
  for (int i = 1; i <= 1000; ++i) {
    sqlite3_bind_int(s, 1, i % 150);  // ids above 100 find nothing
    while (sqlite3_step(s) == SQLITE_ROW) {
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  int hits = 0;
  for (int i = 1; i <= 1000; ++i) hits += (i % 150 >= 1 && i % 150 <= 100) ? 1 : 0;
  EXPECT_EQ(c.stats("select v from t where id = ?"), "1000/" + std::to_string(hits));
}

TEST(QueryTrace, ChangesAreTheRowsOfStatementsThatReturnNone) {
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
  c.exec("INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)");
  c.exec("UPDATE t SET v = v + 1 WHERE id >= 2");
  c.exec("DELETE FROM t WHERE id = 3");
  c.exec("CREATE INDEX t_v ON t (v)");
  EXPECT_EQ(c.stats("insert into t values (?, ?)"), "1/3");
  EXPECT_EQ(c.stats("update t set v = v + ? where id >= ?"), "1/2");
  EXPECT_EQ(c.stats("delete from t where id = ?"), "1/1");
  EXPECT_EQ(c.stats("create index t_v on t (v)"), "1/0");
}

TEST(QueryTrace, StatementsRunInsideAnotherAreNotCounted) {
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  // vigil_table_stats runs its own queries (count(*), dbstat) inside the outer statement.
  c.text("SELECT count(*) FROM vigil_table_stats()");
  EXPECT_EQ(c.stats("select count(*) from vigil_table_stats()"), "1/1");
  EXPECT_EQ(c.text("SELECT count(*) FROM vigil_query_stats() WHERE query LIKE '%dbstat%' "
                   "OR query LIKE 'select count(*) from \"main\"%'"),
            "0");
}

TEST(QueryTrace, AReusedStatementAddressIsNotConfused) {
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  // Prepare, run and finalize different statements in turn: SQLite reuses the memory.
  for (int i = 0; i < 50; ++i) {
    for (const char* sql : {"SELECT 1 FROM t WHERE id = 1", "SELECT 2 FROM t WHERE id > 5",
                            "INSERT OR IGNORE INTO t VALUES (7)"}) {
      sqlite3_stmt* s = nullptr;
      ASSERT_EQ(sqlite3_prepare_v2(c.db(), sql, -1, &s, nullptr), SQLITE_OK);
      while (sqlite3_step(s) == SQLITE_ROW) {
      }
      sqlite3_finalize(s);
    }
  }
  EXPECT_EQ(c.stats("select ? from t where id = ?"), "50/0");
  EXPECT_EQ(c.stats("select ? from t where id > ?"), "50/49");
  EXPECT_EQ(c.stats("insert or ignore into t values (?)"), "50/1");
}

TEST(QueryTrace, ManyStatementsInterleavedAreEachCountedExactly) {
  // More live statements than the direct-mapped cache has slots, stepped in turns (a row of
  // one, then all of another, ...): every run lands on its own statement.
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
  c.exec(
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 300) "
      "INSERT INTO t SELECT n, n FROM g");
  constexpr int kStatements = 150;
  std::vector<sqlite3_stmt*> stmts(kStatements, nullptr);
  for (int k = 0; k < kStatements; ++k) {
    // Different texts (k + 1 rows each): different entries.
    const std::string sql = "SELECT v AS c" + std::to_string(k) +
                            " FROM t WHERE id <= " + std::to_string(k + 1) + " ORDER BY id";
    ASSERT_EQ(sqlite3_prepare_v2(c.db(), sql.c_str(), -1, &stmts[k], nullptr), SQLITE_OK);
  }
  for (int round = 0; round < 7; ++round) {
    for (int k = 0; k < kStatements; ++k) {
      // Statement k gives its first row, then statement (k + 37) % n runs to the end, then k
      // finishes: two statements of one connection running at once.
      sqlite3_stmt* a = stmts[k];
      sqlite3_stmt* b = stmts[(k + 37) % kStatements];
      ASSERT_EQ(sqlite3_step(a), SQLITE_ROW);
      if (b != a) {
        while (sqlite3_step(b) == SQLITE_ROW) {
        }
        sqlite3_reset(b);
      }
      while (sqlite3_step(a) == SQLITE_ROW) {
      }
      sqlite3_reset(a);
    }
  }
  for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  for (int k = 0; k < kStatements; ++k) {
    const std::string query =
        "select v as c" + std::to_string(k) + " from t where id <= ? order by id";
    EXPECT_EQ(c.stats(query), "14/" + std::to_string(14 * (k + 1))) << query;
  }
}

// A SQL function that sleeps at least its argument in milliseconds: a statement that is
// certainly that slow, however fast the machine.
void sleep_ms(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  std::this_thread::sleep_for(std::chrono::milliseconds(sqlite3_value_int(argv[0])));
  sqlite3_result_int(ctx, 1);
}

// No bound below depends on the machine's speed or load: the resolution is shown by a value
// that is not a whole number of milliseconds, and the time of a run is bounded below by a
// sleep inside it and above by the wall time around it.
TEST(QueryTrace, TimesAreSubMillisecondAndWithinTheRunsWallTime) {
  Conn c;
  c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)");
  c.exec(
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000) "
      "INSERT INTO t SELECT n, n FROM g");
  // A point select is timed finer than SQLite's own 1 ms resolution: its minimum is above
  // zero and not a whole number of milliseconds.
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(c.db(), "SELECT v FROM t WHERE id = ?", -1, &s, nullptr), SQLITE_OK);
  for (int i = 1; i <= 200; ++i) {
    sqlite3_bind_int(s, 1, i);
    ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  const double min_ms = std::stod(c.text(
      "SELECT min_ms FROM vigil_query_stats() WHERE query = 'select v from t where id = ?'"));
  EXPECT_GT(min_ms, 0.0);
  EXPECT_NE(min_ms, std::floor(min_ms));
  // A statement that sleeps 30 ms: vigil's time is at least that (1 % for the calibration of
  // vigil's clock), and lies within the wall time around it.
  ASSERT_EQ(sqlite3_create_function(c.db(), "test_sleep_ms", 1, SQLITE_UTF8, nullptr, sleep_ms,
                                    nullptr, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_prepare_v2(c.db(), "SELECT test_sleep_ms(30)", -1, &s, nullptr), SQLITE_OK);
  const auto t0 = std::chrono::steady_clock::now();
  while (sqlite3_step(s) == SQLITE_ROW) {
  }
  sqlite3_reset(s);
  const auto t1 = std::chrono::steady_clock::now();
  sqlite3_finalize(s);
  const double wall_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  const double vigil_ms = std::stod(
      c.text("SELECT total_ms FROM vigil_query_stats() WHERE query = 'select test_sleep_ms(?)'"));
  EXPECT_GE(vigil_ms, 0.99 * 30) << "wall " << wall_ms;
  EXPECT_LT(vigil_ms, 1.01 * wall_ms + 0.01) << "wall " << wall_ms;
}

TEST(QueryTrace, ResetAndEviction) {
  Conn c;
  for (int i = 0; i < 30; ++i) c.text("SELECT " + std::to_string(i) + " AS c" + std::to_string(i));
  EXPECT_EQ(c.text("SELECT vigil_query_stats_reset()"), "30");
  EXPECT_EQ(c.text("SELECT count(*) FROM vigil_query_stats()"), "1");  // the reset itself
}

TEST(QueryTrace, AnotherTraceCallbackTakesTheSlot) {
  Conn c;
  c.text("SELECT 1");
  sqlite3_trace_v2(c.db(), 0, nullptr, nullptr);  // the application takes the slot back
  c.text("SELECT 2 + 2");
  EXPECT_EQ(c.stats("select ? + ?"), "none");
}

TEST(QueryTrace, QuickCheckFindsADamagedFile) {
  const std::string path = ::testing::TempDir() + "vigil_damaged.db";
  std::remove(path.c_str());
  {
    Conn c(path);
    c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    c.exec("CREATE INDEX t_v ON t (v)");
    c.exec(
        "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 2000) "
        "INSERT INTO t SELECT n, hex(randomblob(30)) FROM g");
    EXPECT_EQ(c.text("SELECT status FROM vigil_health() WHERE metric = 'quick_check'"), "ok");
  }
  {
    // Overwrite the middle of the file (index and table pages) with garbage.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 6);
    const std::string junk(4096 * 3, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  Conn c(path);
  EXPECT_EQ(c.text("SELECT status FROM vigil_health() WHERE metric = 'quick_check'"), "critical");
  EXPECT_EQ(c.text("SELECT status FROM vigil_health() WHERE metric = 'overall'"), "critical");
  std::remove(path.c_str());
}

}  // namespace
