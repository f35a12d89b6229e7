// tests/unit/checksum_sqlite_test.cpp
//
// The checksum group end to end through the SQLite host: vigil_table_checksum (with and
// without a column list), vigil_checksums, vigil_checksum_segments and the bisection that
// docs/checksums.md describes, and the verified backups: verification, a flipped byte, a
// truncated file, a missing manifest, refusal to overwrite, a write that fails half-way (file
// size limit: the partial file is removed, the source untouched), DIRECTONLY.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "checksum/checksum.hpp"
#include "sqlite_test_db.hpp"

namespace {

namespace fs = std::filesystem;
using vigil_test::Rows;

using Conn = vigil_test::SqliteDb;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/vigil-checksum-test-XXXXXX";
    if (mkdtemp(name) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// ---- checksums ----------------------------------------------------------------------------------

TEST(ChecksumSqlite, TableChecksumIsTheSpecVector) {
  Conn c;
  c.must("CREATE TABLE t(i INTEGER, s TEXT, r REAL)");
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('t')"), "10e45c7ce2292320743df94ee4c78a2a");
  c.must("INSERT INTO t VALUES (1, 'a', 0.5), (2, NULL, NULL)");
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('t')"), "8deb99eea674167f4c3c01eefcc652cc");
  c.must("CREATE TABLE u(i INTEGER, s TEXT, r REAL); INSERT INTO u VALUES (2, NULL, NULL)");
  c.must("INSERT INTO u VALUES (1, 'a', 0.5)");  // the other order
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('u')"), "8deb99eea674167f4c3c01eefcc652cc");
  c.must("INSERT INTO u VALUES (1, 'a', 0.5)");  // a duplicate counts
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('u')"), "7aa5e859a47955eb809bc8818946d4a4");
}

TEST(ChecksumSqlite, TypeClassDecidesTheInterpretation) {
  Conn c;
  // 1, 1.0 and a true boolean are one number; a TIMESTAMP column's ISO text is a timestamp
  // whatever its spelling; JSON keys are sorted.
  c.must("CREATE TABLE a(n NUMERIC, at TIMESTAMP, doc JSON)");
  c.must("CREATE TABLE b(n REAL, at DATETIME, doc JSONB)");
  c.must(R"(INSERT INTO a VALUES (1, '2024-01-05 10:00:00.500', '{"b":1,"a":2}'))");
  c.must(R"(INSERT INTO b VALUES (1.0, '2024-01-05T11:00:00.5+01:00', '{ "a": 2.0, "b": 1 }'))");
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('a')"),
            c.value("SELECT vigil_table_checksum('b')"));
  // In a TEXT column the same text is text, and differs.
  c.must("CREATE TABLE t(n NUMERIC, at TEXT, doc JSON)");
  c.must(R"(INSERT INTO t VALUES (1, '2024-01-05 10:00:00.500', '{"b":1,"a":2}'))");
  EXPECT_NE(c.value("SELECT vigil_table_checksum('a')"),
            c.value("SELECT vigil_table_checksum('t')"));
}

TEST(ChecksumSqlite, ColumnList) {
  Conn c;
  c.must(R"(CREATE TABLE t(id INTEGER PRIMARY KEY, "Name" TEXT, "odd, one" TEXT, x REAL))");
  c.must("INSERT INTO t VALUES (1, 'a', 'b', 0.5), (2, 'c', 'd', 1.5)");
  c.must("CREATE TABLE two(id INTEGER, x REAL); INSERT INTO two SELECT id, x FROM t");
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('t', 'id, x')"),
            c.value("SELECT vigil_table_checksum('two')"));
  // Order matters: the list's order is the encoding's order.
  EXPECT_NE(c.value("SELECT vigil_table_checksum('t', 'x, id')"),
            c.value("SELECT vigil_table_checksum('two')"));
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('t', 'id,name')"),
            c.value(R"(SELECT vigil_table_checksum('t', ' id , "Name" '))"));
  EXPECT_EQ(c.value("SELECT vigil_table_checksum('t', NULL)"),
            c.value("SELECT vigil_table_checksum('t')"));
  EXPECT_NE(c.value(R"(SELECT vigil_table_checksum('t', '"odd, one"'))"), "");
  EXPECT_EQ(c.error(R"(SELECT vigil_table_checksum('t', '"name"'))"),
            R"(column "name" of table "t" does not exist)");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('t', 'id, nope')"),
            R"(column "nope" of table "t" does not exist)");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('t', 'id, ID')"),
            R"(column "id" is listed twice)");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('t', '')"), "column list: empty column name");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('t', 'id,')"), "column list: empty column name");
  EXPECT_EQ(c.error(R"(SELECT vigil_table_checksum('t', '"id'))"),
            "column list: a quoted name is not closed");
  EXPECT_EQ(c.error(R"(SELECT vigil_table_checksum('t', '"id" x'))"),
            R"(column list: expected a comma after "id")");
}

