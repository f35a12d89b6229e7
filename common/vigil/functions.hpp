// common/vigil/functions.hpp
//
// The SQL contract in one table.  Each vigil SQL function is described once here: its name,
// arguments, result (a scalar type or the columns of a table-valued function), whether it
// changes data, and the core routine that implements it.  Both hosts are generic over this
// table: the SQLite host registers every entry (scalar functions and eponymous virtual
// tables); the PostgreSQL host dispatches each C symbol to its entry, and its install script
// declares the same signatures (a regression test compares the two).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/session.hpp"
#include "vigil/value.hpp"

namespace vigil {

inline constexpr const char* kVersion = "0.2.0";

// The tables vigil itself creates.  In PostgreSQL they belong to the extension (and are skipped
// as extension members); in SQLite these exact names are skipped.  Any other table, even one
// whose name starts with vigil_, is a user table.
inline constexpr const char* kOwnTables[] = {
    "vigil_rules",          "vigil_quarantine", "vigil_migrations", "vigil_migration_events",
    "vigil_health_history", "vigil_alerts",     "vigil_settings",   "vigil_backups",
};

struct ArgSpec {
  const char* name;
  ValueKind type;  // kText, kInteger, kReal, kBoolean or kJson
  bool optional;   // an optional argument may be omitted; NULL means the same as omitted
};

struct ColumnSpec {
  const char* name;
  ValueKind type;
};

// Arguments as handed over by a host, already converted to the declared types (or NULL).
class Args {
 public:
  Args(const std::vector<ArgSpec>& spec, std::vector<Value> values)
      : spec_(spec), values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& operator[](std::size_t i) const { return values_.at(i); }
  bool has(std::size_t i) const { return i < values_.size() && !values_[i].is_null(); }
  // Required arguments: NULL raises kNullValueNotAllowed naming the argument.
  std::string text(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  bool boolean(std::size_t i) const;

 private:
  const Value& required(std::size_t i) const;
  const std::vector<ArgSpec>& spec_;
  std::vector<Value> values_;
};

// Rows of a table-valued function, pulled one at a time so results stream.
class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills `row` (one value per result column) and returns true, or returns false at the end.
  virtual bool next(Row& row) = 0;
};

// A RowSource over rows computed up front: only for results bounded by the schema's size,
// never by a table's row count.
class VectorRowSource : public RowSource {
 public:
  explicit VectorRowSource(std::vector<Row> rows) : rows_(std::move(rows)) {}
  bool next(Row& row) override;

 private:
  std::vector<Row> rows_;
  std::size_t pos_ = 0;
};

using ScalarFn = std::function<Value(Session&, const Args&)>;
using TableFn = std::function<std::unique_ptr<RowSource>(Session&, const Args&)>;

struct FunctionSpec {
  std::string name;
  std::vector<ArgSpec> args;
  ValueKind result = ValueKind::kNull;  // scalar functions: the result type
  std::vector<ColumnSpec> columns;      // table functions: the result columns
  bool writes = false;       // changes data: SQLite DIRECTONLY, PostgreSQL VOLATILE + REVOKE
  bool direct_only = false;  // reaches outside the database (files): SQLite DIRECTONLY too
  // Table functions only: SQLite also registers a scalar function of the same name that returns
  // the rows as a JSON array of objects.  A scalar call runs with no other statement reading,
  // which SQLite needs to drop a table or an index (and to wait for a lock with the busy
  // handler); the table form always has its own statement reading.
  bool sqlite_scalar_json = false;
  bool needs_session = true;
  ScalarFn scalar;
  TableFn table;

  bool is_table() const { return static_cast<bool>(table); }
  std::size_t required_args() const;
};

// Every function of the contract, in a fixed order.
const std::vector<FunctionSpec>& function_registry();
// The entry called `name`; throws kInternal when there is none (a host/registry mismatch).
const FunctionSpec& find_function(std::string_view name);

}  // namespace vigil
