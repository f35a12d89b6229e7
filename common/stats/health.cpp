// common/stats/health.cpp
#include "stats/health.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "stats/integrity_hook.hpp"
#include "stats/query_stats.hpp"
#include "stats/settings.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

enum class Rule { kAbove, kBelow, kJournalMode, kSizeLimit };

struct MetricDef {
  const char* metric;
  const char* setting;  // the threshold; nullptr when the rule needs none
  Rule rule;
  HealthStatus severity;  // when the threshold is crossed
  const char* label;
  const char* unit;
};

constexpr MetricDef kMetrics[] = {
    {"integrity_findings", "integrity_findings_critical", Rule::kAbove, HealthStatus::kCritical,
     "integrity findings", ""},
    {"error_rate_pct", "error_rate_critical_pct", Rule::kAbove, HealthStatus::kCritical,
     "failed statements", " %"},
    {"mean_query_ms", "mean_query_ms_warning", Rule::kAbove, HealthStatus::kWarning,
     "mean query time", " ms"},
    {"connections_pct", "connections_warning_pct", Rule::kAbove, HealthStatus::kWarning,
     "connections in use", " %"},
    {"cache_hit_pct", "cache_hit_warning_pct", Rule::kBelow, HealthStatus::kWarning,
     "buffer cache hit ratio", " %"},
    {"xid_age", "xid_age_warning", Rule::kAbove, HealthStatus::kWarning, "transaction ID age", ""},
    {"long_running_seconds", "long_query_seconds", Rule::kAbove, HealthStatus::kWarning,
     "longest running query", " s"},
    {"idle_in_transaction_seconds", "idle_in_transaction_seconds", Rule::kAbove,
     HealthStatus::kWarning, "longest idle transaction", " s"},
    {"dead_rows_pct", "dead_rows_warning_pct", Rule::kAbove, HealthStatus::kWarning, "dead rows",
     " %"},
    {"freelist_pct", "freelist_warning_pct", Rule::kAbove, HealthStatus::kWarning, "free pages",
     " %"},
    {"wal_size_mb", "wal_size_warning_mb", Rule::kAbove, HealthStatus::kWarning, "WAL size", " MB"},
    {"journal_mode", nullptr, Rule::kJournalMode, HealthStatus::kWarning, "journal mode", ""},
    {"quick_check", "quick_check_critical", Rule::kAbove, HealthStatus::kCritical,
     "quick_check problems", ""},
    {"database_size_mb", "database_size_limit_mb", Rule::kSizeLimit, HealthStatus::kWarning,
     "database size", " MB"},
};

const MetricDef& metric_def(const std::string& metric) {
  for (const auto& m : kMetrics) {
    if (metric == m.metric) return m;
  }
  throw Error(ErrorCode::kInternal, fmt::format("vigil has no health metric \"{}\"", metric));
}

std::string with_detail(std::string text, const std::string& detail) {
  if (!detail.empty()) text += " (" + detail + ")";
  return text;
}

// Applies the metric's rule to a measured value.
HealthReading judge(Session& session, const MetricDef& def, std::optional<double> value,
                    const std::string& detail) {
  HealthReading r;
  r.metric = def.metric;
  r.value = value;
  if (def.setting != nullptr && def.rule != Rule::kSizeLimit) {
    r.threshold = read_setting(session, def.setting);
  }
  if (!value) {
    r.status = HealthStatus::kUnknown;
    r.message = with_detail(std::string(def.label) + ": not measured", detail);
    return r;
  }
  const std::string shown = format_number(*value) + def.unit;
  switch (def.rule) {
    case Rule::kJournalMode:
      r.status = detail == "off" ? def.severity : HealthStatus::kOk;
      r.message = detail == "off"   ? "journal_mode is off: a crash can corrupt the database"
                  : detail == "wal" ? "journal_mode is wal"
                                    : "journal_mode is " + detail +
                                          " (WAL lets readers and the writer work at once: see "
                                          "vigil_optimize())";
      return r;
    case Rule::kSizeLimit: {
      const double limit = read_setting(session, def.setting);
      if (limit <= 0) {
        r.message = with_detail(
            std::string(def.label) + ": " + shown,
            detail + (detail.empty() ? "" : "; ") + "no limit set: database_size_limit_mb");
        return r;
      }
      r.threshold = limit * read_setting(session, "database_size_warning_pct") / 100.0;
      break;
    }
    default:
      break;
  }
  const bool crossed = def.rule == Rule::kBelow ? *value < *r.threshold : *value > *r.threshold;
  r.status = crossed ? def.severity : HealthStatus::kOk;
  if (crossed) {
    r.message = with_detail(
        fmt::format("{}: {} is {} the {} threshold of {}{}", def.label, shown,
                    def.rule == Rule::kBelow ? "below" : "above", health_status_name(def.severity),
                    format_number(*r.threshold), def.unit),
        detail);
  } else {
    r.message = with_detail(std::string(def.label) + ": " + shown, detail);
  }
  return r;
}

