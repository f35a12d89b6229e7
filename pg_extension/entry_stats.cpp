// pg_extension/entry_stats.cpp: C entry points of the statistics group (common/stats/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_table_stats)
VIGIL_PG_FUNCTION(vigil_query_stats)
VIGIL_PG_FUNCTION(vigil_query_stats_reset)
VIGIL_PG_FUNCTION(vigil_health)
VIGIL_PG_FUNCTION(vigil_snapshot)
VIGIL_PG_FUNCTION(vigil_monitor_start)
VIGIL_PG_FUNCTION(vigil_monitor_stop)
VIGIL_PG_FUNCTION(vigil_metrics)
VIGIL_PG_FUNCTION(vigil_optimize)
