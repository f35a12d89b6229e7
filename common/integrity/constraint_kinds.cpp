// common/integrity/constraint_kinds.cpp
//
// The check kinds that look for rows breaking a declared constraint:
//   fk_orphan         child rows whose foreign key points at no parent row: one anti-join
//                     per foreign key (Dialect::orphan_join).  MATCH SIMPLE (the default, and
//                     SQLite's only rule): a row with a NULL in the key is no orphan.  MATCH FULL
//                     (PostgreSQL): a key that is partly NULL is a violation too.  Composite,
//                     self-referencing and cross-schema keys; a parent table that does not
//                     exist (SQLite allows it) makes every non-NULL key an orphan.
//   not_null          NULLs in NOT NULL columns (primary key columns included): one scan per
//                     table, one finding per column.
//   check_constraint  rows for which a CHECK constraint's own expression, as the engine keeps
//                     it, is false (NULL passes, as in both engines): one scan per table.
//   unique_duplicate  rows sharing their key under a unique index or constraint the engine is
//                     not enforcing (Dialect::enforces_valid_unique_indexes): one GROUP BY per
//                     index.  Expression and partial indexes are not checked.
//   type_mismatch     values whose storage class cannot belong to the column's declared type
//                     (engines with flexible typing only: Dialect::storage_class_sql).
// Every probe reads the table with Dialect::table_source and identifies rows by the primary
// key, else the engine's row locator.
#include <fmt/format.h>

#include <optional>
#include <set>

#include "integrity/check_kind.hpp"
#include "vigil/dialect.hpp"

