// sqlite_extension/sqlite_api.hpp
//
// The one include of SQLite's extension header for the host's files.  Built as a loadable
// extension, calls go through the sqlite3_api table that sqlite3_vigil_init() receives; built
// with SQLITE_CORE (the unit tests link the host statically), they are plain calls.
#pragma once

#include <sqlite3ext.h>

#ifndef SQLITE_CORE
SQLITE_EXTENSION_INIT3
#endif
