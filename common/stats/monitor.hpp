// common/stats/monitor.hpp
//
//   vigil_snapshot() → table(recorded_at, metric, status, alert)
//       Evaluates vigil_health() once and records every row (the overall one too) in
//       vigil_health_history(id, recorded_at, metric, value, threshold, status, message).
//       Then, per metric: a warning or critical status with no open alert of that severity
//       raises one in vigil_alerts(id, raised_at, severity, metric, message, resolved_at)
//       (alert = 'raised'; an open alert of the other severity is resolved first), and an
//       ok status resolves the open alert (alert = 'resolved'); an alert that stays open
//       shows 'open', and NULL means nothing changed.  'unknown' leaves alerts as they are.
//       PostgreSQL sends NOTIFY vigil_alerts with a JSON payload
//       {"id", "severity", "metric", "message", "value", "threshold", "raised_at"} for each alert
//       raised (delivered at commit).  SQLite creates the tables (and vigil_settings, filled with
//       the defaults) on first use.  Everything happens in one savepoint: all or nothing.
//   vigil_monitor_start(interval_seconds) → bigint
//       PostgreSQL: schedules vigil_snapshot() every interval_seconds with pg_cron, as the job
//       'vigil_snapshot' (scheduling it again replaces the schedule); returns pg_cron's job id.
//       Without pg_cron: 55000 naming what to install and configure.  pg_cron before 1.5 knows
//       cron schedules only, so the interval must be whole minutes dividing an hour, whole hours
//       dividing a day, or a day (22023 otherwise); 1.5 and later also take 1 to 59 seconds.
//       SQLite: 0A000, telling to call vigil_snapshot() from the application's scheduler.
//   vigil_monitor_stop() → bigint
//       Removes the job; returns how many were removed (0 or 1).  SQLite: as above.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/dialect.hpp"
#include "vigil/functions.hpp"

namespace vigil {

const OwnTable& health_history_table();
const OwnTable& alerts_table();

// The pg_cron schedule for an interval: "* * * * *", "*/5 * * * *", "0 */2 * * *", "0 0 * * *",
// or "30 seconds" when `seconds_supported`.  Throws kInvalidParameter for any other interval.
std::string cron_schedule(std::int64_t interval_seconds, bool seconds_supported);

void register_monitor_functions(std::vector<FunctionSpec>& out);

}  // namespace vigil
