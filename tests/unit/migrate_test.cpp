// tests/unit/migrate_test.cpp
//
// The engine-neutral parts of migration tracking (common/migrate/): version order, checksum
// normalisation, the statement splitter and classifier, the order of migrations with
// requirements, and the incrementally kept schema fingerprint against a real SQLite database.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "migrate/checksum.hpp"
#include "migrate/ledger.hpp"
#include "migrate/plan.hpp"
#include "migrate/schema_tracker.hpp"
#include "migrate/splitter.hpp"
#include "migrate/version.hpp"
#include "schema/canonical.hpp"
#include "schema/introspect.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/error.hpp"

namespace {

using vigil::Error;
using vigil::ErrorCode;
namespace m = vigil::migrate;

// --- versions --------------------------------------------------------------------------------

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end(), m::VersionLess());
  return v;
}

// JSON from a caller is parsed with a nesting limit: the JSON library writes values back
// recursively, and an import whose options were 100,000 nested arrays crashed the process
// (tests/hostile).
TEST(MigrationJson, DeeplyNestedJsonIsRefused) {
  auto error = [](const std::string& text, const char* what) -> std::string {
    try {
      m::parse_json_input(text, what);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
      return e.what();
    }
    return "no error";
  };
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(error(deep, "the import"), "the import is nested too deeply (more than 64 levels)");
  EXPECT_EQ(error(std::string(64, '[') + std::string(64, ']'), "x"), "no error");
  EXPECT_EQ(error(std::string(65, '[') + std::string(65, ']'), "x"),
            "x is nested too deeply (more than 64 levels)");
  EXPECT_EQ(error("{\"a\": ", "options_json"),
            "options_json is not valid JSON: parse error at line 1, column 7: syntax error while "
            "parsing value - unexpected end of input; expected '[', '{', or a literal");
  try {
    m::parse_options("{\"requires\": " + deep + "}");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "options_json is nested too deeply (more than 64 levels)");
  }
}

TEST(MigrationVersion, NumbersCompareAsNumbers) {
  EXPECT_LT(m::compare_versions("2", "10"), 0);
  EXPECT_GT(m::compare_versions("10", "9"), 0);
  EXPECT_GT(m::compare_versions("1.10", "1.9"), 0);
  EXPECT_LT(m::compare_versions("1.9", "1.10"), 0);
  EXPECT_EQ(m::compare_versions("1.2.3", "1.2.3"), 0);
  EXPECT_LT(m::compare_versions("1", "1.1"), 0);  // a prefix sorts first
  EXPECT_LT(m::compare_versions("20240101", "20240102"), 0);
  // Numbers longer than any integer type.
  EXPECT_LT(m::compare_versions("99999999999999999999999", "100000000000000000000000"), 0);
}

TEST(MigrationVersion, TextAndMixedVersions) {
  EXPECT_EQ(sorted({"10", "2", "1.10", "1.9", "1", "1.1", "V3", "V20", "a", "2a", "2.0"}),
            (std::vector<std::string>{"1", "1.1", "1.9", "1.10", "2", "2.0", "2a", "10", "V3",
                                      "V20", "a"}));
  EXPECT_LT(m::compare_versions("1.1", "1.a"), 0);  // a number sorts before text
  EXPECT_LT(m::compare_versions("1-1", "1.1"), 0);  // '-' < '.' byte-wise
}

TEST(MigrationVersion, LeadingZerosAreEquivalentButStillOrdered) {
  EXPECT_TRUE(m::equivalent_versions("1.01", "1.1"));
  EXPECT_TRUE(m::equivalent_versions("007", "7"));
  EXPECT_FALSE(m::equivalent_versions("1.0", "1"));
  EXPECT_FALSE(m::equivalent_versions("1.1", "1.2"));
  // A total order: equivalent versions are told apart by their bytes.
  EXPECT_NE(m::compare_versions("007", "7"), 0);
  EXPECT_EQ(m::compare_versions("007", "7"), -m::compare_versions("7", "007"));
}

TEST(MigrationVersion, Validation) {
  EXPECT_NO_THROW(m::validate_version("2024.05.01_1", "version"));
  try {
    m::validate_version("", "version");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_STREQ(e.what(), "version must not be empty");
  }
  try {
    m::validate_version("1 2", "target_version");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "target_version \"1 2\" must not contain whitespace or control characters");
  }
  EXPECT_THROW(m::validate_version(std::string(101, '1'), "version"), Error);
  EXPECT_THROW(m::validate_version("1\n", "version"), Error);
}

