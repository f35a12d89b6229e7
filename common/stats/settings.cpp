// common/stats/settings.cpp
#include "stats/settings.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "vigil/error.hpp"

namespace vigil {

const SettingSpec kSettings[] = {
    {"integrity_findings_critical", 0, 0, 1e12, "",
     "critical when more integrity findings than this"},
    {"error_rate_critical_pct", 10, 0, 100, "%",
     "critical when failed statements exceed this percentage"},
    {"mean_query_ms_warning", 1000, 0, 1e9, "ms", "warning when the mean query time exceeds this"},
    {"connections_warning_pct", 80, 0, 100, "%",
     "warning when client connections exceed this percentage of max_connections"},
    {"cache_hit_warning_pct", 90, 0, 100, "%",
     "warning when the buffer cache hit ratio falls below this percentage"},
    {"xid_age_warning", 1000000000, 0, 2147483647, "",
     "warning when the oldest unfrozen transaction ID is older than this"},
    {"long_query_seconds", 300, 0, 1e9, "s",
     "warning when a query has been running longer than this"},
    {"idle_in_transaction_seconds", 60, 0, 1e9, "s",
     "warning when a session has been idle in a transaction longer than this"},
    {"dead_rows_warning_pct", 20, 0, 100, "%",
     "warning when dead rows exceed this percentage of all rows"},
    {"freelist_warning_pct", 25, 0, 100, "%",
     "warning when free pages exceed this percentage of the file"},
    {"wal_size_warning_mb", 64, 0, 1e9, "MB", "warning when the WAL file grows beyond this"},
    {"quick_check_critical", 0, 0, 1e12, "",
     "critical when PRAGMA quick_check reports more problems than this"},
    {"database_size_limit_mb", 0, 0, 1e12, "MB", "the storage limit of the database; 0 = none"},
    {"database_size_warning_pct", 90, 0, 100, "%",
     "warning when the database exceeds this percentage of its limit"},
    {"metrics_top_queries", 10, 0, 1000, "",
     "how many query statistics vigil_metrics() exports, by total time"},
};
const std::size_t kSettingCount = sizeof kSettings / sizeof kSettings[0];

const SettingSpec& setting_spec(const std::string& name) {
  for (std::size_t i = 0; i < kSettingCount; ++i) {
    if (name == kSettings[i].name) return kSettings[i];
  }
  throw Error(ErrorCode::kInternal, fmt::format("vigil has no setting \"{}\"", name));
}

double read_setting(Session& session, const std::string& name) {
  const SettingSpec& spec = setting_spec(name);
  const Value v = session.dialect().read_setting(session, name);
  if (v.is_null()) return spec.default_value;
  double value = 0;
  if (v.kind() == ValueKind::kInteger) {
    value = static_cast<double>(v.as_integer());
  } else if (v.kind() == ValueKind::kReal) {
    value = v.as_real();
  } else {
    const std::string text = v.to_text();
    char* end = nullptr;
    errno = 0;
    value = std::strtod(text.c_str(), &end);
    if (text.empty() || end == nullptr || *end != '\0' || errno != 0) {
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("setting \"{}\" must be a number, not \"{}\"", name, text));
    }
  }
  if (!std::isfinite(value) || value < spec.min_value || value > spec.max_value) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("setting \"{}\" must be between {:g} and {:g}, not {:g}", name,
                            spec.min_value, spec.max_value, value));
  }
  return value;
}

const OwnTable& settings_table() {
  static const OwnTable table{"vigil_settings",
                              {{"name", ValueKind::kText, "PRIMARY KEY"},
                               {"value", ValueKind::kReal, "NOT NULL"},
                               {"description", ValueKind::kText, ""}},
                              {}};
  return table;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