TEST(ChecksumSqlite, Errors) {
  Conn c;
  c.must("CREATE TABLE t(id INTEGER PRIMARY KEY); CREATE VIEW v AS SELECT * FROM t");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('nope')"), R"(table "nope" does not exist)");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum('v')"), R"("v" is a view, not a table)");
  EXPECT_EQ(c.error("SELECT vigil_table_checksum(NULL)"),
            R"(argument "table_name" must not be NULL)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', 0)"),
            "segments must be at least 1");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', NULL)"),
            R"(argument "segments" must not be NULL)");
  c.must("CREATE TABLE nokey(x INTEGER)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('nokey', 2)"),
            R"(table "nokey" has no primary key)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', 2, '17')"),
            "lower_key must be a JSON array of 1 value (the primary key: id)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', 2, NULL, '[1, 2]')"),
            "upper_key must be a JSON array of 1 value (the primary key: id)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', 2, '[null]')"),
            "lower_key must not contain null: a primary key has no NULL");
  EXPECT_EQ(c.error("SELECT * FROM vigil_checksum_segments('t', 2, '[1.5]')"),
            R"(lower_key: "id" is an integer column, 1.5 is not an integer)");
  // A hostile name is a name like any other.
  c.must(
      R"(CREATE TABLE "x""; DROP TABLE t;--"(a INTEGER PRIMARY KEY); INSERT INTO "x""; DROP TABLE t;--" VALUES (1))");
  EXPECT_EQ(c.value(R"(SELECT row_count FROM vigil_checksum_segments('x"; DROP TABLE t;--', 3))"),
            "1");
  EXPECT_EQ(c.value("SELECT count(*) FROM sqlite_schema WHERE name = 't'"), "1");
}

TEST(ChecksumSqlite, ChecksumsOfEveryUserTable) {
  Conn c;
  c.must("CREATE TABLE b(x INTEGER); CREATE TABLE a(y TEXT); INSERT INTO a VALUES ('q'), ('r')");
  c.must("CREATE TABLE vigil_backups(table_name TEXT)");  // vigil's own table: not listed
  c.must("CREATE TEMP TABLE tmp(z INTEGER)");
  const Rows rows = c.rows("SELECT table_name, row_count, checksum FROM vigil_checksums()");
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0][0], "a");
  EXPECT_EQ(rows[0][1], "2");
  EXPECT_EQ(rows[0][2], c.value("SELECT vigil_table_checksum('a')"));
  EXPECT_EQ(rows[1][0], "b");
  EXPECT_EQ(rows[1][1], "0");
  EXPECT_EQ(rows[1][2], "10e45c7ce2292320743df94ee4c78a2a");
}

// ---- segments
// ------------------------------------------------------------------------------------

