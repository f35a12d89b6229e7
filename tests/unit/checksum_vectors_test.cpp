// tests/unit/checksum_vectors_test.cpp
//
// The test vectors of docs/checksum-spec.md (also in tests/checksum/vectors.json, which the
// independent Python implementation tests/checksum/reference.py reproduces): the canonical
// value of each input, the encoding and XXH3-128 of rows, table digests (order independence,
// duplicates, the empty table) and the database checksum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "checksum/canonical.hpp"
#include "checksum/checksum.hpp"

namespace {

using vigil::CanonicalTag;
using vigil::ContentChecksum;
using vigil::TypeClass;
using vigil::Value;

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string hex(const std::string& digits) {
  std::string out;
  for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string to_hex(const std::string& bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4U]);
    out.push_back(kDigits[b & 15U]);
  }
  return out;
}

struct ValueVector {
  TypeClass type_class;
  Value input;
  CanonicalTag tag;
  std::string payload;
};

const std::vector<ValueVector>& value_vectors() {
  static const std::vector<ValueVector> vectors = {
      {TypeClass::kInteger, Value::integer(1), CanonicalTag::kNumber, "1"},
      {TypeClass::kReal, Value::real(1.0), CanonicalTag::kNumber, "1"},
      {TypeClass::kBoolean, Value::boolean(true), CanonicalTag::kNumber, "1"},
      {TypeClass::kNumeric, Value::numeric("1.00"), CanonicalTag::kNumber, "1"},
      {TypeClass::kNumeric, Value::numeric("0.99"), CanonicalTag::kNumber, "0.99"},
      {TypeClass::kReal, Value::real(0.1), CanonicalTag::kNumber, "0.1"},
      {TypeClass::kReal, Value::real(-0.0), CanonicalTag::kNumber, "0"},
      {TypeClass::kReal, Value::real(1.5e-07), CanonicalTag::kNumber, "0.00000015"},
      {TypeClass::kReal, Value::real(0.30000000000000004), CanonicalTag::kNumber,
       "0.30000000000000004"},
      {TypeClass::kReal, Value::real(1.2345678901234568e+17), CanonicalTag::kNumber,
       "123456789012345680"},
      {TypeClass::kReal, Value::real(1e+300), CanonicalTag::kNumber,
       std::string("1") + std::string(300, '0')},
      {TypeClass::kReal, Value::real(std::nan("")), CanonicalTag::kNumber, "NaN"},
      {TypeClass::kReal, Value::real(kInf), CanonicalTag::kNumber, "Infinity"},
      {TypeClass::kReal, Value::real(-kInf), CanonicalTag::kNumber, "-Infinity"},
      {TypeClass::kInteger, Value::integer(9223372036854775807), CanonicalTag::kNumber,
       "9223372036854775807"},
      {TypeClass::kInteger, Value::integer(std::numeric_limits<std::int64_t>::min()),
       CanonicalTag::kNumber, "-9223372036854775808"},
      {TypeClass::kNumeric, Value::numeric("-0.000"), CanonicalTag::kNumber, "0"},
      {TypeClass::kNumeric, Value::numeric("12345678901234567890.123450"), CanonicalTag::kNumber,
       "12345678901234567890.12345"},
      {TypeClass::kNumeric, Value::numeric("NaN"), CanonicalTag::kNumber, "NaN"},
      {TypeClass::kNumeric, Value::text("1e3"), CanonicalTag::kNumber, "1000"},
      {TypeClass::kInteger, Value::text("abc"), CanonicalTag::kText, "abc"},
      {TypeClass::kBoolean, Value::text("TRUE"), CanonicalTag::kNumber, "1"},
      {TypeClass::kText,
       Value::text("h\xc3"
                   "\xa9"
                   "llo"),
       CanonicalTag::kText,
       "h\xc3"
       "\xa9"
       "llo"},
      {TypeClass::kText, Value::text("a "), CanonicalTag::kText, "a "},
      {TypeClass::kText, Value::text(""), CanonicalTag::kText, ""},
      {TypeClass::kBlob, Value::blob(std::string("\x01\x02\xff", 3)), CanonicalTag::kBlob,
       hex("0102ff")},
      {TypeClass::kText, Value::blob(std::string(1, '\0')), CanonicalTag::kBlob, hex("00")},
      {TypeClass::kBlob, Value::text("x"), CanonicalTag::kText, "x"},
      {TypeClass::kTimestamp, Value::text("2024-01-05 10:00:00"), CanonicalTag::kTimestamp,
       "2024-01-05 10:00:00"},
      {TypeClass::kTimestamp, Value::text("2024-01-05T10:00:00.500"), CanonicalTag::kTimestamp,
       "2024-01-05 10:00:00.5"},
      {TypeClass::kTimestamp, Value::text("2024-01-05"), CanonicalTag::kTimestamp,
       "2024-01-05 00:00:00"},
      {TypeClass::kTimestamp, Value::text("2024-01-05 10:00"), CanonicalTag::kTimestamp,
       "2024-01-05 10:00:00"},
      {TypeClass::kTimestamp, Value::text("2024-01-05T10:00:00+02:00"), CanonicalTag::kTimestamp,
       "2024-01-05 08:00:00"},
      {TypeClass::kTimestamp, Value::text("2024-01-01 01:30:00-0230"), CanonicalTag::kTimestamp,
       "2024-01-01 04:00:00"},
      {TypeClass::kTimestamp, Value::text("2024-01-01 00:00:00.000001Z"), CanonicalTag::kTimestamp,
       "2024-01-01 00:00:00.000001"},
      {TypeClass::kTimestamp, Value::timestamp("2024-01-05 10:00:00.25+00"),
       CanonicalTag::kTimestamp, "2024-01-05 10:00:00.25"},
      {TypeClass::kTimestamp, Value::text("0044-03-15 12:00:00 BC"), CanonicalTag::kTimestamp,
       "0044-03-15 12:00:00 BC"},
      {TypeClass::kTimestamp, Value::text("0000-12-31 23:59:59"), CanonicalTag::kTimestamp,
       "0001-12-31 23:59:59 BC"},
      {TypeClass::kTimestamp, Value::text("2024-02-30 00:00:00"), CanonicalTag::kText,
       "2024-02-30 00:00:00"},
      {TypeClass::kTimestamp, Value::text("yesterday"), CanonicalTag::kText, "yesterday"},
      {TypeClass::kTimestamp, Value::text("infinity"), CanonicalTag::kTimestamp, "infinity"},
      {TypeClass::kTimestamp, Value::integer(1704448800), CanonicalTag::kNumber, "1704448800"},
      {TypeClass::kTimestamp, Value::text("2024-01-05 10:00:00.1234567"), CanonicalTag::kText,
       "2024-01-05 10:00:00.1234567"},
      {TypeClass::kDate, Value::text("2024-01-05"), CanonicalTag::kDate, "2024-01-05"},
      {TypeClass::kDate, Value::text("2024-01-05 00:00:00"), CanonicalTag::kText,
       "2024-01-05 00:00:00"},
      {TypeClass::kDate, Value::text("2024-02-29"), CanonicalTag::kDate, "2024-02-29"},
      {TypeClass::kDate, Value::text("2023-02-29"), CanonicalTag::kText, "2023-02-29"},
      {TypeClass::kJson, Value::text("{\"b\": 1, \"a\": [1.0, 2e2, \"x\"]}"), CanonicalTag::kJson,
       "{\"a\":[1,200,\"x\"],\"b\":1}"},
      {TypeClass::kJson, Value::json("{\"a\": 1, \"a\": 2}"), CanonicalTag::kJson, "{\"a\":2}"},
      {TypeClass::kJson, Value::text("\"caf\\u00e9\\n\""), CanonicalTag::kJson,
       "\"caf\xc3"
       "\xa9"
       "\\n\""},
      {TypeClass::kJson, Value::text("not json"), CanonicalTag::kText, "not json"},
      {TypeClass::kJson, Value::integer(5), CanonicalTag::kJson, "5"},
      {TypeClass::kJson,
       Value::text("{\"\xc3"
                   "\xa9"
                   "\":1,\"z\":2,\"A\":3}"),
       CanonicalTag::kJson,
       "{\"A\":3,\"z\":2,\"\xc3"
       "\xa9"
       "\":1}"},
      {TypeClass::kJson, Value::text(" null "), CanonicalTag::kJson, "null"},
      {TypeClass::kText, Value::null(), CanonicalTag::kNull, ""},
  };
  return vectors;
}

