// common/migrate/plan.hpp
//
// The order in which migrations apply: by version (version.hpp), except that a migration's
// requirements run just before it when they would otherwise come later.  Requirements must
// name registered versions; a cycle is refused with the versions that form it.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace vigil::migrate {

struct PlanNode {
  std::string version;
  std::vector<std::string> requires_versions;
};

// Indexes into `nodes`, in application order.  Throws kUndefinedObject (42704) for a
// requirement that names no node, kInvalidParameter (22023) for a cycle.  Uses no recursion:
// any depth of requirements is planned in heap memory.  `check_interrupts`, when given, is
// called once per node (Session::check_interrupts: a cancel ends a long plan).
std::vector<std::size_t> plan_order(const std::vector<PlanNode>& nodes,
                                    const std::function<void()>& check_interrupts = {});

}  // namespace vigil::migrate
