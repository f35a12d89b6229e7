// common/integrity/physical.cpp
//
// The `physical` check kind: the engine's own checker of its storage (Dialect::physical_plan).
//   SQLite      PRAGMA quick_check, or integrity_check when `full` (it also compares every
//               index with its table).  vigil_check() runs it once on the whole database and
//               names the table where the message names an index of it; vigil_check('t') and
//               vigil_check_rows('physical', 't') check one table.
//   PostgreSQL  amcheck, when the extension is installed in the database: verify_heapam() on
//               the table's heap (each partition's), bt_index_check() on its valid B-tree
//               indexes (`full`: with heapallindexed and the TOAST check).  Without amcheck,
//               vigil_check() gives one `info` row saying how to enable it, and
//               vigil_check_rows('physical', ...) raises 55000 with that hint.
// Problems that other kinds report (SQLite's NOT NULL, CHECK and UNIQUE messages) are left
// out, so no defect is reported twice.  A corruption error raised by a checker (bt_index_check
// reports with XX002) becomes a finding, inside a subtransaction, not a failure; every other
// error (a cancellation included) still ends the call.
#include <optional>

#include "integrity/check_kind.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil::integrity {
namespace {

class StepCursor final : public ViolationCursor {
 public:
  StepCursor(Session& session, const Dialect::PhysicalStep& step) : step_(step) {
    if (!step.error_is_finding) {
      cursor_ = session.query(step.sql, step.params);
      return;
    }
    // The checker raises on what it finds: run the step alone in a subtransaction, so the
    // error can be rolled back and reported.  Such steps return no rows of their own.
    try {
      SubTransaction sub(session);
      auto cursor = session.query(step.sql, step.params);
      while (cursor->next()) {
      }
      cursor.reset();
      sub.commit();
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kDataCorrupted) throw;
      error_ = step.object + ": " + e.what();
    }
  }

  bool next() override {
    if (!error_.empty()) {
      message_ = error_;
      error_.clear();
      table_.reset();
      locator_ = Value::null();
      return true;
    }
    while (cursor_ && cursor_->next()) {
      if (cursor_->get(3).is_null()) continue;
      message_ = cursor_->get(3).to_text();
      locator_ = cursor_->get(2);
      if (!cursor_->get(1).is_null()) {
        table_ = TableRef{cursor_->get(0).to_text(), cursor_->get(1).to_text()};
      } else {
        table_.reset();
      }
      return true;
    }
    return false;
  }

  std::size_t subject() const override { return 0; }
  const TableRef* table() const override { return table_ ? &*table_ : nullptr; }
  Row sort_key() const override { return {locator_}; }
  Value row_key() const override {
    if (locator_.is_null() || step_.locator_name.empty()) return Value::null();
    return Value::json(json_object({step_.locator_name}, {locator_}));
  }
  std::string detail() const override { return message_; }

 private:
  const Dialect::PhysicalStep& step_;
  std::unique_ptr<Cursor> cursor_;
  std::string error_;
  std::string message_;
  Value locator_;
  std::optional<TableRef> table_;
};

class StepProbe final : public Probe {
 public:
  explicit StepProbe(Dialect::PhysicalStep step) : step_(std::move(step)) {
    table_ = step_.table;
    Subject subject;
    subject.check_name = "physical";
    subject.severity = Severity::kError;
    subjects_.push_back(std::move(subject));  // detail: the first problem found
  }
  std::unique_ptr<ViolationCursor> run(Session& session) const override {
    return std::make_unique<StepCursor>(session, step_);
  }

 private:
  Dialect::PhysicalStep step_;
};

class Physical final : public CheckKind {
 public:
  std::string_view name() const override { return "physical"; }

  void plan(CheckContext& context, const Table& table, Probes& out) const override {
    if (context.all_tables) return;  // plan_database() checks every table at once
    add(context, {table.ref}, out);
  }

  void plan_database(CheckContext& context, Probes& out) const override { add(context, {}, out); }

 private:
  static void add(CheckContext& context, const std::vector<TableRef>& tables, Probes& out) {
    Dialect::PhysicalPlan plan =
        context.session.dialect().physical_plan(context.session, tables, context.full);
    if (!plan.available) {
      if (context.rows) {
        throw Error(ErrorCode::kPrerequisiteState,
                    "the physical check is not available: " + plan.unavailable_detail);
      }
      auto probe = std::make_unique<FactProbe>();
      if (!tables.empty()) probe->table_ = tables.front();
      Subject subject;
      subject.check_name = "physical";
      subject.severity = Severity::kInfo;
      subject.detail = plan.unavailable_detail;
      subject.report_when_clean = true;
      probe->subjects_.push_back(std::move(subject));
      out.push_back(std::move(probe));
      return;
    }
    for (auto& step : plan.steps) out.push_back(std::make_unique<StepProbe>(std::move(step)));
  }
};

}  // namespace

void register_physical_kind(std::vector<std::unique_ptr<CheckKind>>& out) {
  out.push_back(std::make_unique<Physical>());
}

}  // namespace vigil::integrity

#include "vigil/no_host_headers.hpp"
