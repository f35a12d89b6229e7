// common/repair/repair.cpp
//
// Self-repair and its quarantine (docs/repair.md):
//
//   vigil_repair([dry_run]) → table(action, table_name, rows_affected, detail, batch)
//       dry_run defaults to true.  Walks every user table and every check kind, as vigil_check()
//       does, and repairs each finding with the smallest change:
//         fk_orphan                    quarantine the orphan row
//         check_constraint, rule:<r>   one column read: a safe cast of a text value ('0.5' → 0.5)
//                                      or NULL (nullable column), when the constraint then holds
//                                      (tested on the row before anything is written); else,
//                                      and always for a rule whose repair is 'quarantine',
//                                      quarantine the row
//         type_mismatch                a safe cast, else NULL (nullable), else quarantine
//         not_null                     quarantine the row
//         unique_duplicate             keep the oldest row of each key (smallest primary key, a
//                                      composite one in order; SQLite: rowid), quarantine the
//                                      others
//         sequence_behind              move the sequence past the column's extreme, forward only
//         invalid_index                REINDEX INDEX (not CONCURRENTLY: see docs)
//         physical                     the complete check; an index it names: REINDEX; else 'none'
//         unvalidated_constraint       action 'none', with what to do
//       A row that rows of another table (or of its own) still reference is never removed:
//       'refused', with the referencing table.  One output row per (table, finding, action),
//       rows_affected = rows (objects for sequences and indexes).  batch: the quarantine batch
//       of this call (NULL in a dry run).  The dry run performs the whole repair inside a
//       savepoint and rolls it back (sequences and indexes are left alone): the plan is exactly
//       what a real run does, and it needs the same privileges.
//   vigil_restore(batch) → bigint
//       Puts every row of the batch back (removed rows inserted again, changed values set back),
//       newest first, marks them restored and returns their number.  All or nothing: a row an
//       engine constraint refuses fails the call with 23000 naming the row and the engine's
//       message (which names the constraint); a value the column would store differently
//       (SQLite affinity) fails it with 22000.  A changed value written since the repair (neither
//       NULL nor the safe cast the repair may have written) fails it with 55000 listing the keys;
//       PostgreSQL: a row whose recorded quarantining role lacks, now, the privileges its
//       repair and restore need fails it with 42501 (forged rows, docs/repair.md).
// Batches: Dialect::next_batch_sql (PostgreSQL: a sequence), taken with the first row kept.
// Changes of user tables run with the caller's names (CallerNames): their triggers are the
// caller's code.  Rows hidden from the caller by row-level security are never judged.
// Every row is copied to vigil_quarantine (row_data, row_data.hpp) before it is changed, in the
// same transaction; a repair is one SAVEPOINT, so it is all-or-nothing in SQLite's autocommit
// mode too.  Rows are streamed from the check's probes and handled one at a time: each is read
// again (PostgreSQL: FOR UPDATE, so a concurrent writer waits and the copy is the row that is
// removed) and tested again before it is changed.
#include "repair/repair.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "integrity/check_kind.hpp"
#include "repair/row_data.hpp"
#include "repair/rules.hpp"
#include "schema/introspect.hpp"
#include "sql/lexer.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/json.hpp"
#include "vigil/write_call.hpp"

namespace vigil {

const OwnTable& quarantine_table() {
  static const OwnTable table{
      "vigil_quarantine",
      {{"id", ValueKind::kInteger, "PRIMARY KEY"},
       {"batch", ValueKind::kInteger, "NOT NULL"},
       {"table_name", ValueKind::kText, "NOT NULL"},
       {"row_key", ValueKind::kJson, ""},
       {"row_data", ValueKind::kJson, "NOT NULL"},
       {"reason", ValueKind::kText, "NOT NULL"},
       {"action", ValueKind::kText, "NOT NULL"},
       {"column_name", ValueKind::kText, ""},
       {"quarantined_at", ValueKind::kTimestamp, "NOT NULL DEFAULT CURRENT_TIMESTAMP"},
       {"restored_at", ValueKind::kTimestamp, ""}},
      {}};
  return table;
}

namespace {

using integrity::Probes;
using integrity::QueryProbe;

// Values as a host binds them back: timestamps and JSON as text, which the column's typed
// parameter converts (a timestamp bound as timestamptz would be shifted by the time zone).
Value bindable(const Value& v) {
  if (v.kind() == ValueKind::kTimestamp || v.kind() == ValueKind::kJson) {
    return Value::text(v.bytes());
  }
  return v;
}

std::string encoded(const Value& v) {
  std::string out;
  append_value_json(out, v);
  return out;
}

const char* storage_class(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      return "integer";
    case ValueKind::kReal:
      return "real";
    case ValueKind::kBlob:
      return "blob";
    default:
      return "text";
  }
}

// The value a text would have in a numeric column, when the whole text is the number (no
// space, no trailing characters) and it converts without loss: '0.5' → 0.5, '12' → 12.
std::optional<Value> safe_cast(const Value& v, const Column& column) {
  if (v.kind() != ValueKind::kText || v.bytes().empty()) return std::nullopt;
  const std::string& s = v.bytes();
  const char* first = s.data();
  const char* last = first + s.size();
  const bool integer_class =
      column.type_class == TypeClass::kInteger || column.type_class == TypeClass::kBoolean;
  if (integer_class || column.type_class == TypeClass::kNumeric) {
    std::int64_t i = 0;
    const auto [ptr, ec] = std::from_chars(first, last, i);
    if (ec == std::errc() && ptr == last && std::to_string(i) == s) return Value::integer(i);
    if (integer_class) return std::nullopt;
  }
  if (column.type_class == TypeClass::kReal || column.type_class == TypeClass::kNumeric) {
    double d = 0;
    const auto [ptr, ec] = std::from_chars(first, last, d);
    if (ec == std::errc() && ptr == last && std::isfinite(d)) return Value::real(d);
  }
  return std::nullopt;
}

// The columns of `table` named in `condition` (words outside literals that are column names),
// in ordinal order.
std::vector<const Column*> columns_read(const Table& table, const std::string& condition) {
  std::set<std::string> words;
  for (const auto& t : sql::tokenize(condition)) {
    if (t.kind == sql::TokenKind::kWord) words.insert(sql::ascii_lower(t.text));
    if (t.kind == sql::TokenKind::kQuotedName) {
      words.insert(sql::ascii_lower(sql::identifier_value(t)));
    }
  }
  std::vector<const Column*> out;
  for (const auto& c : table.columns) {
    if (words.count(sql::ascii_lower(c.name)) != 0) out.push_back(&c);
  }
  return out;
}

// How one offending row is found again.
struct RowAddress {
  std::vector<const Column*> key_columns;        // by primary key ...
  std::vector<Dialect::LocatorColumn> locators;  // ... or by locator
  Row values;
  Value row_key;  // the JSON vigil_check_rows() shows

  bool by_locator() const { return key_columns.empty(); }
};

// One row of the plan.
struct Outcome {
  std::string action;
  std::string table;
  std::int64_t rows = 0;
  std::string detail;
};

}  // namespace

