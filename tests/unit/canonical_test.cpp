// tests/unit/canonical_test.cpp
//
// The canonical schema description: canonical_default() on both engines' default texts, and
// canonical_schema_rows() / schema_fingerprint() on hand-built schema models.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dialect/sqlite_dialect.hpp"
#include "schema/canonical.hpp"

namespace {

using vigil::TypeClass;

struct DefaultCase {
  const char* expr;
  TypeClass type_class;
  const char* expected;
};

const DefaultCase kDefaults[] = {
    // PostgreSQL pg_get_expr() spellings
    {"'pending'::character varying", TypeClass::kText, "'pending'"},
    {"'pending'::text", TypeClass::kText, "'pending'"},
    {"'-1'::integer", TypeClass::kInteger, "-1"},
    {"'1.50'::numeric", TypeClass::kNumeric, "1.50"},
    {"(-1)", TypeClass::kInteger, "-1"},
    {"0", TypeClass::kInteger, "0"},
    {"-1", TypeClass::kInteger, "-1"},
    {"+5", TypeClass::kInteger, "5"},
    {"0.5", TypeClass::kReal, "0.5"},
    {"now()", TypeClass::kTimestamp, "current_timestamp"},
    {"CURRENT_TIMESTAMP", TypeClass::kTimestamp, "current_timestamp"},
    {"current_timestamp", TypeClass::kTimestamp, "current_timestamp"},
    {"CURRENT_DATE", TypeClass::kDate, "current_date"},
    // pg_get_expr() of the current time in every spelling (old dumps write DEFAULT 'now' as
    // the ('now'::text) casts); statement and clock time are not the transaction's time.
    {"('now'::text)::date", TypeClass::kDate, "current_date"},
    {"('now'::text)::timestamp without time zone", TypeClass::kTimestamp, "current_timestamp"},
    {"('now'::text)::timestamp with time zone", TypeClass::kTimestamp, "current_timestamp"},
    {"transaction_timestamp()", TypeClass::kTimestamp, "current_timestamp"},
    {"LOCALTIMESTAMP", TypeClass::kTimestamp, "current_timestamp"},
    {"(now())::date", TypeClass::kDate, "current_date"},
    {"CURRENT_TIME", TypeClass::kOther, "current_time"},
    {"LOCALTIME", TypeClass::kOther, "current_time"},
    {"('now'::text)::time with time zone", TypeClass::kOther, "current_time"},
    {"statement_timestamp()", TypeClass::kTimestamp, "statement_timestamp"},
    {"clock_timestamp()", TypeClass::kTimestamp, "clock_timestamp"},
    {"CURRENT_TIMESTAMP(0)", TypeClass::kTimestamp, "expression"},
    // DEFAULT 'now'::timestamptz is evaluated at CREATE TABLE: a constant.
    {"'2026-12-08 00:05:45.331263+00'::timestamp with time zone", TypeClass::kTimestamp,
     "'2026-12-08 00:05:45.331263+00'"},
    {"true", TypeClass::kBoolean, "1"},
    {"false", TypeClass::kBoolean, "0"},
    {"TRUE", TypeClass::kBoolean, "1"},
    {"'t'::boolean", TypeClass::kBoolean, "1"},
    {"NULL", TypeClass::kText, ""},
    {"NULL::character varying", TypeClass::kText, ""},
    {"", TypeClass::kText, ""},
    {"nextval('x'::regclass)", TypeClass::kInteger, "expression"},
    {"nextval('projects_id_seq'::regclass)", TypeClass::kInteger, "expression"},
    {"'{}'::jsonb", TypeClass::kJson, "'{}'"},
    {"'it''s'", TypeClass::kText, "'it''s'"},
    {"'it''s'::text", TypeClass::kText, "'it''s'"},
    {"gen_random_uuid()", TypeClass::kText, "expression"},
    // A cast that does not end the expression is part of it.
    {"('a'::text || 'b'::text)", TypeClass::kText, "expression"},
    {"'a'::text || 'b'::text", TypeClass::kText, "expression"},
    {"('1'::integer + 1)", TypeClass::kInteger, "expression"},
    {"'1'::character varying(10)", TypeClass::kText, "'1'"},
    {"'{}'::text[]", TypeClass::kOther, "'{}'"},
    // SQLite dflt_value spellings
    {"(datetime('now'))", TypeClass::kTimestamp, "current_timestamp"},
    {"datetime('now')", TypeClass::kTimestamp, "current_timestamp"},
    {"(date('now'))", TypeClass::kDate, "current_date"},
    {"CURRENT_TIMESTAMP", TypeClass::kText, "current_timestamp"},
    {"(datetime())", TypeClass::kTimestamp, "current_timestamp"},
    {"(time('now'))", TypeClass::kOther, "current_time"},
    {"(datetime('now','localtime'))", TypeClass::kTimestamp, "expression"},
    {"(datetime('now', 'localtime'))", TypeClass::kTimestamp, "expression"},
    {"'now'", TypeClass::kText, "'now'"},
    {"'pending'", TypeClass::kText, "'pending'"},
    {"1", TypeClass::kBoolean, "1"},
    {"((0))", TypeClass::kInteger, "0"},
    {"(1 + 2)", TypeClass::kInteger, "expression"},
    // A quoted number stays a string when the column is text.
    {"'-1'", TypeClass::kText, "'-1'"},
};

class CanonicalDefault : public ::testing::TestWithParam<DefaultCase> {};

TEST_P(CanonicalDefault, GivesTheCanonicalForm) {
  const DefaultCase& c = GetParam();
  EXPECT_EQ(vigil::canonical_default(c.expr, c.type_class), c.expected)
      << "default: " << c.expr << " (" << vigil::type_class_name(c.type_class) << ")";
}

INSTANTIATE_TEST_SUITE_P(BothEngines, CanonicalDefault, ::testing::ValuesIn(kDefaults));

TEST(CanonicalDefaultEquivalence, BothEnginesSpellingsAgree) {
  // The same default as each engine reports it.
  EXPECT_EQ(vigil::canonical_default("'pending'::character varying", TypeClass::kText),
            vigil::canonical_default("'pending'", TypeClass::kText));
  EXPECT_EQ(vigil::canonical_default("now()", TypeClass::kTimestamp),
            vigil::canonical_default("(datetime('now'))", TypeClass::kTimestamp));
  EXPECT_EQ(vigil::canonical_default("false", TypeClass::kBoolean),
            vigil::canonical_default("0", TypeClass::kBoolean));
  EXPECT_EQ(vigil::canonical_default("'-1'::integer", TypeClass::kInteger),
            vigil::canonical_default("-1", TypeClass::kInteger));
}

// --- canonical_schema_rows / schema_fingerprint ---------------------------------------------

vigil::Column column(const std::string& name, int position, const std::string& type,
                     bool not_null = false, const std::string& def = "") {
  vigil::Column c;
  c.name = name;
  c.position = position;
  c.declared_type = type;
  c.type_class = vigil::classify_type(type);
  c.not_null = not_null;
  c.default_expr = def;
  return c;
}

vigil::Table projects() {
  vigil::Table t;
  t.ref = {"main", "projects"};
  t.columns = {column("id", 1, "INTEGER", true), column("name", 2, "TEXT", true),
               column("status", 3, "TEXT", false, "'active'")};
  t.primary_key = {"id"};
  vigil::Index u;
  u.name = "sqlite_autoindex_projects_1";
  u.unique = true;
  u.origin = vigil::IndexOrigin::kUniqueConstraint;
  u.columns = {"name"};
  t.indexes.push_back(u);
  vigil::CheckConstraint ck;
  ck.name = "name_not_empty";
  ck.expression = "length(name) > 0";
  ck.columns = {"name"};
  t.checks.push_back(ck);
  return t;
}

vigil::Table videos() {
  vigil::Table t;
  t.ref = {"main", "videos"};
  t.columns = {column("id", 1, "INTEGER", true), column("project_id", 2, "INTEGER", true),
               column("path", 3, "TEXT", true)};
  t.primary_key = {"id"};
  vigil::ForeignKey fk;
  fk.columns = {"project_id"};
  fk.parent = {"main", "projects"};
  fk.parent_columns = {"id"};
  fk.on_delete = "CASCADE";
  t.foreign_keys.push_back(fk);
  vigil::Index idx;
  idx.name = "videos_project_idx";
  idx.columns = {"project_id"};
  t.indexes.push_back(idx);
  return t;
}

std::vector<vigil::SchemaRow> rows_of(const vigil::SchemaModel& model) {
  return vigil::canonical_schema_rows(model, vigil::sqlite_dialect());
}

std::string fingerprint_of(const vigil::SchemaModel& model) {
  return vigil::schema_fingerprint(rows_of(model));
}

TEST(CanonicalRows, ExactRowsOfOneTable) {
  vigil::SchemaModel model;
  model.tables = {projects()};
  const auto rows = rows_of(model);
  ASSERT_EQ(rows.size(), 7u);
  auto expect = [&](std::size_t i, const char* type, const char* name, const char* def) {
    EXPECT_EQ(rows[i].table_name, "projects") << i;
    EXPECT_EQ(rows[i].object_type, type) << i;
    EXPECT_EQ(rows[i].name, name) << i;
    EXPECT_EQ(rows[i].definition, def) << i;
  };
  expect(0, "table", "projects", "");
  expect(1, "column", "id", "1 integer not null");
  expect(2, "column", "name", "2 text not null");
  expect(3, "column", "status", "3 text default 'active'");
  expect(4, "primary_key", "(id)", "(id)");
  expect(5, "unique", "(name)", "(name)");
  expect(6, "check", "(name)", "(name)");
  EXPECT_EQ(rows[3].engine_definition, "TEXT DEFAULT 'active'");
  EXPECT_EQ(rows[5].engine_definition, "sqlite_autoindex_projects_1");
  EXPECT_EQ(rows[6].engine_definition, "length(name) > 0");
}

TEST(CanonicalRows, ForeignKeyAndIndexRows) {
  vigil::SchemaModel model;
  model.tables = {videos()};
  const auto rows = rows_of(model);
  ASSERT_EQ(rows.size(), 7u);
  EXPECT_EQ(rows[5].object_type, "foreign_key");
  EXPECT_EQ(rows[5].name, "(project_id)");
  EXPECT_EQ(rows[5].definition,
            "(project_id) references projects (id) on update no action on delete cascade");
  EXPECT_EQ(rows[6].object_type, "index");
  EXPECT_EQ(rows[6].name, "videos_project_idx");
  EXPECT_EQ(rows[6].definition, "(project_id)");
}

TEST(CanonicalRows, SortedByTableThenObjectType) {
  // Tables given out of order, each with every kind of object.
  vigil::Table b = videos();
  b.ref.name = "b_table";
  vigil::CheckConstraint ck;
  ck.expression = "path <> ''";
  ck.columns = {"path"};
  b.checks.push_back(ck);
  vigil::Index u;
  u.name = "b_path_key";
  u.unique = true;
  u.origin = vigil::IndexOrigin::kUniqueConstraint;
  u.columns = {"path"};
  b.indexes.insert(b.indexes.begin(), u);
  vigil::Table a = projects();
  a.ref.name = "a_table";

  vigil::SchemaModel model;
  model.tables = {b, a};
  const auto rows = rows_of(model);
  const std::vector<std::string> order = {"table", "column", "primary_key", "unique",
                                          "foreign_key", "check", "index"};
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& r : rows) seen.emplace_back(r.table_name, r.object_type);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"a_table", "table"},      {"a_table", "column"},      {"a_table", "column"},
      {"a_table", "column"},     {"a_table", "primary_key"}, {"a_table", "unique"},
      {"a_table", "check"},      {"b_table", "table"},       {"b_table", "column"},
      {"b_table", "column"},     {"b_table", "column"},      {"b_table", "primary_key"},
      {"b_table", "unique"},     {"b_table", "foreign_key"}, {"b_table", "check"},
      {"b_table", "index"}};
  EXPECT_EQ(seen, expected);
}

