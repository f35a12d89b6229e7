// tests/unit/create_table_parser_test.cpp
//
// vigil::parse_create_table and referenced_columns: what SQLite keeps only in a table's
// CREATE TABLE text (CHECK constraints, AUTOINCREMENT).
#include "schema/create_table_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using vigil::parse_create_table;
using vigil::referenced_columns;
using Names = std::vector<std::string>;

TEST(ParseCreateTable, ColumnAndTableLevelChecks) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (a INTEGER CHECK (a > 0), b TEXT NOT NULL, c REAL, CHECK (b <> '' AND c < "
      "1))",
      {"a", "b", "c"});
  ASSERT_EQ(parsed.checks.size(), 2u);
  EXPECT_EQ(parsed.checks[0].name, "");
  EXPECT_EQ(parsed.checks[0].expression, "a > 0");
  EXPECT_EQ(parsed.checks[0].columns, (Names{"a"}));
  EXPECT_EQ(parsed.checks[1].name, "");
  EXPECT_EQ(parsed.checks[1].expression, "b <> '' AND c < 1");
  EXPECT_EQ(parsed.checks[1].columns, (Names{"b", "c"}));
  EXPECT_EQ(parsed.autoincrement_column, "");
}

TEST(ParseCreateTable, NamedChecksKeepTheirNames) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (a INT CONSTRAINT a_positive CHECK (a > 0), b INT, "
      "CONSTRAINT \"b small\" CHECK (b < 10), CHECK (a < b))",
      {"a", "b"});
  ASSERT_EQ(parsed.checks.size(), 3u);
  EXPECT_EQ(parsed.checks[0].name, "a_positive");
  EXPECT_EQ(parsed.checks[0].expression, "a > 0");
  EXPECT_EQ(parsed.checks[1].name, "b small");
  EXPECT_EQ(parsed.checks[1].expression, "b < 10");
  EXPECT_EQ(parsed.checks[2].name, "");
  EXPECT_EQ(parsed.checks[2].columns, (Names{"a", "b"}));
}

TEST(ParseCreateTable, ConstraintNameOfAnotherKindDoesNotLeakToALaterCheck) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (id INTEGER CONSTRAINT pk PRIMARY KEY CHECK (id > 0), "
      "x INT CONSTRAINT x_nn NOT NULL CHECK (x <> 0), "
      "CONSTRAINT u UNIQUE (x), CHECK (x < 100))",
      {"id", "x"});
  ASSERT_EQ(parsed.checks.size(), 3u);
  EXPECT_EQ(parsed.checks[0].name, "");
  EXPECT_EQ(parsed.checks[0].expression, "id > 0");
  EXPECT_EQ(parsed.checks[1].name, "");
  EXPECT_EQ(parsed.checks[1].expression, "x <> 0");
  EXPECT_EQ(parsed.checks[2].name, "");
  EXPECT_EQ(parsed.checks[2].expression, "x < 100");
}

TEST(ParseCreateTable, TableLevelNamedPrimaryKeyThenCheck) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (a INT, b INT, CONSTRAINT pk PRIMARY KEY (a, b), CHECK (a <> b))",
      {"a", "b"});
  ASSERT_EQ(parsed.checks.size(), 1u);
  EXPECT_EQ(parsed.checks[0].name, "");
  EXPECT_EQ(parsed.checks[0].expression, "a <> b");
}

TEST(ParseCreateTable, NestedParenthesesInChecks) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (a INT, b INT, CHECK ((a + (b * 2)) > (abs(a) - 1)))", {"a", "b"});
  ASSERT_EQ(parsed.checks.size(), 1u);
  EXPECT_EQ(parsed.checks[0].expression, "(a + (b * 2)) > (abs(a) - 1)");
  EXPECT_EQ(parsed.checks[0].columns, (Names{"a", "b"}));
}