class Repairer {
 public:
  Repairer(Session& session, bool dry_run, bool orphans_to_null)
      : session_(session),
        d_(session.dialect()),
        dry_(dry_run),
        orphans_to_null_(orphans_to_null) {}

  // The judge of vigil_check()'s `repairable` (RepairJudge): the same decisions as a dry run
  // with the default options, made without writing or locking anything.
  explicit Repairer(Session& session)
      : session_(session),
        d_(session.dialect()),
        dry_(true),
        orphans_to_null_(false),
        judge_(true) {
    schema_ = introspect_schema(session_);
  }

  // What a repair does to the offending rows of one finding: true: it repairs them all (for
  // unique_duplicate: every newer row of a shared key), false: none ('none' or 'refused'),
  // NULL: some.  `subject` is the finding's subject as the check kind planned it.
  Value verdict(const TableRef& ref, const integrity::Subject& subject) {
    const std::string& name = subject.check_name;
    if (name == "sequence_behind" || name == "invalid_index") return Value::boolean(true);
    if (name == "unvalidated_constraint" || name == "physical") return Value::boolean(false);
    const Table* table = find_table(ref);
    if (table == nullptr) return Value::boolean(false);
    outcomes_.clear();
    if (name == "unique_duplicate") {
      repair_duplicates(*table, subject.detail);
    } else {
      only_finding_ = name + ": " + subject.detail;
      integrity::CheckContext context{session_, false, true, true};
      const integrity::CheckKind& kind = integrity::find_check_kind(name);
      Probes probes;
      kind.plan(context, *table, probes);
      const std::vector<const ForeignKey*> fks = foreign_keys(*table);
      for (std::size_t i = 0; i < probes.size(); ++i) {
        const ForeignKey* fk = name == "fk_orphan" && i < fks.size() ? fks[i] : nullptr;
        repair_probe(*table, kind.name(), *probes[i], fk);
      }
      only_finding_.clear();
    }
    std::int64_t changed = 0;
    std::int64_t left = 0;
    for (const auto& o : outcomes_) {
      (o.action == "none" || o.action == "refused" ? left : changed) += o.rows;
    }
    outcomes_.clear();
    if (changed == 0) return Value::boolean(false);
    return left == 0 ? Value::boolean(true) : Value::null();
  }

  // Whether the repair rebuilds the index a physical problem of table `ref` names.
  bool repairs_physical(const TableRef& ref, const std::string& detail) const {
    return !ref.name.empty() && !damaged_index(find_table(ref), detail).empty();
  }

  std::vector<Row> run(WriteCall& call) {
    if (!d_.repair_lock_sql().empty()) session_.exec(d_.repair_lock_sql());
    quarantine_ = d_.own_table(session_, quarantine_table(), true);
    schema_ = introspect_schema(session_);
    for (const auto& table : schema_.tables) repair_table(table);
    repair_physical();
    if (dry_) {
      kept_ = 0;
      call.rollback();
    } else {
      call.commit();
    }
    std::vector<Row> rows;
    for (const auto& o : outcomes_) {
      rows.push_back({Value::text(o.action), Value::text(o.table), Value::integer(o.rows),
                      Value::text(o.detail), kept_ == 0 ? Value::null() : Value::integer(batch_)});
    }
    return rows;
  }

 private:
  void add(const std::string& action, const Table& table, const std::string& detail,
           std::int64_t n = 1) {
    const std::string name = d_.display_name(table.ref);
    for (auto& o : outcomes_) {
      if (o.action == action && o.table == name && o.detail == detail) {
        o.rows += n;
        return;
      }
    }
    outcomes_.push_back({action, name, n, detail});
  }

  // Whether row-level security hides rows of `ref` from the caller (cached per call).
  bool hidden(const TableRef& ref) {
    const std::string name = d_.qualified(ref);
    auto it = hidden_.find(name);
    if (it == hidden_.end())
      it = hidden_.emplace(name, integrity::rows_hidden(session_, ref)).first;
    return it->second;
  }

  void repair_table(const Table& whole) {
    integrity::CheckContext context{session_, false, true, true};
    // Rows hidden by row-level security cannot be judged: nothing of such a table is changed
    // (integrity::rows_hidden), nor is an orphan whose parent's rows are hidden.
    if (hidden(whole.ref)) {
      add("refused", whole,
          integrity::rows_hidden_detail(session_, whole.ref, "every check of its rows"));
      return;
    }
    std::vector<TableRef> hidden_parents;
    const Table table = integrity::without_hidden_parents(session_, whole, hidden_parents);
    for (const auto& parent : hidden_parents) {
      hidden_.emplace(d_.qualified(parent), true);
      add("refused", table,
          integrity::rows_hidden_detail(session_, parent,
                                        "fk_orphan of " + d_.display_name(table.ref)));
    }
    for (const auto& kind : integrity::check_kinds()) {
      session_.check_interrupts();
      const std::string_view name = kind->name();
      if (name == "physical") continue;  // report_physical()
      if (name == "unique_duplicate") {
        repair_duplicates(table);
        continue;
      }
      if (name == "sequence_behind") {
        repair_sequences(table);
        continue;
      }
      if (name == "invalid_index") {
        repair_indexes(table);
        continue;
      }
      Probes probes;
      kind->plan(context, table, probes);
      const std::vector<const ForeignKey*> fks = foreign_keys(table);
      for (std::size_t i = 0; i < probes.size(); ++i) {
        const ForeignKey* fk = name == "fk_orphan" && i < fks.size() ? fks[i] : nullptr;
        repair_probe(table, name, *probes[i], fk);
      }
    }
  }

  // fk_orphan plans one probe per foreign key, in the table's order: these.
  static std::vector<const ForeignKey*> foreign_keys(const Table& table) {
    std::vector<const ForeignKey*> fks;
    for (const auto& fk : table.foreign_keys) {
      if (!fk.columns.empty() && fk.parent_columns.size() == fk.columns.size()) {
        fks.push_back(&fk);
      }
    }
    return fks;
  }

  // --- rows ---------------------------------------------------------------------------------

  // Whether the judge looks at this subject (every subject outside the judge).
  bool judged(const integrity::Subject& subject) const {
    return only_finding_.empty() || subject.check_name + ": " + subject.detail == only_finding_;
  }

