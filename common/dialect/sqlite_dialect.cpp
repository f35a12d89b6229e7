// common/dialect/sqlite_dialect.cpp
#include "dialect/sqlite_dialect.hpp"

#include <fmt/format.h>

#include "dialect/sqlite_format.hpp"
#include "schema/create_table_parser.hpp"
#include "sql/lexer.hpp"
#include "vigil/functions.hpp"
#include "vigil/session.hpp"

namespace vigil {

const SqliteDialect& sqlite_dialect() {
  static const SqliteDialect dialect;
  return dialect;
}

std::string SqliteDialect::param(int n) const {
  return "?" + std::to_string(n);
}

// Tables of the main database; sqlite_* and vigil's own tables (kOwnTables, and vigil_meta) are
// not user tables.
std::string SqliteDialect::list_tables_sql() const {
  std::string own = std::string("'") + kSqliteMetaTable + "'";
  for (const char* name : kOwnTables) own += std::string(", '") + name + "'";
  return R"sql(
SELECT schema, name, 'table', wr, strict
FROM pragma_table_list
WHERE schema = 'main' AND type = 'table'
  AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN ()sql" +
         own + R"sql()
ORDER BY name)sql";
}

namespace {

// Relations named ?2 ignoring ASCII case (SQLite's own rule for names), in the schema ?1 or
// any: a table, view or virtual table first, then the exact spelling, then SQLite's own
// resolution order for an unqualified name (temp, main, then attached databases).
constexpr const char* kFindAnyCase = R"sql(
SELECT schema, name, kind, wr, strict FROM (
  SELECT schema, name,
         CASE type WHEN 'virtual' THEN 'virtual table' WHEN 'shadow' THEN 'shadow table'
                   ELSE type END AS kind,
         wr, strict
  FROM pragma_table_list(?2)
  WHERE (?1 IS NULL OR schema = ?1 COLLATE NOCASE) AND name = ?2 COLLATE NOCASE
  UNION ALL
  SELECT 'main', name, type, 0, 0 FROM main.sqlite_schema
  WHERE (?1 IS NULL OR ?1 = 'main' COLLATE NOCASE) AND type IN ('index', 'trigger')
    AND name = ?2 COLLATE NOCASE)
ORDER BY kind IN ('index', 'trigger'), name = ?2 DESC, schema = ?1 DESC, schema = 'temp' DESC,
         schema = 'main' DESC)sql";

}  // namespace

std::string SqliteDialect::find_table_sql() const {
  return std::string(kFindAnyCase) + "\nLIMIT 1";
}

std::string SqliteDialect::find_table_any_case_sql() const {
  return kFindAnyCase;
}

// find_table_sql() without the scan of sqlite_schema for an index or trigger of that name
// (which would make finding a table cost as much as there are tables).  At most one row: schema
// names, and table and view names within a schema, are unique ignoring case (no ORDER BY, no
// LIMIT: this runs after every migration step, and SQLite prepares it anew after each).
std::string SqliteDialect::table_at_sql() const {
  return R"sql(
SELECT schema, name,
       CASE type WHEN 'virtual' THEN 'virtual table' WHEN 'shadow' THEN 'shadow table'
                 ELSE type END,
       wr, strict
FROM pragma_table_list(?2)
WHERE schema = ?1 COLLATE NOCASE AND name = ?2 COLLATE NOCASE)sql";
}

std::string SqliteDialect::columns_sql() const {
  return R"sql(
SELECT name, type, type, "notnull", dflt_value, pk, hidden IN (2, 3), 0, NULL
FROM pragma_table_xinfo(?2, ?1)
WHERE hidden <> 1
ORDER BY cid)sql";
}

std::string SqliteDialect::foreign_keys_sql() const {
  return R"sql(
SELECT id, seq, '', ?1, "table", "from", "to", on_update, on_delete, "match", 1, '='
FROM pragma_foreign_key_list(?2, ?1)
ORDER BY id, seq)sql";
}

