// pg_extension/entry_integrity.cpp: C entry points of the integrity group (common/integrity/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_check)
VIGIL_PG_FUNCTION(vigil_check_rows)
