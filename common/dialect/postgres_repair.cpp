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

// The batch sequence lives beside vigil_quarantine (vigil--0.1.0--0.2.0.sql).
std::string PostgresDialect::next_batch_sql(const std::string& quarantine) const {
  const std::size_t dot = quarantine.rfind("\".\"");
  const std::string schema = quarantine.substr(0, dot + 1);
  return "SELECT pg_catalog.nextval(CAST('" + schema +
         ".vigil_quarantine_batch_seq' AS pg_catalog.regclass))";
}

// A row may be put back only if the role recorded in quarantined_by could, now, have done both
// halves itself: removed rows need SELECT, DELETE and INSERT on the table (the restore inserts
// them), changed ones SELECT and UPDATE.  A superuser holds every privilege; a role that no
// longer exists, or a table that is gone, vouches for nothing.  The table is found by schema
// and name, never through search_path.
std::string PostgresDialect::unvouched_rows_sql(const std::string& quarantine) const {
  return R"sql(
SELECT q.id, q.table_name, q.row_key::pg_catalog.text, q.quarantined_by::pg_catalog.text,
       CASE WHEN r.oid IS NULL THEN 'the role no longer exists'
            WHEN t.oid IS NULL THEN 'the table no longer exists'
            WHEN NOT pg_catalog.has_table_privilege(r.oid, t.oid, 'SELECT') THEN 'SELECT'
            WHEN q.action OPERATOR(pg_catalog.=) 'removed'
                 AND NOT pg_catalog.has_table_privilege(r.oid, t.oid, 'DELETE') THEN 'DELETE'
            WHEN q.action OPERATOR(pg_catalog.=) 'removed'
                 AND NOT pg_catalog.has_table_privilege(r.oid, t.oid, 'INSERT') THEN 'INSERT'
            WHEN q.action OPERATOR(pg_catalog.<>) 'removed'
                 AND NOT pg_catalog.has_table_privilege(r.oid, t.oid, 'UPDATE') THEN 'UPDATE'
       END AS missing
FROM )sql" +
         quarantine + R"sql( q
LEFT JOIN pg_catalog.pg_roles r ON r.rolname OPERATOR(pg_catalog.=) q.quarantined_by
LEFT JOIN LATERAL (
  SELECT c.oid FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  WHERE n.nspname OPERATOR(pg_catalog.=) q.table_schema::pg_catalog.name
    AND c.relname OPERATOR(pg_catalog.=) q.table_relname::pg_catalog.name) t ON true
WHERE q.batch OPERATOR(pg_catalog.=) $1 AND q.restored_at IS NULL
ORDER BY q.id)sql";
}

std::string PostgresDialect::rows_hidden_sql() const {
  return R"sql(
SELECT pg_catalog.row_security_active(c.oid)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
WHERE n.nspname OPERATOR(pg_catalog.=) $1 AND c.relname OPERATOR(pg_catalog.=) $2)sql";
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
