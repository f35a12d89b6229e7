// common/integrity/functions.cpp
//
// SQL functions of the integrity group (docs/integrity.md):
//   vigil_check([table_name [, full]]) → table(check_name, severity, table_name, detail,
//                                              violations, repairable, sample_keys)
//       One row per finding: a subject (constraint, column, index, ...) of a check kind with
//       offending rows, in the order: table (as vigil_schema() lists them), kind (registry
//       order), subject; database-wide findings (the physical check of every table) last.
//       violations is the exact number of offending rows (for invalid_index and
//       unvalidated_constraint: 1 per object; for physical: problems reported); sample_keys is
//       a JSON array of the row keys of up to 10 offending rows, the smallest keys.  A clean
//       database returns no rows, except the `info` row of a physical check the engine cannot
//       run.  `full` runs the slower, complete physical check.  NULL table_name: every table.
//   vigil_check_rows(check_name, table_name [, full]) → table(row_key, detail)
//       Every offending row of one check kind on one table, streamed as the probe's query
//       produces them (no order is promised, nothing is collected): row_key is a JSON object
//       of the primary key ({"rowid": n} / {"ctid": "(0,1)"} where there is none, or where a
//       key value is NULL), NULL for problems that are not about one row.  The sum of
//       violations of a check on a table in vigil_check() is the number of its rows here.
// Errors: an unknown check_name → 22023; 'rule:<name>' where no rule <name> is defined on the
// table → 42704; NULL check_name or table_name → 22004; a table that
// does not exist → 42P01; a view → 42809; the physical rows where the engine's checker is not
// installed → 55000.  Findings about data are never errors.
#include "vigil/functions.hpp"

#include <fmt/format.h>

#include <deque>
#include <map>

#include "integrity/check_kind.hpp"
#include "repair/repair.hpp"
#include "schema/introspect.hpp"
#include "stats/integrity_hook.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil::integrity {

bool rows_hidden(Session& session, const TableRef& table) {
  const std::string sql = session.dialect().rows_hidden_sql();
  if (sql.empty()) return false;
  auto cursor = session.catalog_query(sql, {Value::text(table.schema), Value::text(table.name)});
  return cursor->next() && !cursor->get(0).is_null() && cursor->get(0).to_bool();
}

std::string rows_hidden_detail(Session& session, const TableRef& hidden, const std::string& what) {
  return fmt::format(
      "row-level security hides rows of {} from the caller: {} cannot be decided (run as a "
      "role that bypasses row security: the table's owner, BYPASSRLS, or a superuser)",
      session.dialect().display_name(hidden), what);
}

Table without_hidden_parents(Session& session, const Table& table,
                             std::vector<TableRef>& hidden_parents) {
  Table out = table;
  out.foreign_keys.clear();
  for (const auto& fk : table.foreign_keys) {
    bool hidden = false;
    for (const auto& h : hidden_parents) {
      hidden = hidden || (h.schema == fk.parent.schema && h.name == fk.parent.name);
    }
    if (!hidden && rows_hidden(session, fk.parent)) {
      hidden_parents.push_back(fk.parent);
      hidden = true;
    }
    if (!hidden) out.foreign_keys.push_back(fk);
  }
  return out;
}

namespace {

constexpr std::size_t kSamples = 10;

// What vigil_check() keeps of one subject while its probe runs: a count and the smallest keys.
struct Tally {
  std::int64_t violations = 0;
  std::int64_t repairable = 0;  // physical: problems vigil_repair() repairs (an index rebuilt)
  std::string first_detail;
  std::vector<std::pair<Row, Value>> samples;  // sorted by key, at most kSamples

  void add(const ViolationCursor& v, bool want_detail) {
    ++violations;
    if (want_detail && violations == 1) first_detail = v.detail();
    Row key = v.sort_key();
    if (samples.size() == kSamples && !row_less(key, samples.back().first)) return;
    const Value row_key = v.row_key();
    if (row_key.is_null()) return;
    auto at = samples.begin();
    while (at != samples.end() && !row_less(key, at->first)) ++at;
    samples.insert(at, {std::move(key), row_key});
    if (samples.size() > kSamples) samples.pop_back();
  }

  Value sample_keys() const {
    std::string out = "[";
    for (std::size_t i = 0; i < samples.size(); ++i) {
      out += (i > 0 ? ", " : "") + samples[i].second.bytes();
    }
    return Value::json(out + "]");
  }
};

class CheckSource final : public RowSource {
 public:
  // `database_wide` false leaves out the database-wide probes (the physical check of every
  // table) of an all-tables check.
  // `judge` false leaves `repairable` NULL (vigil_health() counts findings only).
  CheckSource(Session& session, std::vector<Table> tables, bool all_tables, bool full,
              bool database_wide = true, bool judge = true)
      : session_(session),
        context_{session, full, all_tables, false},
        tables_(std::move(tables)),
        all_tables_(all_tables),
        database_wide_(database_wide),
        judge_wanted_(judge) {}

