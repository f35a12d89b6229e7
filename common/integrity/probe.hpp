// common/integrity/probe.hpp
//
// The unit of work of the integrity checks.  A check kind (check_kind.hpp) looks at one table
// of the schema model and plans Probes; each probe is ONE set-based statement (an anti-join, a
// `NOT (check)` scan, a GROUP BY ... HAVING) that returns the offending rows, never a query per
// row.  A probe verifies one or more Subjects (a constraint, a column, a rule, an index): each
// subject with offending rows is one finding of vigil_check(), and its rows are what
// vigil_check_rows() streams.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "schema/model.hpp"
#include "vigil/dialect.hpp"
#include "vigil/session.hpp"
#include "vigil/value.hpp"

namespace vigil::integrity {

enum class Severity { kError, kWarning, kInfo };
const char* severity_name(Severity severity);

// One thing a probe verifies: one row of vigil_check() when it has offending rows.
struct Subject {
  std::string check_name;  // "fk_orphan", ..., or "rule:<name>" for a user rule
  Severity severity = Severity::kError;
  std::string detail;  // the finding's detail; "" = the first offending row's detail
  // (`repairable` of vigil_check() is decided by the repair itself: RepairJudge, repair.hpp)
  bool report_when_clean = false;  // reported with 0 violations (the info rows)
};

// The offending rows of a probe, one (row, subject) pair at a time.  A row that violates two
// subjects of the probe is produced twice, once for each.
class ViolationCursor {
 public:
  virtual ~ViolationCursor() = default;
  virtual bool next() = 0;
  // Index into Probe::subjects().
  virtual std::size_t subject() const = 0;
  // The user table the row belongs to when a probe spans the database (SQLite's whole-database
  // physical check names the table in its message); nullptr: the probe's own table.
  virtual const TableRef* table() const { return nullptr; }
  // What orders rows for sample_keys (the primary key, then the locator): both engines keep
  // the same smallest keys.
  virtual Row sort_key() const = 0;
  // The row_key JSON object, or NULL when the problem is not about one row.
  virtual Value row_key() const = 0;
  virtual std::string detail() const = 0;
};

class Probe {
 public:
  virtual ~Probe() = default;
  Probe() = default;
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  const std::vector<Subject>& subjects() const { return subjects_; }
  // The table the probe checks; an empty name: the whole database.
  const TableRef& table() const { return table_; }
  virtual std::unique_ptr<ViolationCursor> run(Session& session) const = 0;

  std::vector<Subject> subjects_;
  TableRef table_;
};

using Probes = std::vector<std::unique_ptr<Probe>>;

// A probe over one SQL statement.  Its columns, in order: the primary key (`key_names`), the
// row locator (`locator_names`, Dialect::row_locator), then `extra_count` columns that
// `violates` and `row_detail` read.  With one subject every row violates it (`violates` may
// be empty); with several, `violates(subject, extra)` says which ones a row violates.
class QueryProbe final : public Probe {
 public:
  std::string sql;
  Params params;
  std::vector<std::string> key_names;
  std::vector<std::string> locator_names;
  std::size_t extra_count = 0;
  // The SQL contains the caller's text: run it as CallerNames says.
  bool caller_names = false;
  // The SQL contains stored code of the probe's table (a rule condition, checked by
  // check_rule): run it as StoredCode says (PostgreSQL: as the table's owner, restricted).
  bool stored_code = false;
  std::function<bool(std::size_t subject, const Row& extra)> violates;
  std::function<std::string(std::size_t subject, const Row& extra)> row_detail;

  std::unique_ptr<ViolationCursor> run(Session& session) const override;
};

// A probe whose violations are known without reading rows (an invalid index, a NOT VALID
// constraint): one violation per subject, no row key.  A subject marked report_when_clean
// has none (the "how to enable this check" info rows).
class FactProbe final : public Probe {
 public:
  std::unique_ptr<ViolationCursor> run(Session& session) const override;
};

// The columns that identify a row of `table`, for a select list: the primary key, then the
// locator (where there is no key, or a key value may be NULL), each prefixed with `alias`
// ("" or "c."), and their JSON names.
struct RowIdentity {
  std::string select;  // "c.\"id\", c.ctid::text" (ends without a comma; "" when none)
  std::vector<std::string> key_names;
  std::vector<std::string> locator_names;
};
RowIdentity row_identity(const Dialect& dialect, const Table& table, const std::string& alias);

// A JSON object {"name": value, ...}: numbers as numbers, text as strings, blobs as "\x..hex",
// NULL as null.
std::string json_object(const std::vector<std::string>& names, const Row& values,
                        std::size_t first = 0);
// A value as a JSON scalar.
std::string json_value(const Value& value);
// A value for a detail text: NULL, numbers as digits, text in single quotes (long values cut).
std::string detail_value(const Value& value);
// "(a, b)=(1, 'x')"
std::string detail_tuple(const std::vector<std::string>& names, const Row& values,
                         std::size_t first = 0);
// "(a, b)"
std::string column_list(const std::vector<std::string>& names);

// An index's key as people read it: each column's name, or its expression's text.
std::vector<std::string> index_key_labels(const Index& index);

// The key of a unique index as SQL over its table (unqualified): one term per key item (a
// quoted column, or "(expression)"), and the filter of the rows the index holds (its WHERE,
// and -- unless NULLS NOT DISTINCT -- every term non-NULL).  Empty `terms` when the index
// cannot be checked (a partial index whose predicate, or an expression whose text, is not
// known).  Shared by unique_duplicate and its repair.
struct UniqueKey {
  std::vector<std::string> terms;
  std::string filter;
};
UniqueKey unique_key(const Dialect& d, const Index& index);
// Orders values as SQLite does: NULL < numbers < text < blob; numbers by value, text and
// blobs by bytes.  Returns <0, 0, >0.
int compare_values(const Value& a, const Value& b);
bool row_less(const Row& a, const Row& b);

}  // namespace vigil::integrity