// --- checksums ---------------------------------------------------------------------------------

TEST(MigrationChecksum, NormalisationRules) {
  EXPECT_EQ(m::normalise_migration_text("a\r\nb\rc\n"), "a\nb\nc");
  EXPECT_EQ(m::normalise_migration_text("a  \t\nb\f\v \n\n\n"), "a\nb");
  EXPECT_EQ(m::normalise_migration_text("\xEF\xBB\xBFSELECT 1;"), "SELECT 1;");
  EXPECT_EQ(m::normalise_migration_text("  indented\n\n  kept"), "  indented\n\n  kept");
  EXPECT_EQ(m::normalise_migration_text(""), "");
  EXPECT_EQ(m::normalise_migration_text("\n\n"), "");
}

TEST(MigrationChecksum, EquivalentTextGivesTheSameChecksum) {
  const std::string unix_text = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n";
  const std::string windows_text =
      "CREATE TABLE t (id int);   \r\nINSERT INTO t VALUES (1);\r\n\r\n";
  EXPECT_EQ(m::migration_checksum(unix_text), m::migration_checksum(windows_text));
  EXPECT_NE(m::migration_checksum(unix_text),
            m::migration_checksum("CREATE TABLE t (id int);\nINSERT INTO t VALUES (2);\n"));
  // Leading whitespace is SQL too (and inside strings it is data).
  EXPECT_NE(m::migration_checksum("SELECT 1"), m::migration_checksum(" SELECT 1"));
}

TEST(MigrationChecksum, TestVectorsOfAlgorithm1) {
  // docs/migrations.md lists these; other tools reproduce them.
  // Computed independently with libxxhash's one-shot XXH3_128bits over the documented bytes.
  EXPECT_EQ(m::migration_checksum("SELECT 1;"), "4c5aac45b7b899a22f7d31585ee48b3c");
  EXPECT_EQ(m::migration_checksum(""), "adebbeabde5de5c60a2fe3cb464a1e18");
  EXPECT_EQ(m::migration_checksum("\r\n \n"), "adebbeabde5de5c60a2fe3cb464a1e18");
  EXPECT_EQ(m::migration_checksum("CREATE TABLE t (id int);  \r\nINSERT INTO t VALUES (1);\r\n"),
            "fd5a721154cb6f5b3442f0966aae1497");
}

TEST(MigrationChecksum, UnknownAlgorithmIsRefused) {
  try {
    m::migration_checksum("SELECT 1", 2);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_STREQ(e.what(), "unknown migration checksum algorithm 2");
  }
}

// --- the splitter ------------------------------------------------------------------------------

std::vector<std::string> texts(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto& s : m::split_statements(sql, "up_sql")) out.push_back(s.text);
  return out;
}

std::string split_error(std::string_view sql) {
  try {
    m::split_statements(sql, "up_sql");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kSyntaxError);
    return e.what();
  }
  return "no error";
}

TEST(MigrationSplitter, SplitsOnTopLevelSemicolons) {
  EXPECT_EQ(texts("CREATE TABLE a (x int); CREATE TABLE b (y int);\nDROP TABLE a"),
            (std::vector<std::string>{"CREATE TABLE a (x int)", "CREATE TABLE b (y int)",
                                      "DROP TABLE a"}));
  EXPECT_EQ(texts("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x; VALUES (1)"),
            (std::vector<std::string>{"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
                                      "VALUES (1)"}));
  EXPECT_TRUE(texts("").empty());
  EXPECT_TRUE(texts(" ;; -- only a comment\n/* and another */ ;").empty());
  const auto statements = m::split_statements("SELECT 1;\n\n  -- next\n  SELECT 2;", "up_sql");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].line, 4);
  EXPECT_EQ(statements[1].text, "SELECT 2");
}

TEST(MigrationSplitter, SemicolonsInsideTokensDoNotSplit) {
  EXPECT_EQ(texts("INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT \"odd;name\" FROM t"),
            (std::vector<std::string>{"INSERT INTO t VALUES ('a;b', 'it''s;')",
                                      "SELECT \"odd;name\" FROM t"}));
  EXPECT_EQ(texts("SELECT 1 -- a comment; not a statement\n; SELECT /* ; */ 2"),
            (std::vector<std::string>{"SELECT 1", "SELECT /* ; */ 2"}));
  EXPECT_EQ(texts("SELECT E'a\\';b'; SELECT 2"),
            (std::vector<std::string>{"SELECT E'a\\';b'", "SELECT 2"}));
}