  bool next(Row& row) override {
    while (pending_.empty()) {
      if (!plan_more()) return false;
      while (!probes_.empty() && pending_.empty()) {
        run(*probes_.front());
        probes_.pop_front();
      }
    }
    row = std::move(pending_.front());
    pending_.pop_front();
    return true;
  }

 private:
  // Plans the probes of the next table (or the database-wide ones); false when done.
  bool plan_more() {
    if (!probes_.empty()) return true;
    Probes planned;
    if (table_pos_ < tables_.size()) {
      const Table& table = tables_[table_pos_++];
      // Row-level security: a check of rows the caller's policies filtered would report
      // valid rows as orphans (or miss duplicates, a sequence's maximum, ...).  vigil says it
      // cannot decide instead.
      if (rows_hidden(session_, table.ref)) {
        pending_.push_back(rows_hidden_finding(table.ref, table.ref, "every check of its rows"));
        return true;
      }
      std::vector<TableRef> hidden_parents;
      const Table checked = without_hidden_parents(session_, table, hidden_parents);
      for (const auto& parent : hidden_parents) {
        pending_.push_back(rows_hidden_finding(table.ref, parent,
                                               "fk_orphan of " + display(table.ref) +
                                                   " (its foreign keys into " + display(parent) +
                                                   ")"));
      }
      for (const auto& kind : check_kinds()) {
        session_.check_interrupts();
        kind->plan(context_, checked, planned);
      }
    } else if (all_tables_ && database_wide_ && !database_done_) {
      database_done_ = true;
      for (const auto& kind : check_kinds()) kind->plan_database(context_, planned);
    } else {
      return false;
    }
    for (auto& p : planned) probes_.push_back(std::move(p));
    return true;
  }

  void run(const Probe& probe) {
    session_.check_interrupts();
    const auto& subjects = probe.subjects();
    // Keyed by (table the rows belong to, subject): a whole-database probe spans tables.
    std::map<std::pair<std::string, std::size_t>, Tally> tallies;
    std::map<std::string, TableRef> tables;
    const std::string own = display(probe.table());
    tables[own] = probe.table();
    {
      auto cursor = probe.run(session_);
      while (cursor->next()) {
        const TableRef* other = cursor->table();
        const std::string name = other != nullptr ? display(*other) : own;
        if (other != nullptr) tables.emplace(name, *other);
        const std::size_t s = cursor->subject();
        Tally& tally = tallies[{name, s}];
        tally.add(*cursor, subjects[s].detail.empty());
        if (subjects[s].check_name == "physical" && judge() != nullptr &&
            judge()->repairs_physical(other != nullptr ? *other : probe.table(),
                                      cursor->detail())) {
          ++tally.repairable;
        }
      }
    }
    for (std::size_t s = 0; s < subjects.size(); ++s) {
      if (subjects[s].report_when_clean) tallies[{own, s}];
    }
    // Rows of the probe's own table first, then the other tables in name order.
    std::vector<std::pair<std::string, std::size_t>> order;
    for (const auto& [key, tally] : tallies) {
      if (key.first == own) order.push_back(key);
    }
    for (const auto& [key, tally] : tallies) {
      if (key.first != own) order.push_back(key);
    }
    for (const auto& key : order) {
      const Tally& tally = tallies[key];
      const Subject& subject = subjects[key.second];
      if (tally.violations == 0 && !subject.report_when_clean) continue;
      std::string detail = subject.detail;
      if (detail.empty()) {
        detail = tally.first_detail;
        if (tally.violations > 1) {
          detail += fmt::format(" (and {} more)", tally.violations - 1);
        }
      }
      const TableRef& ref = tables[key.first];
      Value repairable = Value::boolean(false);
      if (judge() == nullptr) {
        repairable = Value::null();
      } else if (subject.check_name == "physical") {
        if (tally.repairable > 0) {
          repairable = tally.repairable == tally.violations ? Value::boolean(true) : Value::null();
        }
      } else if (tally.violations > 0) {
        repairable = judge()->verdict(ref, subject);
      }
      pending_.push_back(
          {Value::text(subject.check_name), Value::text(severity_name(subject.severity)),
           ref.name.empty() ? Value::null() : Value::text(key.first), Value::text(detail),
           Value::integer(tally.violations), repairable, tally.sample_keys()});
    }
  }

  Row rows_hidden_finding(const TableRef& table, const TableRef& hidden,
                          const std::string& what) const {
    return {Value::text("row_security"),
            Value::text("warning"),
            Value::text(display(table)),
            Value::text(rows_hidden_detail(session_, hidden, what)),
            Value::integer(0),
            Value::boolean(false),
            Value::json("[]")};
  }

  RepairJudge* judge() {
    if (judge_wanted_ && !judge_) judge_ = std::make_unique<RepairJudge>(session_);
    return judge_.get();
  }