TEST(CanonicalRows, ColumnsInOrdinalOrderEvenBeyondNine) {
  vigil::Table t;
  t.ref = {"main", "wide"};
  for (int i = 12; i >= 1; --i) t.columns.push_back(column("c" + std::to_string(i), i, "INT"));
  vigil::SchemaModel model;
  model.tables = {t};
  const auto rows = rows_of(model);
  ASSERT_EQ(rows.size(), 13u);
  for (int i = 1; i <= 12; ++i) EXPECT_EQ(rows[static_cast<std::size_t>(i)].name, "c" + std::to_string(i));
}

TEST(CanonicalRows, NonDefaultSchemaIsShownQualified) {
  vigil::Table t = videos();
  t.ref.schema = "aux";
  t.foreign_keys[0].parent.schema = "aux";
  vigil::SchemaModel model;
  model.tables = {t};
  const auto rows = rows_of(model);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0].table_name, "aux.videos");
  bool found_fk = false;
  for (const auto& r : rows) {
    if (r.object_type != "foreign_key") continue;
    found_fk = true;
    EXPECT_EQ(r.definition,
              "(project_id) references aux.projects (id) on update no action on delete cascade");
  }
  EXPECT_TRUE(found_fk);
}

TEST(CanonicalRows, IdentityAndGeneratedColumnsHideTheirDefault) {
  vigil::Table t;
  t.ref = {"main", "t"};
  auto id = column("id", 1, "integer", true, "nextval('t_id_seq'::regclass)");
  id.identity = true;
  auto g = column("g", 2, "integer");
  g.generated = true;
  t.columns = {id, g};
  vigil::SchemaModel model;
  model.tables = {t};
  const auto rows = rows_of(model);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].definition, "1 integer not null identity");
  EXPECT_EQ(rows[2].definition, "2 integer generated");
}

