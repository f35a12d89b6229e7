// pg_extension/entry_migrate.cpp: C entry points of the migration group (common/migrate/).
#include "pg_extension/pg_dispatch.hpp"

VIGIL_PG_FUNCTION(vigil_migration_add)
VIGIL_PG_FUNCTION(vigil_migrate)
VIGIL_PG_FUNCTION(vigil_rollback)
VIGIL_PG_FUNCTION(vigil_migration_status)
VIGIL_PG_FUNCTION(vigil_migration_baseline)
VIGIL_PG_FUNCTION(vigil_migration_mark_applied)
VIGIL_PG_FUNCTION(vigil_migrations_export)
VIGIL_PG_FUNCTION(vigil_migrations_import)
VIGIL_PG_FUNCTION(vigil_migration_assert)
