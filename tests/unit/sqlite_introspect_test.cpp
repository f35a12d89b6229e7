// tests/unit/sqlite_introspect_test.cpp
//
// Catalog introspection (common/schema/introspect.cpp + the SQLite dialect) against real
// in-memory SQLite databases through vigil::sqlite::SqliteSession, and the session's
// savepoints.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "schema/introspect.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/error.hpp"

namespace {

using vigil::ErrorCode;
using vigil::IndexOrigin;
using vigil::TypeClass;
using Names = std::vector<std::string>;

// The validation-platform schema of the architecture document, in SQLite.
constexpr const char* kPlatformSchema = R"sql(
CREATE TABLE projects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE videos (
  id INTEGER PRIMARY KEY,
  project_id INTEGER NOT NULL REFERENCES projects ON DELETE CASCADE,
  path TEXT NOT NULL UNIQUE,
  duration_s REAL,
  fps REAL DEFAULT 30.0,
  metadata JSON
);
CREATE INDEX videos_project_idx ON videos (project_id);
CREATE TABLE test_sessions (
  id INTEGER PRIMARY KEY,
  video_id INTEGER NOT NULL REFERENCES videos (id),
  model_version VARCHAR(50) NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'pending'
    CHECK (status IN ('pending', 'running', 'done', 'failed')),
  started_at DATETIME DEFAULT (datetime('now')),
  UNIQUE (id, video_id)
);
CREATE TABLE detection_events (
  session_id INTEGER NOT NULL,
  video_id INTEGER NOT NULL,
  frame INTEGER NOT NULL,
  label TEXT NOT NULL,
  confidence REAL NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  PRIMARY KEY (session_id, frame, label),
  CONSTRAINT detection_session_fk FOREIGN KEY (session_id, video_id)
    REFERENCES test_sessions (id, video_id) ON DELETE CASCADE
);
CREATE TABLE ground_truth_objects (
  id INTEGER PRIMARY KEY,
  video_id INTEGER NOT NULL REFERENCES videos (id) ON DELETE CASCADE ON UPDATE CASCADE,
  frame INTEGER NOT NULL CHECK (frame >= 0),
  label TEXT NOT NULL,
  x REAL, y REAL, w REAL, h REAL,
  CONSTRAINT positive_box CHECK (w > 0 AND h > 0),
  CHECK (length(label) > 0)
);
CREATE UNIQUE INDEX gt_frame_label ON ground_truth_objects (video_id, frame, label);
CREATE INDEX gt_known_labels ON ground_truth_objects (label) WHERE label <> 'unknown';
CREATE INDEX gt_area ON ground_truth_objects (w * h);
CREATE VIEW project_videos AS SELECT p.name, v.path FROM projects p JOIN videos v ON v.project_id = p.id;
CREATE TABLE vigil_rules (name TEXT PRIMARY KEY, condition TEXT);
)sql";

class Db {
 public:
  Db() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK) throw std::runtime_error("sqlite3_open");
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  sqlite3* get() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

class Introspect : public ::testing::Test {
 protected:
  Introspect() : session_(db_.get()) {}
  void SetUp() override { session_.exec(kPlatformSchema); }

  std::int64_t count(const std::string& sql) { return session_.scalar(sql).to_integer(); }

  // The vigil::Error `fn` throws (fails the test when it throws nothing or something else).
  template <typename Fn>
  vigil::Error error_of(Fn fn) {
    try {
      fn();
    } catch (const vigil::Error& e) {
      return e;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "unexpected exception: " << e.what();
      return vigil::Error(ErrorCode::kInternal, e.what());
    }
    ADD_FAILURE() << "no exception";
    return vigil::Error(ErrorCode::kInternal, "no exception");
  }

  static const vigil::Index* index_named(const vigil::Table& t, const std::string& name) {
    for (const auto& i : t.indexes) {
      if (i.name == name) return &i;
    }
    return nullptr;
  }

  Db db_;
  vigil::sqlite::SqliteSession session_;
};