namespace vigil::integrity {
namespace {

std::string select_list(const std::string& identity, const std::string& rest) {
  if (identity.empty()) return rest.empty() ? "NULL" : rest;
  if (rest.empty()) return identity;
  return identity + ", " + rest;
}

// The kind of a relation (as find_table_sql() names it), or nothing when it does not exist.
std::optional<std::string> relation_kind(Session& session, const TableRef& ref) {
  auto cursor = session.query(session.dialect().find_table_sql(),
                              {Value::text(ref.schema), Value::text(ref.name)});
  if (!cursor->next()) return std::nullopt;
  return cursor->get(2).to_text();
}

// --- fk_orphan --------------------------------------------------------------------------------

class ForeignKeyOrphans final : public CheckKind {
 public:
  std::string_view name() const override { return "fk_orphan"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    Session& session = context.session;
    const Dialect& d = session.dialect();
    for (const auto& fk : table.foreign_keys) {
      if (fk.columns.empty() || fk.parent_columns.size() != fk.columns.size()) continue;
      const std::optional<std::string> parent_kind = relation_kind(session, fk.parent);
      const RowIdentity id = row_identity(d, table, "c.");
      std::string fk_values;
      std::string all_null;
      std::string any_null;
      std::string no_null;
      std::string join;
      for (std::size_t i = 0; i < fk.columns.size(); ++i) {
        const std::string child = "c." + d.quote_identifier(fk.columns[i]);
        const std::string sep = i > 0 ? ", " : "";
        fk_values += sep + child;
        all_null += (i > 0 ? " AND " : "") + child + " IS NULL";
        any_null += (i > 0 ? " OR " : "") + child + " IS NULL";
        no_null += (i > 0 ? " AND " : "") + child + " IS NOT NULL";
        const std::string op = i < fk.operators.size() ? fk.operators[i] : "=";
        join += fmt::format("{}p.{} {} {}", i > 0 ? " AND " : "",
                            d.quote_identifier(fk.parent_columns[i]), op, child);
      }
      const std::string child_from = d.table_source(table.ref, table.kind) + " AS c";
      Dialect::AntiJoin anti{child_from, ""};
      if (parent_kind) {
        anti = d.orphan_join(session, table, fk, child_from,
                             d.table_source(fk.parent, *parent_kind), join);
      }
      const std::string& missing = anti.condition;
      const bool full = fk.match == "FULL";
      std::string where;
      if (full && missing.empty()) {
        where = fmt::format("NOT ({})", all_null);
      } else if (full) {
        where = fmt::format("NOT ({}) AND ({} OR {})", all_null, any_null, missing);
      } else if (missing.empty()) {
        where = no_null;
      } else {
        where = fmt::format("{} AND {}", no_null, missing);
      }

      auto probe = std::make_unique<QueryProbe>();
      probe->table_ = table.ref;
      probe->sql = fmt::format("SELECT {} FROM {} WHERE {}", select_list(id.select, fk_values),
                               anti.from, where);
      probe->key_names = id.key_names;
      probe->locator_names = id.locator_names;
      probe->extra_count = fk.columns.size();
      const std::string parent = d.display_name(fk.parent) + " " + column_list(fk.parent_columns);
      Subject subject;
      subject.check_name = "fk_orphan";
      subject.severity = Severity::kError;
      subject.detail = "foreign key " + column_list(fk.columns) + " references " + parent;
      if (!parent_kind) subject.detail += ", a table that does not exist";
      if (full) subject.detail += " MATCH FULL";
      probe->subjects_.push_back(std::move(subject));
      const std::vector<std::string> columns = fk.columns;
      const bool parent_exists = parent_kind.has_value();
      probe->row_detail = [columns, parent, parent_exists](std::size_t, const Row& extra) {
        bool some_null = false;
        for (const auto& v : extra) some_null = some_null || v.is_null();
        const std::string tuple = detail_tuple(columns, extra);
        if (some_null) return tuple + " is partly NULL under MATCH FULL";
        return fmt::format("{} {} {}", tuple,
                           parent_exists ? "has no row in" : "points into missing", parent);
      };
      out.push_back(std::move(probe));
    }
  }
};

// --- not_null ---------------------------------------------------------------------------------

class NotNullViolations final : public CheckKind {
 public:
  std::string_view name() const override { return "not_null"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    std::vector<std::string> columns;
    for (const auto& c : table.columns) {
      if (c.not_null) columns.push_back(c.name);
    }
    if (columns.empty()) return;
    const RowIdentity id = row_identity(d, table, "");
    std::string flags;
    std::string where;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const std::string test = d.null_test_sql(d.quote_identifier(columns[i]));
      flags += (i > 0 ? ", " : "") + test;
      where += (i > 0 ? " OR " : "") + test;
    }
    auto probe = std::make_unique<QueryProbe>();
    probe->table_ = table.ref;
    const bool several = columns.size() > 1;
    probe->sql = "SELECT " + select_list(id.select, several ? flags : "") + " FROM " +
                 d.table_source(table.ref, table.kind) + " WHERE " + where;
    probe->key_names = id.key_names;
    probe->locator_names = id.locator_names;
    probe->extra_count = several ? columns.size() : 0;
    // SQLite lets NULL into a primary key column of a rowid table (other than an INTEGER
    // PRIMARY KEY) unless the column itself says NOT NULL: a historical bug it keeps for
    // compatibility.  Such a column was not declared NOT NULL; the finding says what is true.
    const bool key_may_be_null = d.primary_key_may_be_null(table);
    for (const auto& column : columns) {
      const Column* c = table.find_column(column);
      Subject subject;
      subject.check_name = "not_null";
      subject.severity = Severity::kError;
      if (key_may_be_null && c != nullptr && !c->declared_not_null) {
        subject.detail = "primary key column " + column +
                         " holds NULL: SQLite allows NULL in a PRIMARY KEY column that is not "
                         "an INTEGER PRIMARY KEY (a historical bug); declare it NOT NULL";
      } else {
        subject.detail = "column " + column + " is declared NOT NULL";
      }
      probe->subjects_.push_back(std::move(subject));
    }
    if (several) {
      probe->violates = [](std::size_t subject, const Row& extra) {
        return extra[subject].to_bool();
      };
    }
    probe->row_detail = [columns](std::size_t subject, const Row&) {
      return columns[subject] + " is NULL";
    };
    out.push_back(std::move(probe));
  }
};

// --- check_constraint -------------------------------------------------------------------------

class CheckConstraintViolations final : public CheckKind {
 public:
  std::string_view name() const override { return "check_constraint"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    std::vector<const CheckConstraint*> checks;
    for (const auto& c : table.checks) {
      if (!c.expression.empty()) checks.push_back(&c);
    }
    if (checks.empty()) return;
    // The columns the constraints read, once each, after the flags: shown in row details.
    std::vector<std::string> columns;
    for (const auto& c : table.columns) {
      for (const auto* check : checks) {
        bool reads = false;
        for (const auto& name : check->columns) reads = reads || name == c.name;
        if (reads) {
          columns.push_back(c.name);
          break;
        }
      }
    }
    const RowIdentity id = row_identity(d, table, "");
    const bool several = checks.size() > 1;
    std::string extras;
    std::string where;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      const std::string test = "NOT (" + checks[i]->expression + ")";
      if (several) extras += (i > 0 ? ", " : "") + test;
      where += (i > 0 ? " OR " : "") + test;
    }
    for (const auto& column : columns) {
      extras += (extras.empty() ? "" : ", ") + d.quote_identifier(column);
    }
    auto probe = std::make_unique<QueryProbe>();
    probe->table_ = table.ref;
    probe->sql = "SELECT " + select_list(id.select, extras) + " FROM " +
                 d.table_source(table.ref, table.kind) + " WHERE " + where;
    probe->key_names = id.key_names;
    probe->locator_names = id.locator_names;
    const std::size_t first_value = several ? checks.size() : 0;
    probe->extra_count = first_value + columns.size();
    // For each check, the positions of its columns among the extra values.
    std::vector<std::vector<std::size_t>> value_positions;
    std::vector<std::string> labels;
    for (const auto* check : checks) {
      std::vector<std::size_t> positions;
      for (std::size_t i = 0; i < columns.size(); ++i) {
        for (const auto& name : check->columns) {
          if (name == columns[i]) positions.push_back(first_value + i);
        }
      }
      value_positions.push_back(std::move(positions));
      const std::string label = "CHECK (" + check->expression + ")";
      labels.push_back(check->name.empty() ? label : "constraint " + check->name + " " + label);
      Subject subject;
      subject.check_name = "check_constraint";
      subject.severity = Severity::kError;
      subject.detail = labels.back();
      probe->subjects_.push_back(std::move(subject));
    }
    if (several) {
      probe->violates = [](std::size_t subject, const Row& extra) {
        return extra[subject].to_bool();
      };
    }
    probe->row_detail = [columns, value_positions, labels, first_value](std::size_t subject,
                                                                        const Row& extra) {
      std::vector<std::string> names;
      Row values;
      for (const std::size_t pos : value_positions[subject]) {
        names.push_back(columns[pos - first_value]);
        values.push_back(extra[pos]);
      }
      if (names.empty()) return "fails " + labels[subject];
      return detail_tuple(names, values) + " fails " + labels[subject];
    };
    out.push_back(std::move(probe));
  }
};