TEST(ChecksumVectors, CanonicalValues) {
  int index = 0;
  for (const ValueVector& v : value_vectors()) {
    const vigil::CanonicalValue c = vigil::canonical_value(v.type_class, v.input);
    EXPECT_EQ(static_cast<int>(c.tag), static_cast<int>(v.tag)) << "vector " << index;
    EXPECT_EQ(c.payload, v.payload) << "vector " << index;
    ++index;
  }
  EXPECT_EQ(index, 55);
}

// The row encoder of the checksum loop writes the same bytes as append_canonical_value.
TEST(ChecksumVectors, RowEncoderAgrees) {
  vigil::RowEncoder encoder;
  std::string expected;
  for (int round = 0; round < 2; ++round) {  // the second round reuses the buffer
    encoder.clear();
    expected.clear();
    for (const ValueVector& v : value_vectors()) {
      encoder.add(v.type_class, v.input);
      vigil::append_canonical_value(v.type_class, v.input, expected);
    }
    EXPECT_EQ(std::string(encoder.row()), expected);
  }
}

TEST(ChecksumVectors, ValueEncoding) {
  std::string out;
  vigil::append_canonical_value(TypeClass::kText, Value::null(), out);
  EXPECT_EQ(to_hex(out), "00");
  out.clear();
  vigil::append_canonical_value(TypeClass::kInteger, Value::integer(1), out);
  EXPECT_EQ(to_hex(out), "01010000000000000031");
  out.clear();
  vigil::append_canonical_value(TypeClass::kText, Value::text(""), out);
  EXPECT_EQ(to_hex(out), "020000000000000000");
  out.clear();
  vigil::append_canonical_value(TypeClass::kReal, Value::real(1e300), out);
  EXPECT_EQ(to_hex(out.substr(0, 9)), "012d01000000000000");  // 301 = 0x12d digits
}

