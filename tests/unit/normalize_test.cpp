// tests/unit/normalize_test.cpp
//
// The query normaliser (common/stats/normalize.cpp): a table of inputs and the exact text they
// normalise to, covering every literal form of both engines, IN / ARRAY / VALUES folding,
// comments, whitespace and case; then fingerprint properties.
#include "stats/normalize.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

struct Case {
  const char* input;
  const char* expected;
};

const std::vector<Case> kCases = {
    // literals of every form become ?
    {"SELECT 1", "select ?"},
    {"SELECT 'abc'", "select ?"},
    {"SELECT 'it''s'", "select ?"},
    {"SELECT ''", "select ?"},
    {"SELECT E'a\\'b'", "select ?"},
    {"SELECT e'\\n'", "select ?"},
    {"SELECT U&'d\\0061t\\+000061'", "select ?"},
    {"SELECT X'0aFF'", "select ?"},
    {"SELECT x'00'", "select ?"},
    {"SELECT B'1010'", "select ?"},
    {"SELECT N'national'", "select ?"},
    {"SELECT $$dollar ' quoted$$", "select ?"},
    {"SELECT $tag$ a $$ b $tag$", "select ?"},
    {"SELECT 3.14, .5, 1e10, 2.5E-3, 0x1F, 1_000", "select ?, ?, ?, ?, ?, ?"},
    {"SELECT TRUE, false", "select ?, ?"},
    {"SELECT NULL", "select null"},
    {"SELECT * FROM t WHERE a IS NULL", "select * from t where a is null"},
    // parameters of every engine
    {"SELECT * FROM t WHERE id = $1", "select * from t where id = ?"},
    {"SELECT * FROM t WHERE id = ?", "select * from t where id = ?"},
    {"SELECT * FROM t WHERE id = ?12", "select * from t where id = ?"},
    {"SELECT * FROM t WHERE id = :id", "select * from t where id = ?"},
    {"SELECT * FROM t WHERE id = @id", "select * from t where id = ?"},
    {"SELECT $1::int", "select ?::int"},
    {"SELECT a::text FROM t", "select a::text from t"},
    // signs fold into the number; binary minus stays
    {"SELECT * FROM t WHERE a = -5", "select * from t where a = ?"},
    {"SELECT * FROM t WHERE a = - 5", "select * from t where a = ?"},
    {"SELECT -1", "select ?"},
    {"SELECT a - 1 FROM t", "select a - ? from t"},
    {"SELECT a-1 FROM t", "select a - ? from t"},
    {"SELECT (a)-1 FROM t", "select (a) - ? from t"},
    {"SELECT 5 - -3", "select ? - ?"},
    {"SELECT * FROM t LIMIT -1 OFFSET +2", "select * from t limit ? offset ?"},
    {"SELECT f(-1, +2)", "select f(?, ?)"},
    // IN lists of any length give one form
    {"SELECT * FROM t WHERE id IN (1)", "select * from t where id in (...)"},
    {"SELECT * FROM t WHERE id IN (1, 2, 3)", "select * from t where id in (...)"},
    {"SELECT * FROM t WHERE id in (1,2,3,4,5,6,7,8,9,10)", "select * from t where id in (...)"},
    {"SELECT * FROM t WHERE id NOT IN ('a', 'b')", "select * from t where id not in (...)"},
    {"SELECT * FROM t WHERE id IN ($1, $2)", "select * from t where id in (...)"},
    {"SELECT * FROM t WHERE id IN (?, ?, ?)", "select * from t where id in (...)"},
    {"SELECT * FROM t WHERE (a, b) IN ((1, 2), (3, 4))",
     "select * from t where (a, b) in ((?, ?), (?, ?))"},
    {"SELECT * FROM t WHERE id IN (SELECT x FROM u WHERE y = 1)",
     "select * from t where id in (select x from u where y = ?)"},
    {"SELECT * FROM t WHERE id IN (1, a)", "select * from t where id in (?, a)"},
    {"SELECT * FROM t WHERE a IN (1, 2) AND b IN (3)",
     "select * from t where a in (...) and b in (...)"},
    {"SELECT * FROM t WHERE id = ANY(ARRAY[1, 2, 3])",
     "select * from t where id = any (array[...])"},
    {"SELECT * FROM t WHERE id = ANY($1)", "select * from t where id = any (?)"},
    // VALUES: repeated identical rows are kept once
    {"INSERT INTO t (a, b) VALUES (1, 'x')", "insert into t (a, b) values (?, ?)"},
    {"INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')",
     "insert into t (a, b) values (?, ?)"},
    {"INSERT INTO t VALUES (1, NULL), (2, 3)", "insert into t values (?, null), (?, ?)"},
    {"INSERT INTO t VALUES (1, NULL), (2, NULL)", "insert into t values (?, null)"},
    {"VALUES (1), (2)", "values (?)"},
    {"INSERT INTO t VALUES ($1, $2) RETURNING id", "insert into t values (?, ?) returning id"},
    // keyword and identifier case, quoted identifiers
    {"select A, b FROM Users", "select a, b from users"},
    {"SELECT \"videos\".\"id\" FROM \"videos\"", "select videos.id from videos"},
    {"SELECT `id` FROM [videos]", "select id from videos"},
    {"SELECT \"Mixed Case\" FROM \"T\"", "select \"Mixed Case\" from \"T\""},
    {"SELECT [My Table].x FROM [My Table]", "select \"My Table\".x from \"My Table\""},
    {"SELECT \"a\"\"b\" FROM t", "select \"a\"\"b\" from t"},
    {"SELECT U&\"d\\0061t\" FROM t", "select \"d\\0061t\" from t"},
    // a quoted name that spells a keyword keeps its quotes, so that the text normalises to
    // itself (fuzz_normalize: `true` lost its quotes, then became ? on a second pass)
    {"SELECT `true`, \"in\" (1), [select] FROM \"values\"",
     "select \"true\", \"in\"(?), \"select\" from \"values\""},
    // operator characters side by side keep a space: `: ::` is not `:::` (fuzz_normalize)
    {"SELECT a : ::int FROM t", "select a : ::int from t"},
    // whitespace and comments
    {"  SELECT\n\t*\n  FROM   t  ", "select * from t"},
    {"SELECT /* a comment */ * FROM t -- trailing\n", "select * from t"},
    {"SELECT /* nested /* inner */ still */ 1", "select ?"},
    {"SELECT count( * ) FROM t", "select count(*) from t"},
    {"SELECT count (*) FROM t", "select count(*) from t"},
    {"SELECT t.* FROM t", "select t.* from t"},
    {"SELECT a [1] FROM t", "select a \"1\" from t"},
    {"SELECT a[1], f(x)[2] FROM t", "select a[?], f(x)[?] from t"},
    {"SELECT 1;", "select ?"},
    {"SELECT 1;;  ", "select ?"},
    {"SELECT 1; SELECT 'x'", "select ?; select ?"},
    {"", ""},
    {"   -- only a comment", ""},
    // operators are kept and spaced
    {"SELECT a||'x', b->>'k', c @> '{}' FROM t", "select a || ?, b ->> ?, c @> ? from t"},
    {"SELECT * FROM t WHERE a<>1 AND b>=2", "select * from t where a <> ? and b >= ?"},
    {"UPDATE t SET a = a + 1 WHERE id = 7", "update t set a = a + ? where id = ?"},
    {"DELETE FROM t WHERE created < '2024-01-01'", "delete from t where created < ?"},
    {"SELECT CASE WHEN a > 0 THEN 'pos' ELSE 'neg' END FROM t",
     "select case when a > ? then ? else ? end from t"},
    {"SELECT interval '1 day', date '2024-01-01'", "select interval ?, date ?"},
    // pgbench's statements
    {"SELECT abalance FROM pgbench_accounts WHERE aid = $1;",
     "select abalance from pgbench_accounts where aid = ?"},
    {"UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;",
     "update pgbench_accounts set abalance = abalance + ? where aid = ?"},
    {"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, "
     "CURRENT_TIMESTAMP);",
     "insert into pgbench_history (tid, bid, aid, delta, mtime) values (?, ?, ?, ?, "
     "current_timestamp)"},
    // PostgreSQL's PREPARE ... AS: the prepared statement is what runs
    {"PREPARE q(int, text) AS SELECT * FROM t WHERE a = $1 AND b = $2",
     "select * from t where a = ? and b = ?"},
    {"prepare q as select 1", "select ?"},
    {"PREPARE", "prepare"},
    // the statement is lexed on its own: `[` starts a quoted name there, not a subscript
    // (fuzz_normalize: "[+, ?]" normalised to "\"+, ?\"" the second time)
    {"PREPARE q  AS[+,4];", "\"+,4\""},
    {"DECLARE c1 BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT a FROM t WHERE b = 1",
     "select a from t where b = ?"},
    {"DECLARE x CURSOR", "declare x cursor"},
    // unterminated forms run to the end and still normalise
    {"SELECT 'unterminated", "select ?"},
    {"SELECT * FROM t WHERE a IN (1, 2", "select * from t where a in (?, ?"},
    {"SELECT 1)", "select ?)"},
};

