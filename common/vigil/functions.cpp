// common/vigil/functions.cpp
//
// The registry: each feature folder contributes its functions through one register_* call.
#include "vigil/functions.hpp"

#include <fmt/format.h>

#include "vigil/error.hpp"

namespace vigil {

// Defined in the feature folders.
void register_schema_functions(std::vector<FunctionSpec>& out);
void register_stats_functions(std::vector<FunctionSpec>& out);
void register_integrity_functions(std::vector<FunctionSpec>& out);
void register_checksum_functions(std::vector<FunctionSpec>& out);
void register_repair_functions(std::vector<FunctionSpec>& out);
void register_migrate_functions(std::vector<FunctionSpec>& out);

const Value& Args::required(std::size_t i) const {
  if (i >= values_.size() || values_[i].is_null()) {
    throw Error(ErrorCode::kNullValueNotAllowed,
                fmt::format("argument \"{}\" must not be NULL", spec_.at(i).name));
  }
  return values_[i];
}

std::string Args::text(std::size_t i) const {
  return required(i).to_text();
}

std::int64_t Args::integer(std::size_t i) const {
  return required(i).to_integer();
}

bool Args::boolean(std::size_t i) const {
  return required(i).to_bool();
}

bool VectorRowSource::next(Row& row) {
  if (pos_ >= rows_.size()) return false;
  row = std::move(rows_[pos_++]);
  return true;
}

std::size_t FunctionSpec::required_args() const {
  std::size_t n = 0;
  for (const auto& a : args) {
    if (!a.optional) ++n;
  }
  return n;
}

const std::vector<FunctionSpec>& function_registry() {
  static const std::vector<FunctionSpec> registry = [] {
    std::vector<FunctionSpec> out;
    register_schema_functions(out);
    register_stats_functions(out);
    register_integrity_functions(out);
    register_checksum_functions(out);
    register_repair_functions(out);
    register_migrate_functions(out);
    return out;
  }();
  return registry;
}

const FunctionSpec& find_function(std::string_view name) {
  for (const auto& f : function_registry()) {
    if (f.name == name) return f;
  }
  throw Error(ErrorCode::kInternal, fmt::format("vigil has no function \"{}\"", name));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
