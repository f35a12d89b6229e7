// common/schema/introspect.cpp
#include "schema/introspect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <tuple>

#include "sql/lexer.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

struct Found {
  TableRef ref;
  std::string kind;
  bool without_rowid = false;
  bool strict = false;
  // The optional flags of the dialect's table queries (dialect.hpp): false = certainly none.
  bool may_have_foreign_keys = true;
  bool may_have_indexes = true;
  bool may_have_checks = true;
};

// The current row of list_tables_sql(), find_table_sql() or table_at_sql().
Found found_at(const Cursor& cursor) {
  Found f{{cursor.get(0).to_text(), cursor.get(1).to_text()},
          cursor.get(2).to_text(),
          cursor.get(3).to_bool(),
          cursor.get(4).to_bool()};
  if (cursor.column_count() >= 8) {
    f.may_have_foreign_keys = cursor.get(5).to_bool();
    f.may_have_indexes = cursor.get(6).to_bool();
    f.may_have_checks = cursor.get(7).to_bool();
  }
  return f;
}

// One row of find_table_sql() or table_at_sql().
std::optional<Found> find_with(Session& session, const std::string& sql, const Params& params) {
  auto cursor = session.catalog_query(sql, params);
  if (!cursor->next()) return std::nullopt;
  return found_at(*cursor);
}

// The relation named exactly `name` (in `schema`, when given); else the one relation whose
// name (and schema) equal them ignoring ASCII case; several → kUndefinedTable listing them
// (docs/architecture.md, "Decisions").
std::optional<Found> find(Session& session, const std::optional<std::string>& schema,
                          const std::string& name) {
  const Params params{schema ? Value::text(*schema) : Value::null(), Value::text(name)};
  auto exact = find_with(session, session.dialect().find_table_sql(), params);
  if (exact && exact->ref.name == name && (!schema || exact->ref.schema == *schema)) return exact;
  std::vector<Found> candidates;
  auto cursor = session.catalog_query(session.dialect().find_table_any_case_sql(), params);
  while (cursor->next()) {
    Found f = found_at(*cursor);
    if (f.ref.name == name && (!schema || f.ref.schema == *schema)) return f;
    candidates.push_back(std::move(f));
  }
  if (candidates.size() <= 1) {
    if (candidates.empty()) return std::nullopt;
    return candidates.front();
  }
  std::string list;
  for (const Found& f : candidates) {
    list += (list.empty() ? "\"" : ", \"") + session.dialect().display_name(f.ref) + "\"";
  }
  const std::string shown = schema ? *schema + "." + name : name;
  throw Error(
      ErrorCode::kUndefinedTable,
      fmt::format("table name \"{}\" is ambiguous: it matches {} ignoring case", shown, list),
      "Pass the name exactly as the catalog stores it.");
}

Found lookup(Session& session, const std::string& name) {
  if (name.empty()) throw Error(ErrorCode::kInvalidParameter, "table name must not be empty");
  if (name.find('\0') != std::string::npos) {
    throw Error(ErrorCode::kInvalidParameter, "table name must not contain a NUL byte");
  }
  // The name is the caller's: looked up as the caller's session would (search_path).
  const CallerNames callers(session);
  auto found = find(session, std::nullopt, name);
  if (!found) {
    if (auto dot = name.find('.'); dot != std::string::npos && dot > 0 && dot + 1 < name.size()) {
      found = find(session, name.substr(0, dot), name.substr(dot + 1));
    }
  }
  if (!found) {
    throw Error(ErrorCode::kUndefinedTable, fmt::format("table \"{}\" does not exist", name));
  }
  if (found->kind != "table" && found->kind != "partitioned") {
    const char first = found->kind.empty() ? 'x' : found->kind[0];
    const bool vowel = first == 'a' || first == 'e' || first == 'i' || first == 'o' || first == 'u';
    throw Error(ErrorCode::kWrongObjectType,
                fmt::format("\"{}\" is {} {}, not a table", name, vowel ? "an" : "a", found->kind));
  }
  return *found;
}

