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
};

// One row of find_table_sql() or table_at_sql().
std::optional<Found> find_with(Session& session, const std::string& sql, const Params& params) {
  auto cursor = session.catalog_query(sql, params);
  if (!cursor->next()) return std::nullopt;
  return Found{{cursor->get(0).to_text(), cursor->get(1).to_text()},
               cursor->get(2).to_text(),
               cursor->get(3).to_bool(),
               cursor->get(4).to_bool()};
}

std::optional<Found> find(Session& session, const std::optional<std::string>& schema,
                          const std::string& name) {
  return find_with(session, session.dialect().find_table_sql(),
                   {schema ? Value::text(*schema) : Value::null(), Value::text(name)});
}

Found lookup(Session& session, const std::string& name) {
  if (name.empty()) throw Error(ErrorCode::kInvalidParameter, "table name must not be empty");
  if (name.find('\0') != std::string::npos) {
    throw Error(ErrorCode::kInvalidParameter, "table name must not contain a NUL byte");
  }
  auto found = find(session, std::nullopt, name);
  if (!found) {
    const std::string lower = sql::ascii_lower(name);
    if (lower != name) found = find(session, std::nullopt, lower);
  }
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

// A Cursor over the columns of one part of a table_bundle_sql() row: get(i) is the part's
// column i.
class PartView final : public Cursor {
 public:
  PartView(const Cursor& row, std::size_t offset, std::size_t count)
      : row_(row), offset_(offset), count_(count) {}
  bool next() override { return false; }
  std::size_t column_count() const override { return count_; }
  Value get(std::size_t i) const override { return row_.get(offset_ + i); }

 private:
  const Cursor& row_;
  std::size_t offset_;
  std::size_t count_;
};

// Builds a Table from the rows of the catalog queries, part by part, in each part's order.
class TableBuilder {
 public:
  TableBuilder(Session& session, const Found& found) : session_(session) {
    table_.ref = found.ref;
    table_.kind = found.kind;
    table_.without_rowid = found.without_rowid;
    table_.strict = found.strict;
  }

  // A row of columns_sql().
  void column(const Cursor& c) {
    Column col;
    col.name = c.get(0).to_text();
    col.position = static_cast<int>(table_.columns.size()) + 1;
    col.declared_type = c.get(1).to_text();
    col.type_class = classify_type(c.get(2).to_text());
    col.not_null = c.get(3).to_bool();
    col.default_expr = c.get(4).to_text();
    const auto pk_position = c.get(5).to_integer();
    col.generated = c.get(6).to_bool();
    col.identity = c.get(7).to_bool();
    col.sequence = c.get(8).to_text();
    if (pk_position > 0) {
      pk_.emplace_back(pk_position, col.name);
      col.not_null = true;  // a key column is not null by definition, whatever the engine says
    }
    table_.columns.push_back(std::move(col));
  }

  // A row of foreign_keys_sql().
  void foreign_key(const Cursor& c) {
    const auto id = c.get(0).to_integer();
    if (!fk_id_ || *fk_id_ != id) {
      finish_foreign_key();
      fk_id_ = id;
      ForeignKey fk;
      fk.name = c.get(2).to_text();
      fk.parent = {c.get(3).to_text(), c.get(4).to_text()};
      fk.on_update = c.get(7).to_text();
      fk.on_delete = c.get(8).to_text();
      fk.match = c.get(9).to_text();
      fk.validated = c.get(10).to_bool();
      table_.foreign_keys.push_back(std::move(fk));
      parent_key_implicit_ = c.get(6).is_null();
    }
    auto& fk = table_.foreign_keys.back();
    fk.columns.push_back(c.get(5).to_text());
    fk.operators.push_back(c.get(11).to_text());
    if (!parent_key_implicit_) fk.parent_columns.push_back(c.get(6).to_text());
  }

  // A row of indexes_sql().
  void index(const Cursor& c) {
    const std::string name = c.get(0).to_text();
    if (table_.indexes.empty() || table_.indexes.back().name != name) {
      Index index;
      index.name = name;
      index.unique = c.get(1).to_bool();
      const std::string origin = c.get(2).to_text();
      index.origin = origin == "pk"  ? IndexOrigin::kPrimaryKey
                     : origin == "u" ? IndexOrigin::kUniqueConstraint
                                     : IndexOrigin::kCreateIndex;
      index.partial = c.get(3).to_bool();
      index.valid = c.get(4).to_bool();
      index.definition = c.get(7).to_text();
      index.predicate = c.get(8).to_text();
      index.nulls_not_distinct = c.get(10).to_bool();
      table_.indexes.push_back(std::move(index));
    }
    table_.indexes.back().columns.push_back(c.get(6).to_text());
    table_.indexes.back().expressions.push_back(c.get(9).to_text());
  }

  // A row of the check-constraint part of table_bundle_sql().
  void check(const Cursor& c) {
    const std::string name = c.get(0).to_text();
    if (table_.checks.empty() || table_.checks.back().name != name) {
      CheckConstraint check;
      check.name = name;
      check.expression = c.get(1).to_text();
      check.validated = c.get(2).to_bool();
      table_.checks.push_back(std::move(check));
    }
    if (!c.get(3).is_null()) table_.checks.back().columns.push_back(c.get(3).to_text());
  }

  Table finish() {
    finish_foreign_key();
    std::sort(pk_.begin(), pk_.end());
    for (auto& [pos, name] : pk_) table_.primary_key.push_back(name);
    session_.dialect().complete_table(session_, table_);
    return std::move(table_);
  }

 private:
  // A foreign key that names no parent columns references the parent's primary key.
  void finish_foreign_key() {
    if (!fk_id_ || !parent_key_implicit_) return;
    auto& fk = table_.foreign_keys.back();
    auto parent = find(session_, fk.parent.schema, fk.parent.name);
    if (parent) {
      fk.parent = parent->ref;
      fk.parent_columns = primary_key_of(session_, parent->ref);
    }
    parent_key_implicit_ = false;
  }

  Session& session_;
  Table table_;
  std::vector<std::pair<std::int64_t, std::string>> pk_;
  std::optional<std::int64_t> fk_id_;
  bool parent_key_implicit_ = false;
};

// The table through table_bundle_sql(): one query.  `found` nullopt: the bundle's own first
// part says what is there (nullopt when no table is).
std::optional<Table> load_bundle(Session& session, const TableRef& ref,
                                 const std::optional<Found>& known) {
  const Dialect& dialect = session.dialect();
  auto cursor = session.catalog_query(dialect.table_bundle_sql(),
                                      {Value::text(ref.schema), Value::text(ref.name)});
  std::optional<Found> found = known;
  std::optional<TableBuilder> builder;
  if (found) builder.emplace(session, *found);
  using Part = Dialect::BundlePart;
  const auto view = [&cursor](Part p) {
    return PartView(*cursor, Dialect::bundle_offset(p),
                    Dialect::kBundleWidth[static_cast<std::size_t>(p)]);
  };
  while (cursor->next()) {
    const auto part = static_cast<Part>(cursor->get(0).to_integer());
    if (part == Part::kTable) {
      if (builder) continue;
      const PartView t = view(Part::kTable);
      found = Found{{t.get(0).to_text(), t.get(1).to_text()},
                    t.get(2).to_text(),
                    t.get(3).to_bool(),
                    t.get(4).to_bool()};
      if (found->kind != "table" && found->kind != "partitioned") return std::nullopt;
      builder.emplace(session, *found);
      continue;
    }
    if (!builder) return std::nullopt;  // no such table: the parts that follow are empty
    switch (part) {
      case Part::kColumns:
        builder->column(view(part));
        break;
      case Part::kForeignKeys:
        builder->foreign_key(view(part));
        break;
      case Part::kIndexes:
        builder->index(view(part));
        break;
      case Part::kChecks:
        builder->check(view(part));
        break;
      default:
        throw Error(ErrorCode::kInternal, "unknown part in the table bundle");
    }
  }
  if (!builder) return std::nullopt;
  return builder->finish();
}

Table load(Session& session, const Found& found) {
  const Dialect& dialect = session.dialect();
  if (!dialect.table_bundle_sql().empty()) return *load_bundle(session, found.ref, found);
  TableBuilder builder(session, found);
  const Params params{Value::text(found.ref.schema), Value::text(found.ref.name)};
  {
    auto cursor = session.catalog_query(dialect.columns_sql(), params);
    while (cursor->next()) builder.column(*cursor);
  }
  {
    auto cursor = session.catalog_query(dialect.foreign_keys_sql(), params);
    while (cursor->next()) builder.foreign_key(*cursor);
  }
  {
    auto cursor = session.catalog_query(dialect.indexes_sql(), params);
    while (cursor->next()) builder.index(*cursor);
  }
  return builder.finish();
}

}  // namespace

TableRef resolve_table(Session& session, const std::string& name) {
  return lookup(session, name).ref;
}

Table introspect_table(Session& session, const std::string& name) {
  return load(session, lookup(session, name));
}

std::optional<Table> introspect_table_at(Session& session, const TableRef& ref) {
  if (!session.dialect().table_bundle_sql().empty()) return load_bundle(session, ref, std::nullopt);
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
  while (cursor->next()) {
    found.push_back(Found{{cursor->get(0).to_text(), cursor->get(1).to_text()},
                          cursor->get(2).to_text(),
                          cursor->get(3).to_bool(),
                          cursor->get(4).to_bool()});
  }
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
