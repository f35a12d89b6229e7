// common/schema/introspect.hpp
//
// Reads an engine's catalogs, through the session's Dialect, into the schema model.
#pragma once

#include <optional>
#include <string>

#include "schema/model.hpp"
#include "vigil/session.hpp"

namespace vigil {

// Every user table: PostgreSQL's ordinary and partitioned tables outside the system schemas
// and outside any extension (partitions are reached through their parent); SQLite's tables of
// the `main` database other than `sqlite_*` and vigil's own `vigil_*` tables.  Ordered by
// schema, then name.
SchemaModel introspect_schema(Session& session);

// The user tables as introspect_schema() would list them (names only), in the same order.
std::vector<TableRef> list_user_tables(Session& session);

// One table by the name a user passes to a vigil function: the catalog name, looked up the
// way the engine resolves an unqualified name (search_path / temp, main, attached) -- the
// relation with exactly that name first, else the only one whose name equals it ignoring
// ASCII case -- or, when neither exists, `schema.table` by the same rule.
// Errors: NULL/empty name → kInvalidParameter; no such table, or several matching ignoring
// case → kUndefinedTable (42P01); a view, sequence, ... → kWrongObjectType (42809).
Table introspect_table(Session& session, const std::string& name);

// Resolves the name only (no columns etc.).
TableRef resolve_table(Session& session, const std::string& name);

// A table's name and its kind as the catalog queries report it ("table", "partitioned"): what
// Dialect::table_source() needs to read the table's own rows.
struct TableWithKind {
  TableRef ref;
  std::string kind;
};
TableWithKind resolve_table_with_kind(Session& session, const std::string& name);
std::vector<TableWithKind> list_user_tables_with_kind(Session& session);

// The table at exactly `ref` (no search_path, no case retry), or nullopt when there is none or
// it is not a table.  For callers that already hold catalog names (migration tracking).
std::optional<Table> introspect_table_at(Session& session, const TableRef& ref);

}  // namespace vigil
