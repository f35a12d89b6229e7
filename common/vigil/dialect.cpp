// common/vigil/dialect.cpp
#include "vigil/dialect.hpp"

#include "vigil/error.hpp"

namespace vigil {

std::string Dialect::quote_identifier(std::string_view name) const {
  if (name.empty()) {
    throw Error(ErrorCode::kInvalidParameter, "an identifier must not be empty");
  }
  std::string out;
  out.reserve(name.size() + 2);
  out.push_back('"');
  for (char c : name) {
    if (c == '\0') {
      throw Error(ErrorCode::kInvalidParameter, "an identifier must not contain a NUL byte");
    }
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string Dialect::qualified(const TableRef& table) const {
  return quote_identifier(table.schema) + "." + quote_identifier(table.name);
}

std::string Dialect::display_name(const TableRef& table) const {
  if (table.schema == default_schema() || is_temp_schema(table.schema)) return table.name;
  return table.schema + "." + table.name;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
