// bench/normalize_bench.cpp
//
// Throughput of the query normaliser (common/stats/normalize.cpp) on bench/corpus/queries.sql,
// side by side with what one would otherwise write: a regular-expression normaliser (strings
// and numbers to ?, whitespace folded, lower case) -- which is also wrong on doubled quotes,
// dollar quotes, comments and IN lists.  Google Benchmark prints bytes/s and queries/s.
//
//   build/normalize_bench [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "stats/normalize.hpp"

#ifndef VIGIL_SOURCE_DIR
#define VIGIL_SOURCE_DIR "."
#endif

namespace {

// Statements of the corpus: each ends with a semicolon at the end of a line.
const std::vector<std::string>& corpus() {
  static const std::vector<std::string> queries = [] {
    std::ifstream in(std::string(VIGIL_SOURCE_DIR) + "/bench/corpus/queries.sql");
    std::vector<std::string> out;
    std::string line;
    std::string current;
    while (std::getline(in, line)) {
      if (current.empty() && line.rfind("--", 0) == 0) continue;
      current += line + "\n";
      if (!line.empty() && line.back() == ';') {
        out.push_back(current);
        current.clear();
      }
    }
    return out;
  }();
  return queries;
}

std::int64_t corpus_bytes() {
  std::int64_t n = 0;
  for (const auto& q : corpus()) n += static_cast<std::int64_t>(q.size());
  return n;
}

void BM_VigilNormalize(benchmark::State& state) {
  const auto& queries = corpus();
  for (auto _ : state) {
    for (const auto& q : queries) {
      auto n = vigil::normalize_query(q);
      benchmark::DoNotOptimize(n.fingerprint);
    }
  }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(queries.size()));
}
BENCHMARK(BM_VigilNormalize);

void BM_RegexNormalize(benchmark::State& state) {
  const auto& queries = corpus();
  const std::regex strings("'[^']*'");
  const std::regex numbers("\\b[0-9]+(\\.[0-9]+)?\\b");
  const std::regex spaces("\\s+");
  for (auto _ : state) {
    for (const auto& q : queries) {
      std::string s = std::regex_replace(q, strings, "?");
      s = std::regex_replace(s, numbers, "?");
      s = std::regex_replace(s, spaces, " ");
      for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      benchmark::DoNotOptimize(s.data());
    }
  }
  state.SetBytesProcessed(state.iterations() * corpus_bytes());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(queries.size()));
}
BENCHMARK(BM_RegexNormalize);

}  // namespace

int main(int argc, char** argv) {
  std::printf("corpus: %zu queries, %lld bytes\n", corpus().size(),
              static_cast<long long>(corpus_bytes()));
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
