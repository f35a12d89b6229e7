// tests/unit/stats_core_test.cpp
//
// Engine-neutral pieces of the statistics group: the counters, the eviction policy, pg_cron
// schedules, and the JSON / Prometheus escaping.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "stats/monitor.hpp"
#include "stats/query_stats.hpp"
#include "stats/text_format.hpp"
#include "vigil/error.hpp"

namespace {

TEST(QueryCounters, WelfordMatchesTheDirectFormulas) {
  vigil::QueryCounters c;
  vigil::init_counters(c);
  const double xs[] = {2, 4, 4, 4, 5, 5, 7, 9};
  for (double x : xs) vigil::record_execution(c, x, 3);
  EXPECT_EQ(c.calls, 8);
  EXPECT_EQ(c.rows, 24);
  EXPECT_DOUBLE_EQ(c.total_ms, 40);
  EXPECT_DOUBLE_EQ(c.mean_ms, 5);
  EXPECT_DOUBLE_EQ(c.min_ms, 2);
  EXPECT_DOUBLE_EQ(c.max_ms, 9);
  EXPECT_DOUBLE_EQ(vigil::stddev_ms(c), 2);  // the population standard deviation
  vigil::record_error(c);
  EXPECT_EQ(c.errors, 1);
  EXPECT_EQ(c.calls, 8);
}

TEST(Eviction, RemovesTheLeastUsedFivePercent) {
  vigil::LocalQueryStats table(200);
  for (std::uint64_t fp = 1; fp <= 200; ++fp) {
    auto& e = table.find_or_add(fp, "q" + std::to_string(fp));
    // Entry fp is used fp times: the first ones are the least used.
    for (std::uint64_t k = 1; k < fp; ++k) vigil::record_execution(e.counters, 1, 1);
  }
  EXPECT_EQ(table.size(), 200u);
  const auto generation = table.generation();
  table.find_or_add(1000, "new");
  EXPECT_EQ(table.generation(), generation + 1);
  EXPECT_EQ(table.size(), 200u - 10u + 1u);  // 5 % of 200 = 10 removed, then one added
  for (std::uint64_t fp = 1; fp <= 10; ++fp) EXPECT_EQ(table.find(fp), nullptr) << fp;
  for (std::uint64_t fp = 11; fp <= 200; ++fp) EXPECT_NE(table.find(fp), nullptr) << fp;
  EXPECT_NE(table.find(1000), nullptr);
  // Usage decayed by 1 %.
  EXPECT_NEAR(table.find(200)->counters.usage, (1.0 + 199) * 0.99, 1e-9);
  EXPECT_EQ(vigil::eviction_count(5000), 250u);
  EXPECT_EQ(vigil::eviction_count(100), 10u);
  EXPECT_EQ(table.clear(), 191);
  EXPECT_EQ(table.size(), 0u);
}

TEST(CronSchedule, IntervalsPgCronCanExpress) {
  EXPECT_EQ(vigil::cron_schedule(60, false), "* * * * *");
  EXPECT_EQ(vigil::cron_schedule(300, false), "*/5 * * * *");
  EXPECT_EQ(vigil::cron_schedule(1800, false), "*/30 * * * *");
  EXPECT_EQ(vigil::cron_schedule(3600, false), "0 * * * *");
  EXPECT_EQ(vigil::cron_schedule(21600, false), "0 */6 * * *");
  EXPECT_EQ(vigil::cron_schedule(86400, false), "0 0 * * *");
  EXPECT_EQ(vigil::cron_schedule(30, true), "30 seconds");
  for (long long bad : {0LL, -60LL, 30LL, 90LL, 420LL, 5400LL, 18000LL, 172800LL}) {
    EXPECT_THROW(vigil::cron_schedule(bad, false), vigil::Error) << bad;
  }
  EXPECT_THROW(vigil::cron_schedule(60 * 7, true), vigil::Error);
}

TEST(TextFormat, JsonAndPrometheusEscaping) {
  EXPECT_EQ(vigil::json_string("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(vigil::prometheus_label("say \"hi\"\\\nnext"), "say \\\"hi\\\"\\\\\\nnext");
  // cut on a character boundary: "é" is two bytes
  EXPECT_EQ(vigil::prometheus_label("aé", 2), "a");
  EXPECT_EQ(vigil::prometheus_number(3), "3");
  EXPECT_EQ(vigil::prometheus_number(0.25), "0.25");
  EXPECT_EQ(vigil::prometheus_number(std::nan("")), "NaN");
  EXPECT_EQ(vigil::prometheus_number(-INFINITY), "-Inf");
}

}  // namespace
