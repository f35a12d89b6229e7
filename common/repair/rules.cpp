// common/repair/rules.cpp
//
// Data-quality rules (docs/repair.md): user conditions every row of a table must satisfy,
// kept in vigil's own table vigil_rules and checked by vigil_check() as `rule:<name>`.
//
//   vigil_rule_add(name, table_name, condition [, severity [, repair]]) → text (the name)
//       Stores a rule.  `condition` is ONE boolean SQL expression over the table's columns with
//       CHECK semantics (a row passes when it is true or NULL), at most 64 KiB
//       (kMaxRuleConditionBytes; 54000 above).  It is validated before it is stored: the text
//       (no `;`, no comment, balanced parentheses, no word of a statement or subquery), then the
//       engine's own analysis (Session::check_stored_condition: PostgreSQL parses and analyses
//       it as a CHECK constraint over the table and refuses volatile functions; SQLite compiles
//       the statement and allows only reads of the table and pure built-in functions), then it
//       is run once against the table (`... WHERE NOT (condition) LIMIT 0`), so an unknown
//       column or a type error is the engine's own error and nothing is stored.  PostgreSQL:
//       only the table's owner (a member of its owning role) may add a rule to it (42501), and
//       vigil_rules.added_by records who did.  severity: 'error' (default), 'warning', 'info';
//       repair: 'auto' (default: vigil_repair's smallest change) or 'quarantine'.  table_name
//       is stored as vigil_schema() names the table.
//   vigil_rule_drop(name) → text (the name)
// Errors: NULL name/table_name/condition → 22004; an empty name, a bad severity or repair → 22023;
// a condition that is not one expression → 42601; a volatile function or one that is not
// allowed → 42P17; a table that does not exist → 42P01 (a view: 42809); a rule of that name
// already exists → 42710; dropping a rule that does not exist → 42704; a caller who does not
// own the table → 42501.  Both functions change data (SQLite: DIRECTONLY; PostgreSQL: revoked
// from PUBLIC).
//
// The trust model (docs/reliability.md, "Trust model for stored code"): a stored condition is
// checked again at EVERY evaluation (check_rule), since a row of vigil_rules may have been
// written by hand; one that fails the check is an error finding of its own rule
// (`rule:<name>`, "cannot be evaluated: ..."), never a failure of the whole check.
// PostgreSQL evaluates it as the table's owner under SECURITY_RESTRICTED_OPERATION (StoredCode).
//
// The check kind `rule:` (registered in integrity/registry.cpp) plans one probe per rule of a
// table: `SELECT <row identity> FROM <table> WHERE NOT (<newline> condition <newline>)`.
#include "repair/rules.hpp"

#include <fmt/format.h>

#include "integrity/check_kind.hpp"
#include "schema/introspect.hpp"
#include "sql/lexer.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/system_fault.hpp"

