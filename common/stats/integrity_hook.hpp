// common/stats/integrity_hook.hpp
//
// The one place vigil_health() asks "how many integrity problems does this database have?".
//
// Today it counts what each engine reports by itself (Dialect::integrity_findings_sql()):
// SQLite's foreign-key violations (PRAGMA foreign_key_check) and PostgreSQL's invalid indexes
// and NOT VALID constraints.  When vigil_check() lands in the core, this function becomes the
// number of its findings with severity 'error' -- a change of this function's body only;
// health, snapshots, alerts and metrics keep calling it.
#pragma once

#include <cstdint>

#include "vigil/session.hpp"

namespace vigil {

std::int64_t count_integrity_findings(Session& session);

}  // namespace vigil