TEST_F(Introspect, SchemaListsUserTablesInNameOrder) {
  const vigil::SchemaModel model = vigil::introspect_schema(session_);
  Names names;
  for (const auto& t : model.tables) {
    names.push_back(t.ref.name);
    EXPECT_EQ(t.ref.schema, "main");
    EXPECT_EQ(t.kind, "table");
  }
  // Not the view, not sqlite_sequence (created by AUTOINCREMENT), not vigil_rules.
  EXPECT_EQ(names, (Names{"detection_events", "ground_truth_objects", "projects",
                          "test_sessions", "videos"}));
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'"), 1);

  std::vector<vigil::TableRef> refs = vigil::list_user_tables(session_);
  ASSERT_EQ(refs.size(), names.size());
  for (std::size_t i = 0; i < refs.size(); ++i) EXPECT_EQ(refs[i].name, names[i]);
}

TEST_F(Introspect, SchemaOfAnEmptyDatabaseIsEmpty) {
  Db empty;
  vigil::sqlite::SqliteSession s(empty.get());
  EXPECT_TRUE(vigil::introspect_schema(s).tables.empty());
  EXPECT_TRUE(vigil::list_user_tables(s).empty());
}

TEST_F(Introspect, ColumnsOfVideos) {
  const vigil::Table t = vigil::introspect_table(session_, "videos");
  EXPECT_EQ(t.ref.schema, "main");
  EXPECT_EQ(t.ref.name, "videos");
  EXPECT_FALSE(t.without_rowid);
  EXPECT_FALSE(t.strict);
  ASSERT_EQ(t.columns.size(), 6u);
  struct Expected {
    const char* name;
    const char* type;
    TypeClass cls;
    bool not_null;
    const char* def;
  };
  const Expected expected[] = {{"id", "INTEGER", TypeClass::kInteger, true, ""},
                               {"project_id", "INTEGER", TypeClass::kInteger, true, ""},
                               {"path", "TEXT", TypeClass::kText, true, ""},
                               {"duration_s", "REAL", TypeClass::kReal, false, ""},
                               {"fps", "REAL", TypeClass::kReal, false, "30.0"},
                               {"metadata", "JSON", TypeClass::kJson, false, ""}};
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& c = t.columns[i];
    EXPECT_EQ(c.name, expected[i].name);
    EXPECT_EQ(c.position, static_cast<int>(i) + 1);
    EXPECT_EQ(c.declared_type, expected[i].type);
    EXPECT_EQ(c.type_class, expected[i].cls) << c.name;
    EXPECT_EQ(c.not_null, expected[i].not_null) << c.name;
    EXPECT_EQ(c.default_expr, expected[i].def) << c.name;
    EXPECT_FALSE(c.identity) << c.name;
    EXPECT_FALSE(c.generated) << c.name;
  }
  EXPECT_EQ(t.primary_key, (Names{"id"}));
  ASSERT_NE(t.find_column("path"), nullptr);
  EXPECT_EQ(t.find_column("path")->position, 3);
  EXPECT_EQ(t.find_column("nope"), nullptr);
  EXPECT_NE(t.create_sql.find("CREATE TABLE videos"), std::string::npos);
}

TEST_F(Introspect, ForeignKeyWithImplicitParentColumns) {
  const vigil::Table t = vigil::introspect_table(session_, "videos");
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  const auto& fk = t.foreign_keys[0];
  EXPECT_EQ(fk.columns, (Names{"project_id"}));
  EXPECT_EQ(fk.parent.schema, "main");
  EXPECT_EQ(fk.parent.name, "projects");
  EXPECT_EQ(fk.parent_columns, (Names{"id"}));  // REFERENCES projects → its primary key
  EXPECT_EQ(fk.on_delete, "CASCADE");
  EXPECT_EQ(fk.on_update, "NO ACTION");
  EXPECT_EQ(fk.match, "NONE");
  EXPECT_TRUE(fk.validated);
}