TEST(MigrationSplitter, DollarQuotedBodies) {
  const std::string fn =
      "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $body$\n"
      "BEGIN\n  PERFORM 1; RETURN 2;\nEND\n$body$";
  EXPECT_EQ(texts(fn + ";\nSELECT f();"), (std::vector<std::string>{fn, "SELECT f()"}));
  EXPECT_EQ(texts("DO $$ BEGIN RAISE NOTICE 'x;y'; END $$; SELECT 1"),
            (std::vector<std::string>{"DO $$ BEGIN RAISE NOTICE 'x;y'; END $$", "SELECT 1"}));
}

TEST(MigrationSplitter, TriggerAndBeginAtomicBodies) {
  const std::string trigger =
      "CREATE TRIGGER t_audit AFTER UPDATE ON t BEGIN\n"
      "  INSERT INTO log VALUES (CASE WHEN new.x > 0 THEN 'up' ELSE 'down' END);\n"
      "  UPDATE t SET n = n + 1;\n"
      "END";
  EXPECT_EQ(texts(trigger + ";\nSELECT 1;"), (std::vector<std::string>{trigger, "SELECT 1"}));
  const std::string atomic =
      "CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END";
  EXPECT_EQ(texts(atomic + "; SELECT 3"), (std::vector<std::string>{atomic, "SELECT 3"}));
  EXPECT_EQ(texts("CREATE PROCEDURE p() BEGIN ATOMIC END; SELECT 4"),
            (std::vector<std::string>{"CREATE PROCEDURE p() BEGIN ATOMIC END", "SELECT 4"}));
  // A column named begin is not a block.
  EXPECT_EQ(texts("CREATE TABLE t (begin int); SELECT 5"),
            (std::vector<std::string>{"CREATE TABLE t (begin int)", "SELECT 5"}));
  // Semicolons inside parentheses (CREATE RULE ... DO (...; ...)) do not split.
  EXPECT_EQ(texts("CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2); SELECT 6"),
            (std::vector<std::string>{
                "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)", "SELECT 6"}));
}

TEST(MigrationSplitter, RefusesWhatNoEngineCouldParse) {
  EXPECT_EQ(split_error("SELECT 'abc"), "up_sql: unterminated quoted string (line 1)");
  EXPECT_EQ(split_error("SELECT 1;\nSELECT 'it''"), "up_sql: unterminated quoted string (line 2)");
  EXPECT_EQ(split_error("SELECT \"abc"), "up_sql: unterminated quoted identifier (line 1)");
  EXPECT_EQ(split_error("DO $x$ BEGIN END $y$"),
            "up_sql: unterminated dollar-quoted string (line 1)");
  EXPECT_EQ(split_error("SELECT 1 /* open /* nested */"),
            "up_sql: unterminated /* comment (line 1)");
  EXPECT_EQ(split_error("SELECT E'abc\\'"), "up_sql: unterminated quoted string (line 1)");
  EXPECT_EQ(split_error("CREATE TABLE t (x int"),
            "up_sql: unbalanced parentheses: '(' without ')' (line 1)");
  EXPECT_EQ(split_error("SELECT 1)"), "up_sql: unbalanced parentheses: ')' without '(' (line 1)");
  EXPECT_EQ(split_error("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1;"),
            "up_sql: the BEGIN ... END block of this statement is never closed with \"; END\" "
            "(line 1)");
  EXPECT_EQ(split_error("SELECT 1;\n\\i other.sql"),
            "up_sql: psql meta-commands (\\...) are not SQL: run them with psql itself (line 2)");
  EXPECT_EQ(split_error(".read other.sql"),
            "up_sql: sqlite3 shell dot-commands (.read, .import, ...) are not SQL: run them "
            "with the shell itself (line 1)");
  EXPECT_EQ(split_error("SELECT 1; CREAT TABLE t (x int)"),
            "up_sql: statement 2 does not start with an SQL command: \"CREAT\" (line 1)");
  // The word is shown escaped and cut: a NUL would end the message early (fuzz_splitter).
  EXPECT_EQ(split_error(std::string("SELECT 1;\n\0;", 12)),
            "up_sql: statement 2 does not start with an SQL command: \"\\x00\" (line 2)");
  EXPECT_EQ(split_error(std::string(1000, 'a')),
            "up_sql: statement 1 does not start with an SQL command: \"" + std::string(40, 'a') +
                "...\" (line 1)");
  EXPECT_EQ(split_error("SELECT 1; " + std::string(39, 'a') + "\xc3\xa9"),
            "up_sql: statement 2 does not start with an SQL command: \"" + std::string(39, 'a') +
                "...\" (line 1)");
  // Closed forms are fine.
  EXPECT_EQ(split_error("SELECT '', 'a''b', \"\", [x], `y`, $$ $$, /* a /* b */ c */ 1"),
            "no error");
}