TEST(SchemaFingerprint, IsThirtyTwoLowerCaseHexDigits) {
  vigil::SchemaModel model;
  model.tables = {projects()};
  const std::string fp = fingerprint_of(model);
  ASSERT_EQ(fp.size(), 32u);
  for (char c : fp) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << fp;
}

TEST(SchemaFingerprint, EmptySchemaHasAStableFingerprint) {
  const vigil::SchemaModel empty;
  EXPECT_EQ(fingerprint_of(empty), fingerprint_of(empty));
  vigil::SchemaModel one;
  one.tables = {projects()};
  EXPECT_NE(fingerprint_of(empty), fingerprint_of(one));
}

TEST(SchemaFingerprint, IndependentOfTableOrder) {
  vigil::SchemaModel ab;
  ab.tables = {projects(), videos()};
  vigil::SchemaModel ba;
  ba.tables = {videos(), projects()};
  EXPECT_EQ(fingerprint_of(ab), fingerprint_of(ba));
}

TEST(SchemaFingerprint, IndependentOfEngineSpellingsAndConstraintNames) {
  vigil::SchemaModel sqlite_model;
  sqlite_model.tables = {projects(), videos()};

  // The same schema as PostgreSQL reports it (in the default schema, as "main" is here).
  vigil::Table p = projects();
  p.columns = {column("id", 1, "bigint", true, "nextval('projects_id_seq'::regclass)"),
               column("name", 2, "character varying(200)", true),
               column("status", 3, "text", false, "'active'::text")};
  p.indexes[0].name = "projects_name_key";
  p.checks[0].name = "projects_name_check";
  p.checks[0].expression = "(length((name)::text) > 0)";
  vigil::Table v = videos();
  v.foreign_keys[0].name = "videos_project_id_fkey";
  v.indexes[0].definition = "CREATE INDEX videos_project_idx ON public.videos USING btree (project_id)";
  vigil::SchemaModel pg_model;
  pg_model.tables = {v, p};


  // A serial's nextval() default is an "expression": not the same as SQLite's rowid alias.
  EXPECT_NE(fingerprint_of(pg_model),
            fingerprint_of(sqlite_model));
  pg_model.tables[1].columns[0].default_expr = "";  // tables[1] is p
  EXPECT_EQ(fingerprint_of(pg_model),
            fingerprint_of(sqlite_model));
}

