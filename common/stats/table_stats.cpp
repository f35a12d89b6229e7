// common/stats/table_stats.cpp
//
//   vigil_table_stats([table_name]) → table(table_name, row_count, total_bytes, index_count,
//       dead_rows, last_analyze, page_count, live_rows, seq_scans, index_scans, last_vacuum,
//       last_autovacuum, last_autoanalyze, free_bytes)
//       One row per user table (the tables vigil_schema() lists), in the same order, or for
//       the one table named (42P01 when there is none).
//       row_count is exact (count(*)), so both engines agree on it; total_bytes includes the
//       table's indexes (PostgreSQL pg_total_relation_size, SQLite dbstat); page_count is
//       SQLite's page count from dbstat and PostgreSQL's relpages.  PostgreSQL's cumulative
//       statistics (pg_stat_all_tables) give dead_rows, live_rows (estimates), seq_scans,
//       index_scans, last_analyze (the later of ANALYZE and autoanalyze), last_vacuum (manual),
//       last_autovacuum and last_autoanalyze: NULL in SQLite, which keeps no such figures.
//       free_bytes is SQLite's unused space inside the table's and its indexes' pages
//       (dbstat), NULL in PostgreSQL.  Tables are visited one at a time, so the function keeps
//       one table's figures in memory, not all of them.
#include <fmt/format.h>

#include "schema/introspect.hpp"
#include "stats/query_stats.hpp"
#include "vigil/dialect.hpp"
#include "vigil/functions.hpp"

namespace vigil {
namespace {

struct StatColumn {
  const char* name;
  ValueKind type;
};

// Columns after table_name and row_count, in the order of Dialect::table_stats_sql().
constexpr StatColumn kStatColumns[] = {
    {"total_bytes", ValueKind::kInteger},        {"index_count", ValueKind::kInteger},
    {"dead_rows", ValueKind::kInteger},          {"last_analyze", ValueKind::kTimestamp},
    {"page_count", ValueKind::kInteger},         {"live_rows", ValueKind::kInteger},
    {"seq_scans", ValueKind::kInteger},          {"index_scans", ValueKind::kInteger},
    {"last_vacuum", ValueKind::kTimestamp},      {"last_autovacuum", ValueKind::kTimestamp},
    {"last_autoanalyze", ValueKind::kTimestamp}, {"free_bytes", ValueKind::kInteger},
};
constexpr std::size_t kStatCount = sizeof kStatColumns / sizeof kStatColumns[0];

class TableStatsSource : public RowSource {
 public:
  TableStatsSource(Session& session, std::vector<TableWithKind> tables)
      : session_(session), tables_(std::move(tables)) {}

  bool next(Row& row) override {
    if (pos_ >= tables_.size()) return false;
    session_.check_interrupts();
    session_.wait_point(WaitPoint::kTableStats);
    const TableRef& ref = tables_[pos_].ref;
    const std::string& kind = tables_[pos_++].kind;
    const Dialect& dialect = session_.dialect();
    // The table's own rows (an inheritance parent without its children), as its sizes are.
    const Value rows =
        session_.scalar(fmt::format("SELECT count(*) FROM {}", dialect.table_source(ref, kind)));
    auto stats =
        session_.query(dialect.table_stats_sql(), {Value::text(ref.schema), Value::text(ref.name)});
    row.assign(2 + kStatCount, Value::null());
    row[0] = Value::text(dialect.display_name(ref));
    row[1] = Value::integer(rows.to_integer());
    if (stats->next()) {
      for (std::size_t i = 0; i < kStatCount && i < stats->column_count(); ++i) {
        const Value v = stats->get(i);
        if (v.is_null()) continue;
        row[2 + i] = kStatColumns[i].type == ValueKind::kTimestamp ? Value::timestamp(v.to_text())
                                                                   : Value::integer(v.to_integer());
      }
    }
    return true;
  }

 private:
  Session& session_;
  std::vector<TableWithKind> tables_;
  std::size_t pos_ = 0;
};

void register_table_stats_function(std::vector<FunctionSpec>& out) {
  FunctionSpec f;
  f.name = "vigil_table_stats";
  f.columns = {{"table_name", ValueKind::kText}, {"row_count", ValueKind::kInteger}};
  for (const auto& c : kStatColumns) f.columns.push_back({c.name, c.type});
  f.args = {{"table_name", ValueKind::kText, true}};
  f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
    std::vector<TableWithKind> tables;
    if (args.has(0)) {
      tables.push_back(resolve_table_with_kind(session, args.text(0)));
    } else {
      tables = list_user_tables_with_kind(session);
    }
    return std::make_unique<TableStatsSource>(session, std::move(tables));
  };
  out.push_back(std::move(f));
}

}  // namespace

// The other functions of the group, each in its own file.
void register_health_functions(std::vector<FunctionSpec>& out);
void register_monitor_functions(std::vector<FunctionSpec>& out);
void register_metrics_functions(std::vector<FunctionSpec>& out);
void register_optimize_functions(std::vector<FunctionSpec>& out);

void register_stats_functions(std::vector<FunctionSpec>& out) {
  register_table_stats_function(out);
  register_query_stats_functions(out);
  register_health_functions(out);
  register_monitor_functions(out);
  register_metrics_functions(out);
  register_optimize_functions(out);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
