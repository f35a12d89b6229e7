// sqlite_extension/query_trace.hpp
//
// Query statistics for SQLite, per connection, through sqlite3_trace_v2().
//
// SQLite gives each connection ONE trace callback: loading vigil takes that slot (and replaces
// any callback set before).  An application that sets its own trace callback afterwards turns
// vigil's statistics off for that connection; sqlite3_trace_v2(db, 0, 0, 0) does so on purpose.
//
// Per run of a statement: SQLITE_TRACE_STMT starts vigil's own monotonic clock
// (monotonic_clock.hpp; SQLite's profile time has millisecond resolution), SQLITE_TRACE_ROW counts
// rows, SQLITE_TRACE_PROFILE ends the run and adds it to the statement's entry.  Statements that
// write and return no rows count the changes they made (sqlite3_total_changes64 before and after).
// The normalised text and fingerprint are cached per prepared statement, so a statement run a
// million times is normalised once; the per-statement path (query_trace.cpp) neither allocates
// nor locks nor compares text.  Why STMT | ROW | PROFILE: PROFILE is the only end-of-run event
// (and with it SQLite reads its own clock at the start and end of every statement), STMT the
// start to read vigil's clock at, ROW the only way to count rows (SQLite 3.40 keeps no row
// counter per statement).  Statements run from inside another statement (vigil's own
// queries, for instance) are not counted, as PostgreSQL's vigil.track = 'top'.
//
// SQLite's trace interface does not say whether a run failed, so `errors` is not counted
// (NULL in vigil_query_stats()).
#pragma once

#include "sqlite_extension/sqlite_api.hpp"
#include "stats/query_stats.hpp"

namespace vigil::sqlite {

// Starts recording on `db` (called by sqlite3_vigil_init).  Returns an SQLite result code.
int install_query_trace(sqlite3* db);

// The store of `db`, or nullptr when vigil does not record on it.
QueryStatsStore* query_stats_of(sqlite3* db);

}  // namespace vigil::sqlite
