// common/schema/model.hpp
//
// The engine-neutral schema model.  Catalog introspection (introspect.cpp, with the SQL text
// of each engine's catalog queries in its Dialect) fills it; every check, repair, fingerprint
// and checksum works on it and never on engine catalogs directly.
#pragma once

#include <string>
#include <vector>

namespace vigil {

// What a declared column type means, independent of the engine's spelling of it.
enum class TypeClass {
  kInteger,
  kReal,
  kNumeric,
  kText,
  kBlob,
  kBoolean,
  kTimestamp,
  kDate,
  kJson,
  kOther,
};

const char* type_class_name(TypeClass type_class);

// Classifies a declared type name of either engine (`INTEGER`, `bigint`, `character varying`,
// `DATETIME`, `timestamp with time zone`, `jsonb`, ...).  Exact names known to PostgreSQL are
// matched first; anything else follows SQLite's column-affinity rules.  An empty declared type
// (SQLite `CREATE TABLE t(x)`) is kBlob, as SQLite's affinity rules say.
TypeClass classify_type(const std::string& declared_type);

struct TableRef {
  std::string schema;  // "main" in SQLite, the namespace in PostgreSQL
  std::string name;
};

struct Column {
  std::string name;
  int position = 0;           // 1-based ordinal among the table's columns
  std::string declared_type;  // as the engine reports it
  TypeClass type_class = TypeClass::kOther;
  bool not_null = false;           // declared NOT NULL, or part of the primary key
  bool declared_not_null = false;  // declared NOT NULL itself (not only as a key column)
  std::string default_expr;        // engine text of the default, "" when there is none
  bool identity = false;           // PostgreSQL identity/serial, SQLite AUTOINCREMENT
  bool generated = false;          // a generated (computed) column
  // PostgreSQL: the owned sequence, else the one an integer column's nextval() default uses
  // (identity stays false then); SQLite: "sqlite_sequence".
  std::string sequence;
};

struct ForeignKey {
  std::string name;  // engine constraint name, "" when the engine has none
  std::vector<std::string> columns;
  TableRef parent;
  std::vector<std::string> parent_columns;
  // Per column pair, the SQL operator that compares the parent's value with the child's: "=",
  // or in PostgreSQL the constraint's own equality operator, schema-qualified
  // ("OPERATOR(pg_catalog.=)"), so that no operator planted in the search_path is picked up.
  std::vector<std::string> operators;
  std::string on_update = "NO ACTION";
  std::string on_delete = "NO ACTION";
  std::string match = "NONE";
  bool validated = true;
};

enum class IndexOrigin { kPrimaryKey, kUniqueConstraint, kCreateIndex };

struct Index {
  std::string name;
  bool unique = false;
  IndexOrigin origin = IndexOrigin::kCreateIndex;
  bool partial = false;
  bool valid = true;
  std::vector<std::string> columns;  // "" stands for an expression
  // Parallel to `columns`: the key expression's text, in the engine's SQL, where columns[i] is
  // "" (PostgreSQL: pg_get_indexdef(index, i, true); SQLite: cut from the CREATE INDEX text,
  // with its COLLATE); "" for a plain column, and "" where it could not be found.
  std::vector<std::string> expressions;
  std::string predicate;            // a partial index's WHERE expression; "" when not known
  bool nulls_not_distinct = false;  // PostgreSQL 15 NULLS NOT DISTINCT
  std::string definition;           // engine text (CREATE INDEX ...), may be ""
};

struct CheckConstraint {
  std::string name;                  // engine constraint name, "" when unnamed
  std::string expression;            // the boolean expression, in the engine's own SQL
  std::vector<std::string> columns;  // the table's columns it reads, in ordinal order
  bool validated = true;
};

struct Table {
  TableRef ref;
  std::string kind = "table";  // "table" or "partitioned"
  bool without_rowid = false;
  bool strict = false;
  std::string create_sql;  // SQLite: the CREATE TABLE text; PostgreSQL: ""
  std::vector<Column> columns;
  std::vector<std::string> primary_key;
  std::vector<ForeignKey> foreign_keys;
  std::vector<Index> indexes;
  std::vector<CheckConstraint> checks;

  const Column* find_column(const std::string& name) const;
};

struct SchemaModel {
  std::vector<Table> tables;
};

}  // namespace vigil
