// sqlite_extension/schema_statement.hpp
//
// What one SQLite statement does to the tables of the main database -- to their rows (type
// 'table' and 'index') in main.sqlite_schema, which is all a table's canonical model depends
// on -- as far as its text alone tells.  SqliteSession::schema_changes() uses it to name the
// tables a migration step changed without reading all of sqlite_schema after every step.
//
// Known from the text (https://sqlite.org/lang.html):
//   CREATE TABLE [IF NOT EXISTS] [main.]t (...)         t (not CREATE TABLE ... AS SELECT)
//   CREATE [UNIQUE] INDEX [IF NOT EXISTS] [main.]i ON t (...)   t
//   ALTER TABLE [main.]t ADD [COLUMN] ...               t
//   DROP TABLE [IF EXISTS] [main.]t                     t (and its indexes, whose tbl_name is t)
//   CREATE/DROP VIEW, CREATE/DROP TRIGGER               no table (their rows are not tables')
//   CREATE TEMP/TEMPORARY ...                           nothing in main
//   SELECT, INSERT, REPLACE, UPDATE, DELETE, WITH, VALUES   nothing (unless "sqlite_" appears
//                                                        in their text: writable_schema)
// Only a statement's first 2 KB are tokenized (a DROP longer than that is unknown).  Everything
// else is unknown: ALTER TABLE ... RENAME (rewrites other tables' REFERENCES) or
// DROP COLUMN, DROP INDEX (its table is not in the text), CREATE VIRTUAL TABLE (shadow
// tables), another schema than main, PRAGMA, ANALYZE, VACUUM, anything not parsed.
//
// The classification alone does not prove anything: the session also checks that the schema
// version moved exactly as the statements say (a user function called by a statement could
// run DDL of its own), and reads all of sqlite_schema whenever it did not.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::sqlite {

struct SchemaEffect {
  enum class Kind {
    kNone,     // changes nothing in main's schema (main's schema version stays)
    kTables,   // a schema statement of main: changes at most `tables` (maybe none: a view)
    kUnknown,  // anything else
  };
  Kind kind = Kind::kUnknown;
  std::vector<std::string> tables;  // kTables: names as written, quotes removed, no schema
  // kTables: IF [NOT] EXISTS, so it may change nothing (the schema version stays); otherwise
  // it moves the schema version by exactly one when it succeeds.
  bool conditional = false;
};

// `statement`: one statement (a trailing ';', blanks and comments allowed).
SchemaEffect schema_effect(std::string_view statement);

}  // namespace vigil::sqlite
