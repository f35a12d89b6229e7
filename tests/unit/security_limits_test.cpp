// tests/unit/security_limits_test.cpp
//
// Issue #16 (security probe), items 4, 8 and 12: each test performs the attack.
//  - the migration plan has no recursion on the depth of `requires` (a 200,000-long chain, a
//    200,000-long cycle) and asks for interrupts once per migration;
//  - the migration splitter counts lines incrementally (linear, proved by the bytes it reads,
//    not by a clock), asks for interrupts as it goes, and refuses more statements than the
//    documented limit with 54000 / SQLITE_TOOBIG;
//  - vigil_migrations_import is linear (the SQLite VM steps of an import of 2n migrations are
//    about twice those of n, where they were four times), stops on an interrupt;
//  - SQLite: vigil_restore / vigil_repair / vigil_migrate wait for another connection's write
//    lock through the connection's busy handler (BEGIN IMMEDIATE first), and the errors when
//    they cannot say what is true.  Deterministic: connection A holds the write lock; B's busy
//    handler counts its calls and commits A from inside the first one -- no sleep, no clock.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/plan.hpp"
#include "migrate/splitter.hpp"
#include "sqlite_test_db.hpp"
#include "vigil/error.hpp"

namespace {

namespace fs = std::filesystem;
namespace mig = vigil::migrate;
using vigil::Error;
using vigil::ErrorCode;
using Conn = vigil_test::SqliteDb;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// --- the plan --------------------------------------------------------------------------------

// Versions 1..n, each requiring the next: planning 1 first walks the whole chain.
std::vector<mig::PlanNode> chain(std::size_t n) {
  std::vector<mig::PlanNode> nodes(n);
  for (std::size_t i = 0; i < n; ++i) {
    nodes[i].version = std::to_string(i + 1);
    if (i + 1 < n) nodes[i].requires_versions.push_back(std::to_string(i + 2));
  }
  return nodes;
}

TEST(PlanDepth, ChainOf200000RequirementsIsPlannedWithoutRecursion) {
  // The recursive planner overflowed the stack here (a SIGSEGV of the backend).
  const auto nodes = chain(200000);
  const std::vector<std::size_t> order = mig::plan_order(nodes);
  ASSERT_EQ(order.size(), nodes.size());
  for (std::size_t k = 0; k < order.size(); ++k) EXPECT_EQ(order[k], nodes.size() - 1 - k);
}

TEST(PlanDepth, CycleOf200000IsAnErrorNamingAReadablePart) {
  auto nodes = chain(200000);
  nodes.back().requires_versions.emplace_back("1");
  try {
    mig::plan_order(nodes);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_EQ(std::string(e.what()),
              "the requirements of the migrations form a cycle: 1 -> 2 -> 3 -> 4 -> 5 -> 6 -> 7 "
              "-> 8 -> 9 -> 10 -> 11 -> 12 -> 13 -> 14 -> 15 -> 16 -> 17 -> 18 -> 19 -> 20 -> "
              "... (199980 more) -> 1");
  }
}

TEST(PlanDepth, AsksForInterruptsOncePerMigration) {
  const auto nodes = chain(50000);
  std::size_t calls = 0;
  mig::plan_order(nodes, [&calls] { ++calls; });
  EXPECT_EQ(calls, nodes.size());
  // A cancel (the callback throws) ends the plan.
  calls = 0;
  EXPECT_THROW(mig::plan_order(nodes,
                               [&calls] {
                                 if (++calls == 1000) {
                                   throw Error(ErrorCode::kQueryCanceled, "canceled");
                                 }
                               }),
               Error);
  EXPECT_EQ(calls, 1000U);
}

// --- the splitter ----------------------------------------------------------------------------

std::string statements(std::size_t n) {
  std::string sql;
  for (std::size_t i = 0; i < n; ++i) sql += "SELECT 1;\n";
  return sql;
}

TEST(SplitterLimits, LineNumbersAreCountedIncrementally) {
  // 200,000 statements: counting each statement's line from the start read about 10^11 bytes
  // (the 5-million-statement split ran for more than 10 minutes); incremental counting reads
  // the text once.
  const std::string sql = statements(200000);
  std::size_t scanned = 0;
  mig::SplitOptions options;
  options.max_statements = 0;
  options.line_bytes_scanned = &scanned;
  const auto out = mig::split_statements(sql, "up_sql", options);
  ASSERT_EQ(out.size(), 200000U);
  EXPECT_EQ(out.back().line, 200000);
  EXPECT_EQ(out[12345].line, 12346);
  EXPECT_LE(scanned, sql.size());
}

TEST(SplitterLimits, AsksForInterruptsWhileSplitting) {
  const std::string sql = statements(100000);
  std::size_t calls = 0;
  mig::SplitOptions options;
  options.check_interrupts = [&calls] {
    if (++calls == 3) throw Error(ErrorCode::kQueryCanceled, "canceled");
  };
  try {
    mig::split_statements(sql, "up_sql", options);
    FAIL() << "the cancel was not seen";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kQueryCanceled);
  }
  EXPECT_EQ(calls, 3U);
}

