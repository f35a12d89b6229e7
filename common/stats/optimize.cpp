// common/stats/optimize.cpp
//
//   vigil_optimize([apply boolean DEFAULT false]) → table(action, target, reason, sql, applied)
//       Recommendations, in this order:
//         create_index      a foreign key whose columns no index (or key) leads with: every
//                           delete or key update in the parent scans this table
//         analyze           a table whose planner statistics are missing (SQLite: not in
//                           sqlite_stat1; PostgreSQL: never analyzed) or stale (PostgreSQL:
//                           more than 10 % + 50 rows changed since the last analyze)
//         drop_index        an index whose columns another index of the table repeats
//                           exactly ("duplicates ..."), or -- PostgreSQL -- one never used
//                           since the statistics were reset (not unique, backing no
//                           constraint, supporting no foreign key)
//         set_journal_mode  SQLite not in WAL mode (file databases)
//         optimize          SQLite's PRAGMA optimize
//       `sql` is the statement that acts on it.  With apply = true the safe ones -- create_index,
//       analyze, optimize: they add or refresh, never remove nor change what queries return --
//       are run, each in its own savepoint inside one for the call, and applied says whether it
//       succeeded (a failure is added to reason); drop_index and set_journal_mode are only
//       reported.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "schema/introspect.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/system_fault.hpp"

namespace vigil {
namespace {

struct Advice {
  std::string action;
  std::string target;
  std::string reason;
  std::string sql;
  bool safe = false;
};

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : sep) + p;
  return out;
}

// Whether `index` leads with exactly the columns of `fk` (in any order).
bool supports(const Index& index, const ForeignKey& fk) {
  if (index.partial || index.columns.size() < fk.columns.size()) return false;
  std::set<std::string> lead(
      index.columns.begin(),
      index.columns.begin() + static_cast<std::ptrdiff_t>(fk.columns.size()));
  return lead == std::set<std::string>(fk.columns.begin(), fk.columns.end());
}

bool supports_some_fk(const Table& t, const Index& index) {
  return std::any_of(t.foreign_keys.begin(), t.foreign_keys.end(),
                     [&](const ForeignKey& fk) { return supports(index, fk); });
}

// PostgreSQL cuts identifiers at 63 bytes; keep generated index names within that.
std::string index_name(const Table& t, const ForeignKey& fk) {
  std::string name = t.ref.name + "_" + join(fk.columns, "_") + "_idx";
  if (name.size() > 63) name.resize(63);
  return name;
}

int origin_rank(IndexOrigin o) {
  return o == IndexOrigin::kPrimaryKey ? 0 : o == IndexOrigin::kUniqueConstraint ? 1 : 2;
}

void schema_advice(Session& session, const SchemaModel& model, std::vector<Advice>& fk_out,
                   std::vector<Advice>& dup_out) {
  const Dialect& d = session.dialect();
  for (const Table& t : model.tables) {
    const std::string shown = d.display_name(t.ref);
    for (const ForeignKey& fk : t.foreign_keys) {
      if (std::any_of(t.indexes.begin(), t.indexes.end(),
                      [&](const Index& i) { return supports(i, fk); })) {
        continue;
      }
      fk_out.push_back({"create_index", fmt::format("{}({})", shown, join(fk.columns, ", ")),
                        fmt::format("foreign key to {} has no index: deleting or updating a key "
                                    "of {} scans {}",
                                    d.display_name(fk.parent), d.display_name(fk.parent), shown),
                        d.create_index_sql(t.ref, index_name(t, fk), fk.columns), true});
    }
    // Exact duplicates: same key columns, no expressions, not partial.  The index kept is the
    // primary key, else a unique constraint, else a unique index, else the first by name.
    std::vector<const Index*> plain;
    for (const Index& i : t.indexes) {
      const bool expression = std::any_of(i.columns.begin(), i.columns.end(),
                                          [](const std::string& c) { return c.empty(); });
      if (!i.partial && !expression && !i.columns.empty()) plain.push_back(&i);
    }
    std::sort(plain.begin(), plain.end(), [](const Index* a, const Index* b) {
      if (origin_rank(a->origin) != origin_rank(b->origin)) {
        return origin_rank(a->origin) < origin_rank(b->origin);
      }
      if (a->unique != b->unique) return a->unique;
      return a->name < b->name;
    });
    for (std::size_t j = 0; j < plain.size(); ++j) {
      const Index& candidate = *plain[j];
      if (candidate.origin != IndexOrigin::kCreateIndex) continue;
      for (std::size_t k = 0; k < j; ++k) {
        const Index& kept = *plain[k];
        if (kept.columns != candidate.columns || (candidate.unique && !kept.unique)) continue;
        dup_out.push_back(
            {"drop_index", fmt::format("{}.{}", shown, candidate.name),
             fmt::format("duplicates index {} on ({})", kept.name, join(candidate.columns, ", ")),
             fmt::format("DROP INDEX {}", d.qualified(TableRef{t.ref.schema, candidate.name})),
             false});
        break;
      }
    }
  }
}