std::optional<double> number_or_empty(const Value& v) {
  if (v.is_null()) return std::nullopt;
  if (v.kind() == ValueKind::kReal) return v.as_real();
  if (v.kind() == ValueKind::kInteger) return static_cast<double>(v.as_integer());
  return std::stod(v.to_text());
}

void query_metrics(Session& session, HealthReport& report) {
  const MetricDef& errors_def = metric_def("error_rate_pct");
  const MetricDef& mean_def = metric_def("mean_query_ms");
  QueryStatsStore* store = nullptr;
  std::string why;
  try {
    store = session.query_stats();
    if (store == nullptr) why = "this host does not record query statistics";
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kPrerequisiteState) throw;
    why = e.what();
  }
  if (store == nullptr) {
    report.metrics.push_back(judge(session, errors_def, std::nullopt, why));
    report.metrics.push_back(judge(session, mean_def, std::nullopt, why));
    return;
  }
  std::int64_t calls = 0;
  std::int64_t errors = 0;
  double total_ms = 0;
  for (const auto& e : store->entries()) {
    calls += e.counters.calls;
    errors += e.counters.errors;
    total_ms += e.counters.total_ms;
  }
  if (store->counts_errors()) {
    const double rate = calls + errors == 0 ? 0.0
                                            : 100.0 * static_cast<double>(errors) /
                                                  static_cast<double>(calls + errors);
    report.metrics.push_back(
        judge(session, errors_def, rate,
              fmt::format("{} of {} statements failed", errors, calls + errors)));
  } else {
    report.metrics.push_back(judge(session, errors_def, std::nullopt,
                                   fmt::format("{} does not report failed statements to vigil",
                                               session.dialect().engine_title())));
  }
  const double mean = calls == 0 ? 0.0 : total_ms / static_cast<double>(calls);
  report.metrics.push_back(
      judge(session, mean_def, mean, fmt::format("{} statements recorded", calls)));
}

}  // namespace

const char* health_status_name(HealthStatus status) {
  switch (status) {
    case HealthStatus::kOk:
      return "ok";
    case HealthStatus::kWarning:
      return "warning";
    case HealthStatus::kCritical:
      return "critical";
    default:
      return "unknown";
  }
}

std::string format_number(double value) {
  if (std::isfinite(value) && std::fabs(value) < 1e15 && value == std::floor(value)) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{:.2f}", value);
}

namespace {

// A metric that cannot be read because the database itself is damaged (SQLite reports
// SQLITE_CORRUPT as kDataCorrupted) is critical, not an error of vigil_health().
HealthReading damaged(Session& session, const MetricDef& def, const Error& e) {
  HealthReading r = judge(session, def, std::nullopt, e.what());
  r.status = HealthStatus::kCritical;
  r.message =
      fmt::format("{}: cannot be measured, the database is damaged ({})", def.label, e.what());
  return r;
}

HealthReading integrity_reading(Session& session) {
  const MetricDef& def = metric_def("integrity_findings");
  try {
    return judge(session, def, static_cast<double>(count_integrity_findings(session)), "");
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kDataCorrupted) throw;
    return damaged(session, def, e);
  }
}

