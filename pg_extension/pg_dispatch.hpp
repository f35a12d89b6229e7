// pg_extension/pg_dispatch.hpp
//
// VIGIL_PG_FUNCTION(name) defines the C entry point of the SQL function `name`: it looks the
// function up in the core's registry and runs it through dispatch(), the boundary that turns
// C++ exceptions into PostgreSQL errors.  One C symbol per SQL function; a changed signature
// gets a new symbol (STYLE.md).
#pragma once

#include "pg_extension/pg_headers.hpp"

namespace vigil::pg {
Datum dispatch(FunctionCallInfo fcinfo, const char* name);
}

#define VIGIL_PG_FUNCTION(fn)                \
  extern "C" {                               \
  PG_FUNCTION_INFO_V1(fn);                   \
  PGDLLEXPORT Datum fn(PG_FUNCTION_ARGS) {   \
    return vigil::pg::dispatch(fcinfo, #fn); \
  }                                          \
  }
