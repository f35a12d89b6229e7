// tests/fuzz/fuzz_normalize.cpp -- libFuzzer target for the query normaliser
// (common/stats/normalize.cpp, behind vigil_query_stats).
// Invariants: never throws; the fingerprint is XXH3-64 of the text and fingerprint_hex is 16
// lower-case hex digits; the text has no newline or tab (whitespace is rebuilt), no leading or
// trailing space and no trailing ';'; normalising is idempotent (the normalised text normalises
// to itself), so a query always lands in one group.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "stats/normalize.hpp"
#include "vigil/hash.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const vigil::NormalizedQuery q = vigil::normalize_query(input);
  FUZZ_CHECK(q.text == vigil::normalize_sql(input));
  FUZZ_CHECK(q.fingerprint == vigil::xxh3_64(q.text));
  const std::string hex = vigil::fingerprint_hex(q.fingerprint);
  FUZZ_CHECK(hex.size() == 16 && hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  if (!q.text.empty()) {
    FUZZ_CHECK(q.text.front() != ' ' && q.text.back() != ' ');
  }
  const std::string again = vigil::normalize_sql(q.text);
  FUZZ_CHECK(again == q.text);
  return 0;
}
