// common/stats/metrics.cpp
//
//   vigil_metrics([with_tables boolean DEFAULT true]) → text
//       Prometheus' text exposition format (version 0.0.4) of vigil's view of the database:
//         vigil_health_score                       gauge, 0..100
//         vigil_health_overall{status}             gauge, 1 for the current overall status
//         vigil_health_value{metric}               gauge, each measured metric
//         vigil_health_threshold{metric}           gauge, where the metric has one
//         vigil_health_status{metric}              gauge, 0 ok, 1 warning, 2 critical
//         vigil_alerts_open{severity}              gauge, open rows of vigil_alerts
//         vigil_table_rows / _bytes / _indexes / _dead_rows / _live_rows / _free_bytes{table}
//                                                  gauges, from vigil_table_stats()
//         vigil_table_seq_scans_total / _index_scans_total{table}     counters (PostgreSQL)
//         vigil_query_calls_total / _errors_total / _rows_total / _seconds_total
//                      {fingerprint, query}        counters, the metrics_top_queries entries
//                                                  of vigil_query_stats() by total time
//       Every family has HELP and TYPE lines (counters are named with their _total suffix there
//       too, as the 0.0.4 format's parsers expect); label values are escaped (\\, \", \n) and the
//       query text is cut at 200 bytes.  with_tables = false leaves out the table statistics,
//       whose exact row counts scan every table.  Serve it from any HTTP endpoint, e.g.
//       `psql -Atc 'SELECT vigil_metrics()'` behind a textfile collector.
#include <fmt/format.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stats/health.hpp"
#include "stats/monitor.hpp"
#include "stats/normalize.hpp"
#include "stats/query_stats.hpp"
#include "stats/settings.hpp"
#include "stats/text_format.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

// One metric family: its header and its samples, written together.
class Family {
 public:
  Family(std::string name, std::string type, std::string help)
      : name_(std::move(name)), type_(std::move(type)), help_(std::move(help)) {}

  // `labels` is the inside of {...} (already escaped), or "".
  void add(const std::string& labels, double value) {
    samples_ += name_;
    if (!labels.empty()) samples_ += "{" + labels + "}";
    samples_ += " " + prometheus_number(value) + "\n";
  }

  void write(std::string& out) const {
    if (samples_.empty()) return;
    out += "# HELP " + name_ + " " + help_ + "\n";
    out += "# TYPE " + name_ + " " + type_ + "\n";
    out += samples_;
  }

 private:
  std::string name_;
  std::string type_;
  std::string help_;
  std::string samples_;
};

std::string label(const char* name, const std::string& value, std::size_t max = 4096) {
  return fmt::format("{}=\"{}\"", name, prometheus_label(value, max));
}

void health_families(Session& session, std::string& out) {
  const HealthReport report = evaluate_health(session);
  Family score("vigil_health_score", "gauge", "Overall health score, 0 (worst) to 100.");
  score.add("", report.score);
  Family overall("vigil_health_overall", "gauge",
                 "1 for the current overall status: excellent, good, degraded or critical.");
  for (const char* status : {"excellent", "good", "degraded", "critical"}) {
    overall.add(label("status", status), report.overall_status == status ? 1 : 0);
  }
  Family value("vigil_health_value", "gauge", "Current value of each health metric.");
  Family threshold("vigil_health_threshold", "gauge", "Threshold of each health metric.");
  Family status("vigil_health_status", "gauge",
                "Status of each measured health metric: 0 ok, 1 warning, 2 critical.");
  for (const auto& m : report.metrics) {
    const std::string l = label("metric", m.metric);
    if (m.value) value.add(l, *m.value);
    if (m.threshold) threshold.add(l, *m.threshold);
    if (m.status != HealthStatus::kUnknown) {
      status.add(l, m.status == HealthStatus::kOk ? 0 : m.status == HealthStatus::kWarning ? 1 : 2);
    }
  }
  score.write(out);
  overall.write(out);
  value.write(out);
  threshold.write(out);
  status.write(out);
}

void alert_families(Session& session, std::string& out) {
  const Dialect& d = session.dialect();
  std::map<std::string, std::int64_t> open = {{"warning", 0}, {"critical", 0}};
  const std::string alerts = d.own_table(session, alerts_table(), false);
  if (!alerts.empty()) {
    auto cursor = session.query(fmt::format(
        "SELECT severity, count(*) FROM {} WHERE resolved_at IS NULL GROUP BY severity", alerts));
    while (cursor->next()) open[cursor->get(0).to_text()] = cursor->get(1).to_integer();
  }
  Family family("vigil_alerts_open", "gauge", "Open alerts of vigil_alerts by severity.");
  for (const auto& [severity, n] : open)
    family.add(label("severity", severity), static_cast<double>(n));
  family.write(out);
}