TEST_F(Introspect, UniqueConstraintAndCreateIndex) {
  const vigil::Table t = vigil::introspect_table(session_, "videos");
  ASSERT_EQ(t.indexes.size(), 2u);
  const vigil::Index* unique = index_named(t, "sqlite_autoindex_videos_1");
  ASSERT_NE(unique, nullptr);
  EXPECT_TRUE(unique->unique);
  EXPECT_EQ(unique->origin, IndexOrigin::kUniqueConstraint);
  EXPECT_EQ(unique->columns, (Names{"path"}));
  EXPECT_FALSE(unique->partial);
  EXPECT_EQ(unique->definition, "");  // SQLite keeps no SQL for automatic indexes

  const vigil::Index* idx = index_named(t, "videos_project_idx");
  ASSERT_NE(idx, nullptr);
  EXPECT_FALSE(idx->unique);
  EXPECT_EQ(idx->origin, IndexOrigin::kCreateIndex);
  EXPECT_EQ(idx->columns, (Names{"project_id"}));
  EXPECT_EQ(idx->definition, "CREATE INDEX videos_project_idx ON videos (project_id)");
}

TEST_F(Introspect, UniqueIndexPartialIndexAndExpressionIndex) {
  const vigil::Table t = vigil::introspect_table(session_, "ground_truth_objects");
  ASSERT_EQ(t.indexes.size(), 3u);
  const vigil::Index* u = index_named(t, "gt_frame_label");
  ASSERT_NE(u, nullptr);
  EXPECT_TRUE(u->unique);
  EXPECT_EQ(u->origin, IndexOrigin::kCreateIndex);  // CREATE UNIQUE INDEX, not a constraint
  EXPECT_FALSE(u->partial);
  EXPECT_EQ(u->columns, (Names{"video_id", "frame", "label"}));

  const vigil::Index* p = index_named(t, "gt_known_labels");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->unique);
  EXPECT_TRUE(p->partial);
  EXPECT_EQ(p->columns, (Names{"label"}));

  const vigil::Index* e = index_named(t, "gt_area");
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->partial);
  EXPECT_EQ(e->columns, (Names{""}));  // an expression
}

TEST_F(Introspect, ChecksOfGroundTruthObjects) {
  const vigil::Table t = vigil::introspect_table(session_, "ground_truth_objects");
  ASSERT_EQ(t.checks.size(), 3u);
  EXPECT_EQ(t.checks[0].name, "");
  EXPECT_EQ(t.checks[0].expression, "frame >= 0");
  EXPECT_EQ(t.checks[0].columns, (Names{"frame"}));
  EXPECT_EQ(t.checks[1].name, "positive_box");
  EXPECT_EQ(t.checks[1].expression, "w > 0 AND h > 0");
  EXPECT_EQ(t.checks[1].columns, (Names{"w", "h"}));
  EXPECT_EQ(t.checks[2].name, "");
  EXPECT_EQ(t.checks[2].expression, "length(label) > 0");
  EXPECT_EQ(t.checks[2].columns, (Names{"label"}));

  ASSERT_EQ(t.foreign_keys.size(), 1u);
  EXPECT_EQ(t.foreign_keys[0].on_delete, "CASCADE");
  EXPECT_EQ(t.foreign_keys[0].on_update, "CASCADE");
  EXPECT_EQ(t.foreign_keys[0].parent_columns, (Names{"id"}));
}

TEST_F(Introspect, CompositePrimaryKeyAndCompositeForeignKey) {
  const vigil::Table t = vigil::introspect_table(session_, "detection_events");
  EXPECT_EQ(t.primary_key, (Names{"session_id", "frame", "label"}));  // key order, not column order
  for (const auto& c : t.columns) EXPECT_TRUE(c.not_null) << c.name;
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  const auto& fk = t.foreign_keys[0];
  EXPECT_EQ(fk.columns, (Names{"session_id", "video_id"}));
  EXPECT_EQ(fk.parent.name, "test_sessions");
  EXPECT_EQ(fk.parent_columns, (Names{"id", "video_id"}));
  EXPECT_EQ(fk.on_delete, "CASCADE");
  // The primary key of a rowid table with a non-INTEGER key has its own index.
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].origin, IndexOrigin::kPrimaryKey);
  EXPECT_EQ(t.indexes[0].columns, (Names{"session_id", "frame", "label"}));
  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].expression, "confidence BETWEEN 0 AND 1");
  EXPECT_EQ(t.checks[0].columns, (Names{"confidence"}));
}