// The CREATE INDEX text (column 7) is read by complete_table(), once per index rather than once
// per index column, and not compiled into this query (SQLite prepares it anew after every
// migration step).
std::string SqliteDialect::indexes_sql() const {
  return R"sql(
SELECT il.name, il."unique", il.origin, il.partial, 1, ii.seqno, ii.name, NULL, NULL, NULL, 0
FROM pragma_index_list(?2, ?1) AS il, pragma_index_info(il.name, ?1) AS ii
ORDER BY il.name, ii.seqno)sql";
}

// SQLite keeps CHECK constraints and AUTOINCREMENT only in the CREATE TABLE text.  sqlite_schema
// has no index on name: read from its end, where a table (or index) created lately is found at
// once -- after every step of a run of migrations that create tables (the same row either way:
// names are unique).
void SqliteDialect::complete_table(Session& session, Table& table, bool /*may_have_checks*/) const {
  const std::string sql = "SELECT sql FROM " + quote_identifier(table.ref.schema) +
                          ".sqlite_schema WHERE type = 'table' AND name = ?1 "
                          "ORDER BY rowid DESC LIMIT 1";
  table.create_sql = session.scalar(sql, {Value::text(table.ref.name)}).to_text();
  std::vector<std::string> names;
  names.reserve(table.columns.size());
  for (const auto& c : table.columns) names.push_back(c.name);
  ParsedCreateTable parsed = parse_create_table(table.create_sql, names);
  table.checks = std::move(parsed.checks);
  // The text of an index made by CREATE INDEX, in the main database (an index a PRIMARY KEY or
  // UNIQUE constraint made has none).
  if (table.ref.schema == "main") {
    for (auto& index : table.indexes) {
      if (index.origin != IndexOrigin::kCreateIndex) continue;
      index.definition = session
                             .scalar(
                                 "SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND "
                                 "name = ?1 ORDER BY rowid DESC LIMIT 1",
                                 {Value::text(index.name)})
                             .to_text();
    }
  }
  // Key expressions, COLLATE clauses and WHERE clauses of indexes are only in their text.
  for (auto& index : table.indexes) {
    if (index.definition.empty()) continue;
    ParsedCreateIndex parsed_index = parse_create_index(index.definition);
    index.predicate = std::move(parsed_index.predicate);
    if (parsed_index.key_items.size() != index.columns.size()) continue;
    for (std::size_t i = 0; i < index.columns.size(); ++i) {
      const std::string& item = parsed_index.key_items[i];
      const bool plain = !index.columns[i].empty() &&
                         (item == index.columns[i] || item == quote_identifier(index.columns[i]));
      if (!plain) index.expressions[i] = item;
    }
  }
  if (!parsed.autoincrement_column.empty()) {
    for (auto& c : table.columns) {
      if (c.name == parsed.autoincrement_column ||
          (table.primary_key.size() == 1 && c.name == table.primary_key[0])) {
        c.identity = true;
        c.sequence = "sqlite_sequence";
        break;
      }
    }
  }
}

// dbstat in aggregate mode: pgsize sums bytes, pageno counts pages.  The primary key's index
// of a rowid table is not counted as an index (PostgreSQL's is excluded too).
std::string SqliteDialect::table_stats_sql() const {
  return R"sql(
SELECT (SELECT sum(pgsize) FROM dbstat(?1, 1)
        WHERE name = ?2 OR name IN (SELECT name FROM pragma_index_list(?2, ?1))),
       (SELECT count(*) FROM pragma_index_list(?2, ?1) WHERE origin <> 'pk'),
       NULL,
       NULL,
       (SELECT sum(pageno) FROM dbstat(?1, 1)
        WHERE name = ?2 OR name IN (SELECT name FROM pragma_index_list(?2, ?1))),
       NULL, NULL, NULL, NULL, NULL, NULL,
       (SELECT sum(unused) FROM dbstat(?1, 1)
        WHERE name = ?2 OR name IN (SELECT name FROM pragma_index_list(?2, ?1))))sql";
}

