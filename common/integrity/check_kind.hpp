// common/integrity/check_kind.hpp
//
// The registry of check kinds.  A CheckKind turns one table of the schema model into Probes
// (probe.hpp); vigil_check() runs the probes of every kind on every table and reports one
// finding per subject with offending rows, vigil_check_rows() streams the rows of the kind
// asked for.  The built-in kinds are registered in registry.cpp, in the order vigil_check()
// reports them.
//
// Extension point (user rules, `rule:<name>`): a new kind is one class deriving from CheckKind
// and one line in register_check_kinds().  A kind that serves a family of check names
// overrides handles() (rules: every name starting with "rule:") and gives each Subject its
// own check_name ("rule:confidence_range"); vigil_check_rows() then keeps the rows of the
// subjects whose check_name is the one asked for.  Nothing else changes: the functions, the
// sampling, the streaming and the hosts are the same for every kind.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "integrity/probe.hpp"
#include "schema/model.hpp"
#include "vigil/session.hpp"

namespace vigil::integrity {

struct CheckContext {
  Session& session;
  bool full = false;       // vigil_check(..., full): the slower, complete physical check
  bool all_tables = true;  // every table (database-wide probes run once, in plan_database)
  bool rows = false;       // vigil_check_rows(): rows are wanted, not findings
};

class CheckKind {
 public:
  virtual ~CheckKind() = default;
  // The check_name this kind reports ("fk_orphan"), or the prefix of its family ("rule:").
  virtual std::string_view name() const = 0;
  // Whether vigil_check_rows(check_name, ...) is served by this kind.
  virtual bool handles(std::string_view check_name) const { return check_name == name(); }
  // The probes for one table, appended to `out`.  May run catalog queries; must not scan the
  // table (that is what the probes do, when they run).
  virtual void plan(CheckContext& context, const Table& table, Probes& out) const = 0;
  // Probes that cover the whole database, planned once after every table (vigil_check()
  // without a table name only).
  virtual void plan_database(CheckContext& /*context*/, Probes& /*out*/) const {}
};

// The storage classes ('null', 'integer', 'real', 'text', 'blob') a value of a column of
// `type_class` may have (type_mismatch); empty: any.
std::set<std::string> allowed_storage_classes(TypeClass type_class);

// Row-level security (PostgreSQL): whether policies hide rows of `table` from the caller, so
// that no check reading it can decide anything (a row a policy hides looks absent: valid
// children look like orphans, duplicates and a column's maximum are missed).  Always false
// where the engine has none.
bool rows_hidden(Session& session, const TableRef& table);
// The finding vigil_check() reports instead of checking: "row-level security hides rows of
// <hidden> from the caller: ..." (`what`: which checks of the table this stops).
std::string rows_hidden_detail(Session& session, const TableRef& hidden, const std::string& what);
// `table` without the foreign keys whose parent's rows are hidden (fk_orphan cannot check
// them); `hidden_parents` receives those parents, once each.
Table without_hidden_parents(Session& session, const Table& table,
                             std::vector<TableRef>& hidden_parents);

// Every registered kind, in reporting order.
const std::vector<std::unique_ptr<CheckKind>>& check_kinds();
// The kind that serves `check_name`; throws kInvalidParameter naming the known checks.
const CheckKind& find_check_kind(std::string_view check_name);

// Defined in the kind files; each appends its kinds.
void register_constraint_kinds(std::vector<std::unique_ptr<CheckKind>>& out);
void register_state_kinds(std::vector<std::unique_ptr<CheckKind>>& out);
void register_physical_kind(std::vector<std::unique_ptr<CheckKind>>& out);
void register_rule_kind(std::vector<std::unique_ptr<CheckKind>>& out);  // repair/rules.cpp

}  // namespace vigil::integrity
