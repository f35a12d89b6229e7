// common/schema/canonical.hpp
//
// The canonical, engine-neutral description of a schema: the rows of vigil_schema() and the
// input of vigil_schema_fingerprint().  Equivalent schemas give equal rows in both engines:
// type classes instead of type names, constraints named by their columns instead of by
// generated names, defaults reduced to a canonical form.  docs/schema.md specifies the rows.
#pragma once

#include <string>
#include <vector>

#include "schema/model.hpp"
#include "vigil/dialect.hpp"
#include "vigil/hash.hpp"

namespace vigil {

struct SchemaRow {
  std::string table_name;
  std::string object_type;  // table, column, primary_key, unique, foreign_key, check, index
  std::string name;
  std::string definition;         // canonical: equal in both engines for equivalent schemas
  std::string engine_definition;  // the engine's own text; not part of the fingerprint
};

// Canonical rows in their stable order: by table, then object type, then position/name.
std::vector<SchemaRow> canonical_schema_rows(const SchemaModel& model, const Dialect& dialect);

// Hex XXH3-128 of the rows' (table_name, object_type, name, definition), version 1.
std::string schema_fingerprint(const std::vector<SchemaRow>& rows);

// The same fingerprint, fed row by row by a caller that keeps rows in fingerprint order: by
// (table_name, object_type, name, definition) as byte strings (sort_for_fingerprint).
void sort_for_fingerprint(std::vector<SchemaRow>& rows);
class SchemaFingerprinter {
 public:
  SchemaFingerprinter();
  void add(const SchemaRow& row);
  // The bytes add(row) hashes, so that a caller can keep them and feed many rows at once.
  static void serialize(const SchemaRow& row, std::string& out);
  void add_serialized(std::string_view bytes);
  std::string hex() const;

 private:
  Hasher128 hasher_;
};

// A default expression in canonical form: 'text' literals as written, numbers as written
// (a quoted number cast to a numeric type loses its quotes), booleans as 1/0,
// now()/CURRENT_TIMESTAMP/datetime('now') as current_timestamp, CURRENT_DATE/date('now') as
// current_date, "" for NULL or none, and "expression" for anything else.
std::string canonical_default(const std::string& expr, TypeClass type_class);

}  // namespace vigil
