// tests/fuzz/fuzz_rule_condition.cpp -- libFuzzer target for the engine-neutral rule validator
// (validate_rule_condition_text and rule_violations_sql, common/repair/rules.cpp).
// Invariants: it never crashes and throws only vigil::Error; a condition it accepts is at most
// kMaxRuleConditionBytes long and, placed in the statement vigil runs, stays inside its
// parentheses: the statement's tokens hold no `;` and no comment, the depth never drops below
// the one of the `NOT (` vigil opened, and that parenthesis is the last token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "repair/rules.hpp"
#include "sql/lexer.hpp"
#include "vigil/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string condition(reinterpret_cast<const char*>(data), size);
  try {
    vigil::validate_rule_condition_text(condition);
  } catch (const vigil::Error&) {
    return 0;
  }
  if (condition.size() > vigil::kMaxRuleConditionBytes) std::abort();
  const std::string sql = vigil::rule_violations_sql("\"id\"", "\"t\"", condition);
  const auto tokens = vigil::sql::tokenize(sql);
  int depth = 0;
  int outer = -1;  // the depth inside vigil's `NOT (`
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t.kind == vigil::sql::TokenKind::kComment || t.is_punct(';')) std::abort();
    if (t.is_punct('(')) {
      ++depth;
      if (outer < 0) outer = depth;
    }
    if (t.is_punct(')')) {
      if (depth == outer && i + 1 != tokens.size()) std::abort();  // closed vigil's early
      --depth;
    }
    if (depth < 0) std::abort();
  }
  if (depth != 0 || outer != 1) std::abort();
  return 0;
}
