// common/stats/query_stats.cpp
#include "stats/query_stats.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "stats/normalize.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"

namespace vigil {

void init_counters(QueryCounters& c) noexcept {
  c = QueryCounters{};
  c.usage = kUsageInit;
}

void record_execution(QueryCounters& c, double ms, std::int64_t rows) noexcept {
  if (c.calls == 0) {
    c.min_ms = ms;
    c.max_ms = ms;
  } else {
    c.min_ms = std::min(c.min_ms, ms);
    c.max_ms = std::max(c.max_ms, ms);
  }
  c.calls += 1;
  c.rows += rows;
  c.total_ms += ms;
  const double delta = ms - c.mean_ms;
  c.mean_ms += delta / static_cast<double>(c.calls);
  c.m2 += delta * (ms - c.mean_ms);
  c.usage += 1.0;
}

void record_error(QueryCounters& c) noexcept {
  c.errors += 1;
  c.usage += 1.0;
}

double stddev_ms(const QueryCounters& c) noexcept {
  if (c.calls < 2) return 0.0;
  return std::sqrt(c.m2 / static_cast<double>(c.calls));
}

std::size_t eviction_count(std::size_t entries) noexcept {
  return std::min(entries, std::max(kEvictMin, entries * kEvictPercent / 100));
}

double decay_and_cutoff(double* usages, std::size_t n, std::size_t count,
                        double* scratch) noexcept {
  if (n == 0 || count == 0) return -1.0;
  for (std::size_t i = 0; i < n; ++i) {
    usages[i] *= kUsageDecay;
    scratch[i] = usages[i];
  }
  const std::size_t k = std::min(count, n) - 1;
  std::nth_element(scratch, scratch + k, scratch + n);
  return scratch[k];
}

LocalQueryStats::Entry& LocalQueryStats::find_or_add(std::uint64_t fingerprint,
                                                     std::string_view query) {
  auto it = entries_.find(fingerprint);
  if (it != entries_.end()) return it->second;
  if (entries_.size() >= max_entries_) evict();
  Entry& e = entries_[fingerprint];
  e.query.assign(query);
  init_counters(e.counters);
  return e;
}

LocalQueryStats::Entry* LocalQueryStats::find(std::uint64_t fingerprint) {
  auto it = entries_.find(fingerprint);
  return it == entries_.end() ? nullptr : &it->second;
}

void LocalQueryStats::evict() {
  const std::size_t n = entries_.size();
  const std::size_t count = eviction_count(n);
  std::vector<double> usages;
  std::vector<double> scratch(n);
  usages.reserve(n);
  for (auto& [fp, e] : entries_) usages.push_back(e.counters.usage);
  const double cutoff = decay_and_cutoff(usages.data(), n, count, scratch.data());
  std::size_t i = 0;
  std::size_t removed = 0;
  for (auto it = entries_.begin(); it != entries_.end(); ++i) {
    it->second.counters.usage = usages[i];
    if (removed < count && usages[i] <= cutoff) {
      it = entries_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  ++generation_;
}

std::vector<QueryStatsEntry> LocalQueryStats::copy() const {
  std::vector<QueryStatsEntry> out;
  out.reserve(entries_.size());
  for (const auto& [fp, e] : entries_) out.push_back(QueryStatsEntry{fp, e.query, e.counters});
  return out;
}

std::int64_t LocalQueryStats::clear() {
  const auto n = static_cast<std::int64_t>(entries_.size());
  entries_.clear();
  ++generation_;
  return n;
}

void sort_for_display(std::vector<QueryStatsEntry>& entries) {
  std::sort(entries.begin(), entries.end(), [](const QueryStatsEntry& a, const QueryStatsEntry& b) {
    if (a.counters.total_ms != b.counters.total_ms) {
      return a.counters.total_ms > b.counters.total_ms;
    }
    return a.fingerprint < b.fingerprint;
  });
}

namespace {

QueryStatsStore& store_of(Session& session) {
  QueryStatsStore* store = session.query_stats();
  if (store == nullptr) {
    throw Error(ErrorCode::kFeatureNotSupported, "this host does not record query statistics");
  }
  return *store;
}

}  // namespace

void register_query_stats_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_query_stats";
    f.columns = {{"fingerprint", ValueKind::kText}, {"query", ValueKind::kText},
                 {"calls", ValueKind::kInteger},    {"total_ms", ValueKind::kReal},
                 {"mean_ms", ValueKind::kReal},     {"min_ms", ValueKind::kReal},
                 {"max_ms", ValueKind::kReal},      {"stddev_ms", ValueKind::kReal},
                 {"rows", ValueKind::kInteger},     {"errors", ValueKind::kInteger}};
    f.table = [](Session& session, const Args&) -> std::unique_ptr<RowSource> {
      QueryStatsStore& store = store_of(session);
      std::vector<QueryStatsEntry> entries = store.entries();
      sort_for_display(entries);
      const bool errors = store.counts_errors();
      std::vector<Row> rows;
      rows.reserve(entries.size());
      for (const auto& e : entries) {
        const QueryCounters& c = e.counters;
        const bool ran = c.calls > 0;
        rows.push_back(Row{Value::text(fingerprint_hex(e.fingerprint)), Value::text(e.query),
                           Value::integer(c.calls), Value::real(c.total_ms),
                           ran ? Value::real(c.mean_ms) : Value::null(),
                           ran ? Value::real(c.min_ms) : Value::null(),
                           ran ? Value::real(c.max_ms) : Value::null(),
                           ran ? Value::real(stddev_ms(c)) : Value::null(), Value::integer(c.rows),
                           errors ? Value::integer(c.errors) : Value::null()});
      }
      // Bounded by the statistics table's size (vigil.max_statements), not by user data.
      return std::make_unique<VectorRowSource>(std::move(rows));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_query_stats_reset";
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args&) {
      return Value::integer(store_of(session).reset());
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