TEST_F(Introspect, DefaultsAndCheckOfTestSessions) {
  const vigil::Table t = vigil::introspect_table(session_, "test_sessions");
  ASSERT_EQ(t.columns.size(), 5u);
  EXPECT_EQ(t.columns[2].declared_type, "VARCHAR(50)");
  EXPECT_EQ(t.columns[2].type_class, TypeClass::kText);
  EXPECT_EQ(t.columns[3].default_expr, "'pending'");
  EXPECT_EQ(t.columns[4].type_class, TypeClass::kTimestamp);
  EXPECT_EQ(t.columns[4].default_expr, "datetime('now')");
  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].expression, "status IN ('pending', 'running', 'done', 'failed')");
  EXPECT_EQ(t.checks[0].columns, (Names{"status"}));
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].origin, IndexOrigin::kUniqueConstraint);
  EXPECT_EQ(t.indexes[0].columns, (Names{"id", "video_id"}));
}

TEST_F(Introspect, AutoincrementIsIdentity) {
  const vigil::Table t = vigil::introspect_table(session_, "projects");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_TRUE(t.columns[0].identity);
  EXPECT_EQ(t.columns[0].sequence, "sqlite_sequence");
  for (std::size_t i = 1; i < t.columns.size(); ++i) {
    EXPECT_FALSE(t.columns[i].identity) << t.columns[i].name;
    EXPECT_EQ(t.columns[i].sequence, "") << t.columns[i].name;
  }
  EXPECT_EQ(t.columns[3].default_expr, "CURRENT_TIMESTAMP");
  EXPECT_EQ(t.columns[3].type_class, TypeClass::kTimestamp);

  // A plain INTEGER PRIMARY KEY is a rowid alias, not an identity.
  const vigil::Table videos = vigil::introspect_table(session_, "videos");
  EXPECT_FALSE(videos.columns[0].identity);
}

TEST_F(Introspect, TableLevelPrimaryKeyAutoincrementIsIdentity) {
  session_.exec("CREATE TABLE events (seq INTEGER, body TEXT, PRIMARY KEY (seq AUTOINCREMENT))");
  const vigil::Table t = vigil::introspect_table(session_, "events");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_TRUE(t.columns[0].identity);
  EXPECT_EQ(t.columns[0].sequence, "sqlite_sequence");
  EXPECT_FALSE(t.columns[1].identity);
}

TEST_F(Introspect, WithoutRowidTable) {
  session_.exec("CREATE TABLE kv (k TEXT PRIMARY KEY, v) WITHOUT ROWID");
  const vigil::Table t = vigil::introspect_table(session_, "kv");
  EXPECT_TRUE(t.without_rowid);
  EXPECT_EQ(t.primary_key, (Names{"k"}));
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_TRUE(t.columns[0].not_null);
  EXPECT_EQ(t.columns[1].declared_type, "");
  EXPECT_EQ(t.columns[1].type_class, TypeClass::kBlob);
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].origin, IndexOrigin::kPrimaryKey);
  EXPECT_EQ(t.indexes[0].columns, (Names{"k"}));
}

TEST_F(Introspect, CompositeWithoutRowidKeyInKeyOrder) {
  session_.exec("CREATE TABLE m (a INT, b INT, c INT, PRIMARY KEY (c, a)) WITHOUT ROWID");
  const vigil::Table t = vigil::introspect_table(session_, "m");
  EXPECT_TRUE(t.without_rowid);
  EXPECT_EQ(t.primary_key, (Names{"c", "a"}));
  EXPECT_TRUE(t.columns[0].not_null);
  EXPECT_FALSE(t.columns[1].not_null);
  EXPECT_TRUE(t.columns[2].not_null);
}

