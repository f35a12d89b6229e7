// pg_extension/entry_schema.cpp: C entry points of the schema group (common/schema/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_functions)
VIGIL_PG_FUNCTION(vigil_version)
VIGIL_PG_FUNCTION(vigil_schema)
VIGIL_PG_FUNCTION(vigil_schema_fingerprint)
