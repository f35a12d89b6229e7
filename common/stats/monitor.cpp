// common/stats/monitor.cpp
#include "stats/monitor.hpp"

#include <fmt/format.h>

#include <memory>

#include "stats/health.hpp"
#include "stats/text_format.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

constexpr const char* kJobName = "vigil_snapshot";

std::string json_number(const std::optional<double>& v) {
  return v ? format_number(*v) : "null";
}

// The open alert of a metric: its id and severity, or id 0.
struct OpenAlert {
  std::int64_t id = 0;
  std::string severity;
};

OpenAlert open_alert(Session& session, const std::string& alerts, const std::string& metric) {
  const Dialect& d = session.dialect();
  auto cursor = session.query(
      fmt::format("SELECT id, severity FROM {} WHERE metric = {} AND resolved_at IS NULL "
                  "ORDER BY id DESC LIMIT 1",
                  alerts, d.param(1)),
      {Value::text(metric)});
  OpenAlert a;
  if (cursor->next()) {
    a.id = cursor->get(0).to_integer();
    a.severity = cursor->get(1).to_text();
  }
  return a;
}

void resolve(Session& session, const std::string& alerts, std::int64_t id, const Value& now) {
  const Dialect& d = session.dialect();
  session.exec(
      fmt::format("UPDATE {} SET resolved_at = {} WHERE id = {}", alerts, d.param(1), d.param(2)),
      {now, Value::integer(id)});
}

std::vector<Row> take_snapshot(Session& session) {
  const Dialect& d = session.dialect();
  SubTransaction sub(session);
  d.prepare_settings(session);
  const HealthReport report = evaluate_health(session);
  const Value now = Value::timestamp(session.scalar(d.now_sql()).to_text());
  const std::string history = d.own_table(session, health_history_table(), true);
  const std::string alerts = d.own_table(session, alerts_table(), true);
  const std::string insert_history = fmt::format(
      "INSERT INTO {} (recorded_at, metric, value, threshold, status, message) "
      "VALUES ({}, {}, CAST({} AS DOUBLE PRECISION), CAST({} AS DOUBLE PRECISION), {}, {})",
      history, d.param(1), d.param(2), d.param(3), d.param(4), d.param(5), d.param(6));
  const std::vector<Row> rows = health_rows(report);
  for (const Row& r : rows) {
    session.exec(insert_history, {now, r[0], r[1], r[2], r[3], r[4]});
  }
  const std::string notify = d.notify_sql();
  std::vector<Row> out;
  for (const HealthReading& m : report.metrics) {
    const OpenAlert open = open_alert(session, alerts, m.metric);
    Value action = Value::null();
    const bool alarming = m.status == HealthStatus::kWarning || m.status == HealthStatus::kCritical;
    const std::string severity = health_status_name(m.status);
    const bool still_open = alarming && open.id != 0 && open.severity == severity;
    const bool unchanged = !alarming && m.status != HealthStatus::kOk && open.id != 0;
    if (still_open || unchanged) {
      action = Value::text("open");  // unknown leaves an open alert as it is
    } else if (alarming) {
      if (open.id != 0) resolve(session, alerts, open.id, now);
      session.exec(fmt::format("INSERT INTO {} (raised_at, severity, metric, message) "
                               "VALUES ({}, {}, {}, {})",
                               alerts, d.param(1), d.param(2), d.param(3), d.param(4)),
                   {now, Value::text(severity), Value::text(m.metric), Value::text(m.message)});
      const OpenAlert raised = open_alert(session, alerts, m.metric);
      if (!notify.empty()) {
        const std::string payload = fmt::format(
            "{{\"id\":{},\"severity\":{},\"metric\":{},\"message\":{},\"value\":{},"
            "\"threshold\":{},\"raised_at\":{}}}",
            raised.id, json_string(severity), json_string(m.metric), json_string(m.message),
            json_number(m.value), json_number(m.threshold), json_string(now.to_text()));
        session.query(notify, {Value::text(payload)})->next();
      }
      action = Value::text("raised");
    } else if (open.id != 0) {
      resolve(session, alerts, open.id, now);
      action = Value::text("resolved");
    }
    out.push_back(Row{now, Value::text(m.metric), Value::text(severity), action});
  }
  out.push_back(
      Row{now, Value::text("overall"), Value::text(report.overall_status), Value::null()});
  sub.commit();
  return out;
}

}  // namespace

