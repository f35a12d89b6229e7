// sqlite_extension/vtab.hpp
//
// One eponymous-only virtual table module per table-valued function of the registry, so that
// `SELECT * FROM vigil_x(a, b)` works as in PostgreSQL.  The function's arguments are HIDDEN
// columns after the result columns (as in SQLite's ext/misc/series.c); rows are pulled from
// the core's RowSource as SQLite steps the cursor, never collected first.
#pragma once

#include <vector>

#include "sqlite_extension/sqlite_api.hpp"
#include "vigil/functions.hpp"

namespace vigil::sqlite {

int register_table_function(sqlite3* db, const FunctionSpec& spec);

// SQL values → the declared argument types.  A value of the wrong storage class raises
// kDatatypeMismatch naming the argument; NULL stays NULL (Args decides whether it may).
std::vector<Value> convert_args(const FunctionSpec& spec, int argc, sqlite3_value** argv);

// One argument value (argument `index` of `spec`).
Value convert_arg(const FunctionSpec& spec, std::size_t index, sqlite3_value* value);

}  // namespace vigil::sqlite
