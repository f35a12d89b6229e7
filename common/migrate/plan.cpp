// common/migrate/plan.cpp: the order of migrations (plan.hpp).  Migrations are taken in
// version order; each one's unplaced requirements are placed just before it (depth first, in
// version order), so a migration that requires a later version pulls that one forward and
// everything else keeps its place.
#include "migrate/plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "migrate/version.hpp"
#include "vigil/error.hpp"

namespace vigil::migrate {
namespace {

class Planner {
 public:
  explicit Planner(const std::vector<PlanNode>& nodes) : nodes_(nodes), mark_(nodes.size(), 0) {
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

  void visit(std::size_t i) {
    if (mark_[i] == kDone) return;
    if (mark_[i] == kVisiting) {
      std::string cycle;
      const auto from = std::find(path_.begin(), path_.end(), i);
      for (auto it = from; it != path_.end(); ++it) cycle += nodes_[*it].version + " -> ";
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("the requirements of the migrations form a cycle: {}{}", cycle,
                              nodes_[i].version));
    }
    mark_[i] = kVisiting;
    path_.push_back(i);
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
    for (std::size_t r : requirements) visit(r);
    path_.pop_back();
    mark_[i] = kDone;
    order_.push_back(i);
  }

  static constexpr int kVisiting = 1;
  static constexpr int kDone = 2;
  const std::vector<PlanNode>& nodes_;
  std::map<std::string, std::size_t, std::less<>> index_;
  std::vector<int> mark_;
  std::vector<std::size_t> path_;
  std::vector<std::size_t> order_;
};

}  // namespace

std::vector<std::size_t> plan_order(const std::vector<PlanNode>& nodes) {
  return Planner(nodes).run();
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
