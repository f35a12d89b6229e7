// pg_extension/pg_value.hpp
//
// Datums ↔ vigil::Value.  Values are read in their native form (int8, float8, bool, bytea,
// text); timestamps, timestamptz and dates are formatted here in ISO form from their native
// value (independent of DateStyle and TimeZone; timestamptz in UTC); other types without a
// native mapping go through their output function (numeric, json and jsonb do not depend on
// any setting).
#pragma once

#include "pg_extension/pg_headers.hpp"
#include "vigil/value.hpp"

namespace vigil::pg {

Value datum_to_value(Datum datum, bool isnull, Oid type);

// Converts `value` to a Datum of `type`, allocated in CurrentMemoryContext.
Datum value_to_datum(const Value& value, Oid type, bool* isnull);

}  // namespace vigil::pg