  std::string display(const TableRef& ref) const {
    return ref.name.empty() ? std::string() : session_.dialect().display_name(ref);
  }

  Session& session_;
  CheckContext context_;
  std::vector<Table> tables_;
  bool all_tables_;
  bool database_wide_;
  bool judge_wanted_;
  std::unique_ptr<RepairJudge> judge_;  // made at the first finding
  std::size_t table_pos_ = 0;
  bool database_done_ = false;
  std::deque<std::unique_ptr<Probe>> probes_;
  std::deque<Row> pending_;
};

class CheckRowsSource final : public RowSource {
 public:
  CheckRowsSource(Session& session, std::string check_name, Probes probes)
      : session_(session), check_name_(std::move(check_name)), probes_(std::move(probes)) {}

  bool next(Row& row) override {
    for (;;) {
      if (!cursor_) {
        if (pos_ >= probes_.size()) return false;
        cursor_ = probes_[pos_]->run(session_);
      }
      const auto& subjects = probes_[pos_]->subjects();
      while (cursor_->next()) {
        if (subjects[cursor_->subject()].check_name != check_name_) continue;
        row = {cursor_->row_key(), Value::text(cursor_->detail())};
        return true;
      }
      cursor_.reset();
      ++pos_;
    }
  }

 private:
  Session& session_;
  std::string check_name_;
  Probes probes_;
  std::size_t pos_ = 0;
  std::unique_ptr<ViolationCursor> cursor_;
};

}  // namespace
}  // namespace vigil::integrity

namespace vigil {

std::int64_t count_integrity_findings(Session& session) {
  integrity::CheckSource source(session, introspect_schema(session).tables, true, false, false,
                                false);
  std::int64_t errors = 0;
  Row row;
  while (source.next(row)) {
    if (row[1].to_text() == "error") ++errors;
  }
  return errors;
}

void register_integrity_functions(std::vector<FunctionSpec>& out) {
  using integrity::CheckContext;
  {
    FunctionSpec f;
    f.name = "vigil_check";
    f.args = {{"table_name", ValueKind::kText, true}, {"full", ValueKind::kBoolean, true}};
    f.columns = {{"check_name", ValueKind::kText},    {"severity", ValueKind::kText},
                 {"table_name", ValueKind::kText},    {"detail", ValueKind::kText},
                 {"violations", ValueKind::kInteger}, {"repairable", ValueKind::kBoolean},
                 {"sample_keys", ValueKind::kJson}};
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      const bool full = args.has(1) && args.boolean(1);
      if (args.has(0)) {
        std::vector<Table> tables;
        tables.push_back(introspect_table(session, args.text(0)));
        return std::make_unique<integrity::CheckSource>(session, std::move(tables), false, full);
      }
      return std::make_unique<integrity::CheckSource>(session, introspect_schema(session).tables,
                                                      true, full);
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_check_rows";
    f.args = {{"check_name", ValueKind::kText, false},
              {"table_name", ValueKind::kText, false},
              {"full", ValueKind::kBoolean, true}};
    f.columns = {{"row_key", ValueKind::kJson}, {"detail", ValueKind::kText}};
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      const std::string check_name = args.text(0);
      const integrity::CheckKind& kind = integrity::find_check_kind(check_name);
      const Table table = introspect_table(session, args.text(1));
      CheckContext context{session, args.has(2) && args.boolean(2), false, true};
      // Rows a policy hides cannot be judged (integrity::rows_hidden): an error, not rows.
      std::vector<TableRef> hidden;
      const bool own_rows_hidden = integrity::rows_hidden(session, table.ref);
      if (own_rows_hidden) hidden.push_back(table.ref);
      const Table checked =
          own_rows_hidden ? table : integrity::without_hidden_parents(session, table, hidden);
      if (own_rows_hidden || (!hidden.empty() && check_name == "fk_orphan")) {
        throw Error(ErrorCode::kInsufficientPrivilege,
                    integrity::rows_hidden_detail(session, hidden[0], check_name));
      }
      integrity::Probes probes;
      kind.plan(context, checked, probes);
      // A rule is named by the caller: one that does not apply to the table is an error, not
      // an empty answer that would read as "no offending row" (issue #16).
      if (check_name.rfind("rule:", 0) == 0) {
        bool found = false;
        for (const auto& probe : probes) {
          for (const auto& subject : probe->subjects()) found |= subject.check_name == check_name;
        }
        if (!found) {
          throw Error(ErrorCode::kUndefinedObject,
                      fmt::format("no rule \"{}\" is defined on table \"{}\"", check_name.substr(5),
                                  session.dialect().display_name(table.ref)),
                      "vigil_rule_add defines rules; SELECT * FROM vigil_rules lists them.");
        }
      }
      return std::make_unique<integrity::CheckRowsSource>(session, check_name, std::move(probes));
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
