// common/vigil/dialect.hpp
//
// Everything that differs between engines at the SQL level: identifier quoting, parameter
// markers, and the text of the catalog queries that feed the schema model.  The core asks the
// dialect and never branches on the engine's name.
//
// Each catalog query returns the columns documented beside it, in that order, with the types
// noted; flags may come back as booleans or 0/1 integers.
#pragma once

#include <string>
#include <string_view>

#include "schema/model.hpp"
#include "vigil/value.hpp"

namespace vigil {

class Session;

// One of vigil's own tables (the ledger of migrations, the quarantine, ...), described once,
// engine-neutrally.  Its name must be listed in kOwnTables (functions.hpp).
struct OwnColumn {
  std::string name;
  ValueKind type;
  std::string constraints;  // portable column constraints: "NOT NULL", "PRIMARY KEY", ...
};
struct OwnTable {
  std::string name;
  std::vector<OwnColumn> columns;
  std::vector<std::string> table_constraints;  // portable: "PRIMARY KEY (a, b)", "UNIQUE (x)"
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view engine() const = 0;
  // The schema whose tables are shown without a schema prefix: "main" / "public".
  virtual std::string_view default_schema() const = 0;
  // Marker of the n-th (1-based) bound parameter: "?1" / "$1".
  virtual std::string param(int n) const = 0;

  // Always-quoted identifier; both engines use "..." with doubled quotes.  Throws
  // kInvalidParameter for names no engine can hold (empty, or containing a NUL byte).
  std::string quote_identifier(std::string_view name) const;
  // "schema"."table"
  std::string qualified(const TableRef& table) const;
  // Whether `schema` is the session's temporary schema ("temp" / "pg_temp_N").
  virtual bool is_temp_schema(std::string_view schema) const = 0;
  // The name users see: bare in the default schema and the temporary schema (an unqualified
  // name finds a temp table first in both engines), schema.name elsewhere.
  std::string display_name(const TableRef& table) const;

  // User tables (not views, not the engine's or vigil's own tables):
  //   schema text, name text, kind text ('table'|'partitioned'), without_rowid flag, strict flag
  virtual std::string list_tables_sql() const = 0;
  // One relation by name.  params: schema (text or NULL = the engine's lookup order), name.
  //   schema, name, kind ('table'|'partitioned'|'view'|'sequence'|...), without_rowid, strict
  virtual std::string find_table_sql() const = 0;
  // params: schema, table.  One row per column in ordinal order:
  //   name, declared_type, base_type, not_null flag, default_expr (NULL if none),
  //   pk_position (0 if not in the key), generated flag, identity flag, sequence (NULL if none)
  virtual std::string columns_sql() const = 0;
  // params: schema, table.  One row per column of each foreign key, ordered by key then seq:
  //   key_id, seq, name, parent_schema, parent_table, column, parent_column (NULL = parent's
  //   primary key), on_update, on_delete, match, validated flag
  virtual std::string foreign_keys_sql() const = 0;
  // params: schema, table.  One row per key column of each index, ordered by index then seq:
  //   name, unique flag, origin ('pk'|'u'|'c'), partial flag, valid flag, seq,
  //   column (NULL for an expression), definition (may be NULL)
  virtual std::string indexes_sql() const = 0;

  // Fills in what the catalog queries above cannot: CHECK constraints, and anything the
  // engine keeps only in the table's DDL (SQLite AUTOINCREMENT).
  virtual void complete_table(Session& session, Table& table) const = 0;

  // The qualified name under which `table` lives, for use in SQL.  SQLite: `"main"."name"`,
  // created with CREATE TABLE IF NOT EXISTS when `create` is true (a missing table is returned
  // as "" otherwise).  PostgreSQL: the extension's install script creates the table in the
  // extension's schema; a missing one raises kPrerequisiteState (ALTER EXTENSION vigil UPDATE).
  virtual std::string own_table(Session& session, const OwnTable& table, bool create) const = 0;

  // params: schema, table.  One row: total_bytes (NULL if unknown), index_count, dead_rows,
  // last_analyze (timestamp text), page_count -- NULL where the engine has no such figure.
  virtual std::string table_stats_sql() const = 0;

  // Content checksums (common/checksum/).  `quoted` is the column's quoted name; the result
  // orders and compares text by its bytes in both engines (PostgreSQL COLLATE "C" on text
  // types, SQLite BINARY), so key ranges are the same ranges in both.
  virtual std::string byte_ordered(const Column& column, const std::string& quoted) const = 0;
  // The n-th bound parameter as a value of `column`'s type, to compare with the column.
  virtual std::string typed_param(int n, const Column& column) const = 0;
  // Why vigil_backup is not available on this engine and what to use instead ("" where it is).
  virtual std::string file_backup_unavailable() const = 0;
  // A quick physical check of a database file: one text column, a single row 'ok' when the
  // file's structure is sound, else one row per problem ("" where there are no files).
  virtual std::string quick_check_sql() const = 0;
};

}  // namespace vigil