void table_families(Session& session, std::string& out) {
  const FunctionSpec& spec = find_function("vigil_table_stats");
  const Args args(spec.args, {Value::null()});
  std::unique_ptr<RowSource> source = spec.table(session, args);
  // Columns of vigil_table_stats() (table_stats.cpp) exported, and how.
  struct Export {
    const char* column;
    Family family;
  };
  std::vector<Export> exports = {
      {"row_count", {"vigil_table_rows", "gauge", "Exact row count of each table."}},
      {"total_bytes", {"vigil_table_bytes", "gauge", "Bytes of each table with its indexes."}},
      {"index_count",
       {"vigil_table_indexes", "gauge", "Indexes of each table (not the primary key's)."}},
      {"dead_rows", {"vigil_table_dead_rows", "gauge", "Dead rows of each table (PostgreSQL)."}},
      {"live_rows",
       {"vigil_table_live_rows", "gauge", "Estimated live rows of each table (PostgreSQL)."}},
      {"free_bytes",
       {"vigil_table_free_bytes", "gauge", "Unused bytes in each table's pages (SQLite)."}},
      {"seq_scans",
       {"vigil_table_seq_scans", "counter", "Sequential scans of each table (PostgreSQL)."}},
      {"index_scans",
       {"vigil_table_index_scans", "counter", "Index scans of each table (PostgreSQL)."}},
  };
  std::vector<std::size_t> column_of;
  for (const auto& e : exports) {
    std::size_t index = 0;
    while (index < spec.columns.size() && std::string(spec.columns[index].name) != e.column)
      ++index;
    column_of.push_back(index);
  }
  Row row;
  while (source->next(row)) {
    session.check_interrupts();
    const std::string l = label("table", row[0].to_text());
    for (std::size_t i = 0; i < exports.size(); ++i) {
      const std::size_t c = column_of[i];
      if (c >= row.size() || row[c].is_null()) continue;
      exports[i].family.add(l, static_cast<double>(row[c].to_integer()));
    }
  }
  for (const auto& e : exports) e.family.write(out);
}

void query_families(Session& session, std::string& out) {
  QueryStatsStore* store = nullptr;
  try {
    store = session.query_stats();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kPrerequisiteState) throw;
  }
  if (store == nullptr) return;
  std::vector<QueryStatsEntry> entries = store->entries();
  sort_for_display(entries);
  const auto top = static_cast<std::size_t>(read_setting(session, "metrics_top_queries"));
  if (entries.size() > top) entries.resize(top);
  Family calls("vigil_query_calls_total", "counter",
               "Completed executions of each normalised query.");
  Family errors("vigil_query_errors_total", "counter",
                "Failed executions of each normalised query.");
  Family rows("vigil_query_rows_total", "counter",
              "Rows returned or changed by each normalised query.");
  Family seconds("vigil_query_seconds_total", "counter",
                 "Execution time of each normalised query.");
  for (const auto& e : entries) {
    const std::string l =
        label("fingerprint", fingerprint_hex(e.fingerprint)) + "," + label("query", e.query, 200);
    calls.add(l, static_cast<double>(e.counters.calls));
    if (store->counts_errors()) errors.add(l, static_cast<double>(e.counters.errors));
    rows.add(l, static_cast<double>(e.counters.rows));
    seconds.add(l, e.counters.total_ms / 1000.0);
  }
  calls.write(out);
  errors.write(out);
  rows.write(out);
  seconds.write(out);
}

}  // namespace

void register_metrics_functions(std::vector<FunctionSpec>& out) {
  FunctionSpec f;
  f.name = "vigil_metrics";
  f.args = {{"with_tables", ValueKind::kBoolean, true}};
  f.result = ValueKind::kText;
  f.scalar = [](Session& session, const Args& args) {
    std::string text;
    health_families(session, text);
    alert_families(session, text);
    if (!args.has(0) || args.boolean(0)) table_families(session, text);
    query_families(session, text);
    return Value::text(std::move(text));
  };
  out.push_back(std::move(f));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
