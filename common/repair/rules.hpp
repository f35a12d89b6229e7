// common/repair/rules.hpp
//
// The data-quality rules kept in vigil_rules (rules.cpp), for the rule check kind and repair.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"
#include "vigil/dialect.hpp"
#include "vigil/session.hpp"

namespace vigil {

struct Rule {
  std::string name;
  std::string condition;
  std::string severity;  // error | warning | info
  std::string repair;    // auto | quarantine
};

// vigil_rules, described once for both engines.
const OwnTable& rules_table();
// The rules of one table, by name; none when vigil_rules does not exist yet (SQLite).
std::vector<Rule> rules_of_table(Session& session, const TableRef& table);

}  // namespace vigil
