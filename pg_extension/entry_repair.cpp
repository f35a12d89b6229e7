// pg_extension/entry_repair.cpp: C entry points of the rules and repair group (common/repair/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_rule_add)
VIGIL_PG_FUNCTION(vigil_rule_drop)
VIGIL_PG_FUNCTION(vigil_repair)
VIGIL_PG_FUNCTION(vigil_restore)
