// common/integrity/state_kinds.cpp
//
// The check kinds about the state of the schema's objects rather than a constraint's rows:
//   sequence_behind         a sequence, identity or sqlite_sequence entry whose next value is
//                           at or below the column's largest value: the rows at or above the
//                           next value are the offending rows (the next inserts collide with
//                           them).  Only sequences the catalog ties to the column (serial,
//                           identity, AUTOINCREMENT, or the dependency of an integer column's
//                           nextval() default on its sequence) are known.
//   invalid_index           an index the engine marks invalid (PostgreSQL: a failed CREATE INDEX
//                           CONCURRENTLY): it is not used, and a unique one enforces nothing.
//   unvalidated_constraint  a foreign key or CHECK constraint created NOT VALID (PostgreSQL):
//                           existing rows were never checked (fk_orphan and check_constraint
//                           report the rows that break it).
// Both engines report what their catalog says, so the last two never fire in SQLite, whose
// catalog has no such states.
#include <fmt/format.h>

#include "integrity/check_kind.hpp"
#include "vigil/dialect.hpp"

namespace vigil::integrity {
namespace {

class SequenceBehind final : public CheckKind {
 public:
  std::string_view name() const override { return "sequence_behind"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    Session& session = context.session;
    const Dialect& d = session.dialect();
    for (const auto& column : table.columns) {
      if (column.sequence.empty()) continue;
      auto state = session.query(d.sequence_state_sql(table.ref),
                                 {Value::text(column.sequence), Value::text(table.ref.name)});
      if (!state->next() || state->get(0).is_null()) continue;
      const std::int64_t next = state->get(0).to_integer();
      const bool descending = state->get(1).to_integer() < 0;
      const std::string q = d.quote_identifier(column.name);
      const RowIdentity id = row_identity(d, table, "");
      auto probe = std::make_unique<QueryProbe>();
      probe->table_ = table.ref;
      probe->sql = fmt::format(
          "SELECT {}{} FROM {} WHERE {} {} {}", id.select.empty() ? "" : id.select + ", ", q,
          d.table_source(table.ref, table.kind), q, descending ? "<=" : ">=", d.param(1));
      probe->params = {Value::integer(next)};
      probe->key_names = id.key_names;
      probe->locator_names = id.locator_names;
      probe->extra_count = 1;
      const std::string sequence = column.sequence == "sqlite_sequence"
                                       ? "the sqlite_sequence entry of " + table.ref.name
                                       : "sequence " + column.sequence;
      Subject subject;
      subject.check_name = "sequence_behind";
      subject.severity = Severity::kError;
      subject.detail = fmt::format("{} gives {} next, at or {} the {} value of column {}", sequence,
                                   next, descending ? "above" : "below",
                                   descending ? "smallest" : "largest", column.name);
      probe->subjects_.push_back(std::move(subject));
      const std::string name = column.name;
      probe->row_detail = [name, sequence, next, descending](std::size_t, const Row& extra) {
        return fmt::format("{}={} is at or {} the next value {} of {}", name,
                           detail_value(extra[0]), descending ? "below" : "above", next, sequence);
      };
      out.push_back(std::move(probe));
    }
  }
};

class InvalidIndexes final : public CheckKind {
 public:
  std::string_view name() const override { return "invalid_index"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    auto probe = std::make_unique<FactProbe>();
    probe->table_ = table.ref;
    for (const auto& index : table.indexes) {
      if (index.valid) continue;
      Subject subject;
      subject.check_name = "invalid_index";
      subject.severity = Severity::kWarning;
      subject.detail = "index " + index.name + " " + column_list(index_key_labels(index)) +
                       " is not valid (a failed CREATE INDEX CONCURRENTLY?): queries do not use "
                       "it" +
                       (index.unique ? " and it enforces no uniqueness" : "") +
                       "; REINDEX INDEX CONCURRENTLY " +
                       d.qualified(TableRef{table.ref.schema, index.name}) + " or drop it";
      probe->subjects_.push_back(std::move(subject));
    }
    if (!probe->subjects_.empty()) out.push_back(std::move(probe));
  }
};

class UnvalidatedConstraints final : public CheckKind {
 public:
  std::string_view name() const override { return "unvalidated_constraint"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    auto probe = std::make_unique<FactProbe>();
    probe->table_ = table.ref;
    // The statement to run, as it can be run: names quoted (a name may hold any character).
    auto add = [&](const std::string& what, const std::string& name) {
      Subject subject;
      subject.check_name = "unvalidated_constraint";
      subject.severity = Severity::kWarning;
      subject.detail = what +
                       " is NOT VALID: rows written before it were never checked; ALTER TABLE " +
                       d.qualified(table.ref) + " VALIDATE CONSTRAINT " + d.quote_identifier(name) +
                       " once the data is clean";
      probe->subjects_.push_back(std::move(subject));
    };
    for (const auto& fk : table.foreign_keys) {
      if (fk.validated) continue;
      add("foreign key " + fk.name + " " + column_list(fk.columns) + " references " +
              d.display_name(fk.parent) + " " + column_list(fk.parent_columns),
          fk.name);
    }
    for (const auto& check : table.checks) {
      if (check.validated) continue;
      add("constraint " + check.name + " CHECK (" + check.expression + ")", check.name);
    }
    if (!probe->subjects_.empty()) out.push_back(std::move(probe));
  }
};

}  // namespace

void register_state_kinds(std::vector<std::unique_ptr<CheckKind>>& out) {
  out.push_back(std::make_unique<SequenceBehind>());
  out.push_back(std::make_unique<InvalidIndexes>());
  out.push_back(std::make_unique<UnvalidatedConstraints>());
}

}  // namespace vigil::integrity

#include "vigil/no_host_headers.hpp"