HealthReading probe_reading(Session& session, const HealthProbe& probe) {
  const MetricDef& def = metric_def(probe.metric);
  Row row;
  try {
    if (probe.compute) {
      row = probe.compute(session);
    } else {
      Params params;
      if (probe.takes_threshold) params.push_back(Value::real(read_setting(session, def.setting)));
      auto cursor = session.query(probe.sql, params);
      if (cursor->next()) row = {cursor->get(0), cursor->get(1)};
    }
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kDataCorrupted) throw;
    return damaged(session, def, e);
  }
  const std::optional<double> value = row.empty() ? std::nullopt : number_or_empty(row[0]);
  const std::string detail = row.size() > 1 ? row[1].to_text() : std::string();
  return judge(session, def, value, detail);
}

}  // namespace

HealthReport evaluate_health(Session& session) {
  HealthReport report;
  report.metrics.push_back(integrity_reading(session));
  query_metrics(session, report);
  for (const HealthProbe& probe : session.dialect().health_probes()) {
    session.check_interrupts();
    report.metrics.push_back(probe_reading(session, probe));
  }
  int warnings = 0;
  int criticals = 0;
  int unknowns = 0;
  std::string critical_names;
  std::string warning_names;
  std::string unknown_names;
  for (const auto& m : report.metrics) {
    if (m.status == HealthStatus::kCritical) {
      ++criticals;
      critical_names += (critical_names.empty() ? "" : ", ") + m.metric;
    } else if (m.status == HealthStatus::kWarning) {
      ++warnings;
      warning_names += (warning_names.empty() ? "" : ", ") + m.metric;
    } else if (m.status == HealthStatus::kUnknown) {
      ++unknowns;
      unknown_names += (unknown_names.empty() ? "" : ", ") + m.metric;
    }
  }
  // The score counts what was measured; a metric that could not be measured is no evidence of
  // health, so the status is never 'excellent' while one is unknown, and the message names it.
  report.score = std::max(0, 100 - 10 * warnings - 30 * criticals);
  report.overall_status = criticals > 0                    ? "critical"
                          : warnings == 0 && unknowns == 0 ? "excellent"
                          : report.score >= 80             ? "good"
                                                           : "degraded";
  std::string m;
  if (criticals > 0) m = "critical: " + critical_names;
  if (warnings > 0) m += (m.empty() ? "" : "; ") + std::string("warning: ") + warning_names;
  if (m.empty()) {
    m = unknowns == 0 ? "every metric is within its threshold"
                      : "every measured metric is within its threshold";
  }
  if (unknowns > 0) {
    m += fmt::format("; not measured: {} ({} of {} metrics unknown)", unknown_names, unknowns,
                     report.metrics.size());
  }
  report.overall_message = m;
  return report;
}

std::vector<Row> health_rows(const HealthReport& report) {
  std::vector<Row> rows;
  rows.reserve(report.metrics.size() + 1);
  for (const auto& m : report.metrics) {
    rows.push_back(Row{Value::text(m.metric), m.value ? Value::real(*m.value) : Value::null(),
                       m.threshold ? Value::real(*m.threshold) : Value::null(),
                       Value::text(health_status_name(m.status)), Value::text(m.message)});
  }
  rows.push_back(Row{Value::text("overall"), Value::real(report.score), Value::null(),
                     Value::text(report.overall_status), Value::text(report.overall_message)});
  return rows;
}

void register_health_functions(std::vector<FunctionSpec>& out) {
  FunctionSpec f;
  f.name = "vigil_health";
  f.columns = {{"metric", ValueKind::kText},
               {"value", ValueKind::kReal},
               {"threshold", ValueKind::kReal},
               {"status", ValueKind::kText},
               {"message", ValueKind::kText}};
  f.table = [](Session& session, const Args&) -> std::unique_ptr<RowSource> {
    // A handful of rows: one per metric.
    return std::make_unique<VectorRowSource>(health_rows(evaluate_health(session)));
  };
  out.push_back(std::move(f));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
