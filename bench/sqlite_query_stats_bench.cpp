// bench/sqlite_query_stats_bench.cpp
//
// The cost of vigil's query statistics in SQLite: a C loop of 1,000,000 prepared point selects
// by primary key inside one transaction, on a connection without vigil and on one with vigil
// loaded (sqlite3_trace_v2: vigil's clock at the start and end of every run, rows counted),
// rounds alternated.  A third connection has an empty trace callback with vigil's mask
// (STMT | ROW | PROFILE): the floor any trace-based statistics pay, since SQLite reads its own
// clock twice per statement as soon as a profile callback is registered.  After each vigil round
// the benchmark checks that vigil counted every call.  Goal: with vigil / without <= 1.05.
//
//   build/sqlite_query_stats_bench [rounds] [calls]     (defaults: 21 rounds, 1000000 calls)
//
// Times are the thread's CPU time per call.  Prints each round, then the median of the
// per-round ratios and the ratio of the best rounds (the least disturbed by other load).
#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

extern "C" int sqlite3_vigil_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

constexpr int kRows = 100000;

void must(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

int empty_trace(unsigned, void*, void*, void*) {
  return 0;
}

enum class Mode { kPlain, kEmptyTrace, kVigil };

// vigil's mask (without CLOSE, which fires once per connection).
constexpr unsigned kVigilMask = SQLITE_TRACE_STMT | SQLITE_TRACE_ROW | SQLITE_TRACE_PROFILE;

sqlite3* open_db(Mode mode, unsigned empty_mask = kVigilMask) {
  sqlite3* db = nullptr;
  must(sqlite3_open(":memory:", &db), db, "open");
  if (mode == Mode::kVigil) must(sqlite3_vigil_init(db, nullptr, nullptr), db, "vigil");
  if (mode == Mode::kEmptyTrace) sqlite3_trace_v2(db, empty_mask, empty_trace, nullptr);
  must(sqlite3_exec(
           db,
           "CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER, filler TEXT);"
           "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 100000)"
           "INSERT INTO accounts SELECT n, n % 1000, hex(randomblob(40)) FROM g;",
           nullptr, nullptr, nullptr),
       db, "setup");
  return db;
}

// The thread's CPU time: unlike wall time, it does not count the time other processes of a
// shared machine take the core away (they still disturb caches: take several rounds).
double cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// Runs `calls` point selects; returns CPU nanoseconds per call.
double run(sqlite3* db, long calls) {
  sqlite3_stmt* stmt = nullptr;
  must(sqlite3_prepare_v2(db, "SELECT balance FROM accounts WHERE id = ?1", -1, &stmt, nullptr), db,
       "prepare");
  long long sum = 0;
  const double start = cpu_ns();
  must(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), db, "begin");
  for (long i = 0; i < calls; ++i) {
    sqlite3_bind_int(stmt, 1, static_cast<int>((i * 7919) % kRows) + 1);
    if (sqlite3_step(stmt) == SQLITE_ROW) sum += sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
  }
  must(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  const double end = cpu_ns();
  sqlite3_finalize(stmt);
  if (sum < 0) std::printf("%lld\n", sum);  // keep the loop's work observable
  return (end - start) / static_cast<double>(calls);
}

long long counted(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  must(sqlite3_prepare_v2(db,
                          "SELECT calls, rows FROM vigil_query_stats() "
                          "WHERE query = 'select balance from accounts where id = ?'",
                          -1, &s, nullptr),
       db, "stats");
  long long calls = -1;
  if (sqlite3_step(s) == SQLITE_ROW) {
    calls = sqlite3_column_int64(s, 0);
    if (sqlite3_column_int64(s, 1) != calls) calls = -2;  // one row per call
  }
  sqlite3_finalize(s);
  must(sqlite3_exec(db, "SELECT vigil_query_stats_reset()", nullptr, nullptr, nullptr), db,
       "reset");
  return calls;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

// `--only plain|empty|vigil CALLS`: one configuration, one run, for instruction counting
// under valgrind (bench/sqlite_instructions.sh).  `empty:SRP` is the empty callback with the
// mask of the letters given (S = STMT, R = ROW, P = PROFILE): what each event costs SQLite.
int only(const std::string& mode, long calls) {
  const bool empty = mode.rfind("empty", 0) == 0;
  const Mode m = mode == "vigil" ? Mode::kVigil : empty ? Mode::kEmptyTrace : Mode::kPlain;
  unsigned mask = kVigilMask;
  if (empty && mode.size() > 6) {
    mask = 0;
    for (const char c : mode.substr(6)) {
      mask |= c == 'S'   ? SQLITE_TRACE_STMT
              : c == 'R' ? SQLITE_TRACE_ROW
              : c == 'P' ? SQLITE_TRACE_PROFILE
                         : 0U;
    }
  }
  sqlite3* db = open_db(m, mask);
  run(db, calls);
  const bool ok = m != Mode::kVigil || counted(db) == calls;
  sqlite3_close(db);
  return ok ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--only") return only(argv[2], std::atol(argv[3]));
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 21;
  const long calls = argc > 2 ? std::atol(argv[2]) : 1000000;
  sqlite3* plain = open_db(Mode::kPlain);
  sqlite3* empty = open_db(Mode::kEmptyTrace);
  sqlite3* traced = open_db(Mode::kVigil);
  counted(traced);         // forget the setup statements
  run(plain, calls / 10);  // warm-up
  run(empty, calls / 10);
  run(traced, calls / 10);
  counted(traced);
  std::vector<double> without;
  std::vector<double> floor;
  std::vector<double> with;
  bool all_counted = true;
  std::printf("SQLite %s, %ld prepared point selects per round in one transaction\n",
              sqlite3_libversion(), calls);
  std::printf("%-6s %14s %14s %14s %8s %8s\n", "round", "without ns/op", "empty-cb ns/op",
              "vigil ns/op", "floor", "vigil");
  for (int r = 0; r < rounds; ++r) {
    // Rotate the order, so that none always runs on a warmer (or busier) machine.
    double t[3] = {0, 0, 0};
    sqlite3* dbs[3] = {plain, empty, traced};
    for (int k = 0; k < 3; ++k) {
      const int i = (r + k) % 3;
      t[i] = run(dbs[i], calls);
    }
    const long long n = counted(traced);
    if (n != calls) {
      all_counted = false;
      std::printf("round %d: vigil counted %lld calls, not %ld\n", r + 1, n, calls);
    }
    without.push_back(t[0]);
    floor.push_back(t[1]);
    with.push_back(t[2]);
    std::printf("%-6d %14.1f %14.1f %14.1f %8.3f %8.3f\n", r + 1, t[0], t[1], t[2], t[1] / t[0],
                t[2] / t[0]);
  }
  std::vector<double> floor_ratios;
  std::vector<double> ratios;
  for (std::size_t i = 0; i < with.size(); ++i) {
    floor_ratios.push_back(floor[i] / without[i]);
    ratios.push_back(with[i] / without[i]);
  }
  const double best_without = *std::min_element(without.begin(), without.end());
  const double best_floor = *std::min_element(floor.begin(), floor.end());
  const double best_with = *std::min_element(with.begin(), with.end());
  std::printf("median ns/op: without %.1f, empty callback %.1f, vigil %.1f\n", median(without),
              median(floor), median(with));
  std::printf("median of the round ratios: empty callback %.3f, vigil %.3f (goal <= 1.05)\n",
              median(floor_ratios), median(ratios));
  std::printf("best rounds: without %.1f, empty callback %.1f (%.3f), vigil %.1f (%.3f)\n",
              best_without, best_floor, best_floor / best_without, best_with,
              best_with / best_without);
  std::printf("vigil counted every call: %s\n", all_counted ? "yes" : "NO");
  sqlite3_close(plain);
  sqlite3_close(empty);
  sqlite3_close(traced);
  return all_counted ? 0 : 1;
}