// --- unique_duplicate -------------------------------------------------------------------------

class UniqueDuplicates final : public CheckKind {
 public:
  std::string_view name() const override { return "unique_duplicate"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    for (const auto& index : table.indexes) {
      if (!index.unique || index.columns.empty()) continue;
      if (d.enforces_valid_unique_indexes() && index.valid) continue;
      const UniqueKey key = unique_key(d, index);
      if (key.terms.empty()) continue;  // its predicate or expression text is not known

      // Each key term twice: over the table aliased c (outer) and unaliased (the grouping).
      // An expression is written unqualified in both: the grouped side's columns are called
      // vigil_k<n> and vigil_n, so its column names can only mean c's.
      const RowIdentity id = row_identity(d, table, "c.");
      const std::vector<std::string> labels = index_key_labels(index);
      std::string values;
      std::string inner;
      std::string grouped;
      std::string join;
      for (std::size_t i = 0; i < key.terms.size(); ++i) {
        const std::string& term = key.terms[i];
        const std::string outer = index.expressions[i].empty() ? "c." + term : term;
        const std::string sep = i > 0 ? ", " : "";
        values += sep + outer;
        inner += fmt::format("{}{} AS vigil_k{}", sep, term, i + 1);
        grouped += sep + term;
        // NULLS NOT DISTINCT: NULL keys are equal, so they are grouped like any value.
        join += fmt::format("{}{} {} d.vigil_k{}", i > 0 ? " AND " : "", outer,
                            index.nulls_not_distinct ? "IS NOT DISTINCT FROM" : "=", i + 1);
      }
      const std::string& filter = key.filter;
      const std::string source = d.table_source(table.ref, table.kind);
      auto probe = std::make_unique<QueryProbe>();
      probe->table_ = table.ref;
      probe->sql = fmt::format(
          "SELECT {0} FROM {1} AS c JOIN (SELECT {2}, count(*) AS vigil_n FROM {1} WHERE {3} "
          "GROUP BY {4} HAVING count(*) > 1) AS d ON {5}{6}",
          select_list(id.select, values + ", d.vigil_n"), source, inner, filter, grouped, join,
          index.predicate.empty() ? "" : " WHERE (" + index.predicate + ")");
      probe->key_names = id.key_names;
      probe->locator_names = id.locator_names;
      probe->extra_count = index.columns.size() + 1;
      std::string what = index.origin == IndexOrigin::kPrimaryKey         ? "primary key "
                         : index.origin == IndexOrigin::kUniqueConstraint ? "unique constraint "
                                                                          : "unique index ";
      what += index.name + " " + column_list(labels);
      if (!index.predicate.empty()) what += " WHERE " + index.predicate;
      if (index.nulls_not_distinct) what += " NULLS NOT DISTINCT";
      Subject subject;
      subject.check_name = "unique_duplicate";
      subject.severity = Severity::kError;
      subject.detail =
          what + (index.valid ? "" : ", an index that is not valid") + ": rows share their key";
      probe->subjects_.push_back(std::move(subject));
      probe->row_detail = [labels, what](std::size_t, const Row& extra) {
        return fmt::format("{} is shared by {} rows under {}", detail_tuple(labels, extra),
                           extra.back().to_integer(), what);
      };
      out.push_back(std::move(probe));
    }
  }
};

