// common/vigil/error.cpp
//
// The one table that maps core error codes to engine error classes.  SQLite result codes are
// written as numbers (from sqlite3.h) because the core may not include SQLite's header; the
// unit tests compare them with the header's constants.
#include "vigil/error.hpp"

#include "vigil/system_fault.hpp"

namespace vigil {
namespace {

struct ErrorClass {
  ErrorCode code;
  const char* sqlstate;
  int sqlite;
};

constexpr int kSqliteError = 1;        // SQLITE_ERROR
constexpr int kSqliteAuth = 23;        // SQLITE_AUTH
constexpr int kSqliteReadonly = 8;     // SQLITE_READONLY
constexpr int kSqliteBusy = 5;         // SQLITE_BUSY
constexpr int kSqliteInterrupt = 9;    // SQLITE_INTERRUPT
constexpr int kSqliteNomem = 7;        // SQLITE_NOMEM
constexpr int kSqliteIoerr = 10;       // SQLITE_IOERR
constexpr int kSqliteMismatch = 20;    // SQLITE_MISMATCH
constexpr int kSqliteInternal = 2;     // SQLITE_INTERNAL
constexpr int kSqliteCorrupt = 11;     // SQLITE_CORRUPT
constexpr int kSqliteConstraint = 19;  // SQLITE_CONSTRAINT
constexpr int kSqliteToobig = 18;      // SQLITE_TOOBIG

constexpr ErrorClass kErrorClasses[] = {
    {ErrorCode::kInvalidParameter, "22023", kSqliteError},
    {ErrorCode::kNullValueNotAllowed, "22004", kSqliteError},
    {ErrorCode::kDataException, "22000", kSqliteMismatch},
    {ErrorCode::kDatatypeMismatch, "42804", kSqliteMismatch},
    {ErrorCode::kUndefinedTable, "42P01", kSqliteError},
    {ErrorCode::kUndefinedColumn, "42703", kSqliteError},
    {ErrorCode::kUndefinedObject, "42704", kSqliteError},
    {ErrorCode::kDuplicateObject, "42710", kSqliteError},
    {ErrorCode::kSyntaxError, "42601", kSqliteError},
    {ErrorCode::kWrongObjectType, "42809", kSqliteError},
    {ErrorCode::kInsufficientPrivilege, "42501", kSqliteAuth},
    {ErrorCode::kReadOnly, "25006", kSqliteReadonly},
    {ErrorCode::kFeatureNotSupported, "0A000", kSqliteError},
    {ErrorCode::kPrerequisiteState, "55000", kSqliteError},
    {ErrorCode::kLockNotAvailable, "55P03", kSqliteBusy},
    {ErrorCode::kQueryCanceled, "57014", kSqliteInterrupt},
    {ErrorCode::kOutOfMemory, "53200", kSqliteNomem},
    {ErrorCode::kIoError, "58030", kSqliteIoerr},
    {ErrorCode::kIntegrityViolation, "23000", kSqliteConstraint},
    {ErrorCode::kEngineError, "38000", kSqliteError},
    {ErrorCode::kDataCorrupted, "XX001", kSqliteCorrupt},
    {ErrorCode::kProgramLimitExceeded, "54000", kSqliteToobig},
    {ErrorCode::kInvalidDefinition, "42P17", kSqliteError},
    {ErrorCode::kInternal, "XX000", kSqliteInternal},
};

const ErrorClass& find_class(ErrorCode code) {
  for (const auto& c : kErrorClasses) {
    if (c.code == code) return c;
  }
  return kErrorClasses[sizeof(kErrorClasses) / sizeof(kErrorClasses[0]) - 1];
}

}  // namespace

const char* sqlstate(ErrorCode code) {
  return find_class(code).sqlstate;
}

bool is_system_fault(const std::string& state) {
  return state.compare(0, 2, "53") == 0 || state.compare(0, 2, "58") == 0 || state == "57014";
}

int sqlite_result_code(ErrorCode code) {
  return find_class(code).sqlite;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
