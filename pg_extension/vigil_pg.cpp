// pg_extension/vigil_pg.cpp
//
// vigil for PostgreSQL: dispatch(), the single place where C++ exceptions become PostgreSQL
// errors.  Every C function declared in vigil--*.sql is one VIGIL_PG_FUNCTION line in an
// entry_<group>.cpp file, and every one goes through dispatch().  The function's contract
// (arguments, result columns) comes from the core's registry (common/vigil/functions.hpp); the
// install script declares the same signatures (run_table() refuses a declaration whose columns
// differ).
#include <cstring>
#include <memory>
#include <new>

#include "pg_extension/pg_dispatch.hpp"
#include "pg_extension/pg_guard.hpp"
#include "pg_extension/pg_headers.hpp"
#include "pg_extension/pg_session.hpp"
#include "pg_extension/pg_value.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"

extern "C" {
PG_MODULE_MAGIC;
}

namespace vigil::pg {
namespace {

std::vector<Value> read_args(FunctionCallInfo fcinfo, const FunctionSpec& spec) {
  std::vector<Value> values(spec.args.size(), Value::null());
  const int n = PG_NARGS();
  for (int i = 0; i < n && static_cast<std::size_t>(i) < spec.args.size(); ++i) {
    if (PG_ARGISNULL(i)) continue;
    const Oid type = get_fn_expr_argtype(fcinfo->flinfo, i);
    Value v = datum_to_value(PG_GETARG_DATUM(i), false, type);
    if (spec.args[static_cast<std::size_t>(i)].type == ValueKind::kJson &&
        v.kind() != ValueKind::kJson) {
      v = Value::json(v.to_text());
    }
    values[static_cast<std::size_t>(i)] = std::move(v);
  }
  return values;
}

Datum run_scalar(FunctionCallInfo fcinfo, const FunctionSpec& spec) {
  const Args args(spec.args, read_args(fcinfo, spec));
  const MemoryContext caller = CurrentMemoryContext;
  Value result;
  {
    SpiSession session(!spec.writes);
    result = spec.scalar(session, args);
    session.finish();
  }
  MemoryContextSwitchTo(caller);
  const Oid type = get_fn_expr_rettype(fcinfo->flinfo);
  bool isnull = false;
  const Datum datum = value_to_datum(result, type, &isnull);
  fcinfo->isnull = isnull;
  return datum;
}

// Rows go into the tuplestore that InitMaterializedSRF set up; it spills to disk past
// work_mem, so a long result does not grow the backend's memory.
Datum run_table(FunctionCallInfo fcinfo, const FunctionSpec& spec) {
  const Args args(spec.args, read_args(fcinfo, spec));
  pg_call([fcinfo] { InitMaterializedSRF(fcinfo, 0); });
  auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  TupleDesc desc = rsinfo->setDesc;
  const auto ncols = static_cast<std::size_t>(desc->natts);
  if (ncols != spec.columns.size()) {
    throw Error(ErrorCode::kInternal,
                "the installed SQL declaration of " + spec.name +
                    " does not match the library; run ALTER EXTENSION vigil UPDATE");
  }
  SpiSession session(!spec.writes);
  MemoryContext row_context = pg_call([] {
    return AllocSetContextCreate(CurrentMemoryContext, "vigil row", ALLOCSET_SMALL_SIZES);
  });
  std::unique_ptr<Datum[]> values(new Datum[ncols]);
  std::unique_ptr<bool[]> nulls(new bool[ncols]);
  {
    std::unique_ptr<RowSource> source = spec.table(session, args);
    Row row;
    while (source->next(row)) {
      session.check_interrupts();
      const MemoryContext previous = MemoryContextSwitchTo(row_context);
      for (std::size_t i = 0; i < ncols; ++i) {
        const Value& v = i < row.size() ? row[i] : Value();
        values[i] =
            value_to_datum(v, TupleDescAttr(desc, static_cast<int>(i))->atttypid, &nulls[i]);
      }
      Tuplestorestate* store = rsinfo->setResult;
      Datum* vals = values.get();
      bool* isnull = nulls.get();
      pg_call([store, desc, vals, isnull] { tuplestore_putvalues(store, desc, vals, isnull); });
      MemoryContextSwitchTo(previous);
      MemoryContextReset(row_context);
    }
  }
  session.finish();
  return static_cast<Datum>(0);
}

Datum dispatch_unsafe(FunctionCallInfo fcinfo, const char* name) {
  const FunctionSpec& spec = find_function(name);
  // A function that writes stops before doing anything in a read-only transaction, and says
  // why in one clear error (on a hot standby every transaction is read-only).
  if (spec.writes && XactReadOnly) {
    throw Error(ErrorCode::kReadOnly,
                spec.name + " changes data and cannot run in a read-only transaction",
                RecoveryInProgress() ? "This server is a hot standby: run it on the primary." : "");
  }
  return spec.is_table() ? run_table(fcinfo, spec) : run_scalar(fcinfo, spec);
}

void copy_text(char* dst, std::size_t size, const char* src) {
  std::strncpy(dst, src, size - 1);
  dst[size - 1] = '\0';
}

}  // namespace

// The boundary.  No object with a destructor is alive when ereport/ReThrowError longjmps out
// of this frame: the try block has ended, and what it caught was copied into plain buffers.
Datum dispatch(FunctionCallInfo fcinfo, const char* name) {
  ErrorData* pg_error = nullptr;
  bool failed = false;
  char message[2048];
  char hint[1024];
  char state[6] = "XX000";
  hint[0] = '\0';
  Datum result = static_cast<Datum>(0);
  try {
    result = dispatch_unsafe(fcinfo, name);
  } catch (const PgError& e) {
    pg_error = e.data();
  } catch (const Error& e) {
    failed = true;
    copy_text(message, sizeof message, e.what());
    copy_text(hint, sizeof hint, e.hint().c_str());
    copy_text(state, sizeof state, sqlstate(e.code()));
  } catch (const std::bad_alloc&) {
    failed = true;
    copy_text(message, sizeof message, "out of memory");
    copy_text(state, sizeof state, sqlstate(ErrorCode::kOutOfMemory));
  } catch (const std::exception& e) {
    failed = true;
    copy_text(message, sizeof message, e.what());
  } catch (...) {
    failed = true;
    copy_text(message, sizeof message, "unknown C++ exception");
  }
  if (pg_error != nullptr) ReThrowError(pg_error);
  if (failed) {
    ereport(ERROR, (errcode(MAKE_SQLSTATE(state[0], state[1], state[2], state[3], state[4])),
                    errmsg("%s", message), hint[0] != '\0' ? errhint("%s", hint) : 0));
  }
  return result;
}

}  // namespace vigil::pg