namespace {

const char* sqlite_type(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      return "INTEGER";
    case ValueKind::kReal:
      return "REAL";
    case ValueKind::kBlob:
      return "BLOB";
    default:  // text, numeric text, ISO-8601 timestamps, JSON text
      return "TEXT";
  }
}

}  // namespace

std::string SqliteDialect::own_table(Session& session, const OwnTable& table, bool create) const {
  std::string qualified = "\"main\"." + quote_identifier(table.name);
  // Refuses tables a newer vigil laid out; upgrades an older layout (sqlite_format.hpp).
  ensure_sqlite_format(session, create);
  if (!create) {
    const Value found =
        session.scalar("SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1",
                       {Value::text(table.name)});
    return found.is_null() ? std::string() : qualified;
  }
  std::string ddl = "CREATE TABLE IF NOT EXISTS " + qualified + " (";
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const OwnColumn& c = table.columns[i];
    ddl += (i > 0 ? ", " : "") + quote_identifier(c.name) + " " + sqlite_type(c.type);
    if (!c.constraints.empty()) ddl += " " + c.constraints;
  }
  for (const auto& constraint : table.table_constraints) ddl += ", " + constraint;
  ddl += ")";
  session.exec(ddl);
  return qualified;
}

// --- integrity checks -------------------------------------------------------------------------

std::string SqliteDialect::table_source(const TableRef& table, const std::string&) const {
  return qualified(table);
}

std::string SqliteDialect::unindexed_source(const TableRef& table, const std::string&) const {
  return qualified(table) + " NOT INDEXED";
}

// The rowid, under the first of its three names that no column of the table hides.
std::vector<Dialect::LocatorColumn> SqliteDialect::row_locator(const Table& table) const {
  if (table.without_rowid) return {};
  for (const char* name : {"rowid", "_rowid_", "oid"}) {
    bool hidden = false;
    for (const auto& c : table.columns) {
      if (sql::ascii_lower(c.name) == name) hidden = true;
    }
    if (!hidden) return {{"rowid", name}};
  }
  return {};
}

// SQLite (3.40) runs NOT EXISTS as a correlated subquery, once per row, several times slower
// than the LEFT JOIN it plans as a nested loop over the parent's key; both mean the same.
Dialect::AntiJoin SqliteDialect::anti_join(const std::string& child_from,
                                           const std::string& parent_from, const std::string& join,
                                           const std::string& parent_column) const {
  return {fmt::format("{} LEFT JOIN {} AS p ON {}", child_from, parent_from, join),
          fmt::format("p.{} IS NULL", parent_column)};
}

namespace {

// Whether a column declared `declared_type` has TEXT affinity
// (https://sqlite.org/datatype3.html#determination_of_column_affinity: "INT" comes first).
bool text_affinity(const std::string& declared_type) {
  const std::string type = sql::ascii_lower(declared_type);
  if (type.find("int") != std::string::npos) return false;
  return type.find("char") != std::string::npos || type.find("clob") != std::string::npos ||
         type.find("text") != std::string::npos;
}

}  // namespace