TEST_F(Introspect, StrictTable) {
  session_.exec("CREATE TABLE s (id INTEGER PRIMARY KEY, n TEXT) STRICT");
  const vigil::Table t = vigil::introspect_table(session_, "s");
  EXPECT_TRUE(t.strict);
  EXPECT_FALSE(t.without_rowid);
}

TEST_F(Introspect, SelfReferencingForeignKey) {
  session_.exec(
      "CREATE TABLE nodes (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES nodes "
      "ON DELETE SET NULL, name TEXT)");
  const vigil::Table t = vigil::introspect_table(session_, "nodes");
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  EXPECT_EQ(t.foreign_keys[0].columns, (Names{"parent_id"}));
  EXPECT_EQ(t.foreign_keys[0].parent.name, "nodes");
  EXPECT_EQ(t.foreign_keys[0].parent_columns, (Names{"id"}));
  EXPECT_EQ(t.foreign_keys[0].on_delete, "SET NULL");
}

TEST_F(Introspect, SeveralForeignKeysMixingImplicitAndExplicitParents) {
  session_.exec(
      "CREATE TABLE links (a INTEGER REFERENCES projects, b INTEGER REFERENCES videos (id), "
      "c INTEGER REFERENCES projects)");
  const vigil::Table t = vigil::introspect_table(session_, "links");
  ASSERT_EQ(t.foreign_keys.size(), 3u);
  for (const auto& fk : t.foreign_keys) {
    ASSERT_EQ(fk.columns.size(), 1u);
    EXPECT_EQ(fk.parent_columns, (Names{"id"})) << fk.columns[0];
    EXPECT_EQ(fk.parent.name, fk.columns[0] == "b" ? "videos" : "projects") << fk.columns[0];
  }
}

TEST_F(Introspect, GeneratedColumns) {
  session_.exec(
      "CREATE TABLE boxes (w REAL, h REAL, area REAL GENERATED ALWAYS AS (w * h) VIRTUAL, "
      "perimeter REAL AS (2 * (w + h)) STORED)");
  const vigil::Table t = vigil::introspect_table(session_, "boxes");
  ASSERT_EQ(t.columns.size(), 4u);
  EXPECT_FALSE(t.columns[0].generated);
  EXPECT_FALSE(t.columns[1].generated);
  EXPECT_TRUE(t.columns[2].generated);
  EXPECT_EQ(t.columns[2].position, 3);
  EXPECT_TRUE(t.columns[3].generated);
  EXPECT_EQ(t.columns[3].position, 4);
  EXPECT_TRUE(t.checks.empty());
}

TEST_F(Introspect, ViewIsRejectedAsWrongObjectType) {
  const vigil::Error e = error_of([&] { vigil::introspect_table(session_, "project_videos"); });
  EXPECT_EQ(e.code(), ErrorCode::kWrongObjectType);
  EXPECT_STREQ(e.what(), "\"project_videos\" is a view, not a table");
  EXPECT_EQ(error_of([&] { vigil::resolve_table(session_, "project_videos"); }).code(),
            ErrorCode::kWrongObjectType);
}

TEST_F(Introspect, MissingTableIsUndefinedTable) {
  const vigil::Error e = error_of([&] { vigil::introspect_table(session_, "nope"); });
  EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
  EXPECT_STREQ(e.what(), "table \"nope\" does not exist");
  EXPECT_STREQ(vigil::sqlstate(e.code()), "42P01");
  EXPECT_EQ(error_of([&] { vigil::resolve_table(session_, "nope.projects"); }).code(),
            ErrorCode::kUndefinedTable);
  EXPECT_EQ(error_of([&] { vigil::resolve_table(session_, "main.nope"); }).code(),
            ErrorCode::kUndefinedTable);
}

