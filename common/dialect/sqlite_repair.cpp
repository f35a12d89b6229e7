// common/dialect/sqlite_repair.cpp
//
// SQLite's SQL for vigil_repair and vigil_restore (common/repair/repair.cpp).
#include "dialect/sqlite_dialect.hpp"

namespace vigil {

std::string SqliteDialect::locator_match_sql(const LocatorColumn& locator, int n) const {
  return locator.sql + " = " + param(n);
}

// The rowid stays with its row and can be given to INSERT.
bool SqliteDialect::locator_is_stable() const {
  return true;
}

// One writer at a time: the transaction's write lock keeps others out.
std::string SqliteDialect::lock_row_suffix() const {
  return {};
}

std::string SqliteDialect::repair_lock_sql() const {
  return {};
}

std::string SqliteDialect::lock_table_sql(const TableRef&) const {
  return {};
}

// AUTOINCREMENT gives max(seq, max(rowid)) + 1: raising seq is all it takes.
std::string SqliteDialect::advance_sequence_sql() const {
  return "UPDATE main.sqlite_sequence SET seq = ?3 WHERE name = ?2 AND seq < ?3 AND ?1 IS NOT NULL";
}

std::string SqliteDialect::reindex_sql(const TableRef& table, const std::string& index) const {
  return "REINDEX " + quote_identifier(table.schema) + "." + quote_identifier(index);
}

std::string SqliteDialect::insert_overriding_clause() const {
  return {};
}

// Writers are serialised by the write lock the repair holds: max + 1 cannot be taken twice.
std::string SqliteDialect::next_batch_sql(const std::string& quarantine) const {
  return "SELECT coalesce(max(batch), 0) + 1 FROM " + quarantine;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
