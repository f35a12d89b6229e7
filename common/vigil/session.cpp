// common/vigil/session.cpp
#include "vigil/session.hpp"

#include <new>

#include "vigil/error.hpp"

namespace vigil {

const char* wait_point_name(WaitPoint point) {
  switch (point) {
    case WaitPoint::kChecksumScan:
      return "checksum_scan";
    case WaitPoint::kCheckScan:
      return "check_scan";
    case WaitPoint::kTableStats:
      return "table_stats";
    case WaitPoint::kRepairRow:
      return "repair_row";
    case WaitPoint::kRestoreRow:
      return "restore_row";
    case WaitPoint::kMigrateStatement:
      return "migrate_statement";
  }
  return "unknown";
}

std::string Session::error_sqlstate(const std::exception& e) const {
  if (const auto* error = dynamic_cast<const Error*>(&e)) return sqlstate(error->code());
  if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr) return sqlstate(ErrorCode::kOutOfMemory);
  return sqlstate(ErrorCode::kInternal);
}

bool Session::can_begin_transaction() const {
  return false;
}

std::string Session::syntax_error(std::string_view) {
  return {};
}

void Session::check_stored_condition(const TableRef&, const std::string&, const std::string&,
                                     const std::string*) {
  throw Error(ErrorCode::kFeatureNotSupported, "this engine cannot evaluate stored conditions");
}

std::optional<std::vector<TableRef>> Session::schema_changes() {
  return std::nullopt;
}

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
