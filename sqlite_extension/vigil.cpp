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
//
// From Python: con.enable_load_extension(True); con.load_extension("build/vigil");
// con.enable_load_extension(False).  The extension never enables load_extension() for SQL.
// docs/ has the reference of every function.
#include "sqlite_extension/sqlite_api.hpp"

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT1
#endif

#include "sqlite_extension/host.hpp"

extern "C" {
__attribute__((visibility("default"))) int sqlite3_vigil_init(sqlite3* db, char** err,
                                                              const sqlite3_api_routines* api) {
#ifndef SQLITE_CORE
  SQLITE_EXTENSION_INIT2(api);
#else
  (void)api;
#endif
  return vigil::sqlite::register_all(db, err);
}
}
