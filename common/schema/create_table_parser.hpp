// common/schema/create_table_parser.hpp
//
// Reads what SQLite keeps only in a table's CREATE TABLE text: CHECK constraints (table- and
// column-level, named or not) and the AUTOINCREMENT column.  The text is the one SQLite stores
// in sqlite_schema, which it keeps current across ALTER TABLE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"

namespace vigil {

struct ParsedCreateTable {
  std::vector<CheckConstraint> checks;  // columns filled from `column_names`
  std::string autoincrement_column;     // "" when the table has none
};

// `column_names` are the table's columns in ordinal order; a CHECK's `columns` are those of
// them its expression mentions (case-insensitively, as SQLite resolves names).
ParsedCreateTable parse_create_table(std::string_view create_sql,
                                     const std::vector<std::string>& column_names);

// The columns of `column_names` that `expression` mentions, in ordinal order.
std::vector<std::string> referenced_columns(std::string_view expression,
                                            const std::vector<std::string>& column_names);

struct ParsedCreateIndex {
  // One per key item of the index, as written, without a trailing ASC / DESC: `lower(name)`,
  // `"x" COLLATE NOCASE`, `y`.
  std::vector<std::string> key_items;
  std::string predicate;  // the text after the top-level WHERE, "" when the index has none
};

// SQLite keeps an index's key expressions and its WHERE clause only in the CREATE INDEX text:
// `CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (item, ...) [WHERE expr]`.  Never fails:
// text that is not shaped like that gives no items.
ParsedCreateIndex parse_create_index(std::string_view create_sql);

}  // namespace vigil
