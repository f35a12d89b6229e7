// common/checksum/functions.cpp
//
// SQL functions of the checksum group (docs/checksums.md; the encoding is specified in
// docs/checksum-spec.md):
//
//   vigil_table_checksum(table_name [, columns]) → text
//       32 hex digits: the content checksum of the table's rows, independent of row order.
//       `columns` is a comma-separated list of column names (a double-quoted name keeps its
//       case, spaces and commas); NULL or omitted means every column in ordinal order.  Equal
//       for the same logical data in SQLite and PostgreSQL.  Errors: a missing table (42P01),
//       a view (42809), an unknown column (42703), an empty or repeated name (22023).
//
//   vigil_checksums() → table(table_name, row_count, checksum)
//       One row per user table, in vigil_schema() order; checksum as vigil_table_checksum.
//
//   vigil_checksum_segments(table_name, segments [, lower_key [, upper_key]])
//       → table(segment, lower_key, upper_key, row_count, checksum)
//       The rows whose primary key k satisfies lower_key <= k < upper_key (each bound
//       optional, NULL = unbounded), in key order (text in byte order), split into
//       min(segments, rows) segments of nearly equal row counts: row r of n goes to segment
//       floor(r * segments / n).  Segments are half-open key ranges that cover the requested
//       range without gaps: the first starts at lower_key, each next one at its first row's
//       key, the last ends at upper_key.  Keys are JSON arrays of canonical values ('[17]',
//       '["2024-01-01 00:00:00", 3]'); passing a segment's bounds back (to this or another
//       database) selects exactly that key range, which is how a difference is narrowed down
//       (docs/checksums.md, "Finding a difference").  A range without rows gives one segment
//       with row_count 0.  Errors: no primary key (55000), segments < 1 or a malformed bound
//       (22023).
#include "vigil/functions.hpp"

#include <fmt/format.h>

#include "checksum/checksum.hpp"
#include "schema/introspect.hpp"
#include "vigil/dialect.hpp"

namespace vigil {

void register_backup_functions(std::vector<FunctionSpec>& out);

namespace {

class ChecksumsSource final : public RowSource {
 public:
  explicit ChecksumsSource(Session& session)
      : session_(session), model_(introspect_schema(session)) {}

  bool next(Row& row) override {
    if (pos_ >= model_.tables.size()) return false;
    session_.check_interrupts();
    const Table& table = model_.tables[pos_++];
    const ContentChecksum sum = checksum_table(session_, table, table.columns);
    row = {Value::text(session_.dialect().display_name(table.ref)),
           Value::integer(static_cast<std::int64_t>(sum.rows())), Value::text(sum.hex())};
    return true;
  }

 private:
  Session& session_;
  SchemaModel model_;
  std::size_t pos_ = 0;
};

}  // namespace

void register_checksum_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_table_checksum";
    f.args = {{"table_name", ValueKind::kText, false}, {"columns", ValueKind::kText, true}};
    f.result = ValueKind::kText;
    f.scalar = [](Session& session, const Args& args) {
      const Table table = introspect_table(session, args.text(0));
      const std::vector<Column> columns =
          args.has(1) ? checksum_columns(table, args.text(1)) : table.columns;
      return Value::text(checksum_table(session, table, columns).hex());
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_checksums";
    f.columns = {{"table_name", ValueKind::kText},
                 {"row_count", ValueKind::kInteger},
                 {"checksum", ValueKind::kText}};
    f.table = [](Session& session, const Args&) -> std::unique_ptr<RowSource> {
      return std::make_unique<ChecksumsSource>(session);
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_checksum_segments";
    f.args = {{"table_name", ValueKind::kText, false},
              {"segments", ValueKind::kInteger, false},
              {"lower_key", ValueKind::kText, true},
              {"upper_key", ValueKind::kText, true}};
    f.columns = {{"segment", ValueKind::kInteger},
                 {"lower_key", ValueKind::kText},
                 {"upper_key", ValueKind::kText},
                 {"row_count", ValueKind::kInteger},
                 {"checksum", ValueKind::kText}};
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      const Table table = introspect_table(session, args.text(0));
      return checksum_segments(session, table, args.integer(1), args[2], args[3]);
    };
    out.push_back(std::move(f));
  }
  register_backup_functions(out);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