TEST(Normalize, Table) {
  for (const Case& c : kCases) {
    EXPECT_EQ(vigil::normalize_sql(c.input), c.expected) << "input: " << c.input;
  }
}

TEST(Normalize, Idempotent) {
  for (const Case& c : kCases) {
    const std::string once = vigil::normalize_sql(c.input);
    EXPECT_EQ(vigil::normalize_sql(once), once) << "input: " << c.input;
  }
}

TEST(Normalize, SameQueryGivesSameFingerprintWhateverTheSpelling) {
  const std::vector<std::string> spellings = {
      "SELECT name FROM videos WHERE id = 42",
      "select name from videos where id = $1",
      "SELECT name\n  FROM \"videos\"\n WHERE id = ?",
      "select NAME from VIDEOS where ID = :id -- by key",
      "SELECT name FROM [videos] WHERE id = ?1;",
      "SELECT `name` FROM videos WHERE id=-1",
  };
  const auto first = vigil::normalize_query(spellings[0]);
  EXPECT_EQ(first.text, "select name from videos where id = ?");
  for (const auto& s : spellings) {
    const auto q = vigil::normalize_query(s);
    EXPECT_EQ(q.text, first.text) << s;
    EXPECT_EQ(q.fingerprint, first.fingerprint) << s;
  }
}

