// pg_extension/debug_fault.hpp
//
// A fault point for tests: the superuser-only settings
//
//   vigil.debug_fault        = off | bad_alloc | exception     (PGC_SUSET, default off)
//   vigil.debug_fault_after  = N                                (PGC_SUSET, default 0)
//
// make the (N+1)th SQL statement that one vigil call runs through SPI throw, instead of running,
// std::bad_alloc or a std::runtime_error from inside the C++ core, with C++ objects, SPI and
// vigil's subtransactions alive under it.  sql/faults.sql shows that the boundary (dispatch())
// turns them into a clean ERROR (53200 out of memory; XX000 for any other C++ exception), that
// the transaction state is sound afterwards and the next query in the session works.
//
// Why a setting and not a build flag (PostgreSQL 17's injection points exist only in builds
// configured with --enable-injection-points): the tests run against the installed, normal
// build, which is the one that must behave.  The cost when off is one integer comparison per
// statement; only a superuser can turn it on, and it injects nothing but an error.
#pragma once

namespace vigil::pg {

// Defines the two settings (from _PG_init).
void define_debug_fault_settings();

// Called before each statement of a call; `statements_run` counts the call's statements so
// far.  Throws the configured fault when its turn has come.
void maybe_inject_fault(int statements_run);

}  // namespace vigil::pg
