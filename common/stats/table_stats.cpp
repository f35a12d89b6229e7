// common/stats/table_stats.cpp
//
//   vigil_table_stats([table_name]) → table(table_name, row_count, total_bytes, index_count,
//   dead_rows,
//                               last_analyze, page_count)
//       One row per user table (the tables vigil_schema() lists), in the same order, or for
//       the one table named (42P01 when there is none).
//       row_count is exact (count(*)), so both engines agree on it; total_bytes includes the
//       table's indexes (PostgreSQL pg_total_relation_size, SQLite dbstat); dead_rows and
//       last_analyze are PostgreSQL's statistics (NULL in SQLite); page_count is SQLite's
//       page count from dbstat and PostgreSQL's relpages.  Tables are visited one at a time,
//       so the function keeps one table's figures in memory, not all of them.
#include <fmt/format.h>

#include "schema/introspect.hpp"
#include "vigil/dialect.hpp"
#include "vigil/functions.hpp"

namespace vigil {
namespace {

class TableStatsSource : public RowSource {
 public:
  TableStatsSource(Session& session, std::vector<TableRef> tables)
      : session_(session), tables_(std::move(tables)) {}

  bool next(Row& row) override {
    if (pos_ >= tables_.size()) return false;
    session_.check_interrupts();
    const TableRef& ref = tables_[pos_++];
    const Dialect& dialect = session_.dialect();
    const Value rows =
        session_.scalar(fmt::format("SELECT count(*) FROM {}", dialect.qualified(ref)));
    auto stats =
        session_.query(dialect.table_stats_sql(), {Value::text(ref.schema), Value::text(ref.name)});
    row.assign(7, Value::null());
    row[0] = Value::text(dialect.display_name(ref));
    row[1] = Value::integer(rows.to_integer());
    if (stats->next()) {
      row[2] = stats->get(0).is_null() ? Value::null() : Value::integer(stats->get(0).to_integer());
      row[3] = Value::integer(stats->get(1).to_integer());
      row[4] = stats->get(2).is_null() ? Value::null() : Value::integer(stats->get(2).to_integer());
      row[5] = stats->get(3).is_null() ? Value::null() : Value::timestamp(stats->get(3).to_text());
      row[6] = stats->get(4).is_null() ? Value::null() : Value::integer(stats->get(4).to_integer());
    }
    return true;
  }

 private:
  Session& session_;
  std::vector<TableRef> tables_;
  std::size_t pos_ = 0;
};

}  // namespace

void register_stats_functions(std::vector<FunctionSpec>& out) {
  FunctionSpec f;
  f.name = "vigil_table_stats";
  f.columns = {{"table_name", ValueKind::kText},     {"row_count", ValueKind::kInteger},
               {"total_bytes", ValueKind::kInteger}, {"index_count", ValueKind::kInteger},
               {"dead_rows", ValueKind::kInteger},   {"last_analyze", ValueKind::kTimestamp},
               {"page_count", ValueKind::kInteger}};
  f.args = {{"table_name", ValueKind::kText, true}};
  f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
    std::vector<TableRef> tables;
    if (args.has(0)) {
      tables.push_back(resolve_table(session, args.text(0)));
    } else {
      tables = list_user_tables(session);
    }
    return std::make_unique<TableStatsSource>(session, std::move(tables));
  };
  out.push_back(std::move(f));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