// --- type_mismatch ----------------------------------------------------------------------------

}  // namespace

// The storage classes a value of each declared type class may have without breaking a move to
// a strictly typed engine.  Empty: any (no declared type, BLOB, types vigil does not know).
std::set<std::string> allowed_storage_classes(TypeClass type_class) {
  switch (type_class) {
    case TypeClass::kInteger:
    case TypeClass::kBoolean:
      return {"null", "integer"};
    case TypeClass::kReal:
    case TypeClass::kNumeric:
      return {"null", "integer", "real"};
    case TypeClass::kText:
    case TypeClass::kTimestamp:
    case TypeClass::kDate:
    case TypeClass::kJson:
      return {"null", "integer", "real", "text"};
    default:
      return {};
  }
}

namespace {

class TypeMismatches final : public CheckKind {
 public:
  std::string_view name() const override { return "type_mismatch"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    const Dialect& d = context.session.dialect();
    struct Checked {
      std::string name;
      std::string declared;
      std::set<std::string> allowed;
    };
    std::vector<Checked> checked;
    std::string extras;
    std::string where;
    for (const auto& c : table.columns) {
      if (c.generated) continue;
      const std::string q = d.quote_identifier(c.name);
      const std::string storage = d.storage_class_sql(table, q);
      std::set<std::string> allowed = allowed_storage_classes(c.type_class);
      if (storage.empty() || allowed.empty()) continue;
      std::string in;
      for (const auto& a : allowed) in += (in.empty() ? "'" : ", '") + a + "'";
      extras += fmt::format("{}{}, {}", extras.empty() ? "" : ", ", storage, q);
      where += fmt::format("{}{} NOT IN ({})", where.empty() ? "" : " OR ", storage, in);
      checked.push_back({c.name, c.declared_type, std::move(allowed)});
    }
    if (checked.empty()) return;
    const RowIdentity id = row_identity(d, table, "");
    auto probe = std::make_unique<QueryProbe>();
    probe->table_ = table.ref;
    probe->sql = "SELECT " + select_list(id.select, extras) + " FROM " +
                 d.table_source(table.ref, table.kind) + " WHERE " + where;
    probe->key_names = id.key_names;
    probe->locator_names = id.locator_names;
    probe->extra_count = checked.size() * 2;
    for (const auto& c : checked) {
      Subject subject;
      subject.check_name = "type_mismatch";
      subject.severity = Severity::kWarning;
      subject.detail =
          "column " + c.name + " declared " + c.declared + " holds values of another storage class";
      probe->subjects_.push_back(std::move(subject));
    }
    probe->violates = [checked](std::size_t subject, const Row& extra) {
      return checked[subject].allowed.count(extra[subject * 2].to_text()) == 0;
    };
    probe->row_detail = [checked](std::size_t subject, const Row& extra) {
      return checked[subject].name + " holds " + extra[subject * 2].to_text() + " " +
             detail_value(extra[subject * 2 + 1]) + " in a column declared " +
             checked[subject].declared;
    };
    out.push_back(std::move(probe));
  }
};

}  // namespace

void register_constraint_kinds(std::vector<std::unique_ptr<CheckKind>>& out) {
  out.push_back(std::make_unique<ForeignKeyOrphans>());
  out.push_back(std::make_unique<NotNullViolations>());
  out.push_back(std::make_unique<CheckConstraintViolations>());
  out.push_back(std::make_unique<UniqueDuplicates>());
  out.push_back(std::make_unique<TypeMismatches>());
}

}  // namespace vigil::integrity

#include "vigil/no_host_headers.hpp"
