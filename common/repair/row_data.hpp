// common/repair/row_data.hpp
//
// The exact, engine-neutral JSON form of a row that vigil_quarantine keeps (row_data), and of
// one value in it.  Untagged where JSON is exact and unambiguous, a one-member object naming
// the kind everywhere else:
//   NULL                 null
//   integer              a JSON integer                       42, -9223372036854775808
//   boolean (PostgreSQL) true / false
//   text                 a JSON string (every byte kept: "" is not null, \u0000 survives)
//   real                 {"real": "0.1"}       the shortest text that reads back as exactly the
//                                              same double; "NaN", "Infinity", "-Infinity"
//   numeric              {"numeric": "12.50"}  PostgreSQL's exact decimal text, scale kept
//   blob / bytea         {"blob": "00ff"}      lower-case hex of the bytes
//   timestamp            {"timestamp": "2024-01-02 03:04:05.5+00"}  as the core reads it
//   json / jsonb         {"json": "{\"a\": 1}"}  the document's text, as a string
// Reals are strings, not JSON numbers, so that no JSON processor (PostgreSQL's jsonb keeps
// numbers as numeric: 1e+10 would come back as an integer) can change their kind or value.
// Other PostgreSQL types (dates, uuid, arrays, intervals, enums ...) are read as their text
// output and put back through the column's input function: text is their exact form.
#pragma once

#include <string>
#include <vector>

#include "vigil/json.hpp"
#include "vigil/value.hpp"

namespace vigil {

// Appends the JSON form of `value`.
void append_value_json(std::string& out, const Value& value);
// {"a": ..., "b": ...}: names[i] with values[i].
std::string row_json(const std::vector<std::string>& names, const Row& values);
// The value a JSON form stands for (the inverse of append_value_json).  Throws
// kInvalidParameter for a form that is not one of the above.
Value value_from_json(const JsonNode& node);

}  // namespace vigil