TEST(ChecksumSqlite, SegmentsSplitByRank) {
  Conn c;
  c.must("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
  c.must(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
      "INSERT INTO t SELECT i, 'v' || i FROM n");
  // Rows 0..3, 4..6, 7..9 (floor(r * 3 / 10)); half-open ranges that cover everything.
  const Rows rows = c.rows(
      "SELECT segment, lower_key, upper_key, row_count FROM vigil_checksum_segments('t', 3)");
  const Rows expected = {
      {"1", "<null>", "[5]", "4"}, {"2", "[5]", "[8]", "3"}, {"3", "[8]", "<null>", "3"}};
  EXPECT_EQ(rows, expected);
  // A segment's checksum is the checksum of its rows; its bounds select them again.
  c.must("CREATE TABLE part AS SELECT * FROM t WHERE id BETWEEN 5 AND 7");
  const std::string part = c.value("SELECT vigil_table_checksum('part')");
  EXPECT_EQ(c.value("SELECT checksum FROM vigil_checksum_segments('t', 3) WHERE segment = 2"),
            part);
  EXPECT_EQ(c.value("SELECT checksum FROM vigil_checksum_segments('t', 1, '[5]', '[8]')"), part);
  // The lower bound is inclusive, the upper exclusive; more segments than rows gives one row
  // per segment.
  EXPECT_EQ(c.rows("SELECT lower_key, upper_key, row_count FROM "
                   "vigil_checksum_segments('t', 100, '[4]', '[7]')"),
            (Rows{{"[4]", "[5]", "1"}, {"[5]", "[6]", "1"}, {"[6]", "[7]", "1"}}));
  EXPECT_EQ(c.rows("SELECT lower_key, upper_key, row_count FROM "
                   "vigil_checksum_segments('t', 1, ' [ 9 ] ')"),
            (Rows{{"[9]", "<null>", "2"}}));
  EXPECT_EQ(c.value("SELECT row_count FROM vigil_checksum_segments('t', 5, '[0]', '[11]')"), "2");
  // An empty range is one empty segment.
  EXPECT_EQ(c.rows("SELECT segment, lower_key, upper_key, row_count, checksum FROM "
                   "vigil_checksum_segments('t', 4, '[11]')"),
            (Rows{{"1", "[11]", "<null>", "0", "10e45c7ce2292320743df94ee4c78a2a"}}));
  EXPECT_EQ(c.value("SELECT count(*) FROM vigil_checksum_segments('t', 4, '[5]', '[5]')"), "1");
}

TEST(ChecksumSqlite, SegmentsOrderTextKeysByBytes) {
  Conn c;
  c.must("CREATE TABLE t(k TEXT COLLATE NOCASE, n INTEGER, PRIMARY KEY (k, n))");
  c.must("INSERT INTO t VALUES ('b', 1), ('B', 2), ('a', 3), ('\xc3\xa9', 4), ('A', 5)");
  const Rows rows =
      c.rows("SELECT lower_key, upper_key FROM vigil_checksum_segments('t', 5) ORDER BY segment");
  const Rows expected = {{"<null>", R"(["B",2])"},
                         {R"(["B",2])", R"(["a",3])"},
                         {R"(["a",3])", R"(["b",1])"},
                         {R"(["b",1])", "[\"\xc3\xa9\",4]"},
                         {"[\"\xc3\xa9\",4]", "<null>"}};
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(
      c.value(R"(SELECT row_count FROM vigil_checksum_segments('t', 1, '["B", 0]', '["a", 9]'))"),
      "2");
}

// A table of one database, and the checksums of one key range of it.
struct Range {
  std::string lower;  // JSON, or "" for unbounded
  std::string upper;
  std::string rows;
  std::string checksum;
};

std::string sql_bound(const std::string& json) {
  return json.empty() ? "NULL" : "'" + json + "'";
}

std::string json_of(const std::string& cell) {
  return cell == "<null>" ? "" : cell;
}

std::vector<Range> split(Conn& c, const Range& r, int segments) {
  std::vector<Range> out;
  for (const auto& row : c.rows("SELECT lower_key, upper_key, row_count, checksum FROM "
                                "vigil_checksum_segments('t', " +
                                std::to_string(segments) + ", " + sql_bound(r.lower) + ", " +
                                sql_bound(r.upper) + ") ORDER BY segment")) {
    out.push_back({json_of(row[0]), json_of(row[1]), row[2], row[3]});
  }
  return out;
}

// The other side checks the splitter's ranges in one query: the ranges joined with the
// function, one segment per range.
std::vector<Range> check(Conn& c, const std::vector<Range>& ranges) {
  std::string values;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    values += (i > 0 ? ", (" : "(") + std::to_string(i) + ", " + sql_bound(ranges[i].lower) + ", " +
              sql_bound(ranges[i].upper) + ")";
  }
  std::vector<Range> out;
  for (const auto& row :
       c.rows("WITH r(n, lo, hi) AS (VALUES " + values +
              ") SELECT s.lower_key, s.upper_key, s.row_count, s.checksum "
              "FROM r, vigil_checksum_segments('t', 1, r.lo, r.hi) AS s ORDER BY r.n")) {
    out.push_back({json_of(row[0]), json_of(row[1]), row[2], row[3]});
  }
  return out;
}

