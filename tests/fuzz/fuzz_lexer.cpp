// tests/fuzz/fuzz_lexer.cpp -- libFuzzer target for the SQL lexer (common/sql/lexer.cpp).
// Invariants: tokens lie inside the input, in order, without overlap; identifier_value never
// reads outside its token.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/lexer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto tokens = vigil::sql::tokenize(input);
  std::size_t end = 0;
  for (const auto& t : tokens) {
    if (t.offset < end || t.offset + t.text.size() > input.size() || t.text.empty()) std::abort();
    if (input.substr(t.offset, t.text.size()) != t.text) std::abort();
    end = t.offset + t.text.size();
    if (vigil::sql::identifier_value(t).size() > t.text.size()) std::abort();
  }
  return 0;
}
