// tests/fuzz/fuzz_version.cpp -- libFuzzer target for migration versions
// (common/migrate/version.cpp) and the migration plan (common/migrate/plan.cpp).
// The input is cut at newlines into candidate versions.
// Invariants of compare_versions on every pair and triple: reflexive (0 exactly for equal
// bytes: a total order), antisymmetric (sign(a,b) == -sign(b,a)), transitive; equivalent_versions
// is symmetric and equal versions are equivalent, and version_number_key is equal exactly for
// equivalent versions; validate_version throws only
// kInvalidParameter / kNullValueNotAllowed.  plan_order over the valid versions (each requiring
// the ones named after a '>' in its line) is a permutation with every requirement placed
// before the migration that requires it, or a clear error (kUndefinedObject, kInvalidParameter).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "migrate/plan.hpp"
#include "migrate/version.hpp"
#include "vigil/error.hpp"

namespace mig = vigil::migrate;

namespace {

int sign(int x) {
  return (x > 0) - (x < 0);
}

bool valid(std::string_view v) {
  try {
    mig::validate_version(v, "version");
    return true;
  } catch (const vigil::Error& e) {
    FUZZ_CHECK(e.code() == vigil::ErrorCode::kInvalidParameter ||
               e.code() == vigil::ErrorCode::kNullValueNotAllowed);
    return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= input.size() && lines.size() < 12) {
    std::size_t nl = input.find('\n', start);
    if (nl == std::string_view::npos) nl = input.size();
    lines.emplace_back(input.substr(start, nl - start));
    start = nl + 1;
  }
  // "version>req1>req2": the version and what it requires.
  std::vector<std::string> versions;
  std::vector<mig::PlanNode> nodes;
  std::set<std::string> seen;
  for (const std::string& line : lines) {
    std::vector<std::string> parts;
    std::size_t p = 0;
    while (true) {
      const std::size_t gt = line.find('>', p);
      parts.push_back(line.substr(p, gt == std::string::npos ? std::string::npos : gt - p));
      if (gt == std::string::npos) break;
      p = gt + 1;
    }
    for (const std::string& v : parts) versions.push_back(v);
    if (valid(parts[0]) && seen.insert(parts[0]).second) {
      mig::PlanNode n;
      n.version = parts[0];
      n.requires_versions.assign(parts.begin() + 1, parts.end());
      nodes.push_back(std::move(n));
    }
  }
  for (const std::string& v : versions) valid(v);
  if (versions.size() > 24) versions.resize(24);  // the triple loop stays fast

  for (const auto& a : versions) {
    FUZZ_CHECK(mig::compare_versions(a, a) == 0);
    FUZZ_CHECK(mig::equivalent_versions(a, a));
    for (const auto& b : versions) {
      const int ab = sign(mig::compare_versions(a, b));
      FUZZ_CHECK(ab == -sign(mig::compare_versions(b, a)));
      FUZZ_CHECK((ab == 0) == (a == b));
      FUZZ_CHECK(mig::equivalent_versions(a, b) == mig::equivalent_versions(b, a));
      FUZZ_CHECK((mig::version_number_key(a) == mig::version_number_key(b)) ==
                 mig::equivalent_versions(a, b));
      for (const auto& c : versions) {
        const int bc = sign(mig::compare_versions(b, c));
        if (ab <= 0 && bc <= 0) FUZZ_CHECK(mig::compare_versions(a, c) <= 0);
      }
    }
  }

  try {
    const std::vector<std::size_t> order = mig::plan_order(nodes);
    FUZZ_CHECK(order.size() == nodes.size());
    std::vector<std::size_t> position(nodes.size(), nodes.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      FUZZ_CHECK(order[k] < nodes.size() && position[order[k]] == nodes.size());
      position[order[k]] = k;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      for (const auto& r : nodes[i].requires_versions) {
        const auto it = std::find_if(nodes.begin(), nodes.end(),
                                     [&](const mig::PlanNode& n) { return n.version == r; });
        FUZZ_CHECK(it != nodes.end());
        FUZZ_CHECK(position[static_cast<std::size_t>(it - nodes.begin())] < position[i]);
      }
    }
  } catch (const vigil::Error& e) {
    FUZZ_CHECK(e.code() == vigil::ErrorCode::kUndefinedObject ||
               e.code() == vigil::ErrorCode::kInvalidParameter);
  }
  return 0;
}
