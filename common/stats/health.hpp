// common/stats/health.hpp
//
//   vigil_health() → table(metric, value, threshold, status, message)
//       One row per metric, then one row metric = 'overall'.  status is 'ok', 'warning',
//       'critical' or 'unknown' (the metric cannot be measured here).  The overall row's value
//       is a score from 0 to 100 over the measured metrics (100 - 10 per warning - 30 per
//       critical, at least 0) and its status a word: 'critical' when any metric is critical,
//       else 'excellent' (no warning and no unknown metric), 'good' (score >= 80) or
//       'degraded'; its message names the unknown metrics ("not measured: ...").
//       Metrics of both engines: integrity_findings (critical), error_rate_pct (critical),
//       mean_query_ms (warning), database_size_mb (warning, when a limit is set).  PostgreSQL
//       adds connections_pct, cache_hit_pct (below the threshold is bad), xid_age,
//       long_running_seconds, idle_in_transaction_seconds, dead_rows_pct; SQLite adds
//       freelist_pct, wal_size_mb, journal_mode (warning only when 'off'), quick_check
//       (critical).  Thresholds are settings (common/stats/settings.hpp).  docs/monitoring.md
//       describes each metric.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/functions.hpp"
#include "vigil/session.hpp"

namespace vigil {

enum class HealthStatus { kOk, kWarning, kCritical, kUnknown };
const char* health_status_name(HealthStatus status);

struct HealthReading {
  std::string metric;
  std::optional<double> value;
  std::optional<double> threshold;
  HealthStatus status = HealthStatus::kOk;
  std::string message;
};

struct HealthReport {
  std::vector<HealthReading> metrics;  // without the overall row
  int score = 100;
  std::string overall_status;  // excellent, good, degraded, critical
  std::string overall_message;
};

HealthReport evaluate_health(Session& session);

// The rows of vigil_health(): the metrics, then 'overall'.
std::vector<Row> health_rows(const HealthReport& report);

// "12", "0.25", "1000000000": how vigil prints a metric's value in messages.
std::string format_number(double value);

void register_health_functions(std::vector<FunctionSpec>& out);

}  // namespace vigil