namespace vigil {

const OwnTable& rules_table() {
  static const OwnTable table{
      "vigil_rules",
      {{"name", ValueKind::kText, "PRIMARY KEY"},
       {"table_name", ValueKind::kText, "NOT NULL"},
       {"condition", ValueKind::kText, "NOT NULL"},
       {"severity", ValueKind::kText, "NOT NULL"},
       {"repair", ValueKind::kText, "NOT NULL"},
       {"created_at", ValueKind::kTimestamp, "NOT NULL DEFAULT CURRENT_TIMESTAMP"}},
      {}};
  return table;
}

std::vector<Rule> rules_of_table(Session& session, const TableRef& table) {
  std::vector<Rule> out;
  const Dialect& d = session.dialect();
  const std::string rules = d.own_table(session, rules_table(), false);
  if (rules.empty()) return out;
  auto cursor = session.query(
      fmt::format("SELECT name, condition, severity, repair, {} FROM {} WHERE table_name = {} "
                  "ORDER BY name",
                  d.rule_added_by_sql(), rules, d.param(1)),
      {Value::text(d.display_name(table))});
  while (cursor->next()) {
    Rule rule{cursor->get(0).to_text(), cursor->get(1).to_text(), cursor->get(2).to_text(),
              cursor->get(3).to_text(), std::nullopt};
    const Value added_by = cursor->get(4);
    if (!added_by.is_null()) rule.added_by = added_by.to_text();
    out.push_back(std::move(rule));
  }
  return out;
}

std::string rule_violations_sql(const std::string& select, const std::string& source,
                                const std::string& condition) {
  return fmt::format("SELECT {} FROM {} WHERE NOT (\n{}\n)", select, source, condition);
}

void check_rule(Session& session, const TableRef& table, const Rule& rule,
                const std::string& statement) {
  validate_rule_condition_text(rule.condition);
  // A rule row without an author where the engine records one (PostgreSQL) is refused there:
  // the empty name is no role.
  static const std::string kNobody;
  const std::string* added_by = rule.added_by ? &*rule.added_by : nullptr;
  if (!rule.added_by && session.dialect().rule_added_by_sql() != "NULL") added_by = &kNobody;
  session.check_stored_condition(table, rule.condition, statement, added_by);
}

namespace {

// Statement keywords that can never appear in a read-only expression.
constexpr const char* kForbiddenWords[] = {
    "INSERT",  "UPDATE",   "DELETE",    "MERGE",   "UPSERT",  "DROP",    "CREATE",
    "ALTER",   "TRUNCATE", "GRANT",     "REVOKE",  "COPY",    "CALL",    "DO",
    "VACUUM",  "ATTACH",   "DETACH",    "PRAGMA",  "REINDEX", "ANALYZE", "BEGIN",
    "COMMIT",  "ROLLBACK", "SAVEPOINT", "RELEASE", "SET",     "RESET",   "LOCK",
    "EXECUTE", "PREPARE",  "LISTEN",    "NOTIFY",  "INTO",    "SELECT",  "VALUES"};

}  // namespace

void validate_rule_condition_text(const std::string& condition) {
  if (condition.size() > kMaxRuleConditionBytes) {
    throw Error(ErrorCode::kProgramLimitExceeded,
                fmt::format("a rule condition must be at most {} bytes long ({} given)",
                            kMaxRuleConditionBytes, condition.size()));
  }
  const auto tokens = sql::tokenize(condition);
  int depth = 0;
  bool any = false;
  for (const auto& t : tokens) {
    if (t.kind == sql::TokenKind::kComment) {
      throw Error(ErrorCode::kSyntaxError, "a rule condition must not contain a comment");
    }
    if (t.is_punct(';')) {
      throw Error(ErrorCode::kSyntaxError,
                  "a rule condition must be one expression, not statements (\";\" found)");
    }
    if (t.is_punct('(')) ++depth;
    if (t.is_punct(')') && --depth < 0) {
      throw Error(ErrorCode::kSyntaxError, "unbalanced parentheses in rule condition");
    }
    for (const char* word : kForbiddenWords) {
      if (t.is_word(word)) {
        throw Error(ErrorCode::kSyntaxError,
                    fmt::format("a rule condition must be a read-only expression (\"{}\" found)",
                                std::string(t.text)),
                    "Write one boolean expression over the table's columns, as in a CHECK "
                    "constraint.");
      }
    }
    any = true;
  }
  if (depth != 0) throw Error(ErrorCode::kSyntaxError, "unbalanced parentheses in rule condition");
  if (!any) throw Error(ErrorCode::kSyntaxError, "a rule condition must not be empty");
  // An unterminated string, quoted name or dollar quote would run into the SQL vigil writes
  // after the condition: the `)` on the next line must still be a token of its own.
  const std::string closed = condition + "\n)";
  const auto after = sql::tokenize(closed);
  if (after.empty() || !after.back().is_punct(')') || after.back().offset != condition.size() + 1) {
    throw Error(ErrorCode::kSyntaxError,
                "a rule condition must not end inside a string or a quoted name");
  }
}

namespace {

std::string one_of(const Args& args, std::size_t i, const char* what,
                   std::initializer_list<const char*> allowed) {
  if (!args.has(i)) return *allowed.begin();
  const std::string value = sql::ascii_lower(args.text(i));
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return std::string(a);
    list += (list.empty() ? "'" : ", '") + std::string(a) + "'";
  }
  throw Error(ErrorCode::kInvalidParameter, fmt::format("invalid {} \"{}\"", what, args.text(i)),
              fmt::format("Use one of {}.", list));
}

Value rule_add(Session& session, const Args& args) {
  const std::string name = args.text(0);
  const std::string table_name = args.text(1);
  const std::string condition = args.text(2);
  if (name.empty()) throw Error(ErrorCode::kInvalidParameter, "a rule name must not be empty");
  // (PostgreSQL's index on vigil_rules.name would refuse a huge name with 54000; SQLite would
  // store it: the same limit in both, found by tests/hostile)
  if (name.size() > 200) {
    throw Error(ErrorCode::kInvalidParameter, "a rule name must be at most 200 bytes long");
  }
  const std::string severity = one_of(args, 3, "severity", {"error", "warning", "info"});
  const std::string repair = one_of(args, 4, "repair", {"auto", "quarantine"});
  validate_rule_condition_text(condition);
  const Table table = introspect_table(session, table_name);
  const Dialect& d = session.dialect();

  SubTransaction sub(session);
  // The engine's analysis (and, in PostgreSQL, the caller's ownership of the table), then the
  // condition against the table as it will be evaluated: unknown columns and type errors are
  // raised here.  Names resolve the caller's way.
  const std::string probe =
      rule_violations_sql("1", d.table_source(table.ref, table.kind), condition) + " LIMIT 0";
  session.check_stored_condition(table.ref, condition, probe, nullptr);
  {
    const StoredCode code(session, table.ref);
    session.exec(probe);
  }
  const std::string rules = d.own_table(session, rules_table(), true);
  const Value exists = session.scalar(
      fmt::format("SELECT 1 FROM {} WHERE name = {}", rules, d.param(1)), {Value::text(name)});
  if (!exists.is_null()) {
    throw Error(ErrorCode::kDuplicateObject, fmt::format("rule \"{}\" already exists", name),
                "Drop it first with vigil_rule_drop.");
  }
  session.exec(fmt::format("INSERT INTO {} (name, table_name, condition, severity, repair) "
                           "VALUES ({}, {}, {}, {}, {})",
                           rules, d.param(1), d.param(2), d.param(3), d.param(4), d.param(5)),
               {Value::text(name), Value::text(d.display_name(table.ref)), Value::text(condition),
                Value::text(severity), Value::text(repair)});
  Value result = Value::text(name);  // before the commit: nothing may fail after it
  sub.commit();
  return result;
}

Value rule_drop(Session& session, const Args& args) {
  const std::string name = args.text(0);
  const Dialect& d = session.dialect();
  const std::string rules = d.own_table(session, rules_table(), false);
  const Value exists =
      rules.empty()
          ? Value::null()
          : session.scalar(fmt::format("SELECT 1 FROM {} WHERE name = {}", rules, d.param(1)),
                           {Value::text(name)});
  if (exists.is_null()) {
    throw Error(ErrorCode::kUndefinedObject, fmt::format("rule \"{}\" does not exist", name));
  }
  session.exec(fmt::format("DELETE FROM {} WHERE name = {}", rules, d.param(1)),
               {Value::text(name)});
  return Value::text(name);
}

}  // namespace