// --- the classifier ----------------------------------------------------------------------------

m::StatementKind kind(std::string_view s) {
  return m::classify_statement(s).kind;
}

std::string reason(std::string_view s) {
  return m::classify_statement(s).reason;
}

TEST(MigrationClassifier, StatementsThatCannotRunInATransaction) {
  EXPECT_EQ(reason("CREATE INDEX CONCURRENTLY i ON t (x)"), "CREATE INDEX CONCURRENTLY");
  EXPECT_EQ(reason("create unique index concurrently i on t (x)"), "CREATE INDEX CONCURRENTLY");
  EXPECT_EQ(reason("DROP INDEX CONCURRENTLY i"), "DROP INDEX CONCURRENTLY");
  EXPECT_EQ(reason("REINDEX TABLE CONCURRENTLY t"), "REINDEX CONCURRENTLY");
  EXPECT_EQ(reason("REINDEX (VERBOSE) DATABASE app"), "REINDEX DATABASE");
  EXPECT_EQ(reason("VACUUM"), "VACUUM");
  EXPECT_EQ(reason("vacuum (analyze) t"), "VACUUM");
  EXPECT_EQ(reason("ALTER SYSTEM SET work_mem = '64MB'"), "ALTER SYSTEM");
  EXPECT_EQ(reason("CREATE DATABASE x"), "CREATE DATABASE");
  EXPECT_EQ(reason("DROP DATABASE x"), "DROP DATABASE");
  EXPECT_EQ(reason("CREATE TABLESPACE s LOCATION '/x'"), "CREATE TABLESPACE");
  EXPECT_EQ(reason("ALTER DATABASE app SET TABLESPACE s"), "ALTER DATABASE ... SET TABLESPACE");
  EXPECT_EQ(reason("CLUSTER"), "CLUSTER without a table");
  EXPECT_EQ(reason("CLUSTER VERBOSE"), "CLUSTER without a table");
  EXPECT_EQ(reason("ALTER TABLE p DETACH PARTITION c CONCURRENTLY"),
            "ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY");
  EXPECT_EQ(reason("CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p"), "CREATE SUBSCRIPTION");
  EXPECT_EQ(reason("ATTACH DATABASE 'x.db' AS x"), "ATTACH");
  EXPECT_EQ(reason("DETACH x"), "DETACH");
  EXPECT_EQ(reason("PRAGMA journal_mode = WAL"), "PRAGMA journal_mode");
  EXPECT_EQ(reason("PRAGMA main.journal_mode=wal"), "PRAGMA journal_mode");
  EXPECT_EQ(reason("COPY t FROM STDIN"), "COPY with STDIN or STDOUT");
  EXPECT_EQ(reason("DISCARD ALL"), "DISCARD ALL");
  for (const char* s :
       {"VACUUM", "CREATE INDEX CONCURRENTLY i ON t (x)", "ALTER SYSTEM RESET ALL"}) {
    EXPECT_EQ(kind(s), m::StatementKind::kNonTransactional) << s;
  }
}

TEST(MigrationClassifier, OrdinaryStatementsRunInATransaction) {
  for (const char* s :
       {"CREATE INDEX i ON t (x)", "CREATE UNIQUE INDEX i ON t (x)", "CLUSTER t USING i",
        "REINDEX TABLE t", "REFRESH MATERIALIZED VIEW CONCURRENTLY mv", "PRAGMA journal_mode",
        "PRAGMA foreign_keys = OFF", "COPY t FROM '/tmp/x.csv'", "ALTER TABLE t ADD COLUMN c int",
        "DISCARD PLANS", "DROP INDEX i", "ALTER DATABASE app SET work_mem = '1MB'",
        "SELECT 'VACUUM'", "-- VACUUM\nSELECT 1"}) {
    EXPECT_EQ(kind(s), m::StatementKind::kTransactional) << s;
  }
}