TEST_F(Introspect, EmptyNameIsInvalidParameter) {
  const vigil::Error e = error_of([&] { vigil::introspect_table(session_, ""); });
  EXPECT_EQ(e.code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(error_of([&] { vigil::resolve_table(session_, std::string("a\0b", 3)); }).code(),
            ErrorCode::kInvalidParameter);
}

TEST_F(Introspect, LookupIsCaseInsensitive) {
  const vigil::TableRef ref = vigil::resolve_table(session_, "PROJECTS");
  EXPECT_EQ(ref.schema, "main");
  EXPECT_EQ(ref.name, "projects");  // the catalog's spelling, not the user's
  const vigil::Table t = vigil::introspect_table(session_, "Ground_Truth_Objects");
  EXPECT_EQ(t.ref.name, "ground_truth_objects");
  EXPECT_EQ(t.checks.size(), 3u);
  EXPECT_EQ(vigil::resolve_table(session_, "MAIN.Videos").name, "videos");
}

TEST_F(Introspect, HostileTableNameIsIntrospectedAndNothingIsDropped) {
  const std::string hostile = "x\"; DROP TABLE videos;--";
  session_.exec(
      "CREATE TABLE \"x\"\"; DROP TABLE videos;--\" (id INTEGER PRIMARY KEY, "
      "\"we\"\"ird\" TEXT CHECK (\"we\"\"ird\" <> ''))");
  session_.exec("CREATE INDEX \"i\"\"x\" ON \"x\"\"; DROP TABLE videos;--\" (\"we\"\"ird\")");
  const vigil::Table t = vigil::introspect_table(session_, hostile);
  EXPECT_EQ(t.ref.name, hostile);
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[1].name, "we\"ird");
  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].columns, (Names{"we\"ird"}));
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].name, "i\"x");
  EXPECT_EQ(t.indexes[0].columns, (Names{"we\"ird"}));

  // The whole schema (which now includes it) loads too, and videos is still there.
  const auto model = vigil::introspect_schema(session_);
  EXPECT_EQ(model.tables.size(), 6u);
  EXPECT_EQ(count("SELECT count(*) FROM sqlite_schema WHERE name = 'videos'"), 1);
}

TEST_F(Introspect, AttachedDatabaseTable) {
  session_.exec("ATTACH DATABASE ':memory:' AS aux");
  session_.exec(
      "CREATE TABLE aux.t (id INTEGER PRIMARY KEY, p INTEGER REFERENCES t, v TEXT CHECK (v <> ''))");
  session_.exec("CREATE INDEX aux.t_v ON t (v)");

  const vigil::Table t = vigil::introspect_table(session_, "aux.t");
  EXPECT_EQ(t.ref.schema, "aux");
  EXPECT_EQ(t.ref.name, "t");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.primary_key, (Names{"id"}));
  ASSERT_EQ(t.checks.size(), 1u);
  EXPECT_EQ(t.checks[0].expression, "v <> ''");
  ASSERT_EQ(t.foreign_keys.size(), 1u);
  EXPECT_EQ(t.foreign_keys[0].parent.schema, "aux");
  EXPECT_EQ(t.foreign_keys[0].parent_columns, (Names{"id"}));
  ASSERT_EQ(t.indexes.size(), 1u);
  EXPECT_EQ(t.indexes[0].name, "t_v");

  // Unqualified, the attached table is found as SQLite would find it.
  EXPECT_EQ(vigil::resolve_table(session_, "t").schema, "aux");
  // introspect_schema() covers the main database only.
  for (const auto& table : vigil::introspect_schema(session_).tables) {
    EXPECT_EQ(table.ref.schema, "main") << table.ref.name;
  }
}

TEST_F(Introspect, TempTableShadowsMainTable) {
  session_.exec("CREATE TEMP TABLE projects (only_in_temp INTEGER)");
  const vigil::Table t = vigil::introspect_table(session_, "projects");
  EXPECT_EQ(t.ref.schema, "temp");
  ASSERT_EQ(t.columns.size(), 1u);
  EXPECT_EQ(t.columns[0].name, "only_in_temp");
  EXPECT_EQ(vigil::introspect_table(session_, "main.projects").columns.size(), 4u);
}