  void repair_probe(const Table& table, std::string_view kind, const integrity::Probe& probe,
                    const ForeignKey* fk) {
    bool any = false;
    for (const auto& subject : probe.subjects()) any = any || judged(subject);
    if (!any) return;
    const auto* query = dynamic_cast<const QueryProbe*>(&probe);
    if (query == nullptr) {  // a fact: nothing to change row by row
      auto cursor = probe.run(session_);
      while (cursor->next()) {
        const auto& subject = probe.subjects()[cursor->subject()];
        const bool rule = subject.check_name.substr(0, 5) == "rule:";
        add("none", table,
            subject.check_name + ": " + cursor->detail() +
                (rule ? " (not evaluated: drop the rule, or add it again as the table's owner)"
                      : " (not changed by vigil_repair: repair the rows, then validate it)"));
      }
      return;
    }
    const std::vector<const Column*> not_null = columns_where(table, true);
    std::vector<const CheckConstraint*> checks;
    for (const auto& c : table.checks) {
      if (!c.expression.empty()) checks.push_back(&c);
    }
    std::vector<const Column*> typed;
    if (kind == "type_mismatch") {
      for (const auto& c : table.columns) {
        if (c.generated) continue;
        if (d_.storage_class_sql(table, d_.quote_identifier(c.name)).empty()) continue;
        if (integrity::allowed_storage_classes(c.type_class).empty()) continue;
        typed.push_back(&c);
      }
    }
    std::vector<Rule> rules;
    if (kind.substr(0, 5) == "rule:") rules = rules_of_table(session_, table.ref);

    auto cursor = query->run(session_);
    const std::size_t nk = query->key_names.size();
    const auto locators = d_.row_locator(table);
    while (cursor->next()) {
      const std::size_t s = cursor->subject();
      const auto& subject = probe.subjects()[s];
      if (!judged(subject)) continue;
      const std::string finding = subject.check_name + ": " + subject.detail;
      const Row ids = cursor->sort_key();
      RowAddress address;
      address.row_key = cursor->row_key();
      bool key_usable = nk > 0;
      for (std::size_t i = 0; i < nk; ++i) key_usable = key_usable && !ids[i].is_null();
      if (key_usable) {
        for (std::size_t i = 0; i < nk; ++i) {
          address.key_columns.push_back(table.find_column(query->key_names[i]));
          address.values.push_back(ids[i]);
        }
      } else if (!query->locator_names.empty()) {
        for (const auto& loc : locators) address.locators.push_back(loc);
        address.values.assign(ids.begin() + static_cast<std::ptrdiff_t>(nk), ids.end());
      } else {
        add("refused", table, finding + " (the row cannot be told apart from others)");
        continue;
      }
      const std::string reason = subject.check_name + ": " + cursor->detail();

      Change change;
      change.finding = finding;
      change.reason = reason;
      if (subject.check_name == "fk_orphan" && fk != nullptr) {
        change.still = [this, fk, &table](const Row& row) { return orphan(table, *fk, row); };
        if (orphans_to_null_ && fk->columns.size() == 1) {
          change.target = table.find_column(fk->columns[0]);
        }
      } else if (subject.check_name == "not_null") {
        change.still = [col = not_null.at(s)](const Row& row) {
          return row[static_cast<std::size_t>(col->position - 1)].is_null();
        };
      } else if (subject.check_name == "check_constraint") {
        const CheckConstraint* check = checks.at(s);
        change.condition = check->expression;
        std::vector<const Column*> cols;
        for (const auto& name : check->columns) cols.push_back(table.find_column(name));
        if (cols.size() == 1 && cols[0] != nullptr) change.target = cols[0];
      } else if (subject.check_name == "type_mismatch") {
        const Column* col = typed.at(s);
        change.target = col;
        const std::set<std::string> allowed = integrity::allowed_storage_classes(col->type_class);
        change.still = [col, allowed](const Row& row) {
          return allowed.count(storage_class(row[static_cast<std::size_t>(col->position - 1)])) ==
                 0;
        };
      } else if (subject.check_name.substr(0, 5) == "rule:") {
        const std::string rule_name = subject.check_name.substr(5);
        for (const auto& rule : rules) {
          if (rule.name != rule_name) continue;
          change.condition = rule.condition;
          change.callers = true;
          const auto cols = columns_read(table, rule.condition);
          if (rule.repair != "quarantine" && cols.size() == 1) change.target = cols[0];
        }
      }
      repair_row(table, address, change);
    }
  }

  // Whether `row` of `table` breaks foreign key `fk` (MATCH SIMPLE: a NULL in the key passes;
  // MATCH FULL: a key partly NULL breaks it).
  bool orphan(const Table& table, const ForeignKey& fk, const Row& row) {
    std::size_t nulls = 0;
    Params params;
    std::string where;
    for (std::size_t i = 0; i < fk.columns.size(); ++i) {
      const Column* c = table.find_column(fk.columns[i]);
      if (c == nullptr) return false;
      const Value& v = row[static_cast<std::size_t>(c->position - 1)];
      if (v.is_null()) ++nulls;
      params.push_back(bindable(v));
      // The constraint's own operator (PostgreSQL: schema-qualified), parent on the left: a
      // text parent and a varchar child must not reach an operator planted in search_path.
      const std::string op = i < fk.operators.size() ? fk.operators[i] : "=";
      where += (i > 0 ? " AND " : "") + d_.quote_identifier(fk.parent_columns[i]) + " " + op + " " +
               d_.typed_param(static_cast<int>(i + 1), *c);
    }
    if (nulls == fk.columns.size()) return false;
    if (nulls > 0) return fk.match == "FULL";
    auto parent = session_.query(d_.find_table_sql(),
                                 {Value::text(fk.parent.schema), Value::text(fk.parent.name)});
    if (!parent->next()) return true;  // SQLite lets a key point into a missing table
    const std::string kind = parent->get(2).to_text();
    parent.reset();
    const Value hit = session_.scalar(
        fmt::format("SELECT 1 FROM {} WHERE {} LIMIT 1", d_.table_source(fk.parent, kind), where),
        params);
    return hit.is_null();
  }

  std::vector<const Column*> columns_where(const Table& table, bool not_null) const {
    std::vector<const Column*> out;
    for (const auto& c : table.columns) {
      if (c.not_null == not_null) out.push_back(&c);
    }
    return out;
  }

  struct Change {
    std::string finding;
    std::string reason;
    std::string condition;                  // the CHECK / rule expression, "" if none
    bool callers = false;                   // the condition is the caller's text (a rule)
    std::function<bool(const Row&)> still;  // whether the row still offends (no condition)
    const Column* target = nullptr;         // the one value that may be changed
  };

  // The match of a row: "k1 = $1 AND k2 = $2" / the locator, and its parameters.
  std::string match_sql(const RowAddress& a, Params& params) const {
    std::string out;
    if (a.by_locator()) {
      for (std::size_t i = 0; i < a.locators.size(); ++i) {
        params.push_back(bindable(a.values[i]));
        out += (out.empty() ? "" : " AND ") +
               d_.locator_match_sql(a.locators[i], static_cast<int>(params.size()));
      }
      return out;
    }
    for (std::size_t i = 0; i < a.key_columns.size(); ++i) {
      params.push_back(bindable(a.values[i]));
      out += (out.empty() ? "" : " AND ") + d_.quote_identifier(a.key_columns[i]->name) + " = " +
             d_.typed_param(static_cast<int>(params.size()), *a.key_columns[i]);
    }
    return out;
  }

  std::string column_list_sql(const Table& table) const {
    std::string out;
    for (const auto& c : table.columns) {
      out += (out.empty() ? "" : ", ") + d_.quote_identifier(c.name);
    }
    return out;
  }

  std::vector<std::string> column_names(const Table& table) const {
    std::vector<std::string> out;
    for (const auto& c : table.columns) out.push_back(c.name);
    return out;
  }