TEST(MigrationClassifier, TransactionControlIsRecognised) {
  EXPECT_EQ(reason("BEGIN"), "BEGIN");
  EXPECT_EQ(reason("begin transaction"), "BEGIN TRANSACTION");
  EXPECT_EQ(reason("START TRANSACTION ISOLATION LEVEL SERIALIZABLE"), "START TRANSACTION");
  EXPECT_EQ(reason("COMMIT"), "COMMIT");
  EXPECT_EQ(reason("END"), "END");
  EXPECT_EQ(reason("ROLLBACK TO SAVEPOINT a"), "ROLLBACK");
  EXPECT_EQ(reason("SAVEPOINT a"), "SAVEPOINT");
  EXPECT_EQ(reason("RELEASE a"), "RELEASE");
  EXPECT_EQ(reason("COMMIT PREPARED 'x'"), "COMMIT PREPARED");
  EXPECT_EQ(reason("PREPARE TRANSACTION 'x'"), "PREPARE TRANSACTION");
  EXPECT_EQ(kind("ABORT"), m::StatementKind::kTransactionControl);
  EXPECT_EQ(kind("PREPARE q AS SELECT 1"), m::StatementKind::kTransactional);
}

TEST(MigrationClassifier, WrittenTables) {
  using V = std::vector<std::string>;
  EXPECT_EQ(m::written_tables("CREATE TABLE IF NOT EXISTS projects (id int)"), V{"projects"});
  EXPECT_EQ(m::written_tables("ALTER TABLE \"Videos\" ADD COLUMN x int"), V{"Videos"});
  EXPECT_EQ(m::written_tables("ALTER TABLE new_t RENAME TO t"), (V{"new_t", "t"}));
  EXPECT_EQ(m::written_tables("DROP TABLE IF EXISTS a, main.b"), (V{"a", "main.b"}));
  EXPECT_EQ(m::written_tables("INSERT OR REPLACE INTO t SELECT * FROM s"), V{"t"});
  EXPECT_EQ(m::written_tables("UPDATE OR IGNORE t SET x = 1"), V{"t"});
  EXPECT_EQ(m::written_tables("DELETE FROM ONLY t WHERE x IN (SELECT y FROM s)"), V{"t"});
  EXPECT_EQ(m::written_tables("CREATE UNIQUE INDEX i ON videos (path)"), V{"videos"});
  EXPECT_EQ(m::written_tables("TRUNCATE a"), V{"a"});
  EXPECT_EQ(m::written_tables("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = 2"),
            V{"t"});
  EXPECT_EQ(m::written_tables("SELECT * FROM t FOR UPDATE"), V{});
  EXPECT_EQ(m::written_tables(
                "WITH gone AS (DELETE FROM a RETURNING id) INSERT INTO b SELECT id FROM gone"),
            (V{"a", "b"}));
}

// --- the order of migrations -------------------------------------------------------------------

std::vector<std::string> order(const std::vector<m::PlanNode>& nodes) {
  std::vector<std::string> out;
  for (std::size_t i : m::plan_order(nodes)) out.push_back(nodes[i].version);
  return out;
}

TEST(MigrationPlan, VersionOrderWithRequirementsFirst) {
  EXPECT_EQ(order({{"10", {}}, {"2", {}}, {"1", {}}}), (std::vector<std::string>{"1", "2", "10"}));
  // 3 requires 20: 20 is pulled forward to run just before 3; the rest keep version order.
  EXPECT_EQ(order({{"1", {}}, {"3", {"20"}}, {"20", {}}, {"2", {}}, {"4", {}}}),
            (std::vector<std::string>{"1", "2", "20", "3", "4"}));
  EXPECT_EQ(order({{"b", {"c"}}, {"c", {"d"}}, {"d", {}}, {"a", {}}}),
            (std::vector<std::string>{"a", "d", "c", "b"}));
  EXPECT_TRUE(order({}).empty());
}

