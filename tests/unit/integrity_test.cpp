// tests/unit/integrity_test.cpp
//
// The integrity core (common/integrity/): row keys and details as both engines show them, the
// order that picks sample_keys, the registry of check kinds and its extension point, and
// vigil_check()/vigil_check_rows() end to end on SQLite, with an interrupt.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "integrity/check_kind.hpp"
#include "integrity/probe.hpp"
#include "schema/introspect.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "sqlite_test_db.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace {

using vigil::Row;
using vigil::Value;
namespace integrity = vigil::integrity;

using vigil_test::Rows;

using Db = vigil_test::SqliteDb;

TEST(IntegrityFormat, JsonValues) {
  EXPECT_EQ(integrity::json_value(Value::integer(-5)), "-5");
  EXPECT_EQ(integrity::json_value(Value::real(0.1)), "0.1");
  EXPECT_EQ(integrity::json_value(Value::real(2.0)), "2");
  EXPECT_EQ(integrity::json_value(Value::numeric("12.50")), "12.50");
  EXPECT_EQ(integrity::json_value(Value::boolean(true)), "true");
  EXPECT_EQ(integrity::json_value(Value::null()), "null");
  EXPECT_EQ(integrity::json_value(Value::text("a\"b\\c\n\x01")), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(integrity::json_value(Value::blob(std::string("\x00\xff", 2))), "\"\\\\x00ff\"");
  EXPECT_EQ(integrity::json_object({"video_id", "frame"}, {Value::integer(1), Value::integer(3)}),
            "{\"video_id\": 1, \"frame\": 3}");
  EXPECT_EQ(integrity::json_object({"ctid"}, {Value::text("(0,1)")}), "{\"ctid\": \"(0,1)\"}");
}

TEST(IntegrityFormat, DetailValues) {
  EXPECT_EQ(integrity::detail_tuple({"a", "b"}, {Value::integer(1), Value::null()}),
            "(a, b)=(1, NULL)");
  EXPECT_EQ(integrity::detail_value(Value::text("x")), "'x'");
  const std::string long_text(100, 'y');
  EXPECT_EQ(integrity::detail_value(Value::text(long_text)), "'" + std::string(60, 'y') + "...'");
  // A cut never splits a UTF-8 sequence: 59 ASCII bytes, then a two-byte character.
  const std::string utf8 = std::string(59, 'a') + "\xc3\xa9" + "zzz";
  EXPECT_EQ(integrity::detail_value(Value::text(utf8)), "'" + std::string(59, 'a') + "...'");
}

TEST(IntegrityFormat, ValuesOrderAsInSqlite) {
  using integrity::compare_values;
  EXPECT_LT(compare_values(Value::null(), Value::integer(-100)), 0);
  EXPECT_LT(compare_values(Value::integer(2), Value::integer(10)), 0);
  EXPECT_EQ(compare_values(Value::integer(2), Value::real(2.0)), 0);
  EXPECT_LT(compare_values(Value::real(1.5), Value::integer(2)), 0);
  EXPECT_LT(compare_values(Value::integer(999), Value::text("0")), 0);
  EXPECT_LT(compare_values(Value::text("b"), Value::blob("a")), 0);
  EXPECT_LT(compare_values(Value::text("B"), Value::text("a")), 0);  // bytes, not collation
  EXPECT_TRUE(integrity::row_less({Value::integer(1), Value::integer(9)},
                                  {Value::integer(2), Value::integer(0)}));
  EXPECT_FALSE(integrity::row_less({Value::integer(1)}, {Value::integer(1)}));
}

TEST(IntegrityRegistry, KindsInReportingOrder) {
  std::vector<std::string> names;
  for (const auto& kind : integrity::check_kinds()) names.emplace_back(kind->name());
  const std::vector<std::string> expected = {
      "fk_orphan",     "not_null",        "check_constraint", "unique_duplicate",
      "type_mismatch", "sequence_behind", "invalid_index",    "unvalidated_constraint",
      "physical",      "rule:<name>"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(integrity::find_check_kind("not_null").name(), "not_null");
  EXPECT_EQ(integrity::find_check_kind("rule:confidence").name(), "rule:<name>");
}

TEST(IntegrityRegistry, UnknownCheckNamesTheKnownOnes) {
  try {
    integrity::find_check_kind("rules:confidence");  // "rule:" serves only its own prefix
    FAIL() << "no error";
  } catch (const vigil::Error& e) {
    EXPECT_EQ(e.code(), vigil::ErrorCode::kInvalidParameter);
    EXPECT_STREQ(e.what(), "unknown check \"rules:confidence\"");
    EXPECT_EQ(e.hint(),
              "Known checks: fk_orphan, not_null, check_constraint, unique_duplicate, "
              "type_mismatch, sequence_behind, invalid_index, unvalidated_constraint, physical, "
              "rule:<name>.");
  }
}

// The extension point: a kind serving a family of names ("rule:<name>"), planned and run with
// the same Probe machinery as the built-in kinds.
class RuleLikeKind final : public integrity::CheckKind {
 public:
  std::string_view name() const override { return "rule:"; }
  bool handles(std::string_view check_name) const override {
    return check_name.substr(0, 5) == "rule:";
  }
  void plan(integrity::CheckContext& context, const vigil::Table& table,
            integrity::Probes& out) const override {
    const vigil::Dialect& d = context.session.dialect();
    const integrity::RowIdentity id = integrity::row_identity(d, table, "");
    auto probe = std::make_unique<integrity::QueryProbe>();
    probe->table_ = table.ref;
    probe->sql = "SELECT " + id.select + ", confidence FROM " +
                 d.table_source(table.ref, table.kind) + " WHERE NOT (confidence <= 0.99)";
    probe->key_names = id.key_names;
    probe->locator_names = id.locator_names;
    probe->extra_count = 1;
    integrity::Subject subject;
    subject.check_name = "rule:confidence_cap";
    subject.detail = "confidence <= 0.99";
    probe->subjects_.push_back(subject);
    probe->row_detail = [](std::size_t, const Row& extra) {
      return "confidence=" + extra[0].to_text();
    };
    out.push_back(std::move(probe));
  }
};

TEST(IntegrityRegistry, AKindOfTheRuleFamilyPlugsIntoTheProbes) {
  Db db;
  db.must(
      "CREATE TABLE d (id INTEGER PRIMARY KEY, confidence REAL);"
      "INSERT INTO d VALUES (1, 0.5), (2, 1.0), (3, 0.995), (4, NULL);");
  vigil::sqlite::SqliteSession session(db.db());
  const RuleLikeKind kind;
  EXPECT_TRUE(kind.handles("rule:confidence_cap"));
  EXPECT_FALSE(kind.handles("fk_orphan"));
  integrity::CheckContext context{session, false, false, true};
  integrity::Probes probes;
  kind.plan(context, vigil::introspect_table(session, "d"), probes);
  ASSERT_EQ(probes.size(), 1U);
  auto cursor = probes[0]->run(session);
  std::vector<std::string> seen;
  while (cursor->next()) seen.push_back(cursor->row_key().bytes() + " " + cursor->detail());
  const std::vector<std::string> expected = {"{\"id\": 2} confidence=1",
                                             "{\"id\": 3} confidence=0.995"};
  EXPECT_EQ(seen, expected);
}

TEST(IntegrityFunctions, SampleKeysAreTheTenSmallestAndViolationsExact) {
  Db db;
  db.must(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 25)"
      "INSERT INTO c SELECT 100 - n, n FROM g;");
  const Rows rows =
      db.rows("SELECT check_name, table_name, violations, sample_keys FROM vigil_check()");
  const Rows expected = {{"fk_orphan", "c", "25",
                          "[{\"id\": 75}, {\"id\": 76}, {\"id\": 77}, {\"id\": 78}, {\"id\": 79}, "
                          "{\"id\": 80}, {\"id\": 81}, {\"id\": 82}, {\"id\": 83}, {\"id\": 84}]"}};
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(db.rows("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'c')"), (Rows{{"25"}}));
}

// What another thread does to cancel: sqlite3_interrupt() on the connection.
int interrupt_at_once(void* db) {
  sqlite3_interrupt(static_cast<sqlite3*>(db));
  return 0;
}

TEST(IntegrityFunctions, AnInterruptStopsTheCheck) {
  Db db;
  db.must(
      "CREATE TABLE p (id INTEGER PRIMARY KEY);"
      "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 5000)"
      "INSERT INTO c SELECT n, n FROM g;");
  sqlite3_progress_handler(db.db(), 100, interrupt_at_once, db.db());
  EXPECT_THROW(db.rows("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'c')"),
               std::runtime_error);
  EXPECT_EQ(db.last_rc(), SQLITE_INTERRUPT);
  EXPECT_THROW(db.rows("SELECT count(*) FROM vigil_check()"), std::runtime_error);
  EXPECT_EQ(db.last_rc(), SQLITE_INTERRUPT);
  sqlite3_progress_handler(db.db(), 0, nullptr, nullptr);
  EXPECT_EQ(db.rows("SELECT count(*) FROM vigil_check_rows('fk_orphan', 'c')"), (Rows{{"5000"}}));
}

// SQLite finds orphans through an index of the child that leads with the key column (the
// parent probed once per distinct value, Dialect::orphan_join): for every pairing of declared
// types, collations and values, the rows must be those of the plain anti-join.
TEST(IntegrityFunctions, OrphansFoundThroughTheChildsIndexAreTheAntiJoinsRows) {
  const std::vector<std::string> parent_types = {
      "INTEGER PRIMARY KEY",   "INTEGER UNIQUE", "TEXT UNIQUE", "REAL UNIQUE",
      "NUMERIC UNIQUE",        "UNIQUE",         "BLOB UNIQUE", "TEXT COLLATE NOCASE UNIQUE",
      "VARCHAR(5) PRIMARY KEY"};
  const std::vector<std::string> child_types = {
      "INTEGER", "TEXT", "", "REAL", "NUMERIC", "BLOB", "TEXT COLLATE NOCASE", "INT COLLATE RTRIM"};
  const std::vector<std::string> values = {"1",
                                           "2",
                                           "3",
                                           "1.0",
                                           "2.0",
                                           "2.5",
                                           "'1'",
                                           "'2'",
                                           "' 2'",
                                           "'2 '",
                                           "'1.0'",
                                           "'2.0'",
                                           "'1e0'",
                                           "'a'",
                                           "'A'",
                                           "'b'",
                                           "x'31'",
                                           "x'01'",
                                           "NULL",
                                           "9007199254740993",
                                           "9007199254740992.0",
                                           "'9007199254740993'",
                                           "-0.0",
                                           "0",
                                           "'0'"};
  std::uint32_t seed = 12345;
  auto next = [&seed](std::size_t n) {
    seed = seed * 1103515245U + 12345U;
    return static_cast<std::size_t>((seed >> 8) % n);
  };
  const std::string hand =
      "SELECT c.id FROM c AS c LEFT JOIN p AS p ON p.k = c.x "
      "WHERE c.x IS NOT NULL AND p.k IS NULL ORDER BY c.id";
  const std::string found =
      "SELECT row_key ->> 'id' FROM vigil_check_rows('fk_orphan', 'c') ORDER BY 1";
  int with_orphans = 0;
  for (const auto& parent_type : parent_types) {
    for (const auto& child_type : child_types) {
      for (int round = 0; round < 4; ++round) {
        Db db;
        db.must("CREATE TABLE p (k " + parent_type + ");" +
                "CREATE TABLE c (id INTEGER PRIMARY KEY, x " + child_type + " REFERENCES p (k));" +
                "CREATE INDEX c_x ON c (x);");
        for (int i = 0; i < 8; ++i) {
          sqlite3_exec(db.db(),
                       ("INSERT INTO p VALUES (" + values[next(values.size())] + ")").c_str(),
                       nullptr, nullptr, nullptr);  // a duplicate key is refused: fine
        }
        for (int i = 0; i < 40; ++i) {
          db.must("INSERT INTO c (x) VALUES (" + values[next(values.size())] + ")");
        }
        const Rows expected = db.rows(hand);
        SCOPED_TRACE("parent " + parent_type + ", child " + child_type);
        EXPECT_EQ(db.rows(found), expected);
        const std::string violations = std::to_string(expected.size());
        EXPECT_EQ(db.rows("SELECT coalesce(sum(violations), 0) FROM vigil_check('c') "
                          "WHERE check_name = 'fk_orphan'"),
                  (Rows{{violations}}));
        if (!expected.empty()) ++with_orphans;
      }
    }
  }
  EXPECT_GT(with_orphans, 200);  // the comparison is not between empty sets
}

// Which foreign keys get the form through the child's index, and that it is the one SQLite
// plans without a temporary b-tree or an IN list (rows streamed).
TEST(IntegrityDialect, OrphanJoinGoesThroughTheChildsIndexOnlyWhereItMayAndPays) {
  Db db;
  db.must(
      "CREATE TABLE p (id INTEGER PRIMARY KEY, code TEXT UNIQUE, a INT, b INT, UNIQUE (a, b));"
      "CREATE TABLE indexed (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "CREATE INDEX indexed_p ON indexed (p_id, id);"
      "CREATE TABLE unindexed (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "CREATE TABLE second_column (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "CREATE INDEX second_column_p ON second_column (id, p_id);"
      "CREATE TABLE partial (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id));"
      "CREATE INDEX partial_p ON partial (p_id) WHERE p_id > 0;"
      "CREATE TABLE collated (id INTEGER PRIMARY KEY, p_id INTEGER COLLATE NOCASE "
      "REFERENCES p (id));"
      "CREATE INDEX collated_p ON collated (p_id);"
      "CREATE TABLE untyped (id INTEGER PRIMARY KEY, code REFERENCES p (code));"
      "CREATE INDEX untyped_code ON untyped (code);"
      "CREATE TABLE typed (id INTEGER PRIMARY KEY, code TEXT REFERENCES p (code));"
      "CREATE INDEX typed_code ON typed (code);"
      "CREATE TABLE composite (id INTEGER PRIMARY KEY, a INT, b INT, "
      "FOREIGN KEY (a, b) REFERENCES p (a, b));"
      "CREATE INDEX composite_ab ON composite (a, b);"
      "CREATE TABLE keyed (p_id INTEGER, n INTEGER, PRIMARY KEY (p_id, n), "
      "FOREIGN KEY (p_id) REFERENCES p) WITHOUT ROWID;");
  // In an attached database vigil does not read index texts: an index whose COLLATE is not
  // known is not used.
  db.must(
      "ATTACH ':memory:' AS aux;"
      "CREATE TABLE aux.q (id INTEGER PRIMARY KEY);"
      "CREATE TABLE aux.plain (id INTEGER PRIMARY KEY, q_id INTEGER REFERENCES q (id));"
      "CREATE INDEX aux.plain_q ON plain (q_id);"
      "CREATE TABLE aux.constrained (id INTEGER PRIMARY KEY, q_id INTEGER REFERENCES q (id),"
      " UNIQUE (q_id, id));");
  vigil::sqlite::SqliteSession session(db.db());
  const vigil::Dialect& d = session.dialect();
  auto form = [&](const std::string& name) {
    const vigil::Table table = vigil::introspect_table(session, name);
    const vigil::ForeignKey& fk = table.foreign_keys.at(0);
    std::string join;
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      join += (i > 0 ? " AND p." : "p.") + d.quote_identifier(fk.parent_columns[i]) + " = c." +
              d.quote_identifier(fk.columns[i]);
    }
    const vigil::Dialect::AntiJoin anti = d.orphan_join(
        session, table, fk, d.qualified(table.ref) + " AS c", d.qualified(fk.parent), join);
    const std::string sql = "SELECT 1 FROM " + anti.from + " WHERE " + anti.condition;
    std::string plan;
    for (const auto& row : db.rows("EXPLAIN QUERY PLAN " + sql)) plan += row.back() + "; ";
    const bool by_key = anti.from.find("DISTINCT") != std::string::npos;
    if (by_key) {
      EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << name << ": " << plan;
      EXPECT_EQ(plan.find("LIST SUBQUERY"), std::string::npos) << name << ": " << plan;
      EXPECT_EQ(plan.find("AUTOMATIC"), std::string::npos) << name << ": " << plan;
    }
    return by_key;
  };
  EXPECT_TRUE(form("indexed"));
  EXPECT_TRUE(form("typed"));
  EXPECT_TRUE(form("keyed"));
  EXPECT_FALSE(form("unindexed"));
  EXPECT_FALSE(form("second_column"));
  EXPECT_FALSE(form("partial"));
  EXPECT_FALSE(form("collated"));
  EXPECT_FALSE(form("untyped"));
  EXPECT_FALSE(form("composite"));
  EXPECT_FALSE(form("aux.plain"));
  EXPECT_TRUE(
      form("aux.constrained"));  // the UNIQUE constraint's index: CREATE TABLE has no COLLATE
}

}  // namespace
