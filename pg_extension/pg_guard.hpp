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

namespace vigil::pg {

class PgError : public std::exception {
 public:
  explicit PgError(ErrorData* data) : data_(data) {}
  ErrorData* data() const noexcept { return data_; }
  const char* what() const noexcept override {
    return data_ != nullptr && data_->message != nullptr ? data_->message : "PostgreSQL error";
  }

 private:
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
