// tests/fuzz/fuzz_schema_text.cpp -- libFuzzer target for the text rules of the schema model:
// classify_type (declared type names) and canonical_default (default expressions of both
// engines).  Invariant: no crash, and canonical defaults are short canonical forms or
// fragments of the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "schema/canonical.hpp"
#include "schema/model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const vigil::TypeClass type_class = vigil::classify_type(input);
  const std::string canonical = vigil::canonical_default(input, type_class);
  if (canonical.size() > input.size() + 32) std::abort();
  return 0;
}
