// common/vigil/no_host_headers.hpp
//
// Included last by every .cpp file of the engine-neutral core (headers are shared with the
// hosts, so they cannot carry it).  The core must never see a
// PostgreSQL or SQLite header: if one slipped in (directly or through another header), the
// build stops here.  The same rule is also checked by CMake when the project is configured.
#pragma once

#ifdef POSTGRES_H
static_assert(false, "common/ must not include postgres.h: engine code belongs in pg_extension/");
#endif
#ifdef SQLITE3_H
static_assert(false,
              "common/ must not include sqlite3.h: engine code belongs in sqlite_extension/");
#endif
#ifdef SQLITE3EXT_H
static_assert(false,
              "common/ must not include sqlite3ext.h: engine code belongs in sqlite_extension/");
#endif