TEST(MigrationPlan, CyclesAndUnknownRequirementsAreRefused) {
  try {
    order({{"1", {}}, {"2", {"3"}}, {"3", {"4"}}, {"4", {"2"}}, {"5", {"2"}}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
    EXPECT_STREQ(e.what(), "the requirements of the migrations form a cycle: 2 -> 3 -> 4 -> 2");
  }
  try {
    order({{"1", {"9"}}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUndefinedObject);
    EXPECT_STREQ(e.what(), "migration 1 requires version \"9\", which is not registered");
  }
}

// --- the tracked fingerprint ---------------------------------------------------------------------

struct Db {
  sqlite3* db = nullptr;
  Db() { sqlite3_open(":memory:", &db); }
  ~Db() { sqlite3_close(db); }
};

std::string full_fingerprint(vigil::Session& session) {
  return vigil::schema_fingerprint(
      vigil::canonical_schema_rows(vigil::introspect_schema(session), session.dialect()));
}

TEST(MigrationSchemaTracker, AlwaysEqualsTheFullFingerprint) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  m::SchemaTracker tracker(session);
  EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session));
  const char* steps[] = {
      "CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
      "CREATE TABLE videos (id INTEGER PRIMARY KEY, project_id INTEGER REFERENCES PROJECTS)",
      "CREATE INDEX videos_project ON videos (project_id)",
      "ALTER TABLE videos ADD COLUMN path TEXT",
      "INSERT INTO projects VALUES (1, 'a')",
      // The table-rebuild pattern on the parent: the child's implicit parent key changes.
      "CREATE TABLE projects_new (code TEXT PRIMARY KEY, name TEXT NOT NULL)",
      "DROP TABLE projects",
      "ALTER TABLE projects_new RENAME TO projects",
      "DROP INDEX videos_project",
      "CREATE TABLE vigil_migrations (version TEXT PRIMARY KEY)",  // vigil's own: not counted
      "DROP TABLE videos",
  };
  for (const char* step : steps) {
    session.exec(step);
    EXPECT_EQ(tracker.fingerprint(), full_fingerprint(session)) << step;
  }
}

TEST(MigrationSchemaTracker, ForeignKeyScope) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec(
      "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p_id REFERENCES P);"
      "CREATE TABLE lone (x INTEGER)");
  m::SchemaTracker tracker(session);
  tracker.fingerprint();
  auto names = [&](const std::vector<std::string>& written) {
    std::vector<std::string> out;
    for (const auto& ref : tracker.foreign_key_scope(written)) out.push_back(ref.name);
    return out;
  };
  EXPECT_EQ(names({"p"}), std::vector<std::string>{"c"});       // a parent: its children
  EXPECT_EQ(names({"C"}), std::vector<std::string>{"c"});       // a child: itself
  EXPECT_EQ(names({"main.lone"}), std::vector<std::string>{});  // no foreign keys at all
  EXPECT_EQ(names({"nope"}), std::vector<std::string>{});
}

}  // namespace

namespace {

// The SQLite session's statement cache: a statement is reused after it was reset, a nested use
// of the same text gets its own statement, and a PRAGMA is never reused (some compute their
// answer when prepared).
TEST(SqliteStatementCache, ReusedNestedAndPragmas) {
  Db d;
  vigil::sqlite::SqliteSession session(d.db);
  session.exec("CREATE TABLE t (x INTEGER)");
  const char* count = "SELECT count(*) FROM t WHERE x > ?1";
  EXPECT_EQ(session.scalar(count, {vigil::Value::integer(0)}).to_integer(), 0);
  session.exec("INSERT INTO t VALUES (?1)", {vigil::Value::integer(5)});
  session.exec("INSERT INTO t VALUES (?1)", {vigil::Value::integer(7)});
  EXPECT_EQ(session.scalar(count, {vigil::Value::integer(0)}).to_integer(), 2);
  EXPECT_EQ(session.scalar(count, {vigil::Value::integer(6)}).to_integer(), 1);
  {
    auto outer = session.query("SELECT x FROM t ORDER BY x");
    ASSERT_TRUE(outer->next());
    auto inner = session.query("SELECT x FROM t ORDER BY x");  // same text, still in use
    ASSERT_TRUE(inner->next());
    ASSERT_TRUE(inner->next());
    EXPECT_EQ(inner->get(0).to_integer(), 7);
    EXPECT_EQ(outer->get(0).to_integer(), 5);
  }
  EXPECT_EQ(session.scalar("PRAGMA foreign_keys").to_integer(), 0);
  session.exec("PRAGMA foreign_keys = ON");
  EXPECT_EQ(session.scalar("PRAGMA foreign_keys").to_integer(), 1);
  session.exec("PRAGMA foreign_keys = OFF");
  EXPECT_EQ(session.scalar("PRAGMA foreign_keys").to_integer(), 0);
}

}  // namespace