TEST(SplitterLimits, MoreStatementsThanTheLimitAreRefused) {
  EXPECT_EQ(mig::split_statements(statements(mig::kMaxStatementsPerMigration), "up_sql").size(),
            mig::kMaxStatementsPerMigration);
  try {
    mig::split_statements(statements(mig::kMaxStatementsPerMigration + 1), "up_sql");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kProgramLimitExceeded);
    EXPECT_EQ(std::string(e.what()), "up_sql has more than 100000 statements (line 100001)");
  }
}

TEST(SplitterLimits, ManyBeginsInOneStatementStayLinear) {
  // Each BEGIN of a CREATE statement looked for TRIGGER among all the statement's tokens.
  std::string sql = "CREATE VIEW v AS SELECT 1";
  for (int i = 0; i < 200000; ++i) sql += " BEGIN";
  sql += ";";
  const auto out = mig::split_statements(sql, "up_sql");
  ASSERT_EQ(out.size(), 1U);
}

// --- vigil_migrations_import -------------------------------------------------------------------

std::string import_text(std::size_t n) {
  std::string json = R"({"format":"vigil-migrations","format_version":1,"migrations":[)";
  for (std::size_t i = 1; i <= n; ++i) {
    if (i > 1) json += ",";
    json += R"({"version":")" + std::to_string(i) + R"(","name":"m","up_sql":"SELECT 1;"})";
  }
  return json + "]}";
}

int count_steps(unsigned type, void* ctx, void* p, void*) {
  if (type == SQLITE_TRACE_PROFILE) {
    *static_cast<long long*>(ctx) +=
        sqlite3_stmt_status(static_cast<sqlite3_stmt*>(p), SQLITE_STMTSTATUS_VM_STEP, 1);
  }
  return 0;
}

// The VM steps of every statement an import of n migrations runs (into an empty ledger).
long long import_steps(std::size_t n) {
  Conn db;
  long long steps = 0;
  sqlite3_trace_v2(db.db(), SQLITE_TRACE_PROFILE, count_steps, &steps);
  const std::string text = import_text(n);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db.db(), "SELECT vigil_migrations_import(?)", -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(stmt, 1, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW) << sqlite3_errmsg(db.db());
  EXPECT_EQ(sqlite3_column_int64(stmt, 0), static_cast<sqlite3_int64>(n));
  sqlite3_finalize(stmt);
  sqlite3_trace_v2(db.db(), 0, nullptr, nullptr);
  return steps;
}

TEST(ImportLimits, ImportIsLinear) {
  // Each new version was compared with every registered one (a scan of the ledger per
  // migration): twice the migrations took four times the work (10k: 10.8 s, 20k: 48.5 s).
  const long long n = import_steps(1500);
  const long long two_n = import_steps(3000);
  EXPECT_LT(static_cast<double>(two_n), 2.5 * static_cast<double>(n))
      << "steps for 1500: " << n << ", for 3000: " << two_n;
}

TEST(ImportLimits, AnInterruptedImportImportsNothing) {
  Conn db;
  int statements = 0;
  struct Ctx {
    sqlite3* db;
    int* statements;
  } ctx{db.db(), &statements};
  sqlite3_trace_v2(
      db.db(), SQLITE_TRACE_STMT,
      [](unsigned, void* c, void*, void*) -> int {
        auto* ctx = static_cast<Ctx*>(c);
        if (++*ctx->statements == 500) sqlite3_interrupt(ctx->db);
        return 0;
      },
      &ctx);
  const std::string text = import_text(2000);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.db(), "SELECT vigil_migrations_import(?)", -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(stmt, 1, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_INTERRUPT);
  sqlite3_finalize(stmt);
  sqlite3_trace_v2(db.db(), 0, nullptr, nullptr);
  // KNOWN PROBLEM (reported on issue #16, not fixed): while the interrupt is pending SQLite
  // refuses every statement, the call's ROLLBACK TO and COMMIT included, so the transaction
  // the call began is left open; the caller's ROLLBACK ends it, and nothing was imported.
  db.exec("ROLLBACK");
  EXPECT_EQ(db.value("SELECT count(*) FROM sqlite_schema WHERE name = 'vigil_migrations'"), "0");
}

