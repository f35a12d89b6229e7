// tests/unit/json_test.cpp
//
// The core's JSON writer and reader (common/vigil/json.hpp) and the exact round trip of the
// quarantine's row_data (common/repair/row_data.hpp): every kind of value comes back as the
// same value, NULL is not "", bytes are kept, reals are bit-exact.
#include "vigil/json.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "repair/row_data.hpp"
#include "vigil/error.hpp"

namespace {

using vigil::JsonNode;
using vigil::Value;

Value round_trip(const Value& v) {
  std::string text;
  vigil::append_value_json(text, v);
  return vigil::value_from_json(vigil::parse_json(text));
}

std::string encode(const Value& v) {
  std::string text;
  vigil::append_value_json(text, v);
  return text;
}

TEST(Json, StringEscaping) {
  EXPECT_EQ(vigil::json_string("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(vigil::json_string("héllo ✓"), "\"héllo ✓\"");
  EXPECT_EQ(vigil::json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(Json, ShortestDouble) {
  EXPECT_EQ(vigil::shortest_double(0.1), "0.1");
  EXPECT_EQ(vigil::shortest_double(2.0), "2");
  EXPECT_EQ(vigil::shortest_double(1e300), "1e+300");
  EXPECT_EQ(vigil::shortest_double(-0.0), "-0");
  EXPECT_EQ(vigil::shortest_double(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(vigil::shortest_double(-std::numeric_limits<double>::infinity()), "-Infinity");
}

TEST(Json, Parse) {
  const JsonNode n = vigil::parse_json(
      R"( {"a": [1, -2.5e3, true, false, null], "b": "x\u00e9\ud83d\ude00\n", "": {}} )");
  ASSERT_EQ(n.type, JsonNode::Type::kObject);
  ASSERT_EQ(n.members.size(), 3u);
  const JsonNode* a = n.find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->items.size(), 5u);
  EXPECT_EQ(a->items[1].text, "-2.5e3");
  EXPECT_TRUE(a->items[2].boolean);
  EXPECT_EQ(a->items[4].type, JsonNode::Type::kNull);
  EXPECT_EQ(n.find("b")->text, "x\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_EQ(n.find("")->type, JsonNode::Type::kObject);
  EXPECT_EQ(n.find("c"), nullptr);
}

TEST(Json, ParseRefusesWhatIsNotJson) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"x", "01", "1.", "tru", "{} x",
                          "\"a\x01\"", "\"\\q\"", "\"\\u12\""}) {
    EXPECT_THROW(vigil::parse_json(bad), vigil::Error) << bad;
  }
}

TEST(RowData, EveryKindRoundTrips) {
  const Value values[] = {
      Value::null(),
      Value::integer(0),
      Value::integer(std::numeric_limits<std::int64_t>::min()),
      Value::integer(std::numeric_limits<std::int64_t>::max()),
      Value::boolean(true),
      Value::boolean(false),
      Value::text(""),
      Value::text("héllo ✓ \"q\" \\ \n\t"),
      Value::text(std::string("nul\0inside", 10)),
      Value::text("\xff\xfe not UTF-8"),
      Value::real(0.1),
      Value::real(1e300),
      Value::real(-1e-320),  // subnormal
      Value::real(5e-324),
      Value::real(2.0),
      Value::real(std::numeric_limits<double>::infinity()),
      Value::real(-std::numeric_limits<double>::infinity()),
      Value::numeric("12.500"),
      Value::numeric("NaN"),
      Value::blob(std::string("\x00\xff\x10", 3)),
      Value::blob(""),
      Value::timestamp("2024-01-02 03:04:05.25+00"),
      Value::timestamp("0044-03-15 12:00:00 BC"),
      Value::json("{\"a\": [1, 2]}"),
  };
  for (const auto& v : values) {
    const Value back = round_trip(v);
    EXPECT_EQ(back, v) << encode(v);
    EXPECT_EQ(back.kind(), v.kind()) << encode(v);
  }
  // NULL and the empty text stay apart; a real stays a real even when it is integral.
  EXPECT_EQ(encode(Value::null()), "null");
  EXPECT_EQ(encode(Value::text("")), "\"\"");
  EXPECT_EQ(encode(Value::real(2.0)), "{\"real\": \"2\"}");
  EXPECT_EQ(encode(Value::blob(std::string("\x00\xff", 2))), "{\"blob\": \"00ff\"}");
}

TEST(RowData, RealsAreBitExact) {
  const double values[] = {
      0.1, 1.0 / 3.0, -0.0, 123456789.123456789, 1.7976931348623157e308, 2.2250738585072014e-308};
  for (const double d : values) {
    const Value back = round_trip(Value::real(d));
    ASSERT_EQ(back.kind(), vigil::ValueKind::kReal);
    const double r = back.as_real();
    EXPECT_EQ(std::memcmp(&r, &d, sizeof d), 0) << d;
  }
  const Value nan = round_trip(Value::real(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_TRUE(std::isnan(nan.as_real()));
}

TEST(RowData, Row) {
  EXPECT_EQ(vigil::row_json({"id", "label", "box"},
                            {Value::integer(1), Value::null(), Value::blob("\x01")}),
            "{\"id\": 1, \"label\": null, \"box\": {\"blob\": \"01\"}}");
}

TEST(RowData, RefusesUnknownForms) {
  for (const char* bad : {"[1]", "{\"real\": 1}", "{\"nope\": \"x\"}", "{\"blob\": \"0\"}",
                          "{\"blob\": \"zz\"}", "1.5", "{\"real\": \"x\"}", "{}"}) {
    EXPECT_THROW(vigil::value_from_json(vigil::parse_json(bad)), vigil::Error) << bad;
  }
}

}  // namespace