  // The whole row, locked until the end of the transaction; nullopt when it is gone.
  std::optional<Row> read_row(const Table& table, const RowAddress& address) {
    Params params;
    const std::string where = match_sql(address, params);
    auto cursor = session_.query(fmt::format("SELECT {} FROM {} WHERE {}{}", column_list_sql(table),
                                             d_.table_source(table.ref, table.kind), where,
                                             judge_ ? std::string() : d_.lock_row_suffix()),
                                 params);
    if (!cursor->next()) return std::nullopt;
    Row row;
    for (std::size_t i = 0; i < table.columns.size(); ++i) row.push_back(cursor->get(i));
    return row;
  }

  // Whether `row` (one value per column) breaks `condition`: the condition evaluated on the
  // values, as a derived table named like the table, before anything is written.
  bool breaks(const Table& table, const std::string& condition, bool callers, const Row& row) {
    std::string select;
    Params params;
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      params.push_back(bindable(row[i]));
      select += (i > 0 ? ", " : "") + d_.typed_param(static_cast<int>(i + 1), table.columns[i]) +
                " AS " + d_.quote_identifier(table.columns[i].name);
    }
    // A rule's condition (checked when its probe was planned, check_rule) runs as stored code
    // of the table; a CHECK constraint's is the engine's own text.  On lines of its own.
    const std::string sql = fmt::format("SELECT 1 FROM (SELECT {}) AS {} WHERE NOT (\n{}\n)",
                                        select, d_.quote_identifier(table.ref.name), condition);
    if (callers) {
      const StoredCode code(session_, table.ref);
      return !session_.scalar(sql, params).is_null();
    }
    return !session_.scalar(sql, params).is_null();
  }

  bool offends(const Table& table, const Change& change, const Row& row) {
    if (!change.condition.empty()) return breaks(table, change.condition, change.callers, row);
    if (change.still) return change.still(row);
    return true;
  }

  bool in_primary_key(const Table& table, const Column& column) const {
    for (const auto& k : table.primary_key) {
      if (k == column.name) return true;
    }
    return false;
  }

  void repair_row(const Table& table, const RowAddress& address, const Change& change) {
    session_.check_interrupts();
    session_.wait_point(WaitPoint::kRepairRow);
    const std::optional<Row> row = read_row(table, address);
    if (!row) return;                           // removed meanwhile
    if (!offends(table, change, *row)) return;  // repaired meanwhile (or by an earlier step)
    // A new value for one column, when the row can be found again after an UPDATE.
    const Column* target = change.target;
    if (target != nullptr && !target->generated && !in_primary_key(table, *target) &&
        (!address.by_locator() || d_.locator_is_stable())) {
      const std::size_t i = static_cast<std::size_t>(target->position - 1);
      std::vector<std::pair<const char*, Value>> candidates;
      if (auto cast = safe_cast((*row)[i], *target)) candidates.emplace_back("cast", *cast);
      if (!target->not_null) candidates.emplace_back("set_null", Value::null());
      for (const auto& [action, value] : candidates) {
        Row changed = *row;
        changed[i] = value;
        if (offends(table, change, changed)) continue;
        if (judge_) {
          add(action, table, change.finding);
          return;
        }
        keep(table, address, *row, change.reason, "changed", target->name);
        Params params{bindable(value)};
        const std::string where = match_sql(address, params);
        expect_one(
            fmt::format("UPDATE {} SET {} = {} WHERE {} RETURNING 1",
                        d_.table_source(table.ref, table.kind), d_.quote_identifier(target->name),
                        d_.typed_param(1, *target), where),
            params);
        add(action, table,
            change.finding + fmt::format(" → {} {}", target->name,
                                         std::string(action) == "cast" ? "cast" : "set to NULL"));
        return;
      }
    }
    // Otherwise the row goes to the quarantine, unless rows still reference it.
    if (const std::string child = referenced_by(table, *row); !child.empty()) {
      const bool unseen = child.back() == ',';  // referenced_by(): rows hidden from the caller
      add("refused", table,
          change.finding + " (rows of " + child +
              (unseen ? " may reference the row: vigil cannot tell)"
                      : " reference the row: repair or quarantine them first)"));
      return;
    }
    if (judge_) {
      add("quarantine", table, change.finding);
      return;
    }
    keep(table, address, *row, change.reason, "removed", "");
    Params params;
    const std::string where = match_sql(address, params);
    expect_one(fmt::format("DELETE FROM {} WHERE {} RETURNING 1",
                           d_.table_source(table.ref, table.kind), where),
               params);
    add("quarantine", table, change.finding);
  }

  // A change of a user table runs with the caller's search_path (CallerNames): the table's
  // triggers and rules are the caller's code, written for the caller's names.
  void expect_one(const std::string& sql, const Params& params) {
    const CallerNames callers(session_);
    auto cursor = session_.query(sql, params);
    int n = 0;
    while (cursor->next()) ++n;
    if (n != 1) {
      throw Error(ErrorCode::kInternal,
                  fmt::format("vigil_repair changed {} rows where it expected one", n));
    }
  }

  // Copies the row, whole, to the quarantine (in a dry run too: it is rolled back).
  void keep(const Table& table, const RowAddress& address, const Row& row,
            const std::string& reason, const char* action, const std::string& column) {
    Value key = address.row_key;
    if (address.by_locator() && d_.locator_is_stable()) {
      std::vector<std::string> names;
      for (const auto& l : address.locators) names.push_back(l.name);
      key = Value::json(row_json(names, address.values));
    }
    // The batch number is taken with the first row kept (a call that keeps none takes none).
    if (!dry_ && batch_ == 0) {
      batch_ = session_.scalar(d_.next_batch_sql(quarantine_)).to_integer();
    }
    Params params{Value::integer(batch_),
                  Value::text(d_.display_name(table.ref)),
                  key,
                  Value::json(row_json(column_names(table), row)),
                  Value::text(reason),
                  Value::text(action),
                  column.empty() ? Value::null() : Value::text(column)};
    std::string source_names;
    std::string source_values;
    if (d_.quarantine_records_source()) {  // quarantined_by: its default, CURRENT_USER
      source_names = ", table_schema, table_relname";
      source_values = ", " + d_.param(8) + ", " + d_.param(9);
      params.push_back(Value::text(table.ref.schema));
      params.push_back(Value::text(table.ref.name));
    }
    session_.exec(
        fmt::format("INSERT INTO {} (batch, table_name, row_key, row_data, reason, action, "
                    "column_name{}) VALUES ({}, {}, {}, {}, {}, {}, {}{})",
                    quarantine_, source_names, d_.param(1), d_.param(2), d_.param(3), d_.param(4),
                    d_.param(5), d_.param(6), d_.param(7), source_values),
        params);
    ++kept_;
  }

  // "table (columns)" of the first foreign key with a row referencing `row`, or "".
  // A child whose rows row-level security hides may reference it: its name, with why.
  std::string referenced_by(const Table& table, const Row& row) {
    for (const auto& child : schema_.tables) {
      for (const auto& fk : child.foreign_keys) {
        if (fk.parent.schema != table.ref.schema || fk.parent.name != table.ref.name) continue;
        if (fk.columns.size() != fk.parent_columns.size() || fk.columns.empty()) continue;
        if (hidden(child.ref)) {
          return d_.display_name(child.ref) + ", hidden from the caller by row-level security,";
        }
        std::string where;
        Params params;
        bool null_key = false;
        for (std::size_t i = 0; i < fk.columns.size(); ++i) {
          const Column* parent_col = table.find_column(fk.parent_columns[i]);
          const Column* child_col = child.find_column(fk.columns[i]);
          if (parent_col == nullptr || child_col == nullptr) {
            null_key = true;
            break;
          }
          const Value& v = row[static_cast<std::size_t>(parent_col->position - 1)];
          if (v.is_null()) null_key = true;
          params.push_back(bindable(v));
          // parent value <constraint's operator> child column, as the constraint compares
          const std::string op = i < fk.operators.size() ? fk.operators[i] : "=";
          where += (i > 0 ? " AND " : "") + d_.typed_param(static_cast<int>(i + 1), *parent_col) +
                   " " + op + " " + d_.quote_identifier(child_col->name);
        }
        if (null_key) continue;
        const Value hit =
            session_.scalar(fmt::format("SELECT 1 FROM {} WHERE {} LIMIT 1",
                                        d_.table_source(child.ref, child.kind), where),
                            params);
        if (!hit.is_null()) {
          std::string cols;
          for (const auto& c : fk.columns) cols += (cols.empty() ? "" : ", ") + c;
          return d_.display_name(child.ref) + " (" + cols + ")";
        }
      }
    }
    return {};
  }

  // --- unique_duplicate ---------------------------------------------------------------------

  // `only`: the judge's finding (vigil_check()'s detail of one index), "" for every index.
  void repair_duplicates(const Table& table, const std::string& only = "") {
    for (const auto& index : table.indexes) {
      if (!index.unique || index.columns.empty()) continue;
      if (!only.empty() && only.rfind(index_label(index) + " ", 0) != 0) continue;
      if (d_.enforces_valid_unique_indexes() && index.valid) continue;
      const integrity::UniqueKey key = integrity::unique_key(d_, index);
      if (key.terms.empty()) continue;  // not checked either (integrity::UniqueDuplicates)
      const std::string finding = "unique_duplicate: index " + index.name + " " +
                                  integrity::column_list(integrity::index_key_labels(index)) +
                                  ": rows share their key";
      // The oldest row of a key: the smallest primary key (all its columns, in order), else
      // SQLite's rowid.  Rows are numbered within their key in that order; all but the first
      // are moved to the quarantine.  (NULLS NOT DISTINCT: PARTITION BY puts NULL keys
      // together, which is what the index means; otherwise the filter leaves them out.)
      std::vector<const Column*> key_columns;
      std::vector<Dialect::LocatorColumn> locators;
      std::vector<std::string> address_sql;
      if (!table.primary_key.empty() && !d_.primary_key_may_be_null(table)) {
        for (const auto& name : table.primary_key) {
          const Column* column = table.find_column(name);
          if (column == nullptr) break;
          key_columns.push_back(column);
          address_sql.push_back(d_.quote_identifier(name));
        }
        if (key_columns.size() != table.primary_key.size()) {
          key_columns.clear();
          address_sql.clear();
        }
      }
      if (key_columns.empty() && d_.locator_is_stable() && !d_.row_locator(table).empty()) {
        locators = d_.row_locator(table);
        for (const auto& l : locators) address_sql.push_back(l.sql);
      }
      std::string partition;
      for (std::size_t i = 0; i < key.terms.size(); ++i) {
        partition += (i > 0 ? ", " : "") + key.terms[i];
      }
      const std::string source = d_.unindexed_source(table.ref, table.kind);
      if (address_sql.empty()) {
        const Value n = session_.scalar(fmt::format(
            "SELECT count(*) FROM (SELECT count(*) OVER (PARTITION BY {2}) AS vigil_n FROM {0} "
            "WHERE {1}) AS c WHERE vigil_n > 1",
            source, key.filter, partition));
        if (n.to_integer() > 0) {
          add("refused", table, finding + " (no primary key tells which row is the oldest)",
              n.to_integer());
        }
        continue;
      }
      std::string select;
      std::string outer;
      std::string order;
      for (std::size_t i = 0; i < address_sql.size(); ++i) {
        const std::string sep = i > 0 ? ", " : "";
        select += fmt::format("{}{} AS vigil_a{}", sep, address_sql[i], i + 1);
        outer += fmt::format("{}c.vigil_a{}", sep, i + 1);
        order += sep + address_sql[i];
      }
      auto cursor = session_.query(fmt::format(
          "SELECT {0} FROM (SELECT {1}, row_number() OVER (PARTITION BY {2} ORDER BY {3}) AS "
          "vigil_rn FROM {4} WHERE {5}) AS c WHERE c.vigil_rn > 1",
          outer, select, partition, order, source, key.filter));
      while (cursor->next()) {
        RowAddress address;
        address.key_columns = key_columns;
        address.locators = locators;
        std::vector<std::string> names;
        for (std::size_t i = 0; i < address_sql.size(); ++i) {
          address.values.push_back(cursor->get(i));
          names.push_back(key_columns.empty() ? locators[i].name : key_columns[i]->name);
        }
        address.row_key = Value::json(row_json(names, address.values));
        Change change;
        change.finding = finding;
        change.reason = finding + " (a newer row of its key)";
        repair_row(table, address, change);
      }
    }
  }

  // --- sequences and indexes ----------------------------------------------------------------

  void repair_sequences(const Table& table) {
    for (const auto& column : table.columns) {
      if (column.sequence.empty()) continue;
      std::optional<SequenceGap> gap = sequence_gap(table, column);
      if (!gap) continue;
      if (!dry_ && !d_.lock_table_sql(table.ref).empty()) {
        // Under the lock no insert can take a value or add a row: read both again.
        session_.exec(d_.lock_table_sql(table.ref));
        gap = sequence_gap(table, column);
        if (!gap) continue;
      }
      if (!dry_) {
        session_.exec(d_.advance_sequence_sql(),
                      {Value::text(column.sequence), Value::text(table.ref.name),
                       Value::integer(gap->extreme)});
      }
      const std::string sequence = column.sequence == "sqlite_sequence"
                                       ? "the sqlite_sequence entry of " + table.ref.name
                                       : "sequence " + column.sequence;
      add("advance_sequence", table,
          fmt::format("sequence_behind: {} gave {} next, at or {} the {} value {} of column {}: "
                      "moved forward past it",
                      sequence, gap->next, gap->descending ? "above" : "below",
                      gap->descending ? "smallest" : "largest", gap->extreme, column.name));
    }
  }

  struct SequenceGap {
    std::int64_t next = 0;
    std::int64_t extreme = 0;
    bool descending = false;
  };

  // The sequence's next value and the column's extreme, when the next value is at or past a
  // stored one (nullopt otherwise).
  std::optional<SequenceGap> sequence_gap(const Table& table, const Column& column) {
    auto state = session_.query(d_.sequence_state_sql(table.ref),
                                {Value::text(column.sequence), Value::text(table.ref.name)});
    if (!state->next() || state->get(0).is_null()) return std::nullopt;
    SequenceGap gap;
    gap.next = state->get(0).to_integer();
    gap.descending = state->get(1).to_integer() < 0;
    state.reset();
    const Value extreme = session_.scalar(
        fmt::format("SELECT {}({}) FROM {}", gap.descending ? "min" : "max",
                    d_.quote_identifier(column.name), d_.table_source(table.ref, table.kind)));
    if (extreme.is_null()) return std::nullopt;
    gap.extreme = extreme.to_integer();
    const bool behind = gap.descending ? gap.extreme <= gap.next : gap.extreme >= gap.next;
    if (!behind) return std::nullopt;
    return gap;
  }

  void repair_indexes(const Table& table) {
    for (const auto& index : table.indexes) {
      if (index.valid) continue;
      reindex(table, index.name,
              "invalid_index: index " + index.name + " " +
                  integrity::column_list(integrity::index_key_labels(index)) + " is not valid");
    }
  }

  // The engine's complete physical check: damage in an index of a user table (SQLite: "row 3
  // missing from index t_b", "wrong # of entries in index t_b") is repaired by rebuilding
  // that index; any other damage is reported as `none`.
  void repair_physical() {
    integrity::CheckContext context{session_, true, true, false};
    std::set<std::pair<std::string, std::string>> rebuilt;
    for (const auto& kind : integrity::check_kinds()) {
      if (kind->name() != "physical") continue;
      Probes probes;
      kind->plan_database(context, probes);
      for (const auto& probe : probes) {
        if (probe->subjects().empty() || probe->subjects()[0].report_when_clean) continue;
        auto cursor = probe->run(session_);
        while (cursor->next()) {
          const TableRef* ref = cursor->table();
          const TableRef where = ref != nullptr ? *ref : probe->table();
          const Table* table = find_table(where);
          const std::string index = damaged_index(table, cursor->detail());
          if (table == nullptr || index.empty()) {
            Table shown;
            shown.ref = where;
            add("none", shown,
                "physical: damaged storage is not repaired by vigil_repair: restore a verified "
                "backup (vigil_backup_verify)");
            continue;
          }
          if (!rebuilt.insert({d_.display_name(table->ref), index}).second) continue;
          reindex(*table, index, "physical: index " + index + " does not match its table");
        }
      }
    }
  }

  const Table* find_table(const TableRef& ref) const {
    for (const auto& t : schema_.tables) {
      if (t.ref.schema == ref.schema && t.ref.name == ref.name) return &t;
    }
    return nullptr;
  }

  // The index of `table` a physical problem's message names ("... index <name>"), or "".
  static std::string damaged_index(const Table* table, const std::string& message) {
    if (table == nullptr) return {};
    const std::size_t at = message.rfind("index ");
    if (at == std::string::npos) return {};
    std::string name = message.substr(at + 6);
    if (!name.empty() && name[0] == '"') {  // PostgreSQL quotes the name: index "t_b" ...
      const std::size_t close = name.find('"', 1);
      name = close == std::string::npos ? std::string() : name.substr(1, close - 1);
    } else {
      const std::size_t end = name.find_first_of(" :,");
      if (end != std::string::npos) name.resize(end);
    }
    for (const auto& index : table->indexes) {
      if (index.name == name) return name;
    }
    return {};
  }

  // REINDEX one index (not in a dry run); a rebuild that fails on duplicates is `refused`.
  void reindex(const Table& table, const std::string& index, const std::string& finding) {
    if (dry_) {
      add("reindex", table, finding + " → REINDEX INDEX " + index);
      return;
    }
    try {
      SubTransaction sub(session_);
      session_.exec(d_.reindex_sql(table.ref, index));
      sub.commit();
      add("reindex", table, finding + " → REINDEX INDEX " + index);
    } catch (const Error& e) {
      if (session_.error_sqlstate(e).rfind("23", 0) != 0) throw;
      add("refused", table, finding + " (REINDEX failed: " + e.what() + ")");
    }
  }

  // How integrity::UniqueDuplicates names an index at the start of its detail.
  static std::string index_label(const Index& index) {
    const char* what = index.origin == IndexOrigin::kPrimaryKey         ? "primary key "
                       : index.origin == IndexOrigin::kUniqueConstraint ? "unique constraint "
                                                                        : "unique index ";
    return what + index.name;
  }

  Session& session_;
  const Dialect& d_;
  bool dry_;
  bool orphans_to_null_;      // fk_orphans => 'set_null'
  bool judge_ = false;        // RepairJudge: decide, write nothing, lock nothing
  std::string only_finding_;  // the judge's finding ("check_name: detail"), "" outside it
  std::string quarantine_;
  std::int64_t batch_ = 0;
  std::int64_t kept_ = 0;  // rows copied to the quarantine
  SchemaModel schema_;
  std::vector<Outcome> outcomes_;
  std::map<std::string, bool> hidden_;  // rows_hidden() by qualified name
};