// The anti-join probes the parent once per child row: with 1M children of 10k parents, most of
// the time of PRAGMA foreign_key_check too.  Where an index of the child leads with its single
// key column, the child's distinct values come from that index in order (no sort, no temporary
// b-tree), the parent is probed once per distinct value, and the index finds the child rows of
// the values that have no parent (~0.6x the instructions of the pragma, bench/RESULTS.md).  The
// rows are the same because two child values that DISTINCT takes for one are the same value to
// the join as well: they are equal under the BINARY collation (the form is not used when the
// child's CREATE TABLE has a COLLATE anywhere) and no TEXT affinity turns equal numbers (2 and
// 2.0) into different texts (the form is not used for a TEXT parent column and a non-TEXT child
// column).  Elsewhere (no such index, composite keys, ...) the plain anti-join.  The query
// streams: no IN list or temporary table is built.
Dialect::AntiJoin SqliteDialect::orphan_join(Session& session, const Table& child,
                                             const ForeignKey& fk, const std::string& child_from,
                                             const std::string& parent_from,
                                             const std::string& join) const {
  const std::string parent_column = quote_identifier(fk.parent_columns[0]);
  AntiJoin plain = anti_join(child_from, parent_from, join, parent_column);
  if (fk.columns.size() != 1 || fk.match == "FULL" ||
      (!fk.operators.empty() && fk.operators[0] != "=")) {
    return plain;
  }
  const std::string& column = fk.columns[0];
  if (sql::ascii_lower(child.create_sql).find("collate") != std::string::npos) return plain;
  // A plain, complete index on the column, whose COLLATE (if any) is known: from its CREATE
  // INDEX text (complete_table reads it in the main database only), or, for the indexes of
  // PRIMARY KEY and UNIQUE, from the CREATE TABLE text checked above.
  bool leads_index = false;
  for (const auto& index : child.indexes) {
    const bool known = index.origin != IndexOrigin::kCreateIndex || !index.definition.empty();
    leads_index = leads_index || (known && !index.partial && !index.columns.empty() &&
                                  (index.expressions.empty() || index.expressions[0].empty()) &&
                                  sql::ascii_lower(index.columns[0]) == sql::ascii_lower(column));
  }
  const Column* child_column = nullptr;
  for (const auto& c : child.columns) {
    if (sql::ascii_lower(c.name) == sql::ascii_lower(column)) child_column = &c;
  }
  if (!leads_index || child_column == nullptr) return plain;
  auto parent = session.catalog_query(
      "SELECT type FROM pragma_table_xinfo(?2, ?1) WHERE name = ?3 COLLATE NOCASE",
      {Value::text(fk.parent.schema), Value::text(fk.parent.name),
       Value::text(fk.parent_columns[0])});
  if (!parent->next()) return plain;
  if (text_affinity(parent->get(0).to_text()) && !text_affinity(child_column->declared_type)) {
    return plain;
  }
  const std::string c = "c." + quote_identifier(column);
  const std::string name = quote_identifier(column);
  const std::string orphan_keys = fmt::format(
      "SELECT {c} AS {name} FROM (SELECT DISTINCT {c} AS {name} FROM {child} WHERE {c} IS NOT "
      "NULL) AS c LEFT JOIN {parent} AS p ON {join} WHERE p.{pc} IS NULL",
      fmt::arg("c", c), fmt::arg("name", name), fmt::arg("child", child_from),
      fmt::arg("parent", parent_from), fmt::arg("join", join), fmt::arg("pc", parent_column));
  return {fmt::format("({}) AS k CROSS JOIN {}", orphan_keys, child_from),
          fmt::format("{} = k.{}", c, name)};
}

// Only an INTEGER PRIMARY KEY (the rowid itself) or the key of a WITHOUT ROWID table refuses
// NULL; any other primary key of a rowid table accepts it
// (https://sqlite.org/lang_createtable.html).
bool SqliteDialect::primary_key_may_be_null(const Table& table) const {
  if (table.without_rowid || table.primary_key.empty()) return false;
  if (table.primary_key.size() == 1) {
    const Column* column = table.find_column(table.primary_key[0]);
    if (column != nullptr && sql::ascii_lower(column->declared_type) == "integer") return false;
  }
  return true;
}

// STRICT tables hold only values of the declared type; other tables hold any storage class.
std::string SqliteDialect::storage_class_sql(const Table& table,
                                             const std::string& quoted_column) const {
  if (table.strict) return {};
  return "typeof(" + quoted_column + ")";
}

// AUTOINCREMENT takes the largest rowid recorded in sqlite_sequence, plus one.
std::string SqliteDialect::sequence_state_sql(const TableRef& table) const {
  return "SELECT coalesce((SELECT seq FROM " + quote_identifier(table.schema) +
         ".sqlite_sequence WHERE name = ?2), 0) + 1, 1";
}

