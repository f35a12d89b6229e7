// common/migrate/schema_tracker.cpp: an incrementally maintained schema fingerprint
// (schema_tracker.hpp).
#include "migrate/schema_tracker.hpp"

#include <set>

#include "schema/introspect.hpp"
#include "sql/lexer.hpp"
#include "vigil/dialect.hpp"

namespace vigil::migrate {
namespace {

std::string key(const TableRef& ref) {
  std::string k = ref.schema;
  k.push_back('\0');
  return k + ref.name;
}

// Foreign keys may spell their parent in another case than the catalog (SQLite); matching
// parents ignoring case can only make more tables count as dependants, never fewer.
std::string folded(const std::string& k) {
  return sql::ascii_lower(k);
}

TableRef ref_of(const std::string& k) {
  const auto nul = k.find('\0');
  return {k.substr(0, nul), k.substr(nul + 1)};
}

}  // namespace

void SchemaTracker::store(const Table& table) {
  SchemaModel model;
  model.tables.push_back(table);
  Entry e;
  e.ref = table.ref;
  e.display = session_.dialect().display_name(table.ref);
  std::vector<SchemaRow> rows = canonical_schema_rows(model, session_.dialect());
  sort_for_fingerprint(rows);
  for (const auto& row : rows) SchemaFingerprinter::serialize(row, e.rows);
  for (const auto& fk : table.foreign_keys) e.parents.push_back(folded(key(fk.parent)));
  const std::string k = key(table.ref);
  e.folded = folded(k);
  const std::string display = e.display;
  Entry& stored = tables_[k] = std::move(e);
  order_[display] = &stored;
}

void SchemaTracker::erase(const std::string& k) {
  auto it = tables_.find(k);
  if (it == tables_.end()) return;
  order_.erase(it->second.display);
  tables_.erase(it);
}

void SchemaTracker::reload_all() {
  tables_.clear();
  order_.clear();
  for (const auto& table : introspect_schema(session_).tables) store(table);
}

void SchemaTracker::reload(const TableRef& ref) {
  erase(key(ref));
  if (auto table = introspect_table_at(session_, ref)) store(*table);
}

std::string SchemaTracker::fingerprint() {
  auto changes = session_.schema_changes();
  if (!loaded_ || !changes) {
    reload_all();
    loaded_ = true;
  } else if (!changes->empty()) {
    std::set<std::string> todo;
    std::set<std::string> changed_folded;
    for (const auto& ref : *changes) {
      todo.insert(key(ref));
      changed_folded.insert(folded(key(ref)));
    }
    // A table's canonical rows name its foreign keys' parents (and, in SQLite, their keys).
    for (const auto& [k, entry] : tables_) {
      for (const auto& parent : entry.parents) {
        if (changed_folded.count(parent) > 0) {
          todo.insert(k);
          break;
        }
      }
    }
    for (const auto& k : todo) reload(ref_of(k));
  }
  // The rows of every table in one buffer, hashed in one call: the same bytes in the same
  // order as one call per table, without the streaming hash's overhead per call (a table's
  // rows are a few hundred bytes; this runs after every migration step).
  all_rows_.clear();
  for (const auto& [display, entry] : order_) all_rows_ += entry->rows;
  SchemaFingerprinter fingerprinter;
  fingerprinter.add_serialized(all_rows_);
  return fingerprinter.hex();
}

std::vector<TableRef> SchemaTracker::foreign_key_scope(
    const std::vector<std::string>& names) const {
  const std::string default_schema(session_.dialect().default_schema());
  std::set<std::string> written;
  for (const auto& name : names) {
    const auto dot = name.find('.');
    const std::string schema = dot == std::string::npos ? default_schema : name.substr(0, dot);
    const std::string table = dot == std::string::npos ? name : name.substr(dot + 1);
    written.insert(folded(key({schema, table})));
  }
  std::vector<TableRef> out;
  for (const auto& item : tables_) {
    const Entry& entry = item.second;
    bool in_scope = !entry.parents.empty() && written.count(entry.folded) > 0;
    for (const auto& parent : entry.parents) in_scope = in_scope || written.count(parent) > 0;
    if (in_scope) out.push_back(entry.ref);
  }
  return out;
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