// docs/checksums.md, "Finding a difference": compare a range on both sides; where it differs,
// split it on the side with more rows there, check the same ranges on the other side, and
// go into the first range that differs, until it holds at most one row on each side.
std::string bisect(Conn& a, Conn& b, int segments, int* calls) {
  Range range;
  while (true) {
    const Range ra = split(a, range, 1).front();
    const Range rb = split(b, range, 1).front();
    *calls += 1;
    if (ra.rows == rb.rows && ra.checksum == rb.checksum) return "no difference";
    if (std::stoll(ra.rows) <= 1 && std::stoll(rb.rows) <= 1) {
      Conn& side = std::stoll(ra.rows) == 1 ? a : b;
      return side.value(
          "SELECT min(id) FROM t WHERE id >= " +
          (range.lower.empty() ? "-1" : range.lower.substr(1, range.lower.size() - 2)));
    }
    const bool a_splits = std::stoll(ra.rows) >= std::stoll(rb.rows);
    const std::vector<Range> parts = split(a_splits ? a : b, range, segments);
    const std::vector<Range> others = check(a_splits ? b : a, parts);
    std::size_t i = 0;
    while (i < parts.size() && parts[i].rows == others[i].rows &&
           parts[i].checksum == others[i].checksum) {
      ++i;
    }
    if (i == parts.size()) return "inconsistent";
    range = parts[i];
  }
}

// Two databases that differ in one trailing space: the same keys, so the segment lists line up
// and differ in exactly the segment that holds the row; the bisection ends at that row.
TEST(ChecksumSqlite, BisectionFindsATrailingSpace) {
  Conn a;
  Conn b;
  for (Conn* c : {&a, &b}) {
    c->must("CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT, score REAL)");
    c->must(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
        "INSERT INTO t SELECT i, 'label ' || i, i / 10.0 FROM n");
  }
  b.must("UPDATE t SET label = label || ' ' WHERE id = 777");
  EXPECT_NE(a.value("SELECT vigil_table_checksum('t')"),
            b.value("SELECT vigil_table_checksum('t')"));
  EXPECT_EQ(a.value("SELECT vigil_table_checksum('t', 'id, score')"),
            b.value("SELECT vigil_table_checksum('t', 'id, score')"));
  const std::string list =
      "SELECT segment, lower_key, upper_key, row_count, checksum FROM vigil_checksum_segments('t', "
      "8)";
  const Rows sa = a.rows(list);
  const Rows sb = b.rows(list);
  ASSERT_EQ(sa.size(), 8U);
  ASSERT_EQ(sb.size(), 8U);
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(sa[i][1], sb[i][1]);
    EXPECT_EQ(sa[i][3], sb[i][3]);
    EXPECT_EQ(sa[i][4] == sb[i][4], i != 6) << "segment " << i + 1;  // [751, 876)
  }
  EXPECT_EQ(sa[6][1], "[751]");
  EXPECT_EQ(sa[6][2], "[876]");
  int calls = 0;
  EXPECT_EQ(bisect(a, b, 8, &calls), "777");
  EXPECT_EQ(calls, 5);  // 1000 rows, 8 per level: 125, 16, 2, 1
}

