// common/repair/repair.hpp
//
// Self-repair (repair.cpp, docs/repair.md): vigil_repair() turns the findings of vigil_check()
// into the smallest changes that make them go away, copying every row it removes or changes
// to vigil_quarantine first, in the same transaction; vigil_restore() puts a batch back.
#pragma once

#include <cstdint>
#include <vector>

#include "vigil/dialect.hpp"
#include "vigil/session.hpp"

namespace vigil {

// vigil_quarantine, described once for both engines.
const OwnTable& quarantine_table();

// The plan (dry_run) or what was done: rows (action, table_name, rows_affected, detail, batch).
// orphans_to_null: an orphan's single-column, nullable foreign key is set to NULL instead of
// the row being quarantined.
std::vector<Row> repair_database(Session& session, bool dry_run, bool orphans_to_null);
// Puts every row of `batch` back; returns how many.  All or nothing.
std::int64_t restore_batch(Session& session, std::int64_t batch);

}  // namespace vigil