// --- restore ----------------------------------------------------------------------------------

namespace {

class Restorer {
 public:
  Restorer(Session& session, std::int64_t batch)
      : session_(session), d_(session.dialect()), batch_(batch) {}

  std::int64_t run(WriteCall& call) {
    if (!d_.repair_lock_sql().empty()) session_.exec(d_.repair_lock_sql());
    const std::string q = d_.own_table(session_, quarantine_table(), false);
    std::int64_t total = 0;
    std::int64_t restored = 0;
    if (!q.empty()) {
      auto counts =
          session_.query(fmt::format("SELECT count(*), count(restored_at) FROM {} WHERE batch = {}",
                                     q, d_.param(1)),
                         {Value::integer(batch_)});
      if (counts->next()) {
        total = counts->get(0).to_integer();
        restored = counts->get(1).to_integer();
      }
    }
    if (total == 0) {
      throw Error(ErrorCode::kUndefinedObject,
                  fmt::format("quarantine batch {} does not exist", batch_),
                  "vigil_repair(false) returns the batch of the rows it quarantined.");
    }
    if (restored == total) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("quarantine batch {} was already restored", batch_));
    }
    refuse_unvouched(q);
    std::int64_t n = 0;
    {
      const bool by_source = d_.quarantine_records_source();
      auto cursor = session_.query(
          fmt::format("SELECT table_name, row_key, row_data, action, column_name{} FROM {} WHERE "
                      "batch = {} AND restored_at IS NULL ORDER BY id DESC",
                      by_source ? ", table_schema, table_relname" : "", q, d_.param(1)),
          {Value::integer(batch_)});
      while (cursor->next()) {
        session_.check_interrupts();
        session_.wait_point(WaitPoint::kRestoreRow);
        std::optional<TableRef> source;
        if (by_source) source = TableRef{cursor->get(5).to_text(), cursor->get(6).to_text()};
        put_back(cursor->get(0).to_text(), source, cursor->get(1), cursor->get(2).to_text(),
                 cursor->get(3).to_text(), cursor->get(4).to_text());
        ++n;
      }
    }
    if (!conflicts_.empty()) {
      std::string list;
      for (std::size_t i = 0; i < conflicts_.size() && i < 10; ++i) {
        list += (i > 0 ? "; " : "") + conflicts_[i];
      }
      if (conflicts_.size() > 10) list += fmt::format("; and {} more", conflicts_.size() - 10);
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("cannot restore batch {}: {} value{} changed since the repair: {}",
                              batch_, conflicts_.size(), conflicts_.size() == 1 ? "" : "s", list),
                  "Nothing was restored.  A restore puts back only what is still as the repair "
                  "left it; set those values as they should be, or mark their rows restored.");
    }
    session_.exec(fmt::format("UPDATE {} SET restored_at = CURRENT_TIMESTAMP WHERE batch = {} "
                              "AND restored_at IS NULL",
                              q, d_.param(1)),
                  {Value::integer(batch_)});
    call.commit();
    return n;
  }

 private:
  // The table of a quarantined row: by schema and name where the quarantine records them
  // (never through the restorer's search_path), else by its display name.
  const Table& table_named(const std::string& name, const std::optional<TableRef>& source) {
    const std::string key = source ? d_.qualified(*source) : name;
    auto it = tables_.find(key);
    if (it != tables_.end()) return it->second;
    if (!source) return tables_.emplace(key, introspect_table(session_, name)).first->second;
    std::optional<Table> found = introspect_table_at(session_, *source);
    if (!found) {
      throw Error(
          ErrorCode::kUndefinedTable,
          fmt::format("cannot restore batch {}: table \"{}\" does not exist", batch_, name));
    }
    return tables_.emplace(key, std::move(*found)).first->second;
  }

  // A forged row (issue #16): whoever may INSERT into the quarantine could add rows to any
  // batch.  Each row is put back only if the role recorded as having quarantined it holds,
  // now, the privileges the repair and the restore of that row need (a superuser holds all);
  // otherwise the whole restore fails, naming the rows.
  void refuse_unvouched(const std::string& q) {
    const std::string sql = d_.unvouched_rows_sql(q);
    if (sql.empty()) return;
    std::vector<std::string> rows;
    auto cursor = session_.query(sql, {Value::integer(batch_)});
    while (cursor->next()) {
      if (cursor->get(4).is_null()) continue;
      const std::string missing = cursor->get(4).to_text();
      rows.push_back(fmt::format(
          "row {} (id {}) of table \"{}\", quarantined by {}: {}",
          cursor->get(2).is_null() ? "(no key)" : cursor->get(2).to_text(),
          cursor->get(0).to_integer(), cursor->get(1).to_text(), cursor->get(3).to_text(),
          missing.find(' ') == std::string::npos ? "that role has no " + missing + " privilege"
                                                 : missing));
    }
    cursor.reset();
    if (rows.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < rows.size() && i < 10; ++i) list += (i > 0 ? "; " : "") + rows[i];
    if (rows.size() > 10) list += fmt::format("; and {} more", rows.size() - 10);
    throw Error(ErrorCode::kInsufficientPrivilege,
                fmt::format("cannot restore batch {}: {} row{} not vouched for by the role that "
                            "quarantined {}: {}",
                            batch_, rows.size(), rows.size() == 1 ? " is" : "s are",
                            rows.size() == 1 ? "it" : "them", list),
                "Nothing was restored.  A restore puts back only rows the role that quarantined "
                "them could have removed and put back itself; delete forged rows from "
                "vigil_quarantine (as its owner) after reviewing them.");
  }

  // Whether the value of a `changed` row is still as the repair left it: the repair wrote
  // either the safe cast of the quarantined value or NULL (repair_row()).
  bool as_repaired(const Column& column, const Value& quarantined, const Value& now) const {
    if (now.is_null()) return true;
    const std::optional<Value> cast = safe_cast(quarantined, column);
    if (!cast) return false;
    if (encoded(now) == encoded(*cast)) return true;
    // A REAL column reads an integral cast back as a real (SQLite affinity).
    auto number = [](const Value& x) -> std::optional<double> {
      if (x.kind() == ValueKind::kReal) return x.as_real();
      if (x.kind() == ValueKind::kInteger) return static_cast<double>(x.to_integer());
      return std::nullopt;
    };
    const auto a = number(now);
    const auto b = number(*cast);
    return a && b && *a == *b;
  }

  void put_back(const std::string& table_name, const std::optional<TableRef>& source,
                const Value& row_key, const std::string& row_data, const std::string& action,
                const std::string& column) {
    const Table& table = table_named(table_name, source);
    const JsonNode data = parse_json(row_data);
    const std::string key_text = row_key.is_null() ? "(no key)" : row_key.to_text();
    std::vector<const Column*> columns;
    Row expected;
    Params params;
    std::string names;
    std::string values;
    std::string returning;
    auto add_value = [&](const Column& c, const Value& v) {
      columns.push_back(&c);
      expected.push_back(v);
      params.push_back(bindable(v));
      names += (names.empty() ? "" : ", ") + d_.quote_identifier(c.name);
      values += (values.empty() ? "" : ", ") + d_.typed_param(static_cast<int>(params.size()), c);
    };
    // The written row is found again by its locator (or, where there is none, its primary
    // key) and read back: RETURNING may show a value before the column's type converts it on
    // reading (SQLite keeps an integral REAL as an integer and reads it as a real).
    const std::vector<Dialect::LocatorColumn> locators = d_.row_locator(table);
    std::vector<const Column*> address_columns;
    for (const auto& l : locators) returning += (returning.empty() ? "" : ", ") + l.sql;
    if (locators.empty()) {
      for (const auto& k : table.primary_key) {
        address_columns.push_back(table.find_column(k));
        returning += (returning.empty() ? "" : ", ") + d_.quote_identifier(k);
      }
    }
    std::string sql;
    if (action == "removed") {
      for (const auto& c : table.columns) {
        if (c.generated) continue;
        const JsonNode* v = data.find(c.name);
        if (v == nullptr) continue;
        add_value(c, value_from_json(*v));
      }
      // SQLite: a row known by its rowid gets it back.
      std::string locator_names;
      std::string locator_values;
      if (d_.locator_is_stable() && !row_key.is_null()) {
        const JsonNode key = parse_json(row_key.to_text());
        for (const auto& loc : d_.row_locator(table)) {
          const JsonNode* v = key.find(loc.name);
          if (v == nullptr || key.members.size() != 1) continue;
          params.push_back(value_from_json(*v));
          locator_names += ", " + loc.sql;
          locator_values += ", " + d_.param(static_cast<int>(params.size()));
        }
      }
      sql = fmt::format("INSERT INTO {} ({}{}){} VALUES ({}{}) RETURNING {}",
                        d_.qualified(table.ref), names, locator_names,
                        d_.insert_overriding_clause(), values, locator_values, returning);
    } else {
      const Column* c = table.find_column(column);
      const JsonNode* v = data.find(column);
      if (c == nullptr || v == nullptr) {
        throw Error(ErrorCode::kUndefinedColumn,
                    fmt::format("cannot restore batch {}: column \"{}\" of table \"{}\" does not "
                                "exist",
                                batch_, column, table_name));
      }
      add_value(*c, value_from_json(*v));
      std::string where;
      if (!table.primary_key.empty() && !d_.primary_key_may_be_null(table)) {
        for (const auto& k : table.primary_key) {
          const Column* kc = table.find_column(k);
          const JsonNode* kv = data.find(k);
          if (kc == nullptr || kv == nullptr) continue;
          params.push_back(bindable(value_from_json(*kv)));
          where += (where.empty() ? "" : " AND ") + d_.quote_identifier(k) + " = " +
                   d_.typed_param(static_cast<int>(params.size()), *kc);
        }
      } else if (d_.locator_is_stable() && !row_key.is_null()) {
        const JsonNode key = parse_json(row_key.to_text());
        for (const auto& loc : d_.row_locator(table)) {
          const JsonNode* kv = key.find(loc.name);
          if (kv == nullptr) continue;
          params.push_back(value_from_json(*kv));
          where += (where.empty() ? "" : " AND ") +
                   d_.locator_match_sql(loc, static_cast<int>(params.size()));
        }
      }
      if (where.empty()) {
        throw Error(ErrorCode::kPrerequisiteState,
                    fmt::format("cannot restore batch {}: row {} of table \"{}\" cannot be found",
                                batch_, key_text, table_name));
      }
      // The value now, the row locked: a value written since the repair is not overwritten.
      {
        auto now = session_.query(
            fmt::format("SELECT {}, {} FROM {} WHERE {}{}", d_.quote_identifier(c->name), values,
                        d_.table_source(table.ref, table.kind), where, d_.lock_row_suffix()),
            params);
        if (now->next()) {
          const Value current = now->get(0);
          if (!as_repaired(*c, value_from_json(*v), current)) {
            conflicts_.push_back(fmt::format("row {} of table \"{}\" column \"{}\" holds {}",
                                             key_text, table_name, c->name, encoded(current)));
            return;
          }
        }
      }
      sql = fmt::format("UPDATE {} SET {} = {} WHERE {} RETURNING {}",
                        d_.table_source(table.ref, table.kind), d_.quote_identifier(c->name),
                        values, where, returning);
    }
    Row address;
    int rows = 0;
    try {
      const CallerNames callers(session_);  // the table's triggers are the caller's code
      auto cursor = session_.query(sql, params);
      while (cursor->next()) {
        ++rows;
        for (std::size_t i = 0; i < cursor->column_count(); ++i) address.push_back(cursor->get(i));
      }
    } catch (const Error& e) {
      if (session_.error_sqlstate(e).rfind("23", 0) != 0) throw;
      throw Error(ErrorCode::kIntegrityViolation,
                  fmt::format("cannot restore batch {}: row {} of table \"{}\" cannot be put "
                              "back: {}",
                              batch_, key_text, table_name, e.what()),
                  "Nothing was restored.  Change or remove the row it conflicts with, then call "
                  "vigil_restore again.");
    }
    if (rows != 1) {
      throw Error(ErrorCode::kPrerequisiteState,
                  fmt::format("cannot restore batch {}: row {} of table \"{}\" no longer exists",
                              batch_, key_text, table_name),
                  "Nothing was restored.");
    }
    std::string read;
    for (const Column* c : columns) {
      read += (read.empty() ? "" : ", ") + d_.quote_identifier(c->name);
    }
    std::string where;
    Params read_params;
    for (std::size_t i = 0; i < address.size(); ++i) {
      read_params.push_back(bindable(address[i]));
      const int n = static_cast<int>(i + 1);
      where += (i > 0 ? " AND " : "") + (locators.empty()
                                             ? d_.quote_identifier(address_columns[i]->name) +
                                                   " = " + d_.typed_param(n, *address_columns[i])
                                             : d_.locator_match_sql(locators[i], n));
    }
    Row stored;
    auto back = session_.query(fmt::format("SELECT {} FROM {} WHERE {}", read,
                                           d_.table_source(table.ref, table.kind), where),
                               read_params);
    if (back->next()) {
      for (std::size_t i = 0; i < columns.size(); ++i) stored.push_back(back->get(i));
    }
    back.reset();
    if (stored.size() != columns.size()) {
      throw Error(ErrorCode::kInternal,
                  fmt::format(R"(vigil_restore cannot read back row {} of table "{}")", key_text,
                              table_name));
    }
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (encoded(stored[i]) == encoded(expected[i])) continue;
      throw Error(ErrorCode::kDataException,
                  fmt::format("cannot restore batch {}: column \"{}\" of row {} of table \"{}\" "
                              "would hold {}, not the quarantined {}",
                              batch_, columns[i]->name, key_text, table_name, encoded(stored[i]),
                              encoded(expected[i])),
                  "The column's declared type converts the value (SQLite type affinity). Nothing "
                  "was restored.");
    }
  }

  Session& session_;
  const Dialect& d_;
  std::int64_t batch_;
  std::map<std::string, Table> tables_;
  std::vector<std::string> conflicts_;  // changed values written since the repair
};

}  // namespace

