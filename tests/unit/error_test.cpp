// tests/unit/error_test.cpp
//
// The one table that maps core error codes to engine error classes (common/vigil/error.cpp):
// every code gives the SQLSTATE documented in error.hpp and the SQLite result code of
// <sqlite3.h>, and vigil::Error keeps its code, message and hint.
#include "vigil/error.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <new>
#include <set>
#include <stdexcept>
#include <string>

#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/system_fault.hpp"

namespace {

using vigil::ErrorCode;

struct Expected {
  ErrorCode code;
  const char* sqlstate;
  int sqlite;
};

// SQLSTATEs as documented beside each enumerator in error.hpp; SQLite codes from sqlite3.h.
const Expected kExpected[] = {
    {ErrorCode::kInvalidParameter, "22023", SQLITE_ERROR},
    {ErrorCode::kNullValueNotAllowed, "22004", SQLITE_ERROR},
    {ErrorCode::kDataException, "22000", SQLITE_MISMATCH},
    {ErrorCode::kDatatypeMismatch, "42804", SQLITE_MISMATCH},
    {ErrorCode::kUndefinedTable, "42P01", SQLITE_ERROR},
    {ErrorCode::kUndefinedColumn, "42703", SQLITE_ERROR},
    {ErrorCode::kUndefinedObject, "42704", SQLITE_ERROR},
    {ErrorCode::kDuplicateObject, "42710", SQLITE_ERROR},
    {ErrorCode::kSyntaxError, "42601", SQLITE_ERROR},
    {ErrorCode::kWrongObjectType, "42809", SQLITE_ERROR},
    {ErrorCode::kInsufficientPrivilege, "42501", SQLITE_AUTH},
    {ErrorCode::kReadOnly, "25006", SQLITE_READONLY},
    {ErrorCode::kFeatureNotSupported, "0A000", SQLITE_ERROR},
    {ErrorCode::kPrerequisiteState, "55000", SQLITE_ERROR},
    {ErrorCode::kLockNotAvailable, "55P03", SQLITE_BUSY},
    {ErrorCode::kQueryCanceled, "57014", SQLITE_INTERRUPT},
    {ErrorCode::kOutOfMemory, "53200", SQLITE_NOMEM},
    {ErrorCode::kIoError, "58030", SQLITE_IOERR},
    {ErrorCode::kIntegrityViolation, "23000", SQLITE_CONSTRAINT},
    {ErrorCode::kEngineError, "38000", SQLITE_ERROR},
    {ErrorCode::kDataCorrupted, "XX001", SQLITE_CORRUPT},
    {ErrorCode::kProgramLimitExceeded, "54000", SQLITE_TOOBIG},
    {ErrorCode::kInvalidDefinition, "42P17", SQLITE_ERROR},
    {ErrorCode::kInternal, "XX000", SQLITE_INTERNAL},
};

class ErrorMapping : public ::testing::TestWithParam<Expected> {};

TEST_P(ErrorMapping, SqlstateMatchesDocumentation) {
  const Expected& e = GetParam();
  EXPECT_STREQ(vigil::sqlstate(e.code), e.sqlstate);
}

TEST_P(ErrorMapping, SqliteCodeMatchesHeaderConstant) {
  const Expected& e = GetParam();
  EXPECT_EQ(vigil::sqlite_result_code(e.code), e.sqlite);
}

INSTANTIATE_TEST_SUITE_P(AllCodes, ErrorMapping, ::testing::ValuesIn(kExpected),
                         [](const ::testing::TestParamInfo<Expected>& info) {
                           return std::string("Sqlstate_") + info.param.sqlstate;
                         });

TEST(ErrorMappingTable, CoversEveryEnumeratorExactlyOnce) {
  // The enum is dense from kInvalidParameter to kInternal; the table above lists each once.
  constexpr int kCount = static_cast<int>(ErrorCode::kInternal) + 1;
  EXPECT_EQ(sizeof(kExpected) / sizeof(kExpected[0]), static_cast<std::size_t>(kCount));
  std::set<int> seen;
  for (const auto& e : kExpected) seen.insert(static_cast<int>(e.code));
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kCount));
}

TEST(ErrorMappingTable, SqlstatesAreFiveCharactersAndDistinct) {
  std::set<std::string> states;
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const std::string s = vigil::sqlstate(static_cast<ErrorCode>(i));
    EXPECT_EQ(s.size(), 5u) << s;
    states.insert(s);
  }
  EXPECT_EQ(states.size(), static_cast<std::size_t>(ErrorCode::kInternal) + 1);
}

TEST(ErrorType, KeepsCodeMessageAndHint) {
  const vigil::Error e(ErrorCode::kUndefinedTable, "table \"nope\" does not exist",
                       "check the name");
  EXPECT_EQ(e.code(), ErrorCode::kUndefinedTable);
  EXPECT_STREQ(e.what(), "table \"nope\" does not exist");
  EXPECT_EQ(e.hint(), "check the name");

  const vigil::Error no_hint(ErrorCode::kInternal, "boom");
  EXPECT_EQ(no_hint.hint(), "");
}

TEST(ErrorType, IsCatchableAsRuntimeError) {
  try {
    throw vigil::Error(ErrorCode::kReadOnly, "read only");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "read only");
    return;
  }
  FAIL() << "vigil::Error was not caught as std::runtime_error";
}

}  // namespace

// Faults of the system end a call instead of being recorded as a statement's failure
// (tests/faults): out of memory and other exhausted resources, I/O and system errors, a cancel.
TEST(SystemFault, ClassesThatEndACall) {
  for (const char* state : {"53200", "53100", "53000", "58030", "58000", "57014"}) {
    EXPECT_TRUE(vigil::is_system_fault(state)) << state;
  }
  for (const char* state : {"42P01", "55P03", "40001", "40P01", "23505", "XX000", "57P01", ""}) {
    EXPECT_FALSE(vigil::is_system_fault(state)) << state;
  }
}

TEST(SystemFault, BadAllocIsOutOfMemory) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  {
    vigil::sqlite::SqliteSession session(db);
    EXPECT_EQ(session.error_sqlstate(std::bad_alloc()), "53200");
    EXPECT_EQ(session.error_sqlstate(std::runtime_error("x")), "XX000");
    EXPECT_EQ(session.error_sqlstate(vigil::Error(ErrorCode::kIoError, "disk")), "58030");
  }
  sqlite3_close(db);
}
