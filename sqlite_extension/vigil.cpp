// sqlite_extension/vigil.cpp
//
// vigil for SQLite: the loadable extension's entry point.
//
//   sqlite> .load ./build/vigil
//   sqlite> SELECT vigil_version();
//   0.1.0
//   sqlite> SELECT * FROM vigil_schema();
//   sqlite> SELECT vigil_schema_fingerprint();
//   sqlite> SELECT * FROM vigil_table_stats();
//   sqlite> SELECT * FROM vigil_query_stats();   -- this connection's statements, normalised
//   sqlite> SELECT * FROM vigil_health();
//
// Loading vigil takes the connection's single sqlite3_trace_v2() slot, for vigil_query_stats()
// (sqlite_extension/query_trace.hpp).
//
// From Python: con.enable_load_extension(True); con.load_extension("build/vigil");
// con.enable_load_extension(False).  The extension never enables load_extension() for SQL.
// docs/ has the reference of every function.
#include "sqlite_extension/sqlite_api.hpp"

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT1
#endif

#include "sqlite_extension/host.hpp"
#include "sqlite_extension/query_trace.hpp"

extern "C" {
__attribute__((visibility("default"))) int sqlite3_vigil_init(sqlite3* db, char** err,
                                                              const sqlite3_api_routines* api) {
#ifndef SQLITE_CORE
  SQLITE_EXTENSION_INIT2(api);
#else
  (void)api;
#endif
  // Query statistics take the connection's single trace slot (query_trace.hpp).
  const int rc = vigil::sqlite::install_query_trace(db);
  if (rc != SQLITE_OK) return rc;
  return vigil::sqlite::register_all(db, err);
}
}
