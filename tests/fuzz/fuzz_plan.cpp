// tests/fuzz/fuzz_plan.cpp -- libFuzzer target for the migration plan (common/migrate/plan.cpp)
// on graphs of any depth: a recursive planner overflowed the stack on a 30,000-long chain of
// `requires` (issue #16), which the few versions of fuzz_version cannot express.
//
// Input: byte 0 is a mode, bytes 1-3 a chain length L (at most 32,767, past the 30,000 that
// crashed PostgreSQL; kept there so the target stays fast): when mode & 1, versions
// 1..L where each requires the next (the first in version order pulls the whole chain forward:
// the deepest walk); mode & 2 closes the chain into a cycle; mode & 4 makes the chain's last
// version require one that is not registered.  The rest of the input adds up to 64 versions
// "x<k>" and, per pair of bytes (a, b), "node a requires node b" among all the versions.
// Invariants: plan_order either returns a permutation with every requirement placed before
// what requires it (and then the graph, checked independently, is acyclic with every
// requirement registered), or throws kUndefinedObject exactly when a requirement is not
// registered, or kInvalidParameter exactly when there is a cycle.  The interrupt callback is
// called at least once per node.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "migrate/plan.hpp"
#include "vigil/error.hpp"

namespace mig = vigil::migrate;

namespace {

// Kahn's algorithm over the registered requirements: whether the graph has a cycle.
bool has_cycle(const std::vector<mig::PlanNode>& nodes,
               const std::map<std::string, std::size_t>& index) {
  std::vector<std::size_t> pending(nodes.size(), 0);  // unplaced requirements of each node
  std::vector<std::vector<std::size_t>> required_by(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& r : nodes[i].requires_versions) {
      const auto it = index.find(r);
      if (it == index.end()) continue;
      ++pending[i];
      required_by[it->second].push_back(i);
    }
  }
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (pending[i] == 0) ready.push_back(i);
  }
  std::size_t placed = 0;
  while (!ready.empty()) {
    const std::size_t i = ready.back();
    ready.pop_back();
    ++placed;
    for (std::size_t j : required_by[i]) {
      if (--pending[j] == 0) ready.push_back(j);
    }
  }
  return placed != nodes.size();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const unsigned mode = data[0];
  const std::size_t length =
      ((std::size_t{data[1]} << 16U) | (std::size_t{data[2]} << 8U) | data[3]) & 0x7FFFU;
  std::vector<mig::PlanNode> nodes;
  if ((mode & 1U) != 0) {
    for (std::size_t i = 1; i <= length; ++i) {
      mig::PlanNode n;
      n.version = std::to_string(i);
      if (i < length) n.requires_versions.push_back(std::to_string(i + 1));
      nodes.push_back(std::move(n));
    }
    if (!nodes.empty() && (mode & 2U) != 0) nodes.back().requires_versions.emplace_back("1");
    if (!nodes.empty() && (mode & 4U) != 0)
      nodes.back().requires_versions.emplace_back("0.missing");
  }
  std::size_t pos = 4;
  const std::size_t extra = pos < size ? data[pos++] % 65U : 0;
  for (std::size_t k = 0; k < extra; ++k) nodes.push_back({"x" + std::to_string(k), {}});
  if (!nodes.empty()) {
    for (; pos + 1 < size; pos += 2) {
      // Edges among the first 256 and the last 64 nodes (the chain's ends and the extras).
      const std::size_t a = data[pos] < 128 ? data[pos] % nodes.size()
                                            : nodes.size() - 1 - (data[pos] - 128U) % nodes.size();
      const std::size_t b = data[pos + 1] % nodes.size();
      if (a != b) nodes[a].requires_versions.push_back(nodes[b].version);
    }
  }
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i].version, i);
  bool unknown = false;
  for (const auto& n : nodes) {
    for (const auto& r : n.requires_versions) unknown |= index.count(r) == 0;
  }
  std::size_t checks = 0;
  try {
    const std::vector<std::size_t> order = mig::plan_order(nodes, [&checks] { ++checks; });
    FUZZ_CHECK(!unknown);
    FUZZ_CHECK(!has_cycle(nodes, index));
    FUZZ_CHECK(order.size() == nodes.size());
    FUZZ_CHECK(checks >= nodes.size());
    std::vector<std::size_t> position(nodes.size(), nodes.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      FUZZ_CHECK(order[k] < nodes.size() && position[order[k]] == nodes.size());
      position[order[k]] = k;
    }
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      for (const auto& r : nodes[i].requires_versions) {
        FUZZ_CHECK(position[index.at(r)] < position[i]);
      }
    }
  } catch (const vigil::Error& e) {
    if (e.code() == vigil::ErrorCode::kUndefinedObject) {
      FUZZ_CHECK(unknown);
    } else {
      FUZZ_CHECK(e.code() == vigil::ErrorCode::kInvalidParameter);
      FUZZ_CHECK(has_cycle(nodes, index));
    }
  }
  return 0;
}