TEST(ImportLimits, TooManyMigrationsAreRefusedBeforeAnyWork) {
  Conn db;
  std::string json = R"({"format":"vigil-migrations","format_version":1,"migrations":[)";
  for (int i = 0; i <= 100000; ++i) json += i == 0 ? "0" : ",0";
  json += "]}";
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db.db(), "SELECT vigil_migrations_import(?)", -1, &stmt, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(stmt, 1, json.c_str(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_TOOBIG);
  EXPECT_EQ(std::string(sqlite3_errmsg(db.db())),
            "the import has 100001 migrations; the limit is 100000");
  sqlite3_finalize(stmt);
}

// --- SQLite lock waits -----------------------------------------------------------------------

class TempDb {
 public:
  TempDb() {
    char name[] = "/tmp/vigil-busy-test-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp");
    dir_ = name;
  }
  ~TempDb() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  std::string path() const { return (dir_ / "db.sqlite").string(); }

 private:
  fs::path dir_;
};

// B's busy handler: counts its calls; the first call commits A's transaction (when asked to),
// so B's retry finds the lock free.  Gives up after 50 calls (a bug must not hang the test).
struct Waiter {
  sqlite3* holder = nullptr;
  bool release = true;
  int calls = 0;
  static int handler(void* p, int) {
    auto* w = static_cast<Waiter*>(p);
    ++w->calls;
    if (w->release && w->calls == 1) sqlite3_exec(w->holder, "COMMIT", nullptr, nullptr, nullptr);
    return w->calls < 50 ? 1 : 0;
  }
};

class BusyTimeout : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = std::make_unique<Conn>(dir_.path());
    b_ = std::make_unique<Conn>(dir_.path());
    a_->must(
        "PRAGMA journal_mode = WAL;"
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER);"
        "INSERT INTO t VALUES (1, -1), (2, 5), (3, -3);"
        "SELECT vigil_rule_add('positive', 't', 'v >= 0', 'error', 'quarantine');"
        "SELECT vigil_repair(0);"
        "SELECT vigil_migration_add('1', 'one', 'CREATE TABLE m1 (x);');");
    ASSERT_EQ(a_->value("SELECT count(*) FROM vigil_quarantine WHERE batch = 1"), "2");
    waiter_.holder = a_->db();
    sqlite3_busy_handler(b_->db(), &Waiter::handler, &waiter_);
    // A, an application, writes and holds the write lock.
    a_->must("BEGIN IMMEDIATE; INSERT INTO t VALUES (4, 4);");
  }
  void TearDown() override { a_->exec("ROLLBACK"); }

  TempDb dir_;
  std::unique_ptr<Conn> a_;
  std::unique_ptr<Conn> b_;
  Waiter waiter_;
};

TEST_F(BusyTimeout, RestoreWaitsForAnotherConnectionsWrite) {
  // Failed with SQLITE_BUSY at once: the busy handler was never run.
  EXPECT_EQ(b_->value("SELECT vigil_restore(1)"), "2");
  EXPECT_EQ(waiter_.calls, 1);
  EXPECT_EQ(b_->value("SELECT count(*) FROM t"), "4");  // A's row committed, 1 and 3 back
}

TEST_F(BusyTimeout, ScalarRepairWaitsForAnotherConnectionsWrite) {
  a_->must("UPDATE t SET v = -2 WHERE id = 2");  // a new violation, committed by the wait
  EXPECT_EQ(b_->error("SELECT vigil_repair(0)"), "");
  EXPECT_EQ(waiter_.calls, 1);
  EXPECT_EQ(b_->value("SELECT count(*) FROM vigil_quarantine WHERE batch = 2"), "1");
}

TEST_F(BusyTimeout, RepairDryRunWaitsForAnotherConnectionsWrite) {
  EXPECT_EQ(b_->error("SELECT vigil_repair()"), "");
  EXPECT_EQ(waiter_.calls, 1);
}

TEST_F(BusyTimeout, TableFormSaysWhyItCannotWait) {
  waiter_.release = false;
  const std::string err = b_->error("SELECT * FROM vigil_repair(0)");
  EXPECT_TRUE(contains(err,
                       "vigil_repair: another connection is writing to the database, and "
                       "this connection cannot wait for it: it is already reading"))
      << err;
  EXPECT_EQ(waiter_.calls, 0);
}

TEST_F(BusyTimeout, MigrateBlockedByAnApplicationDoesNotBlameAMigrator) {
  waiter_.release = false;
  const std::string err = b_->error("SELECT vigil_migrate()");
  EXPECT_EQ(err,
            "vigil_migrate: another connection held the database's write lock for longer than "
            "this connection's busy timeout; nothing was done");
  EXPECT_EQ(waiter_.calls, 50);
}

TEST_F(BusyTimeout, MigrateWaitsForAnotherConnectionsWrite) {
  EXPECT_TRUE(contains(b_->value("SELECT vigil_migrate()"), "applied"));
  EXPECT_EQ(waiter_.calls, 1);
}

}  // namespace