// With a row missing on one side, the two sides split differently; checking the splitter's
// ranges on the other side still finds it.
TEST(ChecksumSqlite, BisectionFindsAMissingRow) {
  for (const int missing : {3, 600, 1500}) {
    Conn a;
    Conn b;
    for (Conn* c : {&a, &b}) {
      c->must("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)");
      c->must(
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) "
          "INSERT INTO t SELECT i * 3, 'v' || i FROM n");
    }
    b.must("DELETE FROM t WHERE id = " + std::to_string(missing));
    int calls = 0;
    EXPECT_EQ(bisect(a, b, 4, &calls), std::to_string(missing));
    EXPECT_LE(calls, 6);
    // And the other way round: an extra row.
    calls = 0;
    EXPECT_EQ(bisect(b, a, 4, &calls), std::to_string(missing));
  }
}

// ---- backups
// --------------------------------------------------------------------------------------

constexpr const char* kMarker = "MARKER-0123456789-ABCDEF";

void fill(Conn& c) {
  c.must("CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT, data BLOB, at TIMESTAMP)");
  c.must(std::string("INSERT INTO t VALUES (1, '") + kMarker +
         "', x'00ff', '2024-01-05 10:00:00')");
  c.must(
      "WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
      "INSERT INTO t SELECT i, 'row ' || i, randomblob(20), NULL FROM n");
  c.must("CREATE TABLE empty(x INTEGER)");
}

std::string expected_database_checksum(Conn& c) {
  std::vector<vigil::TableChecksum> tables;
  for (const auto& r : c.rows("SELECT table_name, row_count, checksum FROM vigil_checksums()")) {
    tables.push_back({r[0], std::stoull(r[1]), r[2]});
  }
  return vigil::database_checksum(tables);
}

TEST(BackupSqlite, BackupIsVerifiedAndMatchesTheSource) {
  TempDir dir;
  Conn c(dir.file("src.db"));
  fill(c);
  const std::string path = dir.file("copy.db");
  const Rows rows = c.rows(
      "SELECT path, bytes, duration_ms >= 0, verified, checksum, reason FROM vigil_backup('" +
      path + "')");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], path);
  EXPECT_EQ(rows[0][1], std::to_string(fs::file_size(path)));
  EXPECT_EQ(rows[0][2], "1");
  EXPECT_EQ(rows[0][3], "1");
  EXPECT_EQ(rows[0][4], expected_database_checksum(c));
  EXPECT_EQ(rows[0][5], "<null>");
  // The copy stands alone and has the same content.
  EXPECT_FALSE(fs::exists(path + "-journal"));
  EXPECT_FALSE(fs::exists(path + "-wal"));
  Conn copy(path);
  EXPECT_EQ(copy.rows("SELECT * FROM vigil_checksums()"),
            c.rows("SELECT * FROM vigil_checksums()"));
  EXPECT_EQ(copy.value("SELECT count(*) FROM vigil_backups"), "2");
  EXPECT_EQ(copy.value("SELECT row_count FROM vigil_backups WHERE table_name = 't'"), "2000");
  EXPECT_EQ(copy.value("SELECT source FROM vigil_backups WHERE table_name = 't'"),
            dir.file("src.db"));
  // ... and verifies again later.
  EXPECT_EQ(c.rows("SELECT verified, checksum, reason FROM vigil_backup_verify('" + path + "')"),
            (Rows{{"1", rows[0][4], "<null>"}}));
}

