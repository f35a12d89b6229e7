// common/stats/integrity_hook.hpp
//
// The one place vigil_health() asks "how many integrity problems does this database have?":
// the number of vigil_check() findings of severity 'error' over every table, without the
// physical check (SQLite's quick_check is a health metric of its own; PostgreSQL's amcheck
// reads every page and index, too slow for a health probe).  The same planted defects give
// the same number in both engines.  Warnings (an invalid index, a NOT VALID constraint) are
// not counted: they are not bad data.
#pragma once

#include <cstdint>

#include "vigil/session.hpp"

namespace vigil {

// Defined beside vigil_check() in common/integrity/functions.cpp.
std::int64_t count_integrity_findings(Session& session);

}  // namespace vigil