// --- the session itself ---------------------------------------------------------------------

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : session_(db_.get()) {}
  void SetUp() override { session_.exec("CREATE TABLE t (a INTEGER)"); }
  std::int64_t rows() { return session_.scalar("SELECT count(*) FROM t").to_integer(); }

  Db db_;
  vigil::sqlite::SqliteSession session_;
};

TEST_F(SessionTest, RollbackToUndoesTheInsert) {
  session_.savepoint();
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 0);
  session_.exec("INSERT INTO t VALUES (1)");
  EXPECT_EQ(rows(), 1);
  session_.rollback_to();
  EXPECT_EQ(rows(), 0);
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 1);  // the savepoint is gone too
}

TEST_F(SessionTest, ReleaseKeepsTheInsert) {
  session_.savepoint();
  session_.exec("INSERT INTO t VALUES (?1)", {vigil::Value::integer(7)});
  session_.release();
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 1);
  EXPECT_EQ(session_.scalar("SELECT a FROM t").to_integer(), 7);
}

TEST_F(SessionTest, SavepointsNest) {
  session_.savepoint();
  session_.exec("INSERT INTO t VALUES (1)");
  session_.savepoint();
  session_.exec("INSERT INTO t VALUES (2)");
  session_.rollback_to();  // only the inner one
  EXPECT_EQ(rows(), 1);
  session_.savepoint();
  session_.exec("INSERT INTO t VALUES (3)");
  session_.release();
  session_.rollback_to();  // the outer one: everything
  EXPECT_EQ(rows(), 0);
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 1);
}

TEST_F(SessionTest, SubTransactionCommitKeepsChanges) {
  {
    vigil::SubTransaction sub(session_);
    session_.exec("INSERT INTO t VALUES (1)");
    sub.commit();
  }
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 1);
}

TEST_F(SessionTest, SubTransactionRollsBackWhenAnExceptionLeavesTheBlock) {
  session_.exec("INSERT INTO t VALUES (0)");
  try {
    vigil::SubTransaction sub(session_);
    session_.exec("INSERT INTO t VALUES (1)");
    session_.exec("INSERT INTO no_such_table VALUES (2)");  // throws
    sub.commit();
    FAIL() << "no exception";
  } catch (const vigil::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kEngineError);
    EXPECT_NE(std::string(e.what()).find("no such table: no_such_table"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 1);
}

TEST_F(SessionTest, SubTransactionInsideAnOuterTransaction) {
  session_.exec("BEGIN");
  session_.exec("INSERT INTO t VALUES (1)");
  {
    vigil::SubTransaction sub(session_);
    session_.exec("INSERT INTO t VALUES (2)");
  }  // no commit: rolled back
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(sqlite3_get_autocommit(db_.get()), 0);  // the outer transaction is still open
  session_.exec("COMMIT");
  EXPECT_EQ(rows(), 1);
}

TEST_F(SessionTest, QueryStreamsValuesInTheirStorageClass) {
  auto cursor = session_.query("SELECT 1, 2.5, 'x', x'00ff', NULL, ?1", {vigil::Value::text("p")});
  ASSERT_TRUE(cursor->next());
  ASSERT_EQ(cursor->column_count(), 6u);
  EXPECT_EQ(cursor->get(0), vigil::Value::integer(1));
  EXPECT_EQ(cursor->get(1), vigil::Value::real(2.5));
  EXPECT_EQ(cursor->get(2), vigil::Value::text("x"));
  EXPECT_EQ(cursor->get(3), vigil::Value::blob(std::string("\0\xff", 2)));
  EXPECT_TRUE(cursor->get(4).is_null());
  EXPECT_EQ(cursor->get(5), vigil::Value::text("p"));
  EXPECT_FALSE(cursor->next());
  EXPECT_FALSE(cursor->next());
}

TEST_F(SessionTest, EngineErrorsBecomeVigilErrors) {
  try {
    session_.exec("SELEC 1");
    FAIL() << "no exception";
  } catch (const vigil::Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kEngineError);
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rows(), 0);  // the connection still works
}

}  // namespace
