// common/stats/query_stats.hpp
//
// Query statistics, the engine-neutral part: the counters kept per normalised query, the
// eviction policy when the table is full, the interface through which the core reads a host's
// statistics, and an in-process table (the SQLite host keeps one per connection; the PostgreSQL
// host keeps the same counters in shared memory, pg_extension/query_stats_pg.cpp).
//
//   vigil_query_stats() → table(fingerprint, query, calls, total_ms, mean_ms, min_ms, max_ms,
//                               stddev_ms, rows, errors)
//       One row per normalised query (common/stats/normalize.hpp) of this database (PostgreSQL)
//       or this connection (SQLite), by total_ms descending, then fingerprint.  calls counts
//       completed executions, errors failed ones (NULL where the engine cannot tell: SQLite);
//       times are wall-clock milliseconds of the executor (PostgreSQL) / from the first step to
//       the end of the statement (SQLite); stddev_ms is the population standard deviation;
//       mean/min/max/stddev are NULL while calls = 0.  PostgreSQL without
//       shared_preload_libraries = 'vigil': 55000 with a message that says so.
//   vigil_query_stats_reset() → bigint
//       Forgets every entry of this database / connection; returns how many there were.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vigil {

// Plain data, so that PostgreSQL can keep it in shared memory.
struct QueryCounters {
  std::int64_t calls;
  std::int64_t rows;
  std::int64_t errors;
  double total_ms;
  double min_ms;
  double max_ms;
  double mean_ms;  // Welford's running mean and sum of squared deviations
  double m2;
  double usage;  // for eviction: starts at kUsageInit, +1 per execution or error
};

void init_counters(QueryCounters& c) noexcept;
void record_execution(QueryCounters& c, double ms, std::int64_t rows) noexcept;
void record_error(QueryCounters& c) noexcept;
double stddev_ms(const QueryCounters& c) noexcept;

// Eviction, as pg_stat_statements does it: when the table is full, every entry's usage decays
// by kUsageDecay and the kEvictPercent percent least used (at least kEvictMin) are removed.
inline constexpr double kUsageInit = 1.0;
inline constexpr double kUsageDecay = 0.99;
inline constexpr std::size_t kEvictPercent = 5;
inline constexpr std::size_t kEvictMin = 10;
inline constexpr std::size_t kDefaultMaxStatements = 5000;

// How many of `entries` to remove.
std::size_t eviction_count(std::size_t entries) noexcept;
// Decays every usage in place and returns the usage at or below which `count` entries lie: the
// caller removes entries whose usage is <= the result, at most `count` of them.  `scratch` has
// room for n values (no allocation: the PostgreSQL host calls this under an exclusive lock).
double decay_and_cutoff(double* usages, std::size_t n, std::size_t count, double* scratch) noexcept;

struct QueryStatsEntry {
  std::uint64_t fingerprint = 0;
  std::string query;
  QueryCounters counters{};
};

class QueryStatsStore {
 public:
  virtual ~QueryStatsStore() = default;
  // A copy of this database's (connection's) entries, in no particular order.
  virtual std::vector<QueryStatsEntry> entries() = 0;
  // Forgets them; returns how many there were.
  virtual std::int64_t reset() = 0;
  // Whether `errors` is counted (false: the engine does not tell vigil about failures).
  virtual bool counts_errors() const = 0;
};

// An in-process table of entries, bounded, with the eviction above.  Not thread-safe: the
// SQLite host uses one per connection, under the connection's mutex.
class LocalQueryStats {
 public:
  struct Entry {
    std::string query;
    QueryCounters counters{};
  };

  explicit LocalQueryStats(std::size_t max_entries = kDefaultMaxStatements)
      : max_entries_(max_entries < kEvictMin * 2 ? kEvictMin * 2 : max_entries) {}

  // The entry of `fingerprint`, created (after an eviction when full) with `query`.  Pointers
  // stay valid until generation() changes.
  Entry& find_or_add(std::uint64_t fingerprint, std::string_view query);
  Entry* find(std::uint64_t fingerprint);
  // Bumped whenever entries are removed (eviction, reset).
  std::uint64_t generation() const noexcept { return generation_; }
  std::size_t size() const noexcept { return entries_.size(); }
  std::size_t max_entries() const noexcept { return max_entries_; }

  std::vector<QueryStatsEntry> copy() const;
  std::int64_t clear();

 private:
  void evict();

  std::size_t max_entries_;
  std::uint64_t generation_ = 0;
  std::unordered_map<std::uint64_t, Entry> entries_;
};

// Orders rows as vigil_query_stats() shows them: total_ms descending, then fingerprint.
void sort_for_display(std::vector<QueryStatsEntry>& entries);

// Registered by register_stats_functions (table_stats.cpp).
struct FunctionSpec;
void register_query_stats_functions(std::vector<FunctionSpec>& out);

}  // namespace vigil
