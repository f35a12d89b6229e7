// pg_extension/debug_wait.hpp
//
// A wait point for tests: the superuser-only setting
//
//   vigil.debug_wait_point = off | checksum_scan | check_scan | table_stats | repair_row
//                            | restore_row | migrate_statement        (PGC_SUSET, default off)
//
// makes the next vigil call of the session that reaches the named point of the core
// (vigil::WaitPoint, common/vigil/session.hpp) wait there -- inside the core's loop, with C++
// objects, SPI and vigil's subtransactions alive -- until the statement is cancelled
// (pg_cancel_backend, statement_timeout) or the backend terminated.  While it waits,
// pg_stat_activity shows the backend with wait_event_type = 'Extension' and wait_event =
// 'Extension'.  A test polls for that, then cancels: the cancellation reaches the call at a
// known place, however fast or slow the machine is (tests/pg_physical/run.py, sql/cancel.sql).
//
// Why a setting (as vigil.debug_fault, debug_fault.hpp): the tests run against the installed,
// normal build.  The cost when off is one integer comparison at each point (the points are
// reached every 4096 rows, or once per table, row repaired or statement run); only a superuser
// can turn it on, and it only ever waits for a cancellation that the waiting session's owner or
// a superuser sends.
#pragma once

#include "vigil/session.hpp"

namespace vigil::pg {

// Defines the setting (from _PG_init).
void define_debug_wait_settings();

// Whether vigil.debug_wait_point names `point` (one integer comparison: the cost when off).
bool wait_point_requested(WaitPoint point);

// Waits until the statement is cancelled: never returns normally, ends by a PostgreSQL ERROR
// (call it through pg_call) or by the backend's exit.
[[noreturn]] void wait_at_point();

}  // namespace vigil::pg
