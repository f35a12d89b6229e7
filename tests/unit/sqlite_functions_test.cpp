// tests/unit/sqlite_functions_test.cpp
//
// The SQLite host end to end: sqlite3_vigil_init() registers the registry's functions on a
// connection, and plain SQL calls them (scalar functions and eponymous virtual tables).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sqlite_test_db.hpp"

namespace {

using vigil_test::Rows;

using Conn = vigil_test::SqliteDb;

constexpr const char* kPlatform = R"sql(
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
                       status VARCHAR(20) DEFAULT 'active');
CREATE TABLE videos (id INTEGER PRIMARY KEY,
                     project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
                     path TEXT NOT NULL UNIQUE,
                     CONSTRAINT path_not_empty CHECK (length(path) > 0));
CREATE INDEX videos_project_idx ON videos (project_id);
)sql";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(SqliteFunctions, Version) {
  Conn c;
  EXPECT_EQ(c.value("SELECT vigil_version()"), "0.2.0");
  EXPECT_EQ(c.value("SELECT typeof(vigil_version())"), "text");
}

TEST(SqliteFunctions, SchemaRowsOfEveryTable) {
  Conn c;
  c.must(kPlatform);
  // projects: table + 3 columns + pk + unique; videos: table + 3 columns + pk + unique + fk
  // + check + index.
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema()"), "15");
  EXPECT_EQ(c.value("SELECT count(DISTINCT table_name) FROM vigil_schema()"), "2");
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema"), "15");
}

TEST(SqliteFunctions, SchemaOfOneTable) {
  Conn c;
  c.must(kPlatform);
  const Rows rows = c.rows(
      "SELECT table_name, object_type, name, definition, engine_definition "
      "FROM vigil_schema('projects')");
  const Rows expected = {
      {"projects", "table", "projects", "", "<null>"},
      {"projects", "column", "id", "1 integer not null", "INTEGER"},
      {"projects", "column", "name", "2 text not null", "TEXT"},
      {"projects", "column", "status", "3 text default 'active'", "VARCHAR(20) DEFAULT 'active'"},
      {"projects", "primary_key", "(id)", "(id)", "<null>"},
      {"projects", "unique", "(name)", "(name)", "sqlite_autoindex_projects_1"},
  };
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema('PROJECTS')"), "6");
}

TEST(SqliteFunctions, SchemaOfVideosHasForeignKeyCheckAndIndex) {
  Conn c;
  c.must(kPlatform);
  EXPECT_EQ(c.value("SELECT definition FROM vigil_schema('videos') WHERE object_type = 'foreign_key'"),
            "(project_id) references projects (id) on update no action on delete cascade");
  EXPECT_EQ(c.value("SELECT name || ' ' || engine_definition FROM vigil_schema('videos') "
                    "WHERE object_type = 'check'"),
            "(path) length(path) > 0");
  EXPECT_EQ(c.value("SELECT name || ' ' || definition FROM vigil_schema('videos') "
                    "WHERE object_type = 'index'"),
            "videos_project_idx (project_id)");
}

TEST(SqliteFunctions, SchemaFingerprintIsHex) {
  Conn c;
  c.must(kPlatform);
  const std::string fp = c.value("SELECT vigil_schema_fingerprint()");
  ASSERT_EQ(fp.size(), 32u);
  EXPECT_EQ(fp.find_first_not_of("0123456789abcdef"), std::string::npos) << fp;
  EXPECT_NE(c.value("SELECT vigil_schema_fingerprint('projects')"), fp);
  EXPECT_EQ(c.value("SELECT vigil_schema_fingerprint(NULL)"), fp);  // NULL means all tables
}

TEST(SqliteFunctions, FingerprintEqualForEquivalentSpellings) {
  Conn a;
  a.must(R"sql(
    CREATE TABLE projects (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,
                           CONSTRAINT projects_name_key UNIQUE (name),
                           CONSTRAINT name_check CHECK (length(name) > 0));
    CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL,
                         seconds DOUBLE,
                         CONSTRAINT videos_fk FOREIGN KEY (project_id) REFERENCES projects (id)
                           ON DELETE CASCADE);
  )sql");
  Conn b;  // other type spellings, other constraint names, the tables created the other way round
  b.must(R"sql(
    CREATE TABLE videos (id int PRIMARY KEY, project_id int NOT NULL
                           REFERENCES projects ON DELETE CASCADE,
                         seconds REAL);
    CREATE TABLE projects (id int PRIMARY KEY, name TEXT NOT NULL UNIQUE
                           CHECK (LENGTH(name)>0));
  )sql");
  const std::string fa = a.value("SELECT vigil_schema_fingerprint()");
  EXPECT_EQ(fa, b.value("SELECT vigil_schema_fingerprint()"));
  EXPECT_EQ(a.value("SELECT vigil_schema_fingerprint('videos')"),
            b.value("SELECT vigil_schema_fingerprint('videos')"));

  b.must("ALTER TABLE videos ADD COLUMN fps REAL");
  EXPECT_NE(fa, b.value("SELECT vigil_schema_fingerprint()"));
  a.must("ALTER TABLE videos ADD COLUMN fps FLOAT");
  EXPECT_EQ(a.value("SELECT vigil_schema_fingerprint()"),
            b.value("SELECT vigil_schema_fingerprint()"));
}