struct RowVector {
  std::vector<TypeClass> classes;
  std::vector<Value> row;
  std::string encoding;
  std::string hash;
};

std::string encode(const RowVector& r) {
  std::string out;
  for (std::size_t i = 0; i < r.row.size(); ++i) {
    vigil::append_canonical_value(r.classes[i], r.row[i], out);
  }
  return out;
}

TEST(ChecksumVectors, Rows) {
  const std::vector<RowVector> rows = {
      {{TypeClass::kInteger, TypeClass::kText, TypeClass::kReal},
       {Value::integer(1), Value::text("a"), Value::real(0.5)},
       "0101000000000000003102010000000000000061010300000000000000302e35",
       "88033a4e99a8bc38fc3f7e175bd08f91"},
      {{TypeClass::kInteger, TypeClass::kText, TypeClass::kReal},
       {Value::integer(2), Value::null(), Value::null()},
       "010100000000000000320000",
       "2a50f072dd62cea2d46c3cab0a95023e"},
      {{TypeClass::kText, TypeClass::kText},
       {Value::text("ab"), Value::text("c")},
       "020200000000000000616202010000000000000063",
       "6567ee7962d2c75f936e9be4a6aa37ca"},
      {{TypeClass::kText, TypeClass::kText},
       {Value::text("a"), Value::text("bc")},
       "020100000000000000610202000000000000006263",
       "a5eaabb1261d9162408b070a824339a7"},
      {{TypeClass::kInteger, TypeClass::kTimestamp, TypeClass::kJson},
       {Value::integer(7), Value::text("2024-01-05T10:00:00.500+01:00"),
        Value::text("{\"k\": [true, null]}")},
       "01010000000000000037041500000000000000323032342d30312d30352030393a30303a30302e3506110000"
       "00000000007b226b223a5b747275652c6e756c6c5d7d",
       "801a070ca2156d27895399e170644c1f"},
  };
  for (const RowVector& r : rows) {
    const std::string encoded = encode(r);
    EXPECT_EQ(to_hex(encoded), r.encoding);
    EXPECT_EQ(vigil::xxh3_128(encoded).hex(), r.hash);
  }
}

std::string table_digest(const std::vector<std::vector<Value>>& rows) {
  const std::vector<TypeClass> classes = {TypeClass::kInteger, TypeClass::kText, TypeClass::kReal};
  ContentChecksum sum;
  for (const auto& row : rows) sum.add_row(encode({classes, row, "", ""}));
  return sum.hex();
}

TEST(ChecksumVectors, Tables) {
  const std::vector<Value> r1 = {Value::integer(1), Value::text("a"), Value::real(0.5)};
  const std::vector<Value> r2 = {Value::integer(2), Value::null(), Value::null()};
  EXPECT_EQ(table_digest({}), "10e45c7ce2292320743df94ee4c78a2a");
  EXPECT_EQ(table_digest({r1, r2}), "8deb99eea674167f4c3c01eefcc652cc");
  EXPECT_EQ(table_digest({r2, r1}), "8deb99eea674167f4c3c01eefcc652cc");
  EXPECT_EQ(table_digest({r1, r1, r2}), "7aa5e859a47955eb809bc8818946d4a4");
}

TEST(ChecksumVectors, Database) {
  EXPECT_EQ(vigil::database_checksum({{"b", 0, "10e45c7ce2292320743df94ee4c78a2a"},
                                      {"a", 2, "8deb99eea674167f4c3c01eefcc652cc"}}),
            "8937ef8cbe8b05a6d3a2d035dc99e121");
}

// The sum is taken modulo 2^128: a carry out of the low half goes into the high half.
TEST(ChecksumVectors, SumCarries) {
  ContentChecksum sum;
  sum.add({0, ~std::uint64_t{0}});
  sum.add({0, 1});
  EXPECT_EQ(sum.sum().high, 1U);
  EXPECT_EQ(sum.sum().low, 0U);
  sum.add({~std::uint64_t{0}, 0});
  EXPECT_EQ(sum.sum().high, 0U);  // wraps around
  EXPECT_EQ(sum.rows(), 3U);
}

}  // namespace