TEST(BackupSqlite, RefusesToOverwrite) {
  TempDir dir;
  Conn c;
  fill(c);
  const std::string path = dir.file("copy.db");
  c.rows("SELECT * FROM vigil_backup('" + path + "')");
  const std::string before = read_file(path);
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('" + path + "')"),
            "backup file \"" + path + "\" already exists");
  EXPECT_EQ(read_file(path), before);
  // A journal beside a new name would be rolled back into the backup: refused too.
  write_file(dir.file("other.db-journal"), "stale");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('" + dir.file("other.db") + "')"),
            "backup file \"" + dir.file("other.db-journal") + "\" already exists");
  EXPECT_FALSE(fs::exists(dir.file("other.db")));
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('')"),
            "vigil_backup: path must be the name of a file");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup(':memory:')"),
            "vigil_backup: path must be the name of a file");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('file:x.db?mode=memory')"),
            "vigil_backup: path must be the name of a file");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup(NULL)"), R"(argument "path" must not be NULL)");
  EXPECT_TRUE(contains(c.error("SELECT * FROM vigil_backup('" + dir.file("no/such/dir.db") + "')"),
                       "could not create backup file"));
  // A path that cannot even be looked at is that error, not "already exists" (found by the
  // hostile-input suite: a 1 MB path was reported as an existing file).
  const std::string too_long = dir.file(std::string(300, 'a') + ".db");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('" + too_long + "')"),
            "could not create backup file \"" + too_long + "\": File name too long");
  const std::string under_file = dir.file("other.db-journal/x.db");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('" + under_file + "')"),
            "could not create backup file \"" + under_file + "\": Not a directory");
}

TEST(BackupSqlite, VerifyReportsAFlippedByte) {
  TempDir dir;
  Conn c;
  fill(c);
  const std::string path = dir.file("copy.db");
  c.rows("SELECT * FROM vigil_backup('" + path + "')");
  std::string bytes = read_file(path);
  const auto at = bytes.find(kMarker);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 7] = static_cast<char>(bytes[at + 7] ^ 0x01);  // '0' becomes '1'
  write_file(path, bytes);
  const Rows rows = c.rows("SELECT verified, reason FROM vigil_backup_verify('" + path + "')");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_TRUE(contains(rows[0][1], "table \"t\": checksum ")) << rows[0][1];
  EXPECT_TRUE(contains(rows[0][1], "differs from the manifest's")) << rows[0][1];
  EXPECT_TRUE(contains(rows[0][1], "(2000 rows in the file, 2000 in the manifest)")) << rows[0][1];
}

TEST(BackupSqlite, VerifyReportsATruncatedFile) {
  TempDir dir;
  Conn c;
  fill(c);
  const std::string path = dir.file("copy.db");
  c.rows("SELECT * FROM vigil_backup('" + path + "')");
  fs::resize_file(path, fs::file_size(path) / 2);
  const Rows rows = c.rows("SELECT verified, reason FROM vigil_backup_verify('" + path + "')");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_NE(rows[0][1], "<null>");
  EXPECT_TRUE(contains(rows[0][1], "quick_check") || contains(rows[0][1], "malformed"))
      << rows[0][1];
}

TEST(BackupSqlite, VerifyReportsAMissingManifest) {
  TempDir dir;
  Conn c;
  fill(c);
  const std::string path = dir.file("copy.db");
  c.rows("SELECT * FROM vigil_backup('" + path + "')");
  {
    Conn copy(path);
    copy.must("DROP TABLE vigil_backups");
  }
  EXPECT_EQ(
      c.rows("SELECT verified, checksum, reason FROM vigil_backup_verify('" + path + "')"),
      (Rows{{"0", "<null>",
             "no manifest: the file has no vigil_backups table (not written by vigil_backup)"}}));
  // A table added after the backup, or a row deleted, is reported too.
  {
    Conn copy(dir.file("copy2.db"));
    fill(copy);
    copy.rows("SELECT * FROM vigil_backup('" + dir.file("copy3.db") + "')");
  }
  {
    Conn copy(dir.file("copy3.db"));
    copy.must("DELETE FROM t WHERE id = 5; CREATE TABLE extra(x INTEGER)");
  }
  const std::string reason =
      c.value("SELECT reason FROM vigil_backup_verify('" + dir.file("copy3.db") + "')");
  EXPECT_TRUE(contains(reason, "table \"t\": checksum")) << reason;
  EXPECT_TRUE(contains(reason, "(1999 rows in the file, 2000 in the manifest)")) << reason;
  EXPECT_TRUE(contains(reason, "table \"extra\" is not in the manifest; table \"t\": checksum "))
      << reason;
}

