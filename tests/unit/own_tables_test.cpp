// tests/unit/own_tables_test.cpp
//
// vigil's own tables in SQLite: created on demand from the engine-neutral description, never
// listed as user tables.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "dialect/sqlite_dialect.hpp"
#include "schema/introspect.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/error.hpp"

namespace {

struct Db {
  sqlite3* db = nullptr;
  Db() { sqlite3_open(":memory:", &db); }
  ~Db() { sqlite3_close(db); }
};

const vigil::OwnTable kLedger{"vigil_migrations",
                              {{"version", vigil::ValueKind::kText, "PRIMARY KEY"},
                               {"name", vigil::ValueKind::kText, "NOT NULL"},
                               {"applied", vigil::ValueKind::kBoolean, "NOT NULL DEFAULT 0"},
                               {"applied_at", vigil::ValueKind::kTimestamp, ""},
                               {"duration_ms", vigil::ValueKind::kReal, ""}},
                              {"UNIQUE (name)"}};

TEST(OwnTables, SqliteCreatesOnDemandAndOnlyWhenAsked) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  const auto& dialect = vigil::sqlite_dialect();
  EXPECT_EQ(dialect.own_table(session, kLedger, false), "");
  EXPECT_EQ(dialect.own_table(session, kLedger, true), "\"main\".\"vigil_migrations\"");
  EXPECT_EQ(dialect.own_table(session, kLedger, false), "\"main\".\"vigil_migrations\"");
  // Idempotent, and the declared columns are there with their SQLite types.
  EXPECT_EQ(dialect.own_table(session, kLedger, true), "\"main\".\"vigil_migrations\"");
  auto cursor = session.query(
      "SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info('vigil_migrations')");
  ASSERT_TRUE(cursor->next());
  EXPECT_EQ(cursor->get(0).to_text(),
            "version TEXT, name TEXT, applied INTEGER, applied_at TEXT, duration_ms REAL");
  session.exec("INSERT INTO vigil_migrations (version, name) VALUES ('1', 'init')");
  EXPECT_THROW(session.exec("INSERT INTO vigil_migrations (version, name) VALUES ('2', 'init')"),
               vigil::Error);
}

TEST(OwnTables, NeverListedAsUserTables) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  vigil::sqlite_dialect().own_table(session, kLedger, true);
  session.exec("CREATE TABLE videos (id INTEGER PRIMARY KEY)");
  const auto tables = vigil::list_user_tables(session);
  ASSERT_EQ(tables.size(), 1u);
  EXPECT_EQ(tables[0].name, "videos");
}

}  // namespace