TEST(SqliteFunctions, FingerprintChangesWithNullabilityAndIndexes) {
  Conn a;
  a.must("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  Conn b;
  b.must("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  const std::string fa = a.value("SELECT vigil_schema_fingerprint()");
  EXPECT_NE(fa, b.value("SELECT vigil_schema_fingerprint()"));
  a.must("CREATE INDEX t_v ON t (v)");
  EXPECT_NE(fa, a.value("SELECT vigil_schema_fingerprint()"));
  a.must("DROP INDEX t_v");
  EXPECT_EQ(fa, a.value("SELECT vigil_schema_fingerprint()"));
}

TEST(SqliteFunctions, TableStatsRowCountAndIndexCount) {
  Conn c;
  c.must(kPlatform);
  c.must("INSERT INTO projects (name) VALUES ('a'), ('b'), ('c')");
  c.must("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 57) "
         "INSERT INTO videos (project_id, path) SELECT 1, 'v' || i FROM n");
  const Rows rows = c.rows("SELECT table_name, row_count, index_count FROM vigil_table_stats()");
  // videos: the UNIQUE(path) constraint and videos_project_idx; the INTEGER PRIMARY KEY has no
  // index of its own.  projects: UNIQUE(name).
  EXPECT_EQ(rows, (Rows{{"projects", "3", "1"}, {"videos", "57", "2"}}));
  EXPECT_EQ(c.value("SELECT row_count FROM vigil_table_stats('videos')"), "57");
  c.must("DELETE FROM videos WHERE id > 50");
  EXPECT_EQ(c.value("SELECT row_count FROM vigil_table_stats('videos')"), "50");
}

TEST(SqliteFunctions, TableStatsIndexCountExcludesThePrimaryKeyIndex) {
  Conn c;
  c.must("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
  c.must("CREATE TABLE r (a TEXT PRIMARY KEY, b TEXT UNIQUE)");
  c.must("CREATE INDEX r_b ON r (b, a)");
  EXPECT_EQ(c.value("SELECT index_count FROM vigil_table_stats('kv')"), "0");
  EXPECT_EQ(c.value("SELECT index_count FROM vigil_table_stats('r')"), "2");
  EXPECT_EQ(c.value("SELECT row_count FROM vigil_table_stats('kv')"), "0");
}

TEST(SqliteFunctions, TableStatsOfHostileName) {
  Conn c;
  c.must("CREATE TABLE t (a)");
  c.must("CREATE TABLE \"x\"\"; DROP TABLE t;--\" (a)");
  c.must("INSERT INTO \"x\"\"; DROP TABLE t;--\" VALUES (1), (2)");
  EXPECT_EQ(c.value("SELECT row_count FROM vigil_table_stats('x\"; DROP TABLE t;--')"), "2");
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema('x\"; DROP TABLE t;--')"), "2");
  EXPECT_EQ(c.value("SELECT count(*) FROM sqlite_schema WHERE name = 't'"), "1");
}

TEST(SqliteFunctions, UnknownTableIsAnErrorAndTheConnectionStillWorks) {
  Conn c;
  c.must(kPlatform);
  EXPECT_TRUE(contains(c.error("SELECT * FROM vigil_schema('nope')"),
                       "table \"nope\" does not exist"));
  EXPECT_EQ(c.value("SELECT vigil_version()"), "0.2.0");
  EXPECT_TRUE(contains(c.error("SELECT vigil_schema_fingerprint('nope')"),
                       "table \"nope\" does not exist"));
  EXPECT_TRUE(contains(c.error("SELECT * FROM vigil_table_stats('nope')"),
                       "table \"nope\" does not exist"));
  EXPECT_EQ(c.value("SELECT count(*) FROM projects"), "0");
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema('projects')"), "6");
}

TEST(SqliteFunctions, ScalarErrorCarriesTheMappedResultCode) {
  Conn c;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(c.db(), "SELECT vigil_schema_fingerprint('nope')", -1, &stmt,
                               nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ERROR);  // kUndefinedTable → SQLITE_ERROR
  EXPECT_STREQ(sqlite3_errmsg(c.db()), "table \"nope\" does not exist");
  sqlite3_finalize(stmt);
}

TEST(SqliteFunctions, WrongArgumentTypeIsADatatypeError) {
  Conn c;
  c.must(kPlatform);
  const std::string err = c.error("SELECT * FROM vigil_table_stats(3)");
  EXPECT_TRUE(contains(err, "vigil_table_stats: argument \"table_name\" must be text, not integer"))
      << err;
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_table_stats()"), "2");
  const std::string err2 = c.error("SELECT vigil_schema_fingerprint(x'00')");
  EXPECT_TRUE(contains(err2, "must be text, not blob")) << err2;
  EXPECT_EQ(c.value("SELECT vigil_version()"), "0.2.0");
}

TEST(SqliteFunctions, WrongArgumentTypeGivesSqliteMismatch) {
  Conn c;
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(c.db(), "SELECT vigil_schema_fingerprint(3.5)", -1, &stmt, nullptr),
            SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_MISMATCH);
  sqlite3_finalize(stmt);
}

TEST(SqliteFunctions, ViewIsWrongObjectType) {
  Conn c;
  c.must(kPlatform);
  c.must("CREATE VIEW pv AS SELECT * FROM projects");
  const std::string err = c.error("SELECT * FROM vigil_schema('pv')");
  EXPECT_TRUE(contains(err, "\"pv\" is a view, not a table")) << err;
  // The view is not a user table either.
  EXPECT_EQ(c.value("SELECT count(DISTINCT table_name) FROM vigil_schema()"), "2");
}

TEST(SqliteFunctions, ReadOnlyFunctionsAreUsableFromViewsWithUntrustedSchema) {
  Conn c;
  c.must(kPlatform);
  // With trusted_schema off, only INNOCUOUS functions and virtual tables may run from a view.
  c.must("PRAGMA trusted_schema = OFF");
  c.must("CREATE VIEW v AS SELECT vigil_version() AS version");
  EXPECT_EQ(c.rows("SELECT * FROM v"), (Rows{{"0.2.0"}}));
  c.must("CREATE VIEW fp AS SELECT vigil_schema_fingerprint() AS fp");
  EXPECT_EQ(c.value("SELECT length(fp) FROM fp"), "32");
  c.must("CREATE VIEW s AS SELECT count(*) FROM vigil_schema('projects')");
  EXPECT_EQ(c.value("SELECT * FROM s"), "6");
  c.must("CREATE VIEW st AS SELECT row_count FROM vigil_table_stats('projects')");
  EXPECT_EQ(c.value("SELECT * FROM st"), "0");
}

TEST(SqliteFunctions, UntrustedSchemaReallyBlocksNonInnocuousFunctions) {
  // Control for the test above: a function registered without SQLITE_INNOCUOUS is refused
  // from a view once trusted_schema is off, so the test above can fail.
  Conn c;
  ASSERT_EQ(sqlite3_create_function_v2(
                c.db(), "plain_fn", 0, SQLITE_UTF8, nullptr,
                [](sqlite3_context* ctx, int, sqlite3_value**) { sqlite3_result_int(ctx, 1); },
                nullptr, nullptr, nullptr),
            SQLITE_OK);
  c.must("PRAGMA trusted_schema = OFF");
  c.must("CREATE VIEW pv AS SELECT plain_fn()");
  EXPECT_TRUE(contains(c.error("SELECT * FROM pv"), "unsafe use of plain_fn()"));
}

TEST(SqliteFunctions, EponymousOnlyModulesCannotBeCreated) {
  Conn c;
  EXPECT_NE(c.exec("CREATE VIRTUAL TABLE s USING vigil_schema"), "");
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema()"), "0");
}

TEST(SqliteFunctions, EmptyDatabase) {
  Conn c;
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_schema()"), "0");
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_table_stats()"), "0");
  EXPECT_EQ(c.value("SELECT length(vigil_schema_fingerprint())"), "32");
}

TEST(SqliteFunctions, TableFunctionsJoinOnTheirArgument) {
  Conn c;
  c.must(kPlatform);
  // The argument comes from another table: the planner must feed it per row.
  EXPECT_EQ(c.value("SELECT count(*) FROM (SELECT 'projects' AS n UNION ALL SELECT 'videos') AS t, "
                    "vigil_schema(t.n)"),
            "15");
}

}  // namespace