// PRAGMA quick_check (integrity_check when full) of one table, or of the whole database, where
// the problems of a table's b-tree or indexes are attributed to it by the name the message
// ends with.  NOT NULL, CHECK and UNIQUE failures are left to not_null, check_constraint and
// unique_duplicate.
Dialect::PhysicalPlan SqliteDialect::physical_plan(Session&, const std::vector<TableRef>& tables,
                                                   bool full) const {
  const std::string pragma = full ? "integrity_check" : "quick_check";
  const std::string reported_elsewhere = "q." + pragma + " <> 'ok' AND q." + pragma +
                                         " NOT LIKE 'NULL value in %' AND q." + pragma +
                                         " NOT LIKE 'CHECK constraint failed in %' AND q." +
                                         pragma + " NOT LIKE 'non-unique entry in index %'";
  // "row 5 missing from index i": the row is known.
  const std::string rowid = "CASE WHEN q." + pragma + " LIKE 'row % missing from index %' THEN " +
                            "CAST(substr(q." + pragma + ", 5) AS INTEGER) END";
  PhysicalPlan plan;
  if (tables.empty()) {
    PhysicalStep step;
    step.sql =
        "SELECT 'main', (SELECT s.tbl_name FROM main.sqlite_schema AS s WHERE s.type = "
        "'index' AND substr(q." +
        pragma + ", -(length(s.name) + 7)) = ' index ' || s.name), " + rowid + ", q." + pragma +
        " FROM main.pragma_" + pragma + " AS q WHERE " + reported_elsewhere;
    step.locator_name = "rowid";
    plan.steps.push_back(std::move(step));
    return plan;
  }
  for (const auto& table : tables) {
    PhysicalStep step;
    step.table = table;
    step.sql = fmt::format("SELECT NULL, NULL, {0}, q.{1} FROM pragma_{1}(?1, ?2) AS q WHERE {2}",
                           rowid, pragma, reported_elsewhere);
    step.params = {Value::text(table.name), Value::text(table.schema)};
    step.locator_name = "rowid";
    plan.steps.push_back(std::move(step));
  }
  return plan;
}

// Key columns compare with BINARY whatever collation they were declared with; values are bound
// as they are (SQLite applies the column's affinity to the comparison).
std::string SqliteDialect::byte_ordered(const Column&, const std::string& quoted) const {
  return quoted + " COLLATE BINARY";
}

std::string SqliteDialect::typed_param(int n, const Column&) const {
  return param(n);
}

// SQLite orders its stored forms: numbers (integers and reals by value) < text (BINARY) <
// blobs.  That is the canonical order of a key column except where a text value has a
// canonical form of another kind or spelling: a timestamp or date ('2024-01-05T10:00:00' is
// 2024-01-05 10:00:00, '...+02:00' is shifted to UTC), a number stored as text ('true' in a
// boolean column, a decimal too long for a REAL), JSON.  Such columns are ordered by
// vigil_sort_key() (a scan and a sort); the others by the column itself (the index).
// A numeric column is checked for text values: an index seek on its first key column.
Dialect::KeyOrder SqliteDialect::key_order(Session& session, const Table& table,
                                           const Column& column) const {
  const std::string quoted = quote_identifier(column.name);
  const std::string natural = quoted + " COLLATE BINARY";
  switch (column.type_class) {
    case TypeClass::kText:
    case TypeClass::kBlob:
    case TypeClass::kOther:
      return {natural, false, {}};
    case TypeClass::kInteger:
    case TypeClass::kReal:
    case TypeClass::kNumeric:
    case TypeClass::kBoolean: {
      const Value text =
          session.scalar("SELECT 1 FROM " + qualified(table.ref) + " WHERE " + quoted +
                         " >= '' AND typeof(" + quoted + ") = 'text' LIMIT 1");
      if (text.is_null()) return {natural, false, {}};
      break;
    }
    default:
      break;
  }
  return {
      fmt::format("vigil_sort_key({}, {})", static_cast<int>(column.type_class), quoted), true, {}};
}

std::string SqliteDialect::file_backup_unavailable() const {
  return {};
}

std::string SqliteDialect::quick_check_sql() const {
  return "PRAGMA main.quick_check";
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