TEST(BackupSqlite, VerifyOfSomethingElse) {
  TempDir dir;
  Conn c;
  write_file(dir.file("junk.db"), std::string(8192, 'x'));
  EXPECT_EQ(
      c.rows("SELECT verified, reason FROM vigil_backup_verify('" + dir.file("junk.db") + "')"),
      (Rows{{"0", "file is not a database"}}));
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup_verify('" + dir.file("none.db") + "')"),
            "backup file \"" + dir.file("none.db") + "\" does not exist or is not a file");
}

TEST(BackupSqlite, WalSourceAndUncommittedChanges) {
  TempDir dir;
  Conn c(dir.file("src.db"));
  c.must("PRAGMA journal_mode = WAL");
  fill(c);
  c.must("BEGIN; INSERT INTO empty VALUES (1)");
  EXPECT_EQ(c.error("SELECT * FROM vigil_backup('" + dir.file("a.db") + "')"),
            "vigil_backup cannot copy uncommitted changes: COMMIT or ROLLBACK first");
  EXPECT_FALSE(fs::exists(dir.file("a.db")));
  c.must("COMMIT");
  // A read transaction is fine: the backup reads in it.
  c.must("BEGIN; SELECT count(*) FROM t");
  EXPECT_EQ(c.value("SELECT verified FROM vigil_backup('" + dir.file("b.db") + "')"), "1");
  c.must("COMMIT");
  EXPECT_FALSE(fs::exists(dir.file("b.db-wal")));
  Conn copy(dir.file("b.db"));
  EXPECT_EQ(copy.value("PRAGMA journal_mode"), "delete");
  EXPECT_EQ(copy.value("SELECT row_count FROM vigil_checksums() WHERE table_name = 'empty'"), "1");
}

// A WAL database is copied as a file once a checkpoint has put every frame up to the reader's
// snapshot into it; when a writer committed after the snapshot, the WAL cannot be checkpointed
// completely and the backup API copies the snapshot.  Either way the copy holds exactly the
// snapshot: the committed rows before it, none after it.
TEST(BackupSqlite, WalCopyHoldsTheSnapshot) {
  TempDir dir;
  Conn c(dir.file("src.db"));
  c.must("PRAGMA journal_mode = WAL");
  fill(c);
  c.must("INSERT INTO empty VALUES (1), (2)");  // committed into the WAL, not yet checkpointed
  EXPECT_EQ(c.value("SELECT verified FROM vigil_backup('" + dir.file("a.db") + "')"), "1");
  {
    Conn copy(dir.file("a.db"));
    EXPECT_EQ(copy.value("SELECT count(*) FROM empty"), "2");
    EXPECT_EQ(copy.value("PRAGMA journal_mode"), "delete");
  }
  EXPECT_FALSE(fs::exists(dir.file("a.db-wal")));
  EXPECT_FALSE(fs::exists(dir.file("a.db-shm")));
  // A snapshot older than the latest commit.
  c.must("BEGIN; SELECT count(*) FROM empty");
  {
    Conn writer(dir.file("src.db"));
    writer.must("INSERT INTO empty VALUES (3)");
  }
  EXPECT_EQ(c.value("SELECT verified FROM vigil_backup('" + dir.file("b.db") + "')"), "1");
  c.must("COMMIT");
  {
    Conn copy(dir.file("b.db"));
    EXPECT_EQ(copy.value("SELECT group_concat(x) FROM (SELECT x FROM empty ORDER BY x)"), "1,2");
  }
  EXPECT_EQ(c.value("SELECT count(*) FROM empty"), "3");
  EXPECT_EQ(c.value("SELECT verified FROM vigil_backup('" + dir.file("c.db") + "')"), "1");
  Conn copy(dir.file("c.db"));
  EXPECT_EQ(copy.value("SELECT count(*) FROM empty"), "3");
}

