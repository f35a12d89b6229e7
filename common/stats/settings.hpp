// common/stats/settings.hpp
//
// The thresholds of vigil_health() and the other tunables of the monitoring functions: settings,
// not constants.  One table here lists them with their defaults and bounds; each engine stores
// them its own way (Dialect::read_setting):
//   - PostgreSQL: GUCs named vigil.<name>, defined from this table by _PG_init
//     (`SET vigil.mean_query_ms_warning = 500`, `ALTER DATABASE app SET ...`);
//   - SQLite: rows of the table vigil_settings(name, value, description), which
//     vigil_snapshot() creates and fills with the defaults; a missing table or row means the
//     default.  (`UPDATE vigil_settings SET value = 500 WHERE name = 'mean_query_ms_warning'`)
#pragma once

#include <cstddef>
#include <string>

#include "vigil/dialect.hpp"
#include "vigil/session.hpp"

namespace vigil {

struct SettingSpec {
  const char* name;
  double default_value;
  double min_value;
  double max_value;
  const char* unit;  // shown by PostgreSQL's SHOW and in docs/monitoring.md
  const char* description;
};

extern const SettingSpec kSettings[];
extern const std::size_t kSettingCount;

// The spec of `name`; throws kInternal for an unknown name (a bug in vigil).
const SettingSpec& setting_spec(const std::string& name);

// The value of setting `name` for this session: the engine's value, else the default.  A value
// that is not a number or out of bounds raises kInvalidParameter naming the setting.
double read_setting(Session& session, const std::string& name);

// SQLite's vigil_settings table, described once (created by vigil_snapshot()).
const OwnTable& settings_table();

}  // namespace vigil