namespace integrity {
namespace {

Severity parse_severity(const std::string& s) {
  if (s == "warning") return Severity::kWarning;
  if (s == "info") return Severity::kInfo;
  return Severity::kError;
}

class RuleViolations final : public CheckKind {
 public:
  std::string_view name() const override { return "rule:<name>"; }
  bool handles(std::string_view check_name) const override {
    return check_name.substr(0, 5) == "rule:";
  }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    Session& session = context.session;
    const Dialect& d = session.dialect();
    const std::vector<Rule> rules = rules_of_table(session, table.ref);
    if (!rules.empty()) session.check_may_evaluate(table.ref);
    for (const Rule& rule : rules) {
      const RowIdentity id = row_identity(d, table, "");
      const std::string sql =
          rule_violations_sql(id.select.empty() ? "NULL" : id.select,
                              d.table_source(table.ref, table.kind), rule.condition);
      // A stored rule is checked at every evaluation; one that fails is a finding of its own.
      try {
        session.check_interrupts();
        check_rule(session, table.ref, rule, sql);
      } catch (const std::exception& e) {
        const std::string state = session.error_sqlstate(e);
        if (is_system_fault(state)) throw;
        auto fact = std::make_unique<FactProbe>();
        fact->table_ = table.ref;
        Subject subject;
        subject.check_name = "rule:" + rule.name;
        subject.severity = Severity::kError;
        subject.detail =
            fmt::format("rule {} cannot be evaluated ({}): {}", rule.name, state, e.what());
        fact->subjects_.push_back(std::move(subject));
        out.push_back(std::move(fact));
        continue;
      }
      auto probe = std::make_unique<QueryProbe>();
      probe->table_ = table.ref;
      probe->sql = sql;
      probe->key_names = id.key_names;
      probe->locator_names = id.locator_names;
      probe->stored_code = true;  // runs as StoredCode of the table
      Subject subject;
      subject.check_name = "rule:" + rule.name;
      subject.severity = parse_severity(rule.severity);
      subject.detail = fmt::format("fails rule {} ({})", rule.name, rule.condition);
      const std::string detail = subject.detail;
      probe->subjects_.push_back(std::move(subject));
      probe->row_detail = [detail](std::size_t, const Row&) { return std::string(detail); };
      out.push_back(std::move(probe));
    }
  }
};

}  // namespace

void register_rule_kind(std::vector<std::unique_ptr<CheckKind>>& out) {
  out.push_back(std::make_unique<RuleViolations>());
}

}  // namespace integrity

void register_quarantine_functions(std::vector<FunctionSpec>& out);  // repair.cpp

void register_repair_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_rule_add";
    f.args = {{"name", ValueKind::kText, false},
              {"table_name", ValueKind::kText, false},
              {"condition", ValueKind::kText, false},
              {"severity", ValueKind::kText, true},
              {"repair", ValueKind::kText, true}};
    f.result = ValueKind::kText;
    f.writes = true;
    f.scalar = rule_add;
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_rule_drop";
    f.args = {{"name", ValueKind::kText, false}};
    f.result = ValueKind::kText;
    f.writes = true;
    f.scalar = rule_drop;
    out.push_back(std::move(f));
  }
  register_quarantine_functions(out);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
