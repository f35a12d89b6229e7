// tests/fuzz/fuzz_splitter.cpp -- libFuzzer target for the migration statement splitter and
// classifier (common/migrate/splitter.cpp: split_statements, classify_statement,
// written_tables).
// Invariants: the only error is vigil::Error kSyntaxError naming the argument and a line;
// statements are non-empty, in order, without overlap, each one exactly the input's bytes at
// its offset, with the right 1-based line; a statement split on its own is that one statement;
// the statements joined with ";\n" split back into the same statements (splitting is stable);
// classification never throws, and a non-transactional or transaction-control statement
// always says why; written_tables gives non-empty, distinct names.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "migrate/splitter.hpp"
#include "vigil/error.hpp"

using vigil::migrate::split_statements;
using vigil::migrate::SqlStatement;

namespace {

bool split(std::string_view sql, std::vector<SqlStatement>& out) {
  try {
    out = split_statements(sql, "up_sql");
    return true;
  } catch (const vigil::Error& e) {
    FUZZ_CHECK(e.code() == vigil::ErrorCode::kSyntaxError);
    const std::string message = e.what();
    FUZZ_CHECK(message.rfind("up_sql: ", 0) == 0);
    FUZZ_CHECK(message.find("(line ") != std::string::npos);
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<SqlStatement> statements;
  if (!split(input, statements)) return 0;

  std::size_t end = 0;
  std::string joined;
  for (const SqlStatement& s : statements) {
    FUZZ_CHECK(!s.text.empty());
    FUZZ_CHECK(s.offset >= end && s.offset + s.text.size() <= input.size());
    FUZZ_CHECK(input.substr(s.offset, s.text.size()) == s.text);
    FUZZ_CHECK(s.line ==
               1 + std::count(input.begin(), input.begin() + static_cast<long>(s.offset), '\n'));
    end = s.offset + s.text.size();

    std::vector<SqlStatement> alone;
    FUZZ_CHECK(split(s.text, alone));
    FUZZ_CHECK(alone.size() == 1 && alone[0].text == s.text && alone[0].offset == 0);

    const auto c = vigil::migrate::classify_statement(s.text);
    if (c.kind != vigil::migrate::StatementKind::kTransactional) FUZZ_CHECK(!c.reason.empty());
    const auto tables = vigil::migrate::written_tables(s.text);
    for (std::size_t i = 0; i < tables.size(); ++i) {
      FUZZ_CHECK(!tables[i].empty());
      FUZZ_CHECK(std::count(tables.begin(), tables.end(), tables[i]) == 1);
    }
    joined += s.text;
    joined += ";\n";
  }
  std::vector<SqlStatement> again;
  FUZZ_CHECK(split(joined, again));
  FUZZ_CHECK(again.size() == statements.size());
  for (std::size_t i = 0; i < again.size(); ++i) FUZZ_CHECK(again[i].text == statements[i].text);
  return 0;
}
