// tests/unit/sqlite_schema_changes_test.cpp
//
// SqliteSession::schema_changes() without reading all of sqlite_schema: the statements whose
// effect on main's tables is known from their text (sqlite_extension/schema_statement.hpp), and
// the fingerprint the migration tracker keeps with them, which must always be the one
// vigil_schema_fingerprint() gives -- after every step, whichever way the step was read.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "migrate/schema_tracker.hpp"
#include "schema/canonical.hpp"
#include "schema/introspect.hpp"
#include "sqlite_extension/schema_statement.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "sqlite_test_db.hpp"

namespace {

using vigil::sqlite::schema_effect;
using vigil::sqlite::SchemaEffect;
using Kind = vigil::sqlite::SchemaEffect::Kind;

struct Expected {
  const char* statement;
  Kind kind;
  std::vector<std::string> tables;
  bool conditional;
};

TEST(SqliteSchemaEffect, KnownFromTheTextOrUnknown) {
  std::vector<Expected> cases = {
      {"CREATE TABLE t (a)", Kind::kTables, {"t"}, false},
      {"create table if not exists Main.\"My \"\"Table\" (a);",
       Kind::kTables,
       {"My \"Table"},
       true},
      {"CREATE TABLE [b x] (a) -- comment", Kind::kTables, {"b x"}, false},
      {"/* c */ CREATE TABLE `T` (a) STRICT;  ", Kind::kTables, {"T"}, false},
      {"CREATE TABLE if (a)", Kind::kTables, {"if"}, false},
      {"CREATE TABLE t AS SELECT 1 AS a", Kind::kUnknown, {}, false},
      {"CREATE TABLE temp.t (a)", Kind::kUnknown, {}, false},
      {"CREATE TABLE aux.t (a)", Kind::kUnknown, {}, false},
      {"CREATE TABLE 't' (a)", Kind::kUnknown, {}, false},
      {"CREATE TEMP TABLE t (a)", Kind::kNone, {}, false},
      {"CREATE TEMPORARY VIEW v AS SELECT 1", Kind::kNone, {}, false},
      {"CREATE INDEX i ON t (a)", Kind::kTables, {"t"}, false},
      {"CREATE UNIQUE INDEX IF NOT EXISTS main.i ON \"T\" (a) WHERE a > 0",
       Kind::kTables,
       {"T"},
       true},
      {"CREATE INDEX temp.i ON t (a)", Kind::kUnknown, {}, false},
      {"CREATE UNIQUE TABLE t (a)", Kind::kUnknown, {}, false},
      {"ALTER TABLE t ADD COLUMN c INTEGER REFERENCES p(id)", Kind::kTables, {"t"}, false},
      {"alter table main.t add c", Kind::kTables, {"t"}, false},
      {"ALTER TABLE t RENAME TO u", Kind::kUnknown, {}, false},
      {"ALTER TABLE t RENAME COLUMN a TO b", Kind::kUnknown, {}, false},
      {"ALTER TABLE t DROP COLUMN a", Kind::kUnknown, {}, false},
      {"ALTER TABLE temp.t ADD COLUMN c", Kind::kUnknown, {}, false},
      {"DROP TABLE t", Kind::kTables, {"t"}, false},
      {"DROP TABLE IF EXISTS main.\"t\";", Kind::kTables, {"t"}, true},
      {"DROP TABLE t, u", Kind::kUnknown, {}, false},
      {"DROP INDEX i", Kind::kUnknown, {}, false},
      {"CREATE VIEW v AS SELECT * FROM t", Kind::kTables, {}, false},
      {"CREATE TRIGGER IF NOT EXISTS tr AFTER INSERT ON t BEGIN DELETE FROM u; END",
       Kind::kTables,
       {},
       true},
      {"DROP VIEW IF EXISTS v", Kind::kTables, {}, true},
      {"DROP TRIGGER tr", Kind::kTables, {}, false},
      {"CREATE VIRTUAL TABLE v USING fts5(a)", Kind::kUnknown, {}, false},
      {"INSERT INTO t VALUES (1)", Kind::kNone, {}, false},
      {"-- seed\nupdate t set a = 1;", Kind::kNone, {}, false},
      {"WITH x AS (SELECT 1) DELETE FROM t WHERE a IN x", Kind::kNone, {}, false},
      {"UPDATE sqlite_schema SET sql = ''", Kind::kUnknown, {}, false},
      {"INSERT INTO \"SQLITE_MASTER\" VALUES (1)", Kind::kUnknown, {}, false},
      {"INSERT INTO t VALUES ('see Sqlite_Schema')", Kind::kUnknown, {}, false},  // to be safe
      {"DELETE FROM sqlite_temp_master", Kind::kUnknown, {}, false},
      {"PRAGMA foreign_keys = ON", Kind::kUnknown, {}, false},
      {"ANALYZE", Kind::kUnknown, {}, false},
      {"REINDEX t", Kind::kUnknown, {}, false},
      {"VACUUM", Kind::kUnknown, {}, false},
      {"", Kind::kUnknown, {}, false},
  };
  // Long statements: only their head is tokenized.
  std::string columns;
  for (int i = 0; i < 300; ++i) columns += ", column_" + std::to_string(i) + " INTEGER";
  const std::string long_create = "CREATE TABLE wide (id INTEGER PRIMARY KEY" + columns + ")";
  const std::string long_insert =
      "INSERT INTO t VALUES (1)" + std::string(3000, ' ') + ", ('" + std::string(3000, 'x') + "')";
  const std::string long_drop = "DROP TABLE t /* " + std::string(3000, '-') + " */";
  const std::string long_alter = "ALTER TABLE \"" + std::string(3000, 'n') + "\" ADD COLUMN c";
  const std::string hidden_dml =
      "INSERT INTO t" + std::string(3000, ' ') + "SELECT * FROM sqlite_schema";
  cases.push_back({long_create.c_str(), Kind::kTables, {"wide"}, false});
  cases.push_back({long_insert.c_str(), Kind::kNone, {}, false});
  cases.push_back({long_drop.c_str(), Kind::kUnknown, {}, false});
  cases.push_back({long_alter.c_str(), Kind::kUnknown, {}, false});
  cases.push_back({hidden_dml.c_str(), Kind::kUnknown, {}, false});
  for (const auto& c : cases) {
    const SchemaEffect e = schema_effect(c.statement);
    EXPECT_EQ(e.kind, c.kind) << c.statement;
    EXPECT_EQ(e.tables, c.tables) << c.statement;
    EXPECT_EQ(e.conditional, c.conditional) << c.statement;
  }
}

std::string full_fingerprint(vigil::Session& session) {
  return vigil::schema_fingerprint(
      vigil::canonical_schema_rows(vigil::introspect_schema(session), session.dialect()));
}

// A user function that runs DDL of its own: a statement whose text says it changes nothing.
void make_hidden_table(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  const int rc = sqlite3_exec(db, "CREATE TABLE hidden (a INTEGER)", nullptr, nullptr, nullptr);
  sqlite3_result_int(ctx, rc);
}

struct Step {
  const char* sql;
  bool known;  // the tables it changed are known without reading sqlite_schema
};

// After every step, the tracked fingerprint is the full one; the steps known from their text
// did not read sqlite_schema, the others did.  Several steps are built so that a missed table
// would show: a drop written in another case than the catalog's, a table put back exactly as
// the last full read saw it after a known step had changed it, a table created by a known step
// and dropped by an unknown one, a rename that rewrites another table's REFERENCES, a name that
// resolves to a temp table, DDL run by a user function inside a SELECT.
TEST(SqliteSchemaChanges, KnownStatementsNeverMissAChange) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_create_function(db, "make_hidden_table", 0, SQLITE_UTF8, nullptr,
                                    make_hidden_table, nullptr, nullptr),
            SQLITE_OK);
  {
    vigil::sqlite::SqliteSession session(db);
    session.exec("CREATE TABLE base (id INTEGER PRIMARY KEY)");
    vigil::migrate::SchemaTracker tracker(session);
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
    EXPECT_EQ(session.schema_reads(), 1U);
    const std::vector<Step> steps = {
        {"CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL)", true},
        {"CREATE TABLE Videos (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES PROJECTS)",
         true},
        {"CREATE INDEX videos_project ON VIDEOS (project_id)", true},
        // a parent that does not exist yet: creating it changes the child's implicit key
        {"ALTER TABLE videos ADD COLUMN owner INTEGER REFERENCES people", true},
        {"CREATE TABLE people (pid INTEGER PRIMARY KEY)", true},
        {"INSERT INTO projects VALUES (1, 'a'); CREATE TABLE \"My Table\" (x TEXT CHECK (x <> ''))",
         true},
        {"create unique index if not exists main.my_x on \"my table\" (x)", true},
        {"CREATE UNIQUE INDEX IF NOT EXISTS my_x ON \"My Table\" (x)", true},  // changes nothing
        {"DROP TABLE \"MY TABLE\"", true},
        {"ALTER TABLE people RENAME TO persons", false},  // rewrites videos' REFERENCES
        {"DROP INDEX videos_project", false},
        {"ALTER TABLE projects ADD COLUMN code TEXT", true},
        // back to the text the last full read saw: the tracker has the added column
        {"ALTER TABLE projects DROP COLUMN code", false},
        {"CREATE TEMP TABLE projects (t TEXT)", true},
        {"CREATE INDEX temp_i ON projects (t)", true},     // the temp table's
        {"ALTER TABLE projects ADD COLUMN u TEXT", true},  // the temp table's
        {"DROP TABLE projects", true},                     // the temp table
        {"CREATE TABLE a1 (a); DROP TABLE a1; CREATE TABLE [a 2] (a); CREATE TABLE `a3` (a)", true},
        {"CREATE TABLE gone (a INTEGER)", true},
        {"DROP TABLE gone; PRAGMA user_version = 3", false},  // created known, dropped unknown
        {"ALTER TABLE persons RENAME TO p2; ALTER TABLE p2 RENAME TO PERSONS", false},
        {"ALTER TABLE Persons ADD COLUMN born TEXT", true},
        {"DROP TABLE persons", true},  // the catalog says PERSONS
        {"CREATE VIEW v AS SELECT * FROM videos; DROP VIEW v", true},
        {"CREATE TRIGGER tr AFTER INSERT ON videos BEGIN SELECT 1; END", true},
        {"SELECT make_hidden_table()", false},
        {"CREATE TABLE IF NOT EXISTS VIGIL_MIGRATIONS (version TEXT)", false},  // not vigil's
        {"CREATE TABLE sized (a TEXT)", true},
    };
    std::size_t reads = session.schema_reads();
    for (const auto& step : steps) {
      session.exec(step.sql);
      EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session)) << step.sql;
      const std::size_t now = session.schema_reads();
      EXPECT_EQ(now - reads, step.known ? 0U : 1U) << step.sql;
      reads = now;
    }
    EXPECT_EQ(session.scalar("SELECT count(*) FROM hidden").to_integer(), 0);

    // A step rolled back: the schema version returns to a value already seen.
    session.savepoint();
    session.exec("CREATE TABLE rolled_back (a)");
    session.rollback_to();
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
    session.savepoint();
    session.exec("CREATE TABLE kept (a)");
    session.release();
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
    session.savepoint();
    session.exec("CREATE TABLE rolled_back_too (a)");
    session.rollback_to();
    session.exec("CREATE TABLE after_rollback (a)");
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
    // A full read after known steps reports what they changed again: still the same.
    session.exec("CREATE TABLE b (a); ALTER TABLE kept ADD COLUMN z");
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
    session.exec("PRAGMA user_version = 4");
    session.exec("DROP TABLE b");
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
  }
  sqlite3_close(db);
}

