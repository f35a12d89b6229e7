// pg_extension/entry_checksum.cpp: C entry points of the checksum group (common/checksum/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_table_checksum)
VIGIL_PG_FUNCTION(vigil_checksums)
VIGIL_PG_FUNCTION(vigil_checksum_segments)
VIGIL_PG_FUNCTION(vigil_backup)
VIGIL_PG_FUNCTION(vigil_backup_verify)
