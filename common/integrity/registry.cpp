// common/integrity/registry.cpp
//
// The list of check kinds.  A new kind (user rules: `rule:<name>`) is registered with one more
// call here; see check_kind.hpp.
#include <fmt/format.h>

#include "integrity/check_kind.hpp"
#include "vigil/error.hpp"

namespace vigil::integrity {

const std::vector<std::unique_ptr<CheckKind>>& check_kinds() {
  static const std::vector<std::unique_ptr<CheckKind>> kinds = [] {
    std::vector<std::unique_ptr<CheckKind>> out;
    register_constraint_kinds(out);  // fk_orphan, not_null, check_constraint, unique_duplicate,
                                     // type_mismatch
    register_state_kinds(out);       // sequence_behind, invalid_index, unvalidated_constraint
    register_physical_kind(out);     // physical
    register_rule_kind(out);         // rule:<name>
    return out;
  }();
  return kinds;
}

const CheckKind& find_check_kind(std::string_view check_name) {
  std::string known;
  for (const auto& kind : check_kinds()) {
    if (kind->handles(check_name)) return *kind;
    known += (known.empty() ? "" : ", ") + std::string(kind->name());
  }
  throw Error(ErrorCode::kInvalidParameter, fmt::format("unknown check \"{}\"", check_name),
              "Known checks: " + known + ".");
}

}  // namespace vigil::integrity

#include "vigil/no_host_headers.hpp"
