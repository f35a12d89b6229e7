// tests/unit/checksum_canonical_test.cpp
//
// The canonical forms of docs/checksum-spec.md one by one: decimals, doubles, timestamps,
// dates and JSON, including what each refuses (which then stays text).
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "checksum/canonical.hpp"

namespace {

using vigil::canonical_date;
using vigil::canonical_decimal;
using vigil::canonical_double;
using vigil::canonical_json;
using vigil::canonical_number_text;
using vigil::canonical_timestamp;

std::string or_none(const std::optional<std::string>& v) {
  return v ? *v : "<none>";
}

TEST(CanonicalDecimal, Forms) {
  EXPECT_EQ(or_none(canonical_decimal("1")), "1");
  EXPECT_EQ(or_none(canonical_decimal("1.0")), "1");
  EXPECT_EQ(or_none(canonical_decimal("1.50")), "1.5");
  EXPECT_EQ(or_none(canonical_decimal("0.99")), "0.99");
  EXPECT_EQ(or_none(canonical_decimal("-0.0")), "0");
  EXPECT_EQ(or_none(canonical_decimal("+7")), "7");
  EXPECT_EQ(or_none(canonical_decimal(".5")), "0.5");
  EXPECT_EQ(or_none(canonical_decimal("5.")), "5");
  EXPECT_EQ(or_none(canonical_decimal("0001.000")), "1");
  EXPECT_EQ(or_none(canonical_decimal("-12.3400e2")), "-1234");
  EXPECT_EQ(or_none(canonical_decimal("1.5E-7")), "0.00000015");
  EXPECT_EQ(or_none(canonical_decimal("123e-2")), "1.23");
  EXPECT_EQ(or_none(canonical_decimal("0e999")), "0");
  EXPECT_EQ(or_none(canonical_decimal("1e3")), "1000");
  EXPECT_EQ(or_none(canonical_decimal("-100")), "-100");
  EXPECT_EQ(canonical_decimal("1e300")->size(), 301U);
}

TEST(CanonicalDecimal, Refused) {
  for (const char* text : {"", ".", "-", "+", "abc", "1e", "1e+", "1.2.3", "0x10", " 1", "1 ",
                           "1,5", "e5", "--1", "1e1234567890", "NaN"}) {
    EXPECT_FALSE(canonical_decimal(text).has_value()) << text;
  }
  // Longer than kMaxCanonicalDecimal once expanded: not a number (kept as text).
  EXPECT_FALSE(canonical_decimal("1e999999").has_value());
  EXPECT_TRUE(canonical_decimal("1e199999").has_value());
}

TEST(CanonicalNumberText, SpecialValues) {
  EXPECT_EQ(or_none(canonical_number_text("NaN")), "NaN");
  EXPECT_EQ(or_none(canonical_number_text("nan")), "NaN");
  EXPECT_EQ(or_none(canonical_number_text("Infinity")), "Infinity");
  EXPECT_EQ(or_none(canonical_number_text("-inf")), "-Infinity");
  EXPECT_EQ(or_none(canonical_number_text("+INF")), "Infinity");
  EXPECT_EQ(or_none(canonical_number_text("12.50")), "12.5");
  EXPECT_FALSE(canonical_number_text("infinite").has_value());
}

TEST(CanonicalDouble, ShortestRoundTrip) {
  EXPECT_EQ(canonical_double(0.1), "0.1");
  EXPECT_EQ(canonical_double(1.0), "1");
  EXPECT_EQ(canonical_double(-0.0), "0");
  EXPECT_EQ(canonical_double(100.0), "100");
  EXPECT_EQ(canonical_double(-2.5), "-2.5");
  EXPECT_EQ(canonical_double(1e16), "10000000000000000");
  EXPECT_EQ(canonical_double(9007199254740993.0), "9007199254740992");
  EXPECT_EQ(canonical_double(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(canonical_double(1e-7), "0.0000001");
  EXPECT_EQ(canonical_double(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(canonical_double(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(canonical_double(-std::numeric_limits<double>::infinity()), "-Infinity");
  // The smallest subnormal: 5e-324, 323 zeros after the point.
  const std::string tiny = canonical_double(std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(tiny, "0." + std::string(323, '0') + "5");
  EXPECT_EQ(canonical_double(std::numeric_limits<double>::max()).size(), 309U);
}

// The fast path for doubles agrees with the general decimal path on the shortest digits that
// std::to_chars gives, for random bit patterns (subnormals, huge and tiny exponents included).
TEST(CanonicalDouble, FastPathAgreesWithTheDecimalPath) {
  std::mt19937_64 rng(7);
  int checked = 0;
  for (int i = 0; i < 300000; ++i) {
    const std::uint64_t bits = rng();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (std::isnan(v) || std::isinf(v)) continue;
    if (i % 3 == 0) v = std::ldexp(static_cast<double>(bits % 100000), -static_cast<int>(i % 40));
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    ASSERT_EQ(canonical_double(v), or_none(canonical_decimal(std::string(buf, r.ptr))))
        << std::string(buf, r.ptr);
    ++checked;
  }
  EXPECT_GT(checked, 290000);
}

// Doubles read from short decimals (n * 10^-k, as data usually holds them), their neighbours
// one ulp away, and values around the 2^40 bound of the short-decimal path: the digits agree
// with std::to_chars's shortest.
TEST(CanonicalDouble, ShortDecimalsAgreeWithTheDecimalPath) {
  std::mt19937_64 rng(13);
  int checked = 0;
  auto check = [&](double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    ASSERT_EQ(canonical_double(v), or_none(canonical_decimal(std::string(buf, r.ptr))))
        << std::string(buf, r.ptr);
    ++checked;
  };
  for (int i = 0; i < 200000; ++i) {
    const int k = static_cast<int>(rng() % 19);
    const std::uint64_t n = rng() >> (rng() % 64);
    const std::string text = std::to_string(n) + "e-" + std::to_string(k);
    double v = 0;
    std::from_chars(text.data(), text.data() + text.size(), v);
    if (i % 2 == 1) v = -v;
    check(v);
    check(std::nextafter(v, 0.0));
    check(std::nextafter(v, v < 0 ? -1e300 : 1e300));
  }
  for (int i = 0; i < 100000; ++i) {
    const double v = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, 40) /
                     std::pow(10.0, static_cast<double>(rng() % 18));
    check(v);
    check(std::nextafter(v, 0.0));
  }
  for (const double v : {0.1, 0.2, 0.3, 183.8, 0.1697, 1.5e-7, 123.456, 0.1 + 0.2, 1.0 / 3, 2.0 / 3,
                         1099511627775.5, 1099511627776.5, 109951162777.55, 5e-324}) {
    check(v);
  }
  EXPECT_GT(checked, 800000);
}

TEST(CanonicalInteger, AgreesWithToString) {
  std::mt19937_64 rng(11);
  std::vector<std::int64_t> values = {0,
                                      1,
                                      9,
                                      10,
                                      99,
                                      100,
                                      101,
                                      -1,
                                      -9,
                                      -10,
                                      -99,
                                      -100,
                                      1000,
                                      999999999999,
                                      std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max()};
  for (int i = 0; i < 100000; ++i) {
    values.push_back(static_cast<std::int64_t>(rng() >> (rng() % 64)) * (i % 2 == 0 ? 1 : -1));
  }
  for (const std::int64_t v : values) {
    ASSERT_EQ(vigil::canonical_value(vigil::TypeClass::kInteger, vigil::Value::integer(v)).payload,
              std::to_string(v));
    vigil::RowEncoder e;
    e.add(vigil::TypeClass::kInteger, vigil::Value::integer(v));
    ASSERT_EQ(std::string(e.row().substr(9)), std::to_string(v));
  }
}

TEST(CanonicalTimestamp, Forms) {
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05 10:00:00")), "2024-01-05 10:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05t10:00:00.120z")), "2024-01-05 10:00:00.12");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05 10:00:00.000")), "2024-01-05 10:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05 10:00:00.1234560")),
            "2024-01-05 10:00:00.123456");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-01 01:00:00+05")), "2023-12-31 20:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("2024-12-31 23:30:00-01:00")), "2025-01-01 00:30:00");
  EXPECT_EQ(or_none(canonical_timestamp("2024-03-01 00:00:00+0100")), "2024-02-29 23:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("1900-03-01 00:00:00+01:00")), "1900-02-28 23:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05 10:00:00+05:53:28")), "2024-01-05 04:06:32");
  EXPECT_EQ(or_none(canonical_timestamp("2024-01-05 10:00:00+00")), "2024-01-05 10:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("0001-01-01 00:30:00+01")), "0001-12-31 23:30:00 BC");
  EXPECT_EQ(or_none(canonical_timestamp("0044-03-15 BC")), "0044-03-15 00:00:00 BC");
  EXPECT_EQ(or_none(canonical_timestamp("0044-03-15 12:00:00+00 BC")), "0044-03-15 12:00:00 BC");
  EXPECT_EQ(or_none(canonical_timestamp("10000-01-01 00:00:00")), "10000-01-01 00:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("2000-02-29")), "2000-02-29 00:00:00");
  EXPECT_EQ(or_none(canonical_timestamp("-infinity")), "-infinity");
  EXPECT_EQ(or_none(canonical_timestamp("+Infinity")), "infinity");
}

TEST(CanonicalTimestamp, Refused) {
  for (const char* text : {"",
                           "2024-1-5",
                           "2024-01-05T",
                           "2024-01-05 10",
                           "2024-01-05 10:00:",
                           "2024-01-05 24:00:00",
                           "2024-01-05 10:60:00",
                           "2024-01-05 10:00:60",
                           "2024-13-01",
                           "2024-00-01",
                           "2024-01-00",
                           "1900-02-29",
                           "2023-02-29",
                           "2024-04-31",
                           "2024-01-05 10:00:00.",
                           "2024-01-05 10:00:00.1234567",
                           "2024-01-05 10:00:00 +01",
                           "2024-01-05 10:00:00+1",
                           "2024-01-05 10:00:00+24",
                           "2024-01-05 10:00:00+01:60",
                           "0000-01-01 BC",
                           "now",
                           "2024/01/05",
                           "12345678-01-01",
                           "2024-01-05 10:00:00 UTC"}) {
    EXPECT_FALSE(canonical_timestamp(text).has_value()) << text;
  }
}

TEST(CanonicalDate, Forms) {
  EXPECT_EQ(or_none(canonical_date("2024-01-05")), "2024-01-05");
  EXPECT_EQ(or_none(canonical_date("0044-03-15 BC")), "0044-03-15 BC");
  EXPECT_EQ(or_none(canonical_date("0000-03-15")), "0001-03-15 BC");
  EXPECT_EQ(or_none(canonical_date("infinity")), "infinity");
  EXPECT_FALSE(canonical_date("2024-01-05 00:00:00").has_value());
  EXPECT_FALSE(canonical_date("2024-01-05T00:00").has_value());
  EXPECT_FALSE(canonical_date("2023-02-29").has_value());
  EXPECT_FALSE(canonical_date("05.01.2024").has_value());
}

TEST(CanonicalJson, Forms) {
  EXPECT_EQ(or_none(canonical_json(R"( {"b": 1, "a": {"d": [], "c": {}}} )")),
            R"({"a":{"c":{},"d":[]},"b":1})");
  EXPECT_EQ(or_none(canonical_json(R"([1.0, 1e2, -0, 0.10, 1E-2, -1.5e+1])")),
            "[1,100,0,0.1,0.01,-15]");
  EXPECT_EQ(or_none(canonical_json(R"({"a":1,"b":2,"a":3})")), R"({"a":3,"b":2})");
  EXPECT_EQ(or_none(canonical_json(R"("\u00e9\/\"\\\b\f\n\r\t\u0001")")),
            "\"\xc3\xa9/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\"");
  EXPECT_EQ(or_none(canonical_json(R"("\ud83d\ude00")")), "\"\xf0\x9f\x98\x80\"");
  EXPECT_EQ(or_none(canonical_json("\"\xf0\x9f\x98\x80\"")), "\"\xf0\x9f\x98\x80\"");
  EXPECT_EQ(or_none(canonical_json("true")), "true");
  EXPECT_EQ(or_none(canonical_json("\t\r\n null \n")), "null");
  EXPECT_EQ(or_none(canonical_json(R"({"z":1,"A":2,"a":3,"é":4})")),
            "{\"A\":2,\"a\":3,\"z\":1,\"\xc3\xa9\":4}");
  // Too long to expand: the number is kept as written.
  EXPECT_EQ(or_none(canonical_json("[1e999999]")), "[1e999999]");
}

TEST(CanonicalJson, Refused) {
  for (const char* text : {"",
                           "{",
                           "[1,]",
                           "{\"a\":}",
                           "{\"a\" 1}",
                           "{a:1}",
                           "01",
                           "1.",
                           ".5",
                           "+1",
                           "-",
                           "NaN",
                           "Infinity",
                           "tru",
                           "nul",
                           "'a'",
                           "\"a",
                           "\"\\x\"",
                           "\"\\ud800\"",
                           "\"\\udc00\"",
                           "\"\\ud800\\u0041\"",
                           "\"\x01\"",
                           "[1] [2]",
                           "{\"a\":1,}"}) {
    EXPECT_FALSE(canonical_json(text).has_value()) << text;
  }
  // Nesting deeper than 1000 levels is refused rather than risking the stack.
  EXPECT_FALSE(canonical_json(std::string(5000, '[') + std::string(5000, ']')).has_value());
  EXPECT_TRUE(canonical_json(std::string(500, '[') + std::string(500, ']')).has_value());
}

TEST(JsonScalarArray, KeyBounds) {
  const auto a = vigil::parse_json_scalar_array(R"( [17, "a\"b", true, null, 1.50] )");
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->size(), 5U);
  EXPECT_EQ((*a)[0].kind, vigil::JsonScalar::Kind::kNumber);
  EXPECT_EQ((*a)[0].text, "17");
  EXPECT_EQ((*a)[1].kind, vigil::JsonScalar::Kind::kString);
  EXPECT_EQ((*a)[1].text, "a\"b");
  EXPECT_EQ((*a)[2].kind, vigil::JsonScalar::Kind::kBoolean);
  EXPECT_EQ((*a)[3].kind, vigil::JsonScalar::Kind::kNull);
  EXPECT_EQ((*a)[4].text, "1.5");
  EXPECT_TRUE(vigil::parse_json_scalar_array("[]")->empty());
  for (const char* text : {"17", "[[1]]", "[{}]", "[1,]", "[1] x", "", "{\"a\":1}"}) {
    EXPECT_FALSE(vigil::parse_json_scalar_array(text).has_value()) << text;
  }
}

TEST(JsonQuote, Escapes) {
  EXPECT_EQ(vigil::json_quote("a\"b\\c\n\x7f"), "\"a\\\"b\\\\c\\n\x7f\"");
}

}  // namespace
