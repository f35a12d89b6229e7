// tests/fuzz/fuzz_create_table.cpp -- libFuzzer target for the CREATE TABLE reader
// (common/schema/create_table_parser.cpp).  Invariants: every CHECK expression is text of the
// input, and its columns are among the given names.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "schema/create_table_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> names = {"id", "name", "a", "B", "Weird Col", "select"};
  const auto parsed = vigil::parse_create_table(input, names);
  for (const auto& check : parsed.checks) {
    if (!check.expression.empty() && input.find(check.expression) == std::string::npos) {
      std::abort();
    }
    for (const auto& c : check.columns) {
      if (std::find(names.begin(), names.end(), c) == names.end()) std::abort();
    }
  }
  return 0;
}
