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
#include <vector>

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

  // --- migrations (common/migrate/) ---------------------------------------------------------
  // Begins a transaction that holds the write lock from its start, for a function called
  // outside any transaction (Session::can_begin_transaction); "" when functions never can.
  virtual std::string begin_write_sql() const = 0;
  virtual std::string commit_sql() const = 0;
  // Takes the migration lock until the end of the transaction.  PostgreSQL: a
  // transaction-scoped advisory lock (waits up to lock_timeout); SQLite: a write that changes
  // nothing in `ledger`, which takes the database's write lock (as BEGIN IMMEDIATE would).
  virtual std::string migration_lock_sql(const std::string& ledger) const = 0;
  // The hint of the error raised when the lock cannot be had.
  virtual std::string migration_lock_hint() const = 0;
  // lock_timeout: read it (one text value) and set it for the rest of the transaction (param 1:
  // the value as text, "500ms").  "" when the engine has no lock timeout: then the migration
  // options lock_timeout_ms and retries have nothing to act on.
  virtual std::string lock_timeout_get_sql() const = 0;
  virtual std::string lock_timeout_set_sql() const = 0;
  // Sleeps param 1 seconds (a real), interruptibly.  "" when the engine cannot.
  virtual std::string sleep_sql() const = 0;
  // One text value: the database role running the statement.  "" when the engine has no roles.
  virtual std::string current_user_sql() const = 0;
  // Foreign keys the engine does not check by itself while migrating (SQLite, where the
  // table-rebuild pattern needs enforcement off).  All "" when the engine always enforces them.
  //   enabled: one 0/1 value; set: turns enforcement on or off (a no-op inside a transaction);
  //   violations: param 1 = table → one count; children: param 1 = table → the names of the
  //   tables whose foreign keys reference it.
  virtual std::string foreign_keys_enabled_sql() const = 0;
  virtual std::string foreign_keys_set_sql(bool on) const = 0;
  virtual std::string foreign_key_violations_sql() const = 0;
  virtual std::string foreign_key_children_sql() const = 0;
  // Advice to append to the error of a failed migration statement, for engine errors whose
  // cause is not obvious ("" when there is none).
  virtual std::string migration_error_advice(const std::string& error) const = 0;
  // Statements that make vigil's own table `table` append-only (refuse UPDATE and DELETE), run
  // when the table is created on demand; empty when the install script does it.
  virtual std::vector<std::string> append_only_sql(const std::string& table) const = 0;
};

}  // namespace vigil