TEST(Normalize, DifferentQueriesGiveDifferentFingerprints) {
  const std::vector<std::string> queries = {
      "SELECT a FROM t WHERE id = 1",
      "SELECT b FROM t WHERE id = 1",
      "SELECT a FROM u WHERE id = 1",
      "SELECT a FROM t WHERE id > 1",
      "SELECT a FROM t WHERE id IS NULL",
      "SELECT a FROM \"T\" WHERE id = 1",
      "SELECT a FROM t",
      "SELECT a FROM t WHERE id IN (SELECT 1)",
  };
  for (std::size_t i = 0; i < queries.size(); ++i) {
    for (std::size_t j = i + 1; j < queries.size(); ++j) {
      EXPECT_NE(vigil::normalize_query(queries[i]).fingerprint,
                vigil::normalize_query(queries[j]).fingerprint)
          << queries[i] << " vs " << queries[j];
    }
  }
}

TEST(Normalize, FingerprintIsXxh3OfTheTextAsHex) {
  const auto q = vigil::normalize_query("SELECT 1");
  EXPECT_EQ(q.text, "select ?");
  // XXH3-64 of "select ?" (the same value any XXH3 implementation gives).
  EXPECT_EQ(vigil::fingerprint_hex(q.fingerprint).size(), 16u);
  EXPECT_EQ(vigil::fingerprint_hex(0x0123456789abcdefULL), "0123456789abcdef");
  EXPECT_EQ(vigil::fingerprint_hex(0), "0000000000000000");
}

TEST(Normalize, LongInListsStayShort) {
  std::string sql = "SELECT * FROM t WHERE id IN (";
  for (int i = 0; i < 5000; ++i) sql += (i ? ", " : "") + std::to_string(i);
  sql += ")";
  EXPECT_EQ(vigil::normalize_sql(sql), "select * from t where id in (...)");
  std::string values = "INSERT INTO t VALUES ";
  for (int i = 0; i < 2000; ++i)
    values += (i ? ", " : "") + std::string("(") + std::to_string(i) + ", 'x')";
  EXPECT_EQ(vigil::normalize_sql(values), "insert into t values (?, ?)");
}

}  // namespace
