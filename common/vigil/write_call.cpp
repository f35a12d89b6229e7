// common/vigil/write_call.cpp: one writing call as one unit (write_call.hpp).
#include "vigil/write_call.hpp"

#include <fmt/format.h>

#include "vigil/dialect.hpp"

namespace vigil {

WriteCall::WriteCall(Session& session, std::string what)
    : session_(session), what_(std::move(what)) {
  const Dialect& d = session.dialect();
  reading_ = session.reading_only();
  if (session.can_begin_transaction() && !d.begin_write_sql().empty()) {
    try {
      session.exec(d.begin_write_sql());
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kLockNotAvailable) throw;
      throw busy_error(what_, reading_);
    }
    began_ = true;
  }
  sub_.emplace(session);
}

Error WriteCall::busy_error(const std::string& what, bool reading) {
  if (!reading) {
    return Error(ErrorCode::kLockNotAvailable,
                 fmt::format("{}: another connection held the database's write lock for longer "
                             "than this connection's busy timeout; nothing was done",
                             what),
                 "Retry later, or wait longer: PRAGMA busy_timeout = milliseconds (.timeout in "
                 "the sqlite3 shell).");
  }
  return Error(ErrorCode::kLockNotAvailable,
               fmt::format("{}: another connection is writing to the database, and this "
                           "connection cannot wait for it: it is already reading (inside the "
                           "caller's transaction, or in the statement of a table-valued call), "
                           "and SQLite does not wait for a lock while reading, whatever the "
                           "busy timeout; nothing was done",
                           what),
               fmt::format("Call {} outside a transaction in its scalar form (SELECT {}(...)), "
                           "or begin the transaction with BEGIN IMMEDIATE, which waits up to the "
                           "busy timeout.",
                           what, what));
}

WriteCall::~WriteCall() {
  try {
    end(false);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void WriteCall::commit() {
  end(true);
}

void WriteCall::rollback() {
  end(false);
}

// The savepoint is released or rolled back first, so the transaction the call began has nothing
// left to undo when it ends: COMMIT either way (a ROLLBACK would abort the reading statement of
// a table-valued call).
void WriteCall::end(bool ok) {
  if (sub_) {
    if (ok) {
      sub_->commit();
      sub_.reset();
    } else {
      sub_.reset();  // rolls back
    }
  }
  if (began_) {
    began_ = false;
    // After an I/O error or out of memory SQLite may have rolled the transaction back itself.
    if (!session_.can_begin_transaction()) session_.exec(session_.dialect().commit_sql());
  }
}

Error WriteCall::lock_error(const Error& e) const {
  if (began_) {
    // BEGIN IMMEDIATE took the write lock: a later busy error is a lock of another kind
    // (a shared-cache table lock): say what SQLite said.
    return Error(ErrorCode::kLockNotAvailable,
                 fmt::format("{}: {}; nothing was done", what_, e.what()), e.hint());
  }
  return busy_error(what_, reading_ || session_.reading_only());
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
