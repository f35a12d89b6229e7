// tests/fuzz/fuzz_canonical.cpp -- libFuzzer target for the checksum canonical encoder
// (common/checksum/canonical.cpp, docs/checksum-spec.md).
// The first input byte picks a column type class and a value kind, the rest is the value.
// Invariants:
//   - canonical_decimal / canonical_number_text / canonical_timestamp / canonical_date /
//     canonical_json are idempotent (a canonical form is its own canonical form), and a
//     canonical decimal has no exponent, no leading '+', no leading zeros, no trailing fraction
//     zeros and no "-0";
//   - a date that canonical_date accepts is also a timestamp (at midnight);
//   - every value's encoding is its tag, its 8-byte little-endian payload length and the
//     payload (the tag alone for NULL), canonical_value agrees with it, and RowEncoder (the hot
//     path) writes the same bytes as append_canonical_value;
//   - the same number gives the same bytes whatever form the engine hands it in: an integer vs
//     its decimal text and numeric form, a double vs the numeric text canonical_double spells;
//   - parse_json_scalar_array never crashes and its numbers are canonical decimals, or the
//     literal as written when its positional form would be too long (the spec says so).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "checksum/canonical.hpp"
#include "fuzz_check.hpp"

using vigil::CanonicalTag;
using vigil::TypeClass;
using vigil::Value;

namespace {

constexpr TypeClass kClasses[] = {TypeClass::kInteger,   TypeClass::kReal, TypeClass::kNumeric,
                                  TypeClass::kText,      TypeClass::kBlob, TypeClass::kBoolean,
                                  TypeClass::kTimestamp, TypeClass::kDate, TypeClass::kJson,
                                  TypeClass::kOther};

std::string encode(TypeClass c, const Value& v) {
  std::string out;
  vigil::append_canonical_value(c, v, out);
  return out;
}

void check_encoding(TypeClass c, const Value& v) {
  const std::string out = encode(c, v);
  FUZZ_CHECK(!out.empty());
  const vigil::CanonicalValue cv = vigil::canonical_value(c, v);
  FUZZ_CHECK(static_cast<unsigned char>(out[0]) == static_cast<unsigned char>(cv.tag));
  if (cv.tag == CanonicalTag::kNull) {
    FUZZ_CHECK(out.size() == 1 && v.is_null());
  } else {
    FUZZ_CHECK(out.size() >= 9);
    std::uint64_t length = 0;
    for (int k = 7; k >= 0; --k) length = (length << 8U) | static_cast<unsigned char>(out[1 + k]);
    FUZZ_CHECK(length == out.size() - 9);
    FUZZ_CHECK(cv.payload == out.substr(9));
  }
  vigil::RowEncoder row;
  row.add(c, v);
  row.add(c, v);
  FUZZ_CHECK(row.row() == out + out);
}

void check_decimal(const std::string& d) {
  FUZZ_CHECK(!d.empty() && d.size() <= vigil::kMaxCanonicalDecimal);
  FUZZ_CHECK(d.find_first_of("eE+") == std::string::npos);
  FUZZ_CHECK(d != "-0");
  const std::size_t digits = d[0] == '-' ? 1 : 0;
  FUZZ_CHECK(d.size() > digits);
  if (d.size() > digits + 1) FUZZ_CHECK(d[digits] != '0' || d[digits + 1] == '.');
  if (d.find('.') != std::string::npos) FUZZ_CHECK(d.back() != '0' && d.back() != '.');
  const auto again = vigil::canonical_decimal(d);
  FUZZ_CHECK(again && *again == d);
}

template <typename F>
void idempotent(F f, std::string_view text) {
  const auto once = f(text);
  if (!once) return;
  const auto twice = f(*once);
  FUZZ_CHECK(twice && *twice == *once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const TypeClass c = kClasses[data[0] % (sizeof kClasses / sizeof kClasses[0])];
  const unsigned kind = data[0] / 16U;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  if (const auto d = vigil::canonical_decimal(text)) check_decimal(*d);
  if (const auto n = vigil::canonical_number_text(text)) {
    if (*n != "NaN" && *n != "Infinity" && *n != "-Infinity") check_decimal(*n);
  }
  idempotent(vigil::canonical_number_text, text);
  idempotent(vigil::canonical_timestamp, text);
  idempotent(vigil::canonical_date, text);
  idempotent(vigil::canonical_json, text);
  if (vigil::canonical_date(text)) FUZZ_CHECK(vigil::canonical_timestamp(text).has_value());
  if (const auto a = vigil::parse_json_scalar_array(text)) {
    for (const auto& s : *a) {
      if (s.kind != vigil::JsonScalar::Kind::kNumber) continue;
      // canonical, or -- too long to expand (1e400000) -- as written (docs/checksum-spec.md)
      const auto d = vigil::canonical_decimal(s.text);
      if (d) FUZZ_CHECK(*d == s.text);
    }
  }

  Value v;
  switch (kind % 8) {
    case 0:
      v = Value::text(text);
      break;
    case 1:
      v = Value::blob(text);
      break;
    case 2:
      v = Value::numeric(text);
      break;
    case 3:
      v = Value::timestamp(text);
      break;
    case 4:
      v = Value::json(text);
      break;
    case 5:
      v = Value::null();
      break;
    case 6: {
      std::int64_t i = 0;
      std::memcpy(&i, text.data(), std::min(text.size(), sizeof i));
      v = Value::integer(i);
      if (c == TypeClass::kInteger || c == TypeClass::kNumeric || c == TypeClass::kReal) {
        FUZZ_CHECK(encode(c, v) == encode(c, Value::text(std::to_string(i))));
        FUZZ_CHECK(encode(c, v) == encode(c, Value::numeric(std::to_string(i))));
      }
      break;
    }
    default: {
      double d = 0;
      std::memcpy(&d, text.data(), std::min(text.size(), sizeof d));
      v = Value::real(d);
      const std::string spelled = vigil::canonical_double(d);
      if (std::isfinite(d)) {
        check_decimal(spelled);
        FUZZ_CHECK(std::strtod(spelled.c_str(), nullptr) == d);
      }
      if (c == TypeClass::kNumeric || c == TypeClass::kReal) {
        FUZZ_CHECK(encode(c, v) == encode(c, Value::numeric(spelled)));
      }
      break;
    }
  }
  check_encoding(c, v);
  return 0;
}
