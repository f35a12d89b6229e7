// pg_extension/pg_value.hpp
//
// Datums ↔ vigil::Value.  Values are read in their native form (int8, float8, bool, bytea,
// text); types without a native mapping go through their output function.
#pragma once

#include "pg_extension/pg_headers.hpp"
#include "vigil/value.hpp"

namespace vigil::pg {

Value datum_to_value(Datum datum, bool isnull, Oid type);

// Converts `value` to a Datum of `type`, allocated in CurrentMemoryContext.
Datum value_to_datum(const Value& value, Oid type, bool* isnull);

}  // namespace vigil::pg
