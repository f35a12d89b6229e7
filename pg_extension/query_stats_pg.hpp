// pg_extension/query_stats_pg.hpp
//
// vigil_query_stats() in PostgreSQL: executor hooks and a bounded table in shared memory
// (query_stats_pg.cpp has the design and the locking rules).
#pragma once

#include "stats/query_stats.hpp"

namespace vigil::pg {

// Called by _PG_init while shared_preload_libraries is processed: defines vigil.max_statements
// and installs the hooks (shmem_request_hook, shmem_startup_hook, executor, utility, emit_log).
void install_query_stats_hooks();

// Defines vigil.track (any time the library loads).
void define_query_stats_settings();

// The store of this database's statistics.  Throws kPrerequisiteState when vigil was not
// loaded through shared_preload_libraries.
QueryStatsStore* query_stats_store();

}  // namespace vigil::pg
