// pg_extension/pg_guard.hpp
//
// The two halves of the C++/PostgreSQL boundary.
//
// PostgreSQL reports errors with longjmp, which would skip the destructors of every C++ frame
// it crosses; a C++ exception that reaches PostgreSQL's C frames crashes the backend.  So:
//  - pg_call(f) runs a PostgreSQL call that may raise (ereport) under PG_TRY and turns the
//    error into a PgError exception carrying PostgreSQL's own ErrorData.  The callable must
//    only hold plain data (no object with a destructor may live inside it);
//  - dispatch() in vigil_pg.cpp catches every C++ exception at the SQL-callable entry, leaves
//    the catch block, and only then re-raises a PgError unchanged (ReThrowError) or raises
//    ereport(ERROR) with the SQLSTATE of a vigil::Error.
//
// After pg_call has caught an error, the transaction must not go on as if nothing happened:
// the error is re-raised at the boundary, or rolled back with SubTransaction (savepoints are
// internal subtransactions), exactly as PL/pgSQL does.
#pragma once

#include <exception>
#include <type_traits>

#include "pg_extension/pg_headers.hpp"
#include "vigil/error.hpp"

namespace vigil::pg {

// A PostgreSQL error as a C++ exception.  It is a vigil::Error too, with the core's code for
// the classes the core must tell apart (a cancellation, damaged storage found by a checker), so
// core code can decide what to do with it; dispatch() still re-raises PostgreSQL's own error.
class PgError : public Error {
 public:
  explicit PgError(ErrorData* data)
      : Error(code_for(data),
              data != nullptr && data->message != nullptr ? data->message : "PostgreSQL error"),
        data_(data) {}
  ErrorData* data() const noexcept { return data_; }

 private:
  static ErrorCode code_for(const ErrorData* data) {
    if (data == nullptr) return ErrorCode::kEngineError;
    switch (data->sqlerrcode) {
      case ERRCODE_QUERY_CANCELED:
        return ErrorCode::kQueryCanceled;
      case ERRCODE_DATA_CORRUPTED:
      case ERRCODE_INDEX_CORRUPTED:
        return ErrorCode::kDataCorrupted;
      default:
        return ErrorCode::kEngineError;
    }
  }
  ErrorData* data_;  // palloc'd in the caller's memory context by CopyErrorData()
};

template <typename F>
auto pg_call(F&& f) -> decltype(f()) {
  using R = decltype(f());
  MemoryContext context = CurrentMemoryContext;
  ErrorData* volatile error = nullptr;
  if constexpr (std::is_void_v<R>) {
    PG_TRY();
    { f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(context);
      error = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (error != nullptr) throw PgError(error);
  } else {
    R result{};
    PG_TRY();
    { result = f(); }
    PG_CATCH();
    {
      MemoryContextSwitchTo(context);
      error = CopyErrorData();
      FlushErrorState();
    }
    PG_END_TRY();
    if (error != nullptr) throw PgError(error);
    return result;
  }
}

}  // namespace vigil::pg