class FingerprintChange : public ::testing::Test {
 protected:
  static vigil::SchemaModel base() {
    vigil::SchemaModel m;
    m.tables = {projects(), videos()};
    return m;
  }
  void expect_changed(const vigil::SchemaModel& changed) {
    EXPECT_NE(fingerprint_of(changed), fingerprint_of(base()));
  }
};

TEST_F(FingerprintChange, ColumnTypeClass) {
  auto m = base();
  m.tables[0].columns[1].type_class = TypeClass::kBlob;
  expect_changed(m);
}

TEST_F(FingerprintChange, Nullability) {
  auto m = base();
  m.tables[0].columns[2].not_null = true;
  expect_changed(m);
}

TEST_F(FingerprintChange, ForeignKeyDeleteAction) {
  auto m = base();
  m.tables[1].foreign_keys[0].on_delete = "SET NULL";
  expect_changed(m);
}

TEST_F(FingerprintChange, ForeignKeyUpdateAction) {
  auto m = base();
  m.tables[1].foreign_keys[0].on_update = "CASCADE";
  expect_changed(m);
}

TEST_F(FingerprintChange, ForeignKeyMatchFull) {
  auto m = base();
  m.tables[1].foreign_keys[0].match = "FULL";
  expect_changed(m);
}

TEST_F(FingerprintChange, AddedIndex) {
  auto m = base();
  vigil::Index idx;
  idx.name = "videos_path_idx";
  idx.columns = {"path"};
  m.tables[1].indexes.push_back(idx);
  expect_changed(m);
}

