// common/vigil/system_fault.hpp
//
// Faults of the system, as opposed to errors of a statement.
#pragma once

#include <string>

namespace vigil {

// Whether an error of SQLSTATE `state` is a fault of the system rather than of the statement
// that met it: out of memory or other exhausted resources (class 53), an I/O or system error
// (class 58), a cancellation (57014).  Code that catches a statement's error to report it as a
// result (a failed migration, a recommendation not applied) rethrows these instead: the call
// ends with the error and records nothing, because after such a fault the engine may have
// rolled the whole transaction back (SQLite does on SQLITE_IOERR, SQLITE_FULL, SQLITE_NOMEM).
// Session::error_sqlstate gives std::bad_alloc 53200.
bool is_system_fault(const std::string& state);

}  // namespace vigil