const OwnTable& health_history_table() {
  static const OwnTable table{"vigil_health_history",
                              {{"id", ValueKind::kInteger, "PRIMARY KEY"},
                               {"recorded_at", ValueKind::kTimestamp, "NOT NULL"},
                               {"metric", ValueKind::kText, "NOT NULL"},
                               {"value", ValueKind::kReal, ""},
                               {"threshold", ValueKind::kReal, ""},
                               {"status", ValueKind::kText, "NOT NULL"},
                               {"message", ValueKind::kText, ""}},
                              {}};
  return table;
}

const OwnTable& alerts_table() {
  static const OwnTable table{"vigil_alerts",
                              {{"id", ValueKind::kInteger, "PRIMARY KEY"},
                               {"raised_at", ValueKind::kTimestamp, "NOT NULL"},
                               {"severity", ValueKind::kText, "NOT NULL"},
                               {"metric", ValueKind::kText, "NOT NULL"},
                               {"message", ValueKind::kText, ""},
                               {"resolved_at", ValueKind::kTimestamp, ""}},
                              {}};
  return table;
}

std::string cron_schedule(std::int64_t s, bool seconds_supported) {
  if (seconds_supported && s >= 1 && s <= 59) return fmt::format("{} seconds", s);
  if (s > 0 && s % 60 == 0) {
    const std::int64_t minutes = s / 60;  // >= 1
    if (minutes == 1) return "* * * * *";
    if (minutes > 1 && minutes < 60 && 60 % minutes == 0)
      return fmt::format("*/{} * * * *", minutes);
    if (minutes % 60 == 0) {
      const std::int64_t hours = minutes / 60;
      if (hours == 1) return "0 * * * *";
      if (hours > 1 && hours < 24 && 24 % hours == 0) return fmt::format("0 */{} * * *", hours);
      if (hours == 24) return "0 0 * * *";
    }
  }
  throw Error(ErrorCode::kInvalidParameter,
              fmt::format("interval_seconds {} cannot be scheduled with pg_cron", s),
              std::string("Use whole minutes that divide an hour (60, 120, 300, 600, 900, 1800), "
                          "whole hours that divide a day (3600, 7200, 21600, 43200) or 86400") +
                  (seconds_supported ? ", or 1 to 59 seconds." : "."));
}

void register_monitor_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_snapshot";
    f.columns = {{"recorded_at", ValueKind::kTimestamp},
                 {"metric", ValueKind::kText},
                 {"status", ValueKind::kText},
                 {"alert", ValueKind::kText}};
    f.writes = true;
    // SQLite: also a scalar, SELECT vigil_snapshot(), which returns the rows as a JSON array
    // (as vigil_migrate() does) and is what the messages of vigil_monitor_start suggest.
    f.sqlite_scalar_json = true;
    f.table = [](Session& session, const Args&) -> std::unique_ptr<RowSource> {
      return std::make_unique<VectorRowSource>(take_snapshot(session));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_monitor_start";
    f.args = {{"interval_seconds", ValueKind::kInteger, false}};
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      const Dialect& d = session.dialect();
      const bool seconds = d.check_scheduler(session);
      const std::int64_t interval = args.integer(0);
      const std::string schedule = cron_schedule(interval, seconds);
      const std::string command =
          fmt::format("SELECT count(*) FROM {}vigil_snapshot()", d.function_prefix(session));
      return Value::integer(
          session
              .scalar(d.schedule_sql(),
                      {Value::text(kJobName), Value::text(schedule), Value::text(command)})
              .to_integer());
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_monitor_stop";
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args&) {
      const Dialect& d = session.dialect();
      d.check_scheduler(session);
      return Value::integer(
          session.scalar(d.unschedule_sql(), {Value::text(kJobName)}).to_integer());
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
