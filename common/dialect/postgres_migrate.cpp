// common/dialect/postgres_migrate.cpp
//
// PostgreSQL's SQL for migration tracking (common/migrate/).  The migration lock is a
// transaction-scoped advisory lock on one key of this database, 8532464671518452071 (the
// bytes "vigilmig"): it is released at commit or rollback and when the backend dies, so it
// can never be left behind.  pg_locks shows it as locktype 'advisory', classid 1986619241,
// objid 1819109735, objsubid 1.
#include "dialect/postgres_dialect.hpp"

namespace vigil {

// A function never begins or ends PostgreSQL transactions.
std::string PostgresDialect::begin_write_sql() const {
  return {};
}

std::string PostgresDialect::commit_sql() const {
  return {};
}

std::string PostgresDialect::migration_lock_sql(const std::string&) const {
  return "SELECT pg_catalog.pg_advisory_xact_lock(8532464671518452071)";
}

std::string PostgresDialect::migration_lock_hint() const {
  return "Another session is migrating this database (it holds vigil's advisory lock); vigil "
         "waited lock_timeout (60 s when lock_timeout is 0). Run again when it has finished.";
}

std::string PostgresDialect::lock_timeout_get_sql() const {
  return "SELECT pg_catalog.current_setting('lock_timeout')";
}

std::string PostgresDialect::lock_timeout_set_sql() const {
  return "SELECT pg_catalog.set_config('lock_timeout', $1, true)";
}

std::string PostgresDialect::sleep_sql() const {
  return "SELECT pg_catalog.pg_sleep($1)";
}

std::string PostgresDialect::current_user_sql() const {
  return "SELECT CURRENT_USER::text";
}

// PostgreSQL checks foreign keys itself, always.
std::string PostgresDialect::foreign_keys_enabled_sql() const {
  return {};
}

std::string PostgresDialect::foreign_keys_set_sql(bool) const {
  return {};
}

std::string PostgresDialect::foreign_key_violations_sql() const {
  return {};
}

std::string PostgresDialect::foreign_key_children_sql() const {
  return {};
}

std::string PostgresDialect::migration_error_advice(const std::string&) const {
  return {};
}

// The install script makes vigil_migration_events append-only (a trigger).
std::vector<std::string> PostgresDialect::append_only_sql(const std::string&) const {
  return {};
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
