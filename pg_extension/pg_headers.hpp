// pg_extension/pg_headers.hpp
//
// The PostgreSQL headers the host uses, included with C linkage.  Only pg_extension/ may
// include this file (common/ never sees a PostgreSQL header).
#pragma once

// The library is built with -fvisibility=hidden; PostgreSQL 15 leaves PGDLLEXPORT empty, so the
// SQL-callable symbols (and Pg_magic_func) are exported explicitly.
#ifndef PGDLLEXPORT
#define PGDLLEXPORT __attribute__((visibility("default")))
#endif

// postgres.h comes first, always; the rest follow in any order.
extern "C" {
#include "postgres.h"
// clang-format off
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
// clang-format on
}