TEST_F(FingerprintChange, IndexBecomesUniqueOrPartial) {
  auto unique = base();
  unique.tables[1].indexes[0].unique = true;
  expect_changed(unique);
  auto partial = base();
  partial.tables[1].indexes[0].partial = true;
  expect_changed(partial);
}

TEST_F(FingerprintChange, AddedColumn) {
  auto m = base();
  m.tables[1].columns.push_back(column("duration", 4, "REAL"));
  expect_changed(m);
}

TEST_F(FingerprintChange, ChangedDefault) {
  auto m = base();
  m.tables[0].columns[2].default_expr = "'archived'";
  expect_changed(m);
}

TEST_F(FingerprintChange, DroppedCheck) {
  auto m = base();
  m.tables[0].checks.clear();
  expect_changed(m);
}

TEST_F(FingerprintChange, RenamedTable) {
  auto m = base();
  m.tables[1].ref.name = "clips";
  expect_changed(m);
}

TEST_F(FingerprintChange, EngineTextAloneDoesNotChangeIt) {
  auto m = base();
  m.tables[0].checks[0].name = "other_name";
  m.tables[0].checks[0].expression = "LENGTH(name)>0";
  m.tables[0].columns[1].declared_type = "VARCHAR(10)";
  m.tables[0].indexes[0].name = "renamed_unique";
  EXPECT_EQ(fingerprint_of(m), fingerprint_of(base()));
}

}  // namespace
