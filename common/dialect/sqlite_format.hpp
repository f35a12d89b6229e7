// common/dialect/sqlite_format.hpp
//
// The format of vigil's own tables in a SQLite database (docs/upgrading.md).  SQLite has no
// ALTER EXTENSION: a database file outlives the library that wrote it, so the layout of
// vigil's tables (vigil_rules, vigil_quarantine, vigil_migrations, ...) carries a number, kept
// as the row name = 'format' of the table vigil_meta (never PRAGMA user_version: that is the
// application's).
//
//   format 0   no vigil table at all (nothing to read, nothing to upgrade)
//   format 1   written by vigil 0.1.0: vigil tables, no vigil_meta (0.1.0 had no format number)
//   format 2   vigil 0.2.0
//
// Every use of one of vigil's tables (SqliteDialect::own_table) checks the format first:
//   - newer than kSqliteFormat: refused (kFeatureNotSupported), whatever the function, so this
//     build never misreads tables a newer vigil laid out;
//   - older: upgraded, in one savepoint, by the steps below (then the format row is written);
//     on a read-only database (a read-only file, mode=ro, PRAGMA query_only) the call is
//     refused with kReadOnly saying what to do, and nothing is written.  A function that only
//     reads vigil's tables upgrades nothing when no step changes a table the file has (their
//     layout is already the current one): it reads them as they are;
//   - none yet (format 0): the first table vigil creates also writes the current format.
// Loading the library never writes anything.
//
// Adding a format: append a FormatStep {N + 1, {...}} to format_steps() (sqlite_format.cpp) and
// raise kSqliteFormat to N + 1.  Each statement names the one vigil table it changes and runs
// only when that table exists (vigil creates its tables when first needed, in the current
// layout: a missing table needs no step).  Released steps are never edited.
#pragma once

#include <string>
#include <vector>

namespace vigil {

class Session;

inline constexpr int kSqliteFormat = 2;

// The table of the format row: vigil's own, SQLite only (so not in kOwnTables, which both
// engines share), never a user table.
inline constexpr const char* kSqliteMetaTable = "vigil_meta";

struct FormatStatement {
  std::string table;  // the vigil table the statement changes: skipped when it does not exist
  std::string sql;    // names the table as "main"."<table>"
};

struct FormatStep {
  int to;  // the format this step produces from format to - 1
  std::vector<FormatStatement> statements;
};

// Steps 2 .. kSqliteFormat, in order.
const std::vector<FormatStep>& format_steps();

// The format of the main database's vigil tables (0, 1, or vigil_meta's number).  Throws
// kDataCorrupted when vigil_meta exists without a valid format row.
int sqlite_format(Session& session);

// Checks the format before one of vigil's tables is used; upgrades an older one (see above).
// `create`: the caller is about to create a table (a fresh database gets its format row then).
void ensure_sqlite_format(Session& session, bool create);

// Upgrades from `from` to the last step's format with `steps` (tests pass their own).
void upgrade_sqlite_format(Session& session, int from, const std::vector<FormatStep>& steps);

}  // namespace vigil
