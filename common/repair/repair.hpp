// common/repair/repair.hpp
//
// Self-repair (repair.cpp, docs/repair.md): vigil_repair() turns the findings of vigil_check()
// into the smallest changes that make them go away, copying every row it removes or changes
// to vigil_quarantine first, in the same transaction; vigil_restore() puts a batch back.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "integrity/probe.hpp"
#include "vigil/dialect.hpp"
#include "vigil/session.hpp"

namespace vigil {

// vigil_quarantine, described once for both engines.
const OwnTable& quarantine_table();

// The plan (dry_run) or what was done: rows (action, table_name, rows_affected, detail, batch).
// orphans_to_null: an orphan's single-column, nullable foreign key is set to NULL instead of
// the row being quarantined.
std::vector<Row> repair_database(Session& session, bool dry_run, bool orphans_to_null);
class Repairer;

// vigil_check()'s `repairable` (docs/integrity.md): what vigil_repair() with its default options
// would do to a finding's offending rows, decided by the repair's own code on the rows as they
// are, without writing or locking anything.  One judge per vigil_check() call (it reads the
// schema once, for the rows that reference a row).
class RepairJudge {
 public:
  explicit RepairJudge(Session& session);
  ~RepairJudge();
  RepairJudge(const RepairJudge&) = delete;
  RepairJudge& operator=(const RepairJudge&) = delete;
  // true: the repair repairs every offending row of the finding (unique_duplicate: every newer
  // row of a shared key), false: none of them ('none' or 'refused'), NULL: some.  Not for
  // `physical`, whose problems are judged one by one (repairs_physical).
  Value verdict(const TableRef& table, const integrity::Subject& subject);
  // Whether the repair rebuilds the index of `table` a physical problem names.
  bool repairs_physical(const TableRef& table, const std::string& detail) const;

 private:
  std::unique_ptr<Repairer> repairer_;
};

// Puts every row of `batch` back; returns how many.  All or nothing.
std::int64_t restore_batch(Session& session, std::int64_t batch);

}  // namespace vigil