RepairJudge::RepairJudge(Session& session) : repairer_(std::make_unique<Repairer>(session)) {}
RepairJudge::~RepairJudge() = default;

Value RepairJudge::verdict(const TableRef& table, const integrity::Subject& subject) {
  return repairer_->verdict(table, subject);
}

bool RepairJudge::repairs_physical(const TableRef& table, const std::string& detail) const {
  return repairer_->repairs_physical(table, detail);
}

// Both run as a WriteCall: in SQLite outside a transaction, BEGIN IMMEDIATE first, so that the
// busy timeout applies to another connection's write (write_call.hpp).
std::vector<Row> repair_database(Session& session, bool dry_run, bool orphans_to_null) {
  return run_write_call(session, "vigil_repair", [&](WriteCall& call) {
    return Repairer(session, dry_run, orphans_to_null).run(call);
  });
}

std::int64_t restore_batch(Session& session, std::int64_t batch) {
  return run_write_call(session, "vigil_restore",
                        [&](WriteCall& call) { return Restorer(session, batch).run(call); });
}

void register_quarantine_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_repair";
    f.args = {{"dry_run", ValueKind::kBoolean, true}, {"fk_orphans", ValueKind::kText, true}};
    f.columns = {{"action", ValueKind::kText},
                 {"table_name", ValueKind::kText},
                 {"rows_affected", ValueKind::kInteger},
                 {"detail", ValueKind::kText},
                 {"batch", ValueKind::kInteger}};
    f.writes = true;
    f.sqlite_scalar_json = true;
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      const bool dry_run = !args.has(0) || args.boolean(0);
      bool orphans_to_null = false;
      if (args.has(1)) {
        const std::string v = sql::ascii_lower(args.text(1));
        if (v != "quarantine" && v != "set_null") {
          throw Error(ErrorCode::kInvalidParameter,
                      fmt::format("invalid fk_orphans \"{}\"", args.text(1)),
                      "Use one of 'quarantine', 'set_null'.");
        }
        orphans_to_null = v == "set_null";
      }
      return std::make_unique<VectorRowSource>(repair_database(session, dry_run, orphans_to_null));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_restore";
    f.args = {{"batch", ValueKind::kInteger, false}};
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      return Value::integer(restore_batch(session, args.integer(0)));
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