// End to end: the fingerprint vigil_migrate() records after every step of one call is the one
// vigil_schema_fingerprint() gives after the same SQL run directly, step by step.
TEST(SqliteSchemaChanges, HistoryFingerprintsOfOneCallMatchAReplay) {
  const std::vector<std::string> migrations = {
      "CREATE TABLE Projects (id INTEGER PRIMARY KEY, name TEXT)",
      "CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id REFERENCES projects);"
      "CREATE INDEX v_p ON VIDEOS (project_id)",
      "CREATE TABLE codes (c TEXT PRIMARY KEY)",
      "INSERT INTO projects VALUES (1, 'a'); ALTER TABLE \"projects\" ADD COLUMN code TEXT "
      "REFERENCES codes",
      "ALTER TABLE projects RENAME TO project",
      "DROP INDEX v_p",
      "CREATE TEMP TABLE scratch (a); CREATE TABLE kept (a); CREATE INDEX k ON kept (a)",
      "DROP TABLE IF EXISTS \"KEPT\"; CREATE TABLE [bracketed] (a)",
      "CREATE UNIQUE INDEX u ON Bracketed (a); CREATE VIEW pv AS SELECT * FROM project",
      "ALTER TABLE codes ADD COLUMN label TEXT CHECK (label <> '')",
  };
  vigil_test::SqliteDb migrated;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    std::string text;
    for (const char c : migrations[i]) text += c == '\'' ? std::string("''") : std::string(1, c);
    const std::string sql =
        "SELECT vigil_migration_add('" + std::to_string(i + 1) + "', 'm', '" + text + "')";
    ASSERT_EQ(migrated.exec(sql), "") << sql;
  }
  migrated.must("SELECT vigil_migrate()");
  const vigil_test::Rows events = migrated.rows(
      "SELECT version, action, fingerprint FROM vigil_migration_events ORDER BY event_id");
  ASSERT_EQ(events.size(), migrations.size());

  vigil_test::SqliteDb replay;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    replay.must(migrations[i]);
    EXPECT_EQ(events[i][0], std::to_string(i + 1));
    EXPECT_EQ(events[i][1], "apply");
    EXPECT_EQ(events[i][2], replay.value("SELECT vigil_schema_fingerprint()")) << migrations[i];
  }
  EXPECT_EQ(migrated.value("SELECT vigil_schema_fingerprint()"),
            replay.value("SELECT vigil_schema_fingerprint()"));
}

