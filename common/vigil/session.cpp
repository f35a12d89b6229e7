// common/vigil/session.cpp
#include "vigil/session.hpp"

namespace vigil {

Value Session::scalar(std::string_view sql, const Params& params) {
  auto cursor = query(sql, params);
  if (!cursor->next() || cursor->column_count() == 0) return Value::null();
  return cursor->get(0);
}

SubTransaction::~SubTransaction() {
  if (done_) return;
  try {
    session_.rollback_to();
  } catch (...) {  // NOLINT(bugprone-empty-catch): already unwinding from the real error
  }
}

void SubTransaction::commit() {
  done_ = true;
  session_.release();
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
