// common/migrate/schema_tracker.hpp
//
// The schema fingerprint (common/schema/: introspection, canonical rows, fingerprint), kept up
// to date while migrations run, so that the history can record the fingerprint after every
// step without reading the whole catalog each time.  The first fingerprint() reads every
// table; later calls read again only the tables the host reports as changed
// (Session::schema_changes) and the tables whose foreign keys reference them.  The result is
// always the fingerprint vigil_schema_fingerprint() would give at that moment.
//
// It also knows the foreign keys between tables, which the SQLite foreign-key check of a
// migration uses to find the tables a write can break.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schema/canonical.hpp"
#include "vigil/session.hpp"

namespace vigil::migrate {

class SchemaTracker {
 public:
  explicit SchemaTracker(Session& session) : session_(session) {}

  // The fingerprint of the schema as it is now.
  std::string fingerprint();

  // After fingerprint(): the tables (as the catalog names them) that writes to the tables
  // named in `names` ("t" or "schema.t", matched exactly, else ignoring ASCII case) can leave
  // with broken foreign keys: those of them that have foreign keys, and the tables whose
  // foreign keys reference them.
  std::vector<TableRef> foreign_key_scope(const std::vector<std::string>& names) const;

 private:
  struct Entry {
    TableRef ref;
    std::string display;
    std::string rows;                  // its rows in fingerprint order, serialized for hashing
    std::vector<std::string> parents;  // keys of the tables its foreign keys reference
    std::string folded;                // its key in ASCII lower case (foreign_key_scope)
  };
  void reload_all();
  void reload(const TableRef& ref);
  void erase(const std::string& key);
  void store(const Table& table);

  Session& session_;
  bool loaded_ = false;
  std::map<std::string, Entry> tables_;  // by key(schema, name)
  // display name → its entry in tables_ (a std::map: entries stay put): fingerprint order
  std::map<std::string, const Entry*> order_;
  std::string all_rows_;  // fingerprint(): every entry's rows in order (kept: its capacity)
};

}  // namespace vigil::migrate