std::vector<std::string> primary_key_of(Session& session, const TableRef& ref) {
  std::vector<std::pair<std::int64_t, std::string>> keyed;
  auto cursor = session.catalog_query(session.dialect().columns_sql(),
                                      {Value::text(ref.schema), Value::text(ref.name)});
  while (cursor->next()) {
    const auto pos = cursor->get(5).to_integer();
    if (pos > 0) keyed.emplace_back(pos, cursor->get(0).to_text());
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  out.reserve(keyed.size());
  for (auto& [pos, col] : keyed) out.push_back(col);
  return out;
}

Table load(Session& session, const Found& found) {
  const Dialect& dialect = session.dialect();
  Table table;
  table.ref = found.ref;
  table.kind = found.kind;
  table.without_rowid = found.without_rowid;
  table.strict = found.strict;
  const Params params{Value::text(table.ref.schema), Value::text(table.ref.name)};

  std::vector<std::pair<std::int64_t, std::string>> pk;
  {
    auto cursor = session.catalog_query(dialect.columns_sql(), params);
    while (cursor->next()) {
      Column col;
      col.name = cursor->get(0).to_text();
      col.position = static_cast<int>(table.columns.size()) + 1;
      col.declared_type = cursor->get(1).to_text();
      col.type_class = classify_type(cursor->get(2).to_text());
      col.not_null = cursor->get(3).to_bool();
      col.declared_not_null = col.not_null;
      col.default_expr = cursor->get(4).to_text();
      const auto pk_position = cursor->get(5).to_integer();
      col.generated = cursor->get(6).to_bool();
      col.identity = cursor->get(7).to_bool();
      col.sequence = cursor->get(8).to_text();
      if (pk_position > 0) {
        pk.emplace_back(pk_position, col.name);
        col.not_null = true;  // a key column is not null by definition, whatever the engine says
      }
      table.columns.push_back(std::move(col));
    }
  }
  std::sort(pk.begin(), pk.end());
  for (auto& [pos, name] : pk) table.primary_key.push_back(name);

  if (found.may_have_foreign_keys) {
    auto cursor = session.catalog_query(dialect.foreign_keys_sql(), params);
    std::optional<std::int64_t> current;
    bool parent_key_implicit = false;
    auto finish = [&] {
      if (!current || !parent_key_implicit) return;
      auto& fk = table.foreign_keys.back();
      auto parent = find(session, fk.parent.schema, fk.parent.name);
      if (parent) {
        fk.parent = parent->ref;
        fk.parent_columns = primary_key_of(session, parent->ref);
      }
    };
    while (cursor->next()) {
      const auto id = cursor->get(0).to_integer();
      if (!current || *current != id) {
        finish();
        current = id;
        ForeignKey fk;
        fk.name = cursor->get(2).to_text();
        fk.parent = {cursor->get(3).to_text(), cursor->get(4).to_text()};
        fk.on_update = cursor->get(7).to_text();
        fk.on_delete = cursor->get(8).to_text();
        fk.match = cursor->get(9).to_text();
        fk.validated = cursor->get(10).to_bool();
        table.foreign_keys.push_back(std::move(fk));
        parent_key_implicit = cursor->get(6).is_null();
      }
      auto& fk = table.foreign_keys.back();
      fk.columns.push_back(cursor->get(5).to_text());
      fk.operators.push_back(cursor->get(11).to_text());
      if (!parent_key_implicit) fk.parent_columns.push_back(cursor->get(6).to_text());
    }
    finish();
  }

  if (found.may_have_indexes) {
    auto cursor = session.catalog_query(dialect.indexes_sql(), params);
    while (cursor->next()) {
      const std::string name = cursor->get(0).to_text();
      if (table.indexes.empty() || table.indexes.back().name != name) {
        Index index;
        index.name = name;
        index.unique = cursor->get(1).to_bool();
        const std::string origin = cursor->get(2).to_text();
        index.origin = origin == "pk"  ? IndexOrigin::kPrimaryKey
                       : origin == "u" ? IndexOrigin::kUniqueConstraint
                                       : IndexOrigin::kCreateIndex;
        index.partial = cursor->get(3).to_bool();
        index.valid = cursor->get(4).to_bool();
        index.definition = cursor->get(7).to_text();
        index.predicate = cursor->get(8).to_text();
        index.nulls_not_distinct = cursor->get(10).to_bool();
        table.indexes.push_back(std::move(index));
      }
      table.indexes.back().columns.push_back(cursor->get(6).to_text());
      table.indexes.back().expressions.push_back(cursor->get(9).to_text());
    }
  }

  dialect.complete_table(session, table, found.may_have_checks);
  return table;
}

}  // namespace

TableRef resolve_table(Session& session, const std::string& name) {
  return lookup(session, name).ref;
}

TableWithKind resolve_table_with_kind(Session& session, const std::string& name) {
  Found found = lookup(session, name);
  return {std::move(found.ref), std::move(found.kind)};
}

Table introspect_table(Session& session, const std::string& name) {
  return load(session, lookup(session, name));
}

std::optional<Table> introspect_table_at(Session& session, const TableRef& ref) {
  auto found = find_with(session, session.dialect().table_at_sql(),
                         {Value::text(ref.schema), Value::text(ref.name)});
  if (!found || (found->kind != "table" && found->kind != "partitioned")) return std::nullopt;
  return load(session, *found);
}

namespace {

// Byte order of (schema, name), so both engines list tables alike whatever their collation.
std::vector<Found> list_found(Session& session) {
  std::vector<Found> found;
  auto cursor = session.query(session.dialect().list_tables_sql());
  while (cursor->next()) found.push_back(found_at(*cursor));
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.ref.schema, a.ref.name) < std::tie(b.ref.schema, b.ref.name);
  });
  return found;
}

}  // namespace

std::vector<TableRef> list_user_tables(Session& session) {
  std::vector<TableRef> out;
  for (auto& f : list_found(session)) out.push_back(std::move(f.ref));
  return out;
}

std::vector<TableWithKind> list_user_tables_with_kind(Session& session) {
  std::vector<TableWithKind> out;
  for (auto& f : list_found(session)) out.push_back({std::move(f.ref), std::move(f.kind)});
  return out;
}

SchemaModel introspect_schema(Session& session) {
  const std::vector<Found> found = list_found(session);
  SchemaModel model;
  model.tables.reserve(found.size());
  for (const auto& f : found) {
    session.check_interrupts();
    model.tables.push_back(load(session, f));
  }
  return model;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
