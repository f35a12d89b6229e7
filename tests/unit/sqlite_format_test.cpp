// tests/unit/sqlite_format_test.cpp
//
// The format of vigil's own tables in SQLite (common/dialect/sqlite_format.hpp): how it is
// found, how format steps run (only on tables that exist, all or nothing), what is refused.
// tests/sqlite/upgrade.sql covers a real 0.1.0 file end to end.
#include "dialect/sqlite_format.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <functional>
#include <string>
#include <vector>

#include "dialect/sqlite_dialect.hpp"
#include "repair/rules.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"

namespace {

struct Db {
  sqlite3* db = nullptr;
  Db() { sqlite3_open(":memory:", &db); }
  ~Db() { sqlite3_close(db); }
};

std::string text(vigil::Session& s, const std::string& sql) {
  const vigil::Value v = s.scalar(sql);
  return v.is_null() ? "NULL" : v.to_text();
}

vigil::ErrorCode code_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const vigil::Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return vigil::ErrorCode::kInternal;
}

TEST(SqliteFormat, StepsAreNumberedInOrderUpToTheCurrentFormat) {
  const auto& steps = vigil::format_steps();
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i].to, static_cast<int>(i) + 2);
  EXPECT_EQ(steps.back().to, vigil::kSqliteFormat);
  for (const auto& step : steps) {
    for (const auto& statement : step.statements) {
      bool own = false;
      for (const char* name : vigil::kOwnTables) own = own || statement.table == name;
      EXPECT_TRUE(own) << statement.table << " is not one of vigil's tables";
      EXPECT_NE(statement.sql.find("\"main\".\"" + statement.table + "\""), std::string::npos)
          << statement.sql;
    }
  }
}

TEST(SqliteFormat, FreshDatabaseGetsItsFormatWithTheFirstTable) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  EXPECT_EQ(vigil::sqlite_format(session), 0);
  // a reader writes nothing
  EXPECT_EQ(vigil::sqlite_dialect().own_table(session, vigil::rules_table(), false), "");
  EXPECT_EQ(text(session, "SELECT count(*) FROM sqlite_schema"), "0");
  vigil::sqlite_dialect().own_table(session, vigil::rules_table(), true);
  EXPECT_EQ(vigil::sqlite_format(session), vigil::kSqliteFormat);
  EXPECT_EQ(text(session, "SELECT value FROM vigil_meta WHERE name = 'format'"),
            std::to_string(vigil::kSqliteFormat));
}

TEST(SqliteFormat, ATableWithoutMetaIsFormatOne) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE vigil_settings (name TEXT PRIMARY KEY, value REAL NOT NULL)");
  EXPECT_EQ(vigil::sqlite_format(session), 1);
  // a user's table named like vigil's is not one of them
  Db d2;
  vigil::sqlite::SqliteSession other(d2.db);
  other.exec("CREATE TABLE vigil_things (x)");
  EXPECT_EQ(vigil::sqlite_format(other), 0);
}

TEST(SqliteFormat, StepsRunOnExistingTablesOnlyAndWriteTheFormat) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE vigil_rules (name TEXT PRIMARY KEY)");
  session.exec("INSERT INTO vigil_rules VALUES ('r')");
  const std::vector<vigil::FormatStep> steps = {
      {2, {{"vigil_rules", "ALTER TABLE \"main\".\"vigil_rules\" ADD COLUMN a TEXT"}}},
      {3,
       {{"vigil_quarantine", "ALTER TABLE \"main\".\"vigil_quarantine\" ADD COLUMN b TEXT"},
        {"vigil_rules", "UPDATE \"main\".\"vigil_rules\" SET a = 'step 3'"}}},
  };
  vigil::upgrade_sqlite_format(session, 1, steps);
  EXPECT_EQ(text(session, "SELECT name || ' ' || a FROM vigil_rules"), "r step 3");
  EXPECT_EQ(text(session, "SELECT count(*) FROM sqlite_schema WHERE name = 'vigil_quarantine'"),
            "0");
  EXPECT_EQ(vigil::sqlite_format(session), 3);
}

