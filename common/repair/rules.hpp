// common/repair/rules.hpp
//
// The data-quality rules kept in vigil_rules (rules.cpp), for the rule check kind and repair.
#pragma once

#include <cstddef>
#include <optional>
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
  // The role that stored it (PostgreSQL's vigil_rules.added_by); none where the engine has no
  // roles (SQLite).
  std::optional<std::string> added_by;
};

// The largest condition vigil stores or evaluates, in bytes (54000 / SQLITE_TOOBIG above it).
constexpr std::size_t kMaxRuleConditionBytes = std::size_t{64} * 1024;

// Refuses, with a vigil::Error, a condition text that cannot be one expression (no engine is
// asked): longer than kMaxRuleConditionBytes (54000), empty, a comment, a `;`, unbalanced
// parentheses, or a word that only statements or subqueries use (42601).  The engine's own
// check (Session::check_stored_condition) follows; this one is the engine-neutral first gate.
void validate_rule_condition_text(const std::string& condition);

// The statement that finds the rows of `source` (Dialect::table_source) breaking `condition`,
// selecting `select`: the condition stands on lines of its own, so that nothing in it (a
// trailing `--` comment) can reach the SQL vigil wraps around it.
std::string rule_violations_sql(const std::string& select, const std::string& source,
                                const std::string& condition);

// Checks a stored rule before vigil evaluates it (docs/reliability.md, "Trust model for stored
// code"): the text, then the engine's analysis of `statement` (rule_violations_sql) and the
// rule's author.  Throws when it must not be evaluated.
void check_rule(Session& session, const TableRef& table, const Rule& rule,
                const std::string& statement);

// vigil_rules, described once for both engines.
const OwnTable& rules_table();
// The rules of one table, by name; none when vigil_rules does not exist yet (SQLite).
std::vector<Rule> rules_of_table(Session& session, const TableRef& table);

}  // namespace vigil