TEST(ParseCreateTable, ChecksContainingStringsWithCommasAndParens) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (s TEXT CHECK (s IN ('a,b', ')')), n INT CHECK (n > 0), "
      "CHECK (s <> '(,'))",
      {"s", "n"});
  ASSERT_EQ(parsed.checks.size(), 3u);
  EXPECT_EQ(parsed.checks[0].expression, "s IN ('a,b', ')')");
  EXPECT_EQ(parsed.checks[0].columns, (Names{"s"}));
  EXPECT_EQ(parsed.checks[1].expression, "n > 0");
  EXPECT_EQ(parsed.checks[1].columns, (Names{"n"}));
  EXPECT_EQ(parsed.checks[2].expression, "s <> '(,'");
}

TEST(ParseCreateTable, CommentsInsideTheDdl) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t ( -- the table (with a comment, and a paren\n"
      "  a INT /* a CHECK (a > 99) in a comment, */ CHECK (a > 0), -- CHECK (no)\n"
      "  b INT /* ) */\n"
      ")",
      {"a", "b"});
  ASSERT_EQ(parsed.checks.size(), 1u);
  EXPECT_EQ(parsed.checks[0].expression, "a > 0");
  EXPECT_EQ(parsed.checks[0].columns, (Names{"a"}));
}

TEST(ParseCreateTable, ExpressionKeepsUserTextAndIsTrimmed) {
  const auto parsed =
      parse_create_table("CREATE TABLE t (a INT,\n  CHECK (\n    a   >  0\n  )\n)", {"a"});
  ASSERT_EQ(parsed.checks.size(), 1u);
  EXPECT_EQ(parsed.checks[0].expression, "a   >  0");
}

TEST(ParseCreateTable, AutoincrementColumnDetected) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT)", {"id", "name"});
  EXPECT_EQ(parsed.autoincrement_column, "id");
  EXPECT_TRUE(parsed.checks.empty());

  const auto quoted = parse_create_table(
      "CREATE TABLE t (\"Event Id\" INTEGER PRIMARY KEY AUTOINCREMENT)", {"Event Id"});
  EXPECT_EQ(quoted.autoincrement_column, "Event Id");

  const auto none =
      parse_create_table("CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT)", {"id", "n"});
  EXPECT_EQ(none.autoincrement_column, "");
}

TEST(ParseCreateTable, TableLevelPrimaryKeyAutoincrement) {
  // SQLite accepts AUTOINCREMENT inside a table-level PRIMARY KEY (...) too.
  const auto parsed = parse_create_table(
      "CREATE TABLE t (id INTEGER, name TEXT, PRIMARY KEY (id AUTOINCREMENT))", {"id", "name"});
  EXPECT_EQ(parsed.autoincrement_column, "id");
}

TEST(ParseCreateTable, QuotedTableNamesContainingParens) {
  for (const char* ddl : {"CREATE TABLE \"we(ird\" (a INT CHECK (a > 1))",
                          "CREATE TABLE [we(ird] (a INT CHECK (a > 1))",
                          "CREATE TABLE `we(ird` (a INT CHECK (a > 1))",
                          "CREATE TABLE main.\"x)(\" (a INT CHECK (a > 1))"}) {
    const auto parsed = parse_create_table(ddl, {"a"});
    ASSERT_EQ(parsed.checks.size(), 1u) << ddl;
    EXPECT_EQ(parsed.checks[0].expression, "a > 1") << ddl;
  }
}

TEST(ParseCreateTable, ColumnsNamedLikeKeywordsWhenQuoted) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (\"check\" INT CHECK (\"check\" > 0), [unique] INT, "
      "\"constraint\" INT CHECK ([unique] < \"constraint\"))",
      {"check", "unique", "constraint"});
  ASSERT_EQ(parsed.checks.size(), 2u);
  EXPECT_EQ(parsed.checks[0].columns, (Names{"check"}));
  EXPECT_EQ(parsed.checks[1].columns, (Names{"unique", "constraint"}));
}

TEST(ParseCreateTable, DefaultsAndGeneratedExpressionsAreNotChecks) {
  const auto parsed = parse_create_table(
      "CREATE TABLE t (a INT DEFAULT (abs(-1)), b INT GENERATED ALWAYS AS (a * 2) STORED, "
      "c TEXT DEFAULT 'CHECK (x)')",
      {"a", "b", "c"});
  EXPECT_TRUE(parsed.checks.empty());
}

