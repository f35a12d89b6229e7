// tests/unit/type_class_test.cpp
//
// vigil::classify_type on declared type names of both engines: PostgreSQL's format_type()
// spellings and what SQLite users write.
#include <gtest/gtest.h>

#include <string>

#include "schema/model.hpp"

namespace {

using vigil::TypeClass;

struct Case {
  const char* declared;
  TypeClass expected;
};

const Case kCases[] = {
    // integers
    {"INTEGER", TypeClass::kInteger},
    {"int", TypeClass::kInteger},
    {"BIGINT", TypeClass::kInteger},
    {"smallint", TypeClass::kInteger},
    {"integer", TypeClass::kInteger},
    {"bigint", TypeClass::kInteger},
    {"INT8", TypeClass::kInteger},
    {"TINYINT", TypeClass::kInteger},
    {"MEDIUMINT", TypeClass::kInteger},
    {"UNSIGNED BIG INT", TypeClass::kInteger},
    {"oid", TypeClass::kInteger},
    // text
    {"character varying", TypeClass::kText},
    {"VARCHAR(200)", TypeClass::kText},
    {"character varying(255)", TypeClass::kText},
    {"character(10)", TypeClass::kText},
    {"NVARCHAR(100)", TypeClass::kText},
    {"TEXT", TypeClass::kText},
    {"CLOB", TypeClass::kText},
    {"uuid", TypeClass::kText},
    {"citext", TypeClass::kText},
    // blob
    {"", TypeClass::kBlob},
    {"   ", TypeClass::kBlob},
    {"BLOB", TypeClass::kBlob},
    {"bytea", TypeClass::kBlob},
    // real
    {"REAL", TypeClass::kReal},
    {"double precision", TypeClass::kReal},
    {"FLOAT", TypeClass::kReal},
    {"DOUBLE", TypeClass::kReal},
    {"real", TypeClass::kReal},
    // numeric
    {"numeric", TypeClass::kNumeric},
    {"numeric(10,2)", TypeClass::kNumeric},
    {"DECIMAL(5,2)", TypeClass::kNumeric},
    {"NUMERIC(10, 2)", TypeClass::kNumeric},
    // boolean
    {"boolean", TypeClass::kBoolean},
    {"BOOL", TypeClass::kBoolean},
    {"BOOLEAN", TypeClass::kBoolean},
    // timestamps and dates
    {"timestamp", TypeClass::kTimestamp},
    {"timestamp without time zone", TypeClass::kTimestamp},
    {"timestamp with time zone", TypeClass::kTimestamp},
    {"timestamp(3) with time zone", TypeClass::kTimestamp},
    {"TIMESTAMP  WITH   TIME ZONE", TypeClass::kTimestamp},
    {"timestamptz", TypeClass::kTimestamp},
    {"DATETIME", TypeClass::kTimestamp},
    {"date", TypeClass::kDate},
    {"DATE", TypeClass::kDate},
    // json
    {"json", TypeClass::kJson},
    {"jsonb", TypeClass::kJson},
    {"JSON", TypeClass::kJson},
    // other: names containing "int" that are not integers, arrays, and the rest
    {"interval", TypeClass::kOther},
    {"interval day to second", TypeClass::kOther},
    {"interval year to month", TypeClass::kOther},
    {"interval(6)", TypeClass::kOther},
    {"int4range", TypeClass::kOther},
    {"int8range", TypeClass::kOther},
    {"point", TypeClass::kOther},
    {"integer[]", TypeClass::kOther},
    {"text[]", TypeClass::kOther},
    {"character varying(20)[]", TypeClass::kOther},
    {"money", TypeClass::kOther},
    {"time without time zone", TypeClass::kOther},
    {"time with time zone", TypeClass::kOther},
    {"time", TypeClass::kOther},
    {"inet", TypeClass::kOther},
    {"xml", TypeClass::kOther},
    {"tsvector", TypeClass::kOther},
};

class ClassifyType : public ::testing::TestWithParam<Case> {};

TEST_P(ClassifyType, GivesTheExpectedClass) {
  const Case& c = GetParam();
  EXPECT_STREQ(vigil::type_class_name(vigil::classify_type(c.declared)),
               vigil::type_class_name(c.expected))
      << "declared type: \"" << c.declared << "\"";
}

INSTANTIATE_TEST_SUITE_P(BothEngines, ClassifyType, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = std::to_string(info.index) + "_";
                           for (const char* p = info.param.declared; *p != '\0'; ++p) {
                             const char ch = *p;
                             const bool alnum = (ch >= 'a' && ch <= 'z') ||
                                                (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
                             name += alnum ? ch : '_';
                           }
                           return name;
                         });

TEST(ClassifyTypeTable, HasAtLeastFortyCases) {
  EXPECT_GE(sizeof(kCases) / sizeof(kCases[0]), 40u);
}

TEST(TypeClassName, EveryClassHasItsName) {
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kInteger), "integer");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kReal), "real");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kNumeric), "numeric");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kText), "text");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kBlob), "blob");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kBoolean), "boolean");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kTimestamp), "timestamp");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kDate), "date");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kJson), "json");
  EXPECT_STREQ(vigil::type_class_name(TypeClass::kOther), "other");
}

}  // namespace