// A reading table function (vigil_migration_status()) upgrades from inside its statement: the
// steps (ALTER TABLE included) and the savepoint must work while a statement of the connection
// reads, in autocommit mode.
TEST(SqliteFormat, StepsRunWhileAStatementOfTheConnectionReads) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE vigil_rules (name TEXT PRIMARY KEY)");
  session.exec("CREATE TABLE other (x)");
  session.exec("INSERT INTO other VALUES (1), (2)");
  sqlite3_stmt* reading = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(d.db, "SELECT x FROM other", -1, &reading, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(reading), SQLITE_ROW);
  const std::vector<vigil::FormatStep> steps = {
      {2, {{"vigil_rules", "ALTER TABLE \"main\".\"vigil_rules\" ADD COLUMN a TEXT"}}},
  };
  vigil::upgrade_sqlite_format(session, 1, steps);
  EXPECT_EQ(sqlite3_step(reading), SQLITE_ROW);
  EXPECT_EQ(sqlite3_step(reading), SQLITE_DONE);
  sqlite3_finalize(reading);
  EXPECT_EQ(sqlite3_get_autocommit(d.db), 1);
  EXPECT_EQ(text(session, "SELECT group_concat(name) FROM pragma_table_info('vigil_rules')"),
            "name,a");
  EXPECT_EQ(vigil::sqlite_format(session), 2);
}

TEST(SqliteFormat, AFailingStepChangesNothing) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE vigil_rules (name TEXT PRIMARY KEY)");
  const std::vector<vigil::FormatStep> steps = {
      {2, {{"vigil_rules", "ALTER TABLE \"main\".\"vigil_rules\" ADD COLUMN a TEXT"}}},
      {3, {{"vigil_rules", "ALTER TABLE \"main\".\"vigil_rules\" ADD COLUMN a TEXT"}}},
  };
  EXPECT_THROW(vigil::upgrade_sqlite_format(session, 1, steps), vigil::Error);
  EXPECT_EQ(text(session, "SELECT group_concat(name) FROM pragma_table_info('vigil_rules')"),
            "name");
  EXPECT_EQ(text(session, "SELECT count(*) FROM sqlite_schema WHERE name = 'vigil_meta'"), "0");
  EXPECT_EQ(vigil::sqlite_format(session), 1);
}

TEST(SqliteFormat, ReadOnlyDatabaseSaysWhatToDoAndWritesNothing) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE vigil_rules (name TEXT PRIMARY KEY)");
  session.exec("PRAGMA query_only = ON");
  const std::vector<vigil::FormatStep> steps = {
      {2, {{"vigil_rules", "ALTER TABLE \"main\".\"vigil_rules\" ADD COLUMN a TEXT"}}},
  };
  try {
    vigil::upgrade_sqlite_format(session, 1, steps);
    ADD_FAILURE() << "no error";
  } catch (const vigil::Error& e) {
    EXPECT_EQ(e.code(), vigil::ErrorCode::kReadOnly);
    EXPECT_NE(std::string(e.what()).find("have format 1 and this vigil"), std::string::npos)
        << e.what();
    EXPECT_NE(e.hint().find("read-write once"), std::string::npos) << e.hint();
  }
  session.exec("PRAGMA query_only = OFF");
  EXPECT_EQ(text(session, "SELECT group_concat(name) FROM pragma_table_info('vigil_rules')"),
            "name");
  EXPECT_EQ(vigil::sqlite_format(session), 1);
}

TEST(SqliteFormat, ANewerOrDamagedFormatIsRefused) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  vigil::sqlite_dialect().own_table(session, vigil::rules_table(), true);
  session.exec("UPDATE vigil_meta SET value = ?1 WHERE name = 'format'",
               {vigil::Value::text(std::to_string(vigil::kSqliteFormat + 1))});
  for (bool create : {false, true}) {
    EXPECT_EQ(
        code_of([&] { vigil::sqlite_dialect().own_table(session, vigil::rules_table(), create); }),
        vigil::ErrorCode::kFeatureNotSupported);
  }
  for (const char* bad : {"", "2x", "0", "-1", "99999999999"}) {
    session.exec("UPDATE vigil_meta SET value = ?1 WHERE name = 'format'",
                 {vigil::Value::text(bad)});
    EXPECT_EQ(code_of([&] { vigil::sqlite_format(session); }), vigil::ErrorCode::kDataCorrupted)
        << bad;
  }
}

}  // namespace
