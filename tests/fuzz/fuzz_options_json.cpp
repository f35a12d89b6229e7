// tests/fuzz/fuzz_options_json.cpp -- libFuzzer target for the JSON options vigil parses:
// vigil_migration_add's options_json (common/migrate/ledger.cpp parse_options), the stored
// requires list (parse_versions_json) and the checksum key bounds (parse_json_scalar_array).
// Invariants: parse_options accepts or throws vigil::Error kInvalidParameter (never a JSON
// library exception, never another code); accepted options are within their bounds, have
// distinct requirements, and written back as JSON parse to the same options (a round trip);
// versions_json / parse_versions_json round-trip any list; parse_versions_json throws only
// kDataException.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "checksum/canonical.hpp"
#include "fuzz_check.hpp"
#include "migrate/ledger.hpp"
#include "vigil/error.hpp"

namespace mig = vigil::migrate;

namespace {

std::string options_json(const mig::MigrationOptions& o) {
  std::string out = "{";
  auto key = [&](const char* k) {
    if (out.size() > 1) out += ",";
    out += "\"";
    out += k;
    out += "\":";
  };
  if (o.transactional) {
    key("transactional");
    out += *o.transactional ? "true" : "false";
  }
  key("requires");
  out += mig::versions_json(o.requires_versions);
  if (o.lock_timeout_ms) {
    key("lock_timeout_ms");
    out += std::to_string(*o.lock_timeout_ms);
  }
  if (o.retries) {
    key("retries");
    out += std::to_string(*o.retries);
  }
  return out + "}";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  try {
    const mig::MigrationOptions o = mig::parse_options(input);
    if (o.lock_timeout_ms) FUZZ_CHECK(*o.lock_timeout_ms >= 0 && *o.lock_timeout_ms <= 86400000);
    if (o.retries) FUZZ_CHECK(*o.retries >= 0 && *o.retries <= 100);
    for (const auto& v : o.requires_versions) {
      FUZZ_CHECK(std::count(o.requires_versions.begin(), o.requires_versions.end(), v) == 1);
    }
    FUZZ_CHECK(mig::parse_options(options_json(o)) == o);
    FUZZ_CHECK(mig::parse_versions_json(mig::versions_json(o.requires_versions)) ==
               o.requires_versions);
  } catch (const vigil::Error& e) {
    FUZZ_CHECK(e.code() == vigil::ErrorCode::kInvalidParameter);
  }
  try {
    const std::vector<std::string> list = mig::parse_versions_json(input);
    FUZZ_CHECK(mig::parse_versions_json(mig::versions_json(list)) == list);
  } catch (const vigil::Error& e) {
    FUZZ_CHECK(e.code() == vigil::ErrorCode::kDataException);
  }
  (void)vigil::parse_json_scalar_array(input);
  return 0;
}
