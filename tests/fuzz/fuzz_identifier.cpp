// tests/fuzz/fuzz_identifier.cpp -- libFuzzer target for identifier quoting
// (Dialect::quote_identifier).  Invariant: a quoted identifier lexes back as exactly one quoted
// name whose value is the original bytes, whatever they are: a hostile name can never become
// SQL.  Names that no engine can hold (empty, NUL byte) must be refused with vigil::Error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "dialect/sqlite_dialect.hpp"
#include "sql/lexer.hpp"
#include "vigil/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), size);
  std::string quoted;
  try {
    quoted = vigil::sqlite_dialect().quote_identifier(name);
  } catch (const vigil::Error&) {
    if (!name.empty() && name.find('\0') == std::string::npos) std::abort();
    return 0;
  }
  const auto tokens = vigil::sql::tokenize(quoted);
  if (tokens.size() != 1 || tokens[0].kind != vigil::sql::TokenKind::kQuotedName) std::abort();
  if (vigil::sql::identifier_value(tokens[0]) != name) std::abort();
  return 0;
}