std::vector<Advice> collect(Session& session) {
  const Dialect& d = session.dialect();
  const SchemaModel model = introspect_schema(session);
  std::vector<Advice> fk;
  std::vector<Advice> dup;
  schema_advice(session, model, fk, dup);
  std::vector<Advice> out = fk;
  for (const StaleTable& s : d.stale_tables(session)) {
    out.push_back({"analyze", d.display_name(s.table), s.reason,
                   fmt::format("ANALYZE {}", d.qualified(s.table)), true});
  }
  out.insert(out.end(), dup.begin(), dup.end());
  const std::string unused_sql = d.unused_indexes_sql();
  if (!unused_sql.empty()) {
    auto cursor = session.query(unused_sql);
    while (cursor->next()) {
      const TableRef table{cursor->get(0).to_text(), cursor->get(1).to_text()};
      const std::string index = cursor->get(2).to_text();
      // An index that supports a foreign key earns its keep on parent deletes: keep it.
      const auto t = std::find_if(model.tables.begin(), model.tables.end(), [&](const Table& x) {
        return x.ref.schema == table.schema && x.ref.name == table.name;
      });
      if (t != model.tables.end()) {
        const auto i = std::find_if(t->indexes.begin(), t->indexes.end(),
                                    [&](const Index& x) { return x.name == index; });
        if (i != t->indexes.end() && supports_some_fk(*t, *i)) continue;
      }
      const std::string target = fmt::format("{}.{}", d.display_name(table), index);
      const bool listed = std::any_of(out.begin(), out.end(), [&](const Advice& a) {
        return a.action == "drop_index" && a.target == target;
      });
      if (listed) continue;
      out.push_back({"drop_index", target, cursor->get(3).to_text(),
                     fmt::format("DROP INDEX {}", d.qualified(TableRef{table.schema, index})),
                     false});
    }
  }
  for (EngineAdvice& a : d.engine_advice(session)) {
    out.push_back(
        {std::move(a.action), std::move(a.target), std::move(a.reason), std::move(a.sql), a.safe});
  }
  return out;
}

}  // namespace

void register_optimize_functions(std::vector<FunctionSpec>& out) {
  FunctionSpec f;
  f.name = "vigil_optimize";
  f.args = {{"apply", ValueKind::kBoolean, true}};
  f.columns = {{"action", ValueKind::kText},
               {"target", ValueKind::kText},
               {"reason", ValueKind::kText},
               {"sql", ValueKind::kText},
               {"applied", ValueKind::kBoolean}};
  f.writes = true;
  f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
    const bool apply = args.has(0) && args.boolean(0);
    std::vector<Row> rows;
    // Applying is one unit: after a fault of the system (out of memory, I/O error, cancel) none
    // of the recommendations stays applied, not the first few (tests/faults).
    std::optional<SubTransaction> all;
    if (apply) all.emplace(session);
    for (Advice& a : collect(session)) {
      bool applied = false;
      if (apply && a.safe) {
        session.check_interrupts();
        SubTransaction sub(session);
        try {
          session.exec(a.sql);
          sub.commit();
          applied = true;
        } catch (const std::exception& e) {
          // Out of memory, an I/O error, a cancellation end the call (vigil/system_fault.hpp).
          if (is_system_fault(session.error_sqlstate(e))) throw;
          // The savepoint rolls the statement back; the engine's message is reported.
          a.reason += fmt::format(" (not applied: {})", e.what());
        }
      }
      rows.push_back(Row{Value::text(a.action), Value::text(a.target), Value::text(a.reason),
                         Value::text(a.sql), Value::boolean(applied)});
    }
    auto source = std::make_unique<VectorRowSource>(std::move(rows));
    if (all) all->commit();  // nothing that may fail after it
    // One row per recommendation: bounded by the schema's size, not by any table's rows.
    return source;
  };
  out.push_back(std::move(f));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
