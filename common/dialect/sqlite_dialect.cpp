// common/dialect/sqlite_dialect.cpp
#include "dialect/sqlite_dialect.hpp"

#include "schema/create_table_parser.hpp"
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

// Tables of the main database; sqlite_* and vigil's own tables (kOwnTables) are not user tables.
std::string SqliteDialect::list_tables_sql() const {
  std::string own;
  for (const char* name : kOwnTables) own += std::string(own.empty() ? "'" : ", '") + name + "'";
  return R"sql(
SELECT schema, name, 'table', wr, strict
FROM pragma_table_list
WHERE schema = 'main' AND type = 'table'
  AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT IN ()sql" +
         own + R"sql()
ORDER BY name)sql";
}

// SQLite's own resolution order for an unqualified name: temp, main, then attached databases.
std::string SqliteDialect::find_table_sql() const {
  return R"sql(
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
ORDER BY kind IN ('index', 'trigger'), schema = 'temp' DESC, schema = 'main' DESC, name = ?2 DESC
LIMIT 1)sql";
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
SELECT id, seq, '', ?1, "table", "from", "to", on_update, on_delete, "match", 1
FROM pragma_foreign_key_list(?2, ?1)
ORDER BY id, seq)sql";
}

std::string SqliteDialect::indexes_sql() const {
  return R"sql(
SELECT il.name, il."unique", il.origin, il.partial, 1, ii.seqno, ii.name,
       (SELECT s.sql FROM main.sqlite_schema AS s
        WHERE ?1 = 'main' AND s.type = 'index' AND s.name = il.name)
FROM pragma_index_list(?2, ?1) AS il, pragma_index_info(il.name, ?1) AS ii
ORDER BY il.name, ii.seqno)sql";
}

// SQLite keeps CHECK constraints and AUTOINCREMENT only in the CREATE TABLE text.
void SqliteDialect::complete_table(Session& session, Table& table) const {
  const std::string sql = "SELECT sql FROM " + quote_identifier(table.ref.schema) +
                          ".sqlite_schema WHERE type = 'table' AND name = ?1";
  table.create_sql = session.scalar(sql, {Value::text(table.ref.name)}).to_text();
  std::vector<std::string> names;
  names.reserve(table.columns.size());
  for (const auto& c : table.columns) names.push_back(c.name);
  ParsedCreateTable parsed = parse_create_table(table.create_sql, names);
  table.checks = std::move(parsed.checks);
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

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
