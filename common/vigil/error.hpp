// common/vigil/error.hpp
//
// The core's single error type.  Every failure the core reports carries an ErrorCode; one
// table (error.cpp) maps each code to a PostgreSQL SQLSTATE and to a SQLite result code, so the
// same mistake gives the same message, and the matching error class, in both engines.
#pragma once

#include <stdexcept>
#include <string>

namespace vigil {

enum class ErrorCode {
  kInvalidParameter,       // 22023 invalid_parameter_value
  kNullValueNotAllowed,    // 22004 null_value_not_allowed
  kDataException,          // 22000 data_exception
  kDatatypeMismatch,       // 42804 datatype_mismatch
  kUndefinedTable,         // 42P01 undefined_table
  kUndefinedColumn,        // 42703 undefined_column
  kUndefinedObject,        // 42704 undefined_object
  kDuplicateObject,        // 42710 duplicate_object
  kSyntaxError,            // 42601 syntax_error
  kWrongObjectType,        // 42809 wrong_object_type
  kInsufficientPrivilege,  // 42501 insufficient_privilege
  kReadOnly,               // 25006 read_only_sql_transaction
  kFeatureNotSupported,    // 0A000 feature_not_supported
  kPrerequisiteState,      // 55000 object_not_in_prerequisite_state
  kLockNotAvailable,       // 55P03 lock_not_available
  kQueryCanceled,          // 57014 query_canceled
  kOutOfMemory,            // 53200 out_of_memory
  kIoError,                // 58030 io_error
  kIntegrityViolation,     // 23000 integrity_constraint_violation (SQLite SQLITE_CONSTRAINT)
  kEngineError,            // 38000 external_routine_exception: the engine refused a statement
  kDataCorrupted,          // XX001 data_corrupted: the engine found damaged storage
  kProgramLimitExceeded,   // 54000 program_limit_exceeded (SQLite SQLITE_TOOBIG)
  kInvalidDefinition,      // 42P17 invalid_object_definition
  kInternal,               // XX000 internal_error: a bug in vigil
};

// The five-character SQLSTATE PostgreSQL reports for `code`.
const char* sqlstate(ErrorCode code);

// The primary SQLite result code for `code` (SQLITE_ERROR, SQLITE_NOMEM, ...), as an int so
// this header needs no SQLite header.
int sqlite_result_code(ErrorCode code);

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorCode code_;
  std::string hint_;
};

}  // namespace vigil