TEST(BackupSqlite, DirectOnly) {
  TempDir dir;
  Conn c;
  fill(c);
  c.must("CREATE VIEW sneaky AS SELECT * FROM vigil_backup('" + dir.file("x.db") + "')");
  EXPECT_TRUE(contains(c.error("SELECT * FROM sneaky"), "unsafe use of"))
      << c.error("SELECT * FROM sneaky");
  c.must("CREATE VIEW peek AS SELECT * FROM vigil_backup_verify('/etc/passwd')");
  EXPECT_TRUE(contains(c.error("SELECT * FROM peek"), "unsafe use of"));
  EXPECT_FALSE(fs::exists(dir.file("x.db")));
  // Read-only checksums may be used from views.
  c.must("CREATE VIEW sums AS SELECT * FROM vigil_checksums()");
  EXPECT_EQ(c.value("SELECT count(*) FROM sums"), "2");
}

// A write that fails half-way (here the process's file size limit, as a full disk would): the
// error is raised, the partial file is removed, the source is untouched.  A rollback-journal
// database and a checkpointed WAL are copied as a file, a WAL that a reader keeps from being
// checkpointed with the backup API ("wal-pinned"): all are tried.
TEST(BackupSqlite, FailedWriteRemovesThePartialFile) {
  for (const std::string variant : {"delete", "wal", "wal-pinned"}) {
    const std::string mode = variant == "delete" ? "delete" : "wal";
    TempDir dir;
    const std::string src = dir.file("src.db");
    const std::string path = dir.file("copy.db");
    std::string before;
    {
      Conn c(src);
      c.must("PRAGMA journal_mode = " + mode);
      fill(c);
      c.must("CREATE TABLE big(b BLOB); INSERT INTO big SELECT randomblob(1000000)");
      before = c.value("SELECT group_concat(checksum) FROM vigil_checksums()");
    }
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      signal(SIGXFSZ, SIG_IGN);  // writes past the limit fail with EFBIG instead
      const rlimit limit{256 * 1024, 256 * 1024};
      setrlimit(RLIMIT_FSIZE, &limit);
      int status = 0;
      try {
        // wal-pinned: a reader's snapshot, then a commit (that changes no checksum) after it.
        std::optional<Conn> reader;
        if (variant == "wal-pinned") {
          reader.emplace(src);
          reader->must("BEGIN; SELECT count(*) FROM t");
          Conn writer(src);
          writer.must("PRAGMA user_version = 7");
        }
        Conn c(src);
        const std::string err = c.error("SELECT * FROM vigil_backup('" + path + "')");
        if (!contains(err, "vigil_backup: could not write \"" + path + "\": ")) status |= 1;
        if (!contains(err, "; the partial file was removed")) status |= 2;
        // The file copy's own error, or the backup API's.
        if (contains(err, "could not copy the database file") != (variant != "wal-pinned")) {
          status |= 16;
        }
        if (fs::exists(path) || fs::exists(path + "-journal")) status |= 4;
        std::fprintf(stderr, "%s: child saw: %s\n", variant.c_str(), err.c_str());
      } catch (...) {
        status |= 8;
      }
      _exit(status);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << variant;
    EXPECT_FALSE(fs::exists(path));
    Conn c(src);
    EXPECT_EQ(c.value("SELECT group_concat(checksum) FROM vigil_checksums()"), before);
    EXPECT_EQ(c.value("PRAGMA quick_check"), "ok");
    // Without the limit the same backup succeeds.
    EXPECT_EQ(c.value("SELECT verified FROM vigil_backup('" + path + "')"), "1") << variant;
  }
}

}  // namespace
