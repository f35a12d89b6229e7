// tests/unit/checksum_sort_key_test.cpp
//
// canonical_sort_key(): byte order of the keys is the canonical key order of
// docs/checksums.md ("Order of keys") -- PostgreSQL's order of each type -- whatever form a
// value was stored in.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "checksum/canonical.hpp"

namespace {

using vigil::canonical_sort_key;
using vigil::TypeClass;
using vigil::Value;

// Each value must sort strictly after the one before it.
void expect_ascending(TypeClass type_class, const std::vector<Value>& values) {
  for (std::size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(canonical_sort_key(type_class, values[i - 1]),
              canonical_sort_key(type_class, values[i]))
        << values[i - 1].to_text() << " < " << values[i].to_text();
  }
}

TEST(SortKey, NumbersByValue) {
  expect_ascending(TypeClass::kNumeric,
                   {Value::text("-Infinity"), Value::real(-1e300),
                    Value::integer(-1000),    Value::real(-999.5),
                    Value::integer(-10),      Value::numeric("-9.99"),
                    Value::real(-1.5),        Value::integer(-1),
                    Value::numeric("-0.12"),  Value::numeric("-0.1199"),
                    Value::integer(0),        Value::numeric("0.0001"),
                    Value::numeric("0.1199"), Value::numeric("0.12"),
                    Value::integer(1),        Value::real(1.5),
                    Value::text("9.99"),      Value::integer(10),
                    Value::integer(1000),     Value::numeric("12345678901234567890.123"),
                    Value::real(1e300),       Value::text("Infinity"),
                    Value::text("NaN")});
}

TEST(SortKey, EqualValuesInAnyFormAreEqualKeys) {
  EXPECT_EQ(canonical_sort_key(TypeClass::kInteger, Value::integer(5)),
            canonical_sort_key(TypeClass::kInteger, Value::real(5.0)));
  EXPECT_EQ(canonical_sort_key(TypeClass::kNumeric, Value::numeric("1.50")),
            canonical_sort_key(TypeClass::kNumeric, Value::text("1.5")));
  EXPECT_EQ(canonical_sort_key(TypeClass::kBoolean, Value::text("true")),
            canonical_sort_key(TypeClass::kBoolean, Value::integer(1)));
  EXPECT_EQ(canonical_sort_key(TypeClass::kNumeric, Value::real(-0.0)),
            canonical_sort_key(TypeClass::kNumeric, Value::integer(0)));
  EXPECT_EQ(canonical_sort_key(TypeClass::kTimestamp, Value::text("2024-01-05T10:00:00")),
            canonical_sort_key(TypeClass::kTimestamp, Value::text("2024-01-05 10:00:00")));
  EXPECT_EQ(canonical_sort_key(TypeClass::kTimestamp, Value::text("2024-01-05T12:00:00+02:00")),
            canonical_sort_key(TypeClass::kTimestamp, Value::text("2024-01-05 10:00:00.000Z")));
}

TEST(SortKey, TimestampsByTime) {
  expect_ascending(TypeClass::kTimestamp,
                   {Value::text("0044-03-15 12:00:00 BC"), Value::text("0001-12-31 23:59:59 BC"),
                    Value::text("0001-01-01 00:00:00"), Value::text("2024-01-05T10:00:00"),
                    Value::text("2024-01-05 10:00:00.000001"), Value::text("2024-01-05T10:00:00.5"),
                    Value::text("2024-01-05 12:00:00"), Value::text("2024-01-05T15:00:00+02:00"),
                    Value::text("2024-01-06 09:00:00"), Value::text("9999-12-31 23:59:59"),
                    Value::text("12345-01-01 00:00:00")});
  // a value that is not a timestamp sorts after every timestamp (its kind: text)
  EXPECT_LT(canonical_sort_key(TypeClass::kTimestamp, Value::text("12345-01-01 00:00:00")),
            canonical_sort_key(TypeClass::kTimestamp, Value::text("2024-02-30 00:00:00")));
  // a Unix time stays a number: before every timestamp
  EXPECT_LT(canonical_sort_key(TypeClass::kTimestamp, Value::integer(1700000000)),
            canonical_sort_key(TypeClass::kTimestamp, Value::text("0044-03-15 12:00:00 BC")));
}

TEST(SortKey, DatesByTime) {
  expect_ascending(TypeClass::kDate, {Value::text("4713-01-01 BC"), Value::text("0044-03-15 BC"),
                                      Value::text("0001-01-01 BC"), Value::text("0001-01-01"),
                                      Value::text("1999-12-31"), Value::text("2000-01-01"),
                                      Value::text("2000-02-29"), Value::text("12345-06-07")});
}

TEST(SortKey, TextAndBlobsByBytes) {
  expect_ascending(TypeClass::kText, {Value::integer(5), Value::text(""), Value::text(" a"),
                                      Value::text("B"), Value::text("a"), Value::text("a\x01"),
                                      Value::text("\xc3\xa9"), Value::blob("")});
  expect_ascending(TypeClass::kBlob,
                   {Value::blob(std::string("\x00", 1)), Value::blob(std::string("\x00\x00", 2)),
                    Value::blob("\x01"), Value::blob("\xff")});
}

// Random doubles: the keys sort exactly as the numbers do.
TEST(SortKey, RandomDoublesSortAsNumbers) {
  std::mt19937_64 rng(42);
  std::vector<double> values;
  for (int i = 0; i < 5000; ++i) {
    std::uint64_t bits = rng();
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    if (std::isfinite(d)) values.push_back(d);
    values.push_back(static_cast<double>(static_cast<std::int64_t>(rng() % 2000001) - 1000000) /
                     1000.0);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  for (std::size_t i = 1; i < values.size(); ++i) {
    ASSERT_LT(canonical_sort_key(TypeClass::kReal, Value::real(values[i - 1])),
              canonical_sort_key(TypeClass::kReal, Value::real(values[i])))
        << values[i - 1] << " < " << values[i];
  }
}

}  // namespace
