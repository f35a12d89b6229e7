// common/dialect/postgres_repair.cpp
//
// PostgreSQL's SQL for vigil_repair and vigil_restore (common/repair/repair.cpp).
#include "dialect/postgres_dialect.hpp"

namespace vigil {

std::string PostgresDialect::locator_match_sql(const LocatorColumn& locator, int n) const {
  if (locator.name == "ctid") return "ctid = CAST(" + param(n) + " AS pg_catalog.tid)";
  if (locator.name == "partition") {
    return "tableoid = CAST(" + param(n) + " AS pg_catalog.regclass)";
  }
  return locator.sql + " = " + param(n);
}

// ctid is where a row version lies: an UPDATE moves the row, an INSERT cannot choose it.
bool PostgresDialect::locator_is_stable() const {
  return false;
}

std::string PostgresDialect::lock_row_suffix() const {
  return " FOR UPDATE";
}

// Transaction-scoped advisory lock: one repair or restore at a time (another key than the
// migration lock's).
std::string PostgresDialect::repair_lock_sql() const {
  return "SELECT pg_catalog.pg_advisory_xact_lock(8532464671518452072)";
}

// SHARE ROW EXCLUSIVE conflicts with the ROW EXCLUSIVE lock every INSERT takes before it
// evaluates a column default (nextval), and with itself.
std::string PostgresDialect::lock_table_sql(const TableRef& table) const {
  return "LOCK TABLE " + qualified(table) + " IN SHARE ROW EXCLUSIVE MODE";
}

// setval(s, v) (is_called true): the next nextval() gives v + increment.
std::string PostgresDialect::advance_sequence_sql() const {
  return "SELECT pg_catalog.setval(CAST($1 AS pg_catalog.regclass), $3, true), $2";
}

// Not CONCURRENTLY: that form cannot run inside a transaction block, and every vigil function
// runs inside the caller's transaction.
std::string PostgresDialect::reindex_sql(const TableRef& table, const std::string& index) const {
  return "REINDEX INDEX " + quote_identifier(table.schema) + "." + quote_identifier(index);
}

std::string PostgresDialect::insert_overriding_clause() const {
  return " OVERRIDING SYSTEM VALUE";
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
