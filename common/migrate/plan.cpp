// common/migrate/plan.cpp: the order of migrations (plan.hpp).  Migrations are taken in
// version order; each one's unplaced requirements are placed just before it (depth first, in
// version order), so a migration that requires a later version pulls that one forward and
// everything else keeps its place.  Iterative, linear in nodes + requirements (plus the sorts).
#include "migrate/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "migrate/version.hpp"
#include "vigil/error.hpp"

namespace vigil::migrate {
namespace {

class Planner {
 public:
  Planner(const std::vector<PlanNode>& nodes, const std::function<void()>& check)
      : nodes_(nodes), check_(check), mark_(nodes.size(), 0) {
    for (std::size_t i = 0; i < nodes.size(); ++i) index_.emplace(nodes[i].version, i);
  }

  std::vector<std::size_t> run() {
    std::vector<std::size_t> by_version(nodes_.size());
    for (std::size_t i = 0; i < nodes_.size(); ++i) by_version[i] = i;
    sort_by_version(by_version);
    for (std::size_t i : by_version) visit(i);
    return std::move(order_);
  }

 private:
  void sort_by_version(std::vector<std::size_t>& v) const {
    std::sort(v.begin(), v.end(), [&](std::size_t a, std::size_t b) {
      return compare_versions(nodes_[a].version, nodes_[b].version) < 0;
    });
  }

  // Depth first without recursion: a chain of `requires` as long as the ledger (a 100,000-long
  // chain was a stack overflow, issue #16) takes heap, not stack.  Each frame is a node being
  // visited and the next of its sorted requirements to visit.
  void visit(std::size_t start) {
    if (mark_[start] == kDone) return;
    struct Frame {
      std::size_t node;
      std::vector<std::size_t> requirements;
      std::size_t next = 0;
    };
    std::vector<Frame> stack;
    auto enter = [&](std::size_t i) {
      if (check_) check_();
      mark_[i] = kVisiting;
      path_.push_back(i);
      stack.push_back({i, requirements_of(i)});
    };
    enter(start);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.requirements.size()) {
        path_.pop_back();
        mark_[f.node] = kDone;
        order_.push_back(f.node);
        stack.pop_back();
        continue;
      }
      const std::size_t r = f.requirements[f.next++];
      if (mark_[r] == kDone) continue;
      if (mark_[r] == kVisiting) fail_cycle(r);
      enter(r);  // invalidates f
    }
  }

  std::vector<std::size_t> requirements_of(std::size_t i) const {
    std::vector<std::size_t> requirements;
    for (const auto& r : nodes_[i].requires_versions) {
      const auto it = index_.find(r);
      if (it == index_.end()) {
        throw Error(ErrorCode::kUndefinedObject,
                    fmt::format("migration {} requires version \"{}\", which is not registered",
                                nodes_[i].version, r));
      }
      requirements.push_back(it->second);
    }
    sort_by_version(requirements);
    return requirements;
  }

  [[noreturn]] void fail_cycle(std::size_t i) const {
    // At most kCycleShown versions of a long cycle are named: the message stays readable.
    constexpr std::size_t kCycleShown = 20;
    const auto from = std::find(path_.begin(), path_.end(), i);
    const auto length = static_cast<std::size_t>(path_.end() - from);
    std::string cycle;
    std::size_t shown = 0;
    for (auto it = from; it != path_.end(); ++it, ++shown) {
      if (shown == kCycleShown) {
        cycle += fmt::format("... ({} more) -> ", length - shown);
        break;
      }
      cycle += nodes_[*it].version + " -> ";
    }
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("the requirements of the migrations form a cycle: {}{}", cycle,
                            nodes_[i].version));
  }

  static constexpr int kVisiting = 1;
  static constexpr int kDone = 2;
  const std::vector<PlanNode>& nodes_;
  const std::function<void()>& check_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<int> mark_;
  std::vector<std::size_t> path_;
  std::vector<std::size_t> order_;
};

}  // namespace

std::vector<std::size_t> plan_order(const std::vector<PlanNode>& nodes,
                                    const std::function<void()>& check_interrupts) {
  return Planner(nodes, check_interrupts).run();
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
