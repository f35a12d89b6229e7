// common/vigil/write_call.hpp
//
// One writing call (vigil_repair, vigil_restore) as one unit that takes the database's write
// lock the way the engine can wait for it.  When the host can begin a transaction (SQLite called
// outside one), the call is its own transaction begun with the dialect's write BEGIN (BEGIN
// IMMEDIATE): SQLite then waits for another connection's write up to the connection's busy
// timeout.  A deferred transaction that reads first and writes later cannot wait: SQLite never
// runs the busy handler for a connection that holds a read transaction (waiting while reading
// could deadlock), so the upgrade failed at once with SQLITE_BUSY (issue #16).  Otherwise
// (PostgreSQL, or the caller's own transaction) a savepoint inside the caller's transaction.
//
// lock_error() turns SQLite's bare "database is locked" into an error that says which of the
// two happened: the busy timeout ran out, or this connection could not wait at all (it was
// already reading: the table form of a call, or the caller's transaction).
#pragma once

#include <optional>
#include <string>

#include "vigil/error.hpp"
#include "vigil/session.hpp"

namespace vigil {

class WriteCall {
 public:
  // `what`: the SQL function, for the messages ("vigil_restore").
  WriteCall(Session& session, std::string what);
  ~WriteCall();
  WriteCall(const WriteCall&) = delete;
  WriteCall& operator=(const WriteCall&) = delete;

  // Keeps the call's changes (releases the savepoint, commits the transaction it began).
  void commit();
  // Undoes them now (the destructor does the same).
  void rollback();

  // The error to report for `e`, a kLockNotAvailable vigil::Error of the engine (SQLITE_BUSY):
  // what was locked and whether waiting was possible.
  Error lock_error(const Error& e) const;
  // The error for a write lock that could not be had: after waiting the busy timeout, or
  // (`reading`) at once, because the connection was reading.
  static Error busy_error(const std::string& what, bool reading);

 private:
  void end(bool ok);

  Session& session_;
  std::string what_;
  bool reading_ = false;  // the connection held a read transaction when the call began
  bool began_ = false;    // the call began its own BEGIN IMMEDIATE transaction
  std::optional<SubTransaction> sub_;
};

// Runs `body(call)` inside a WriteCall; a lock error (SQLITE_BUSY) that leaves it is rethrown
// as WriteCall::lock_error says.
template <class Body>
auto run_write_call(Session& session, const std::string& what, Body&& body) {
  std::optional<WriteCall> call;
  try {
    call.emplace(session, what);
    return body(*call);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kLockNotAvailable) throw;
    if (!call) throw;
    const Error clear = call->lock_error(e);
    call.reset();
    throw clear;  // NOLINT(misc-throw-by-value-catch-by-reference)
  }
}

}  // namespace vigil
