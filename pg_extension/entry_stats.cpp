// pg_extension/entry_stats.cpp: C entry points of the statistics group (common/stats/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_table_stats)
