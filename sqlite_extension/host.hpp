// sqlite_extension/host.hpp
//
// The SQLite host's boundary: the one map from C++ exceptions to SQLite results, the generic
// eponymous virtual table that serves every table-valued function of the registry, and the
// registration of every function.
#pragma once

#include <exception>
#include <string>

#include "sqlite_extension/sqlite_api.hpp"
#include "vigil/value.hpp"

namespace vigil::sqlite {

// The current exception as a SQLite result code and message (call inside a catch block).
// bad_alloc → SQLITE_NOMEM, vigil::Error → its mapped code, anything else → SQLITE_ERROR.
struct ErrorResult {
  int code;
  std::string message;
};
ErrorResult current_error() noexcept;

// Sets a value as the result of a function or a virtual-table column.
void set_result(sqlite3_context* ctx, const Value& value);

// Registers every function of the registry on `db`.  Returns SQLITE_OK or an error code with
// *err set by sqlite3_mprintf.
int register_all(sqlite3* db, char** err);

}  // namespace vigil::sqlite