TEST(ParseCreateTable, NoBodyGivesNothing) {
  const auto parsed = parse_create_table("CREATE TABLE t AS SELECT 1", {});
  EXPECT_TRUE(parsed.checks.empty());
  EXPECT_EQ(parsed.autoincrement_column, "");
  EXPECT_TRUE(parse_create_table("", {}).checks.empty());
}

TEST(ParseCreateTable, UnterminatedDdlDoesNotCrash) {
  // SQLite never stores such text; the parser must still stay inside the input.
  for (const char* ddl : {"CREATE TABLE t (a INT CHECK (a > 0", "CREATE TABLE t (", "(", ")",
                          "CREATE TABLE t (a INT CHECK (", "CREATE TABLE t (a CONSTRAINT",
                          "CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT"}) {
    const auto parsed = parse_create_table(ddl, {"a"});
    // An unterminated CHECK ( is not a constraint: nothing is made up from half an expression.
    EXPECT_TRUE(parsed.checks.empty()) << ddl;
  }
  EXPECT_EQ(parse_create_table("CREATE TABLE t (a INTEGER PRIMARY KEY AUTOINCREMENT", {"a"})
                .autoincrement_column,
            "a");
}

TEST(ReferencedColumns, CaseInsensitive) {
  EXPECT_EQ(referenced_columns("NAME <> '' AND Score >= 0", {"name", "score"}),
            (Names{"name", "score"}));
  EXPECT_EQ(referenced_columns("\"Name\" > 0", {"NAME"}), (Names{"NAME"}));
}

TEST(ReferencedColumns, SkipsFunctionNames) {
  EXPECT_EQ(referenced_columns("length(name) > 0", {"length", "name"}), (Names{"name"}));
  EXPECT_EQ(referenced_columns("abs(x) < 5", {"abs", "x"}), (Names{"x"}));
}

TEST(ReferencedColumns, KeepsOrdinalOrderAndDeduplicates) {
  EXPECT_EQ(referenced_columns("c > b AND b > a AND c > 0", {"a", "b", "c"}),
            (Names{"a", "b", "c"}));
}

TEST(ReferencedColumns, IgnoresStringsAndUnknownWords) {
  EXPECT_EQ(referenced_columns("status IN ('name', 'score')", {"name", "score", "status"}),
            (Names{"status"}));
  EXPECT_EQ(referenced_columns("1 = 1", {"a"}), Names{});
}

TEST(ReferencedColumns, QuotedIdentifiersOfEveryStyle) {
  EXPECT_EQ(referenced_columns("[a b] + `c` + \"d\"\"e\" > 0", {"a b", "c", "d\"e", "f"}),
            (Names{"a b", "c", "d\"e"}));
}

}  // namespace

TEST(ParseCreateIndex, KeyItemsWithoutDirectionAndThePredicate) {
  const auto parsed = vigil::parse_create_index(
      "CREATE UNIQUE INDEX IF NOT EXISTS \"i (x)\" ON \"t(1)\" (lower(a, ','), b COLLATE NOCASE "
      "DESC, \"c d\" ASC) WHERE (a > 0 AND f(b, c)) ;");
  ASSERT_EQ(parsed.key_items.size(), 3U);
  EXPECT_EQ(parsed.key_items[0], "lower(a, ',')");
  EXPECT_EQ(parsed.key_items[1], "b COLLATE NOCASE");
  EXPECT_EQ(parsed.key_items[2], "\"c d\"");
  EXPECT_EQ(parsed.predicate, "(a > 0 AND f(b, c))");
}

TEST(ParseCreateIndex, NoPredicateAndMalformedText) {
  const auto plain = vigil::parse_create_index("CREATE INDEX i ON t (x)");
  ASSERT_EQ(plain.key_items.size(), 1U);
  EXPECT_EQ(plain.key_items[0], "x");
  EXPECT_EQ(plain.predicate, "");
  EXPECT_TRUE(vigil::parse_create_index("CREATE INDEX i ON t (x").key_items.empty());
  EXPECT_TRUE(vigil::parse_create_index("").key_items.empty());
  EXPECT_TRUE(vigil::parse_create_index("CREATE INDEX i ON t () WHERE").predicate.empty());
}