// SQLite writes the ledger rows and events of a run's steps together (migrator.cpp,
// defer_records_): the history says the same as when they are written step by step -- in step
// order, a failure after the steps before it, and a step that reads vigil's tables sees the
// steps before it applied.
TEST(SqliteMigrationRecords, SameHistoryAsStepByStep) {
  vigil_test::SqliteDb db;
  db.must("SELECT vigil_migration_add('1', 'a', 'CREATE TABLE a (x INTEGER)')");
  db.must(
      "SELECT vigil_migration_add('2', 'seen', 'CREATE TABLE seen AS SELECT version, state, "
      "fingerprint FROM vigil_migrations WHERE version = ''1''')");
  db.must("SELECT vigil_migration_add('3', 'b', 'CREATE TABLE b (x INTEGER)', 'DROP TABLE b')");
  db.must(
      "SELECT vigil_migration_add('4', 'broken', 'CREATE TABLE c (x INTEGER); INSERT INTO nope "
      "VALUES (1)')");
  db.must("SELECT vigil_migration_add('5', 'never', 'CREATE TABLE d (x INTEGER)')");
  db.must("SELECT vigil_migrate()");
  EXPECT_EQ(db.rows("SELECT version, state FROM seen"), (vigil_test::Rows{{"1", "applied"}}));
  EXPECT_EQ(db.value("SELECT fingerprint FROM seen"),
            db.value("SELECT fingerprint FROM vigil_migration_events WHERE version = '1'"));
  EXPECT_EQ(db.rows("SELECT version, action, direction, attempts FROM vigil_migration_events "
                    "ORDER BY event_id"),
            (vigil_test::Rows{{"1", "apply", "up", "1"},
                              {"2", "apply", "up", "1"},
                              {"3", "apply", "up", "1"},
                              {"4", "fail", "up", "1"}}));
  EXPECT_EQ(db.rows("SELECT version, state, apply_seq FROM vigil_migrations ORDER BY version"),
            (vigil_test::Rows{{"1", "applied", "1"},
                              {"2", "applied", "2"},
                              {"3", "applied", "3"},
                              {"4", "failed", "<null>"},
                              {"5", "pending", "<null>"}}));
  // The row and the event of each step agree; the failure recorded the schema without table c.
  EXPECT_EQ(db.value("SELECT count(*) FROM vigil_migrations AS m JOIN vigil_migration_events AS e "
                     "USING (version) WHERE e.action = 'apply' AND m.fingerprint = e.fingerprint "
                     "AND m.applied_at = e.happened_at AND m.duration_ms = e.duration_ms"),
            "3");
  const std::string after_3 =
      db.value("SELECT fingerprint FROM vigil_migration_events WHERE version = '3'");
  EXPECT_EQ(db.value("SELECT fingerprint FROM vigil_migration_events WHERE version = '4'"),
            after_3);
  EXPECT_EQ(after_3, db.value("SELECT vigil_schema_fingerprint()"));
  // Rolling back (newest first) records the same way.
  db.must(
      "UPDATE vigil_migrations SET up_sql = 'CREATE TABLE c (x INTEGER)', down_sql = "
      "'DROP TABLE c' WHERE version = '4'");
  db.must("UPDATE vigil_migrations SET down_sql = 'DROP TABLE d' WHERE version = '5'");
  db.must("SELECT vigil_migrate()");
  db.must("SELECT vigil_rollback('3')");
  EXPECT_EQ(
      db.rows("SELECT version, action FROM vigil_migration_events WHERE event_id > 4 "
              "ORDER BY event_id"),
      (vigil_test::Rows{{"4", "apply"}, {"5", "apply"}, {"5", "rollback"}, {"4", "rollback"}}));
  EXPECT_EQ(db.value("SELECT fingerprint FROM vigil_migration_events ORDER BY event_id DESC "
                     "LIMIT 1"),
            after_3);
  EXPECT_EQ(db.rows("SELECT version, state FROM vigil_migrations WHERE version > '3' ORDER BY "
                    "version"),
            (vigil_test::Rows{{"4", "rolled_back"}, {"5", "rolled_back"}}));
}

}  // namespace
