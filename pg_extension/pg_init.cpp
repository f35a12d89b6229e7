// pg_extension/pg_init.cpp
//
// _PG_init: what vigil sets up when PostgreSQL loads the library.
//   - Always: the GUCs of common/stats/settings.hpp as vigil.<name> (health thresholds and
//     monitoring tunables, settable by any user: they only change what vigil reports), and
//     vigil.track; the superuser-only test fault point vigil.debug_fault (debug_fault.hpp) and
//     test wait point vigil.debug_wait_point (debug_wait.hpp).
//   - Only when loaded through shared_preload_libraries: vigil.max_statements and the hooks of
//     the query statistics (query_stats_pg.cpp), which need shared memory reserved at server
//     start.  Loaded any other way, vigil_query_stats() raises an error that says so.
#include "pg_extension/debug_fault.hpp"
#include "pg_extension/debug_wait.hpp"
#include "pg_extension/pg_headers.hpp"
#include "pg_extension/query_stats_pg.hpp"
#include "stats/settings.hpp"

extern "C" {
// clang-format off
#include "utils/guc.h"
// clang-format on
}

namespace {

// Storage of the threshold GUCs, one per entry of vigil::kSettings.
constexpr std::size_t kMaxSettings = 64;
double setting_values[kMaxSettings];
char setting_names[kMaxSettings][64];

void define_settings() {
  for (std::size_t i = 0; i < vigil::kSettingCount && i < kMaxSettings; ++i) {
    const vigil::SettingSpec& s = vigil::kSettings[i];
    snprintf(setting_names[i], sizeof setting_names[i], "vigil.%s", s.name);
    setting_values[i] = s.default_value;
    DefineCustomRealVariable(setting_names[i], s.description, nullptr, &setting_values[i],
                             s.default_value, s.min_value, s.max_value, PGC_USERSET, 0, nullptr,
                             nullptr, nullptr);
  }
}

}  // namespace

extern "C" {
PGDLLEXPORT void _PG_init(void);

void _PG_init(void) {
  define_settings();
  vigil::pg::define_query_stats_settings();
  vigil::pg::define_debug_fault_settings();
  vigil::pg::define_debug_wait_settings();
  if (process_shared_preload_libraries_in_progress) vigil::pg::install_query_stats_hooks();
  MarkGUCPrefixReserved("vigil");
}
}
