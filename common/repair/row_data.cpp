// common/repair/row_data.cpp
//
// The JSON form of quarantined rows (row_data.hpp).
#include "repair/row_data.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "vigil/error.hpp"

namespace vigil {
namespace {

void append_tagged(std::string& out, const char* tag, std::string_view text) {
  out += "{";
  append_json_string(out, tag);
  out += ": ";
  append_json_string(out, text);
  out += "}";
}

std::string to_hex(const std::string& bytes) {
  static const char* const kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4U]);
    out.push_back(kDigits[c & 0xFU]);
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void bad(const std::string& what) {
  throw Error(ErrorCode::kInvalidParameter, "invalid row_data value: " + what);
}

}  // namespace

void append_value_json(std::string& out, const Value& value) {
  switch (value.kind()) {
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kInteger:
      out += std::to_string(value.as_integer());
      return;
    case ValueKind::kBoolean:
      out += value.as_boolean() ? "true" : "false";
      return;
    case ValueKind::kText:
      append_json_string(out, value.bytes());
      return;
    case ValueKind::kReal:
      append_tagged(out, "real", shortest_double(value.as_real()));
      return;
    case ValueKind::kNumeric:
      append_tagged(out, "numeric", value.bytes());
      return;
    case ValueKind::kBlob:
      append_tagged(out, "blob", to_hex(value.bytes()));
      return;
    case ValueKind::kTimestamp:
      append_tagged(out, "timestamp", value.bytes());
      return;
    case ValueKind::kJson:
      append_tagged(out, "json", value.bytes());
      return;
  }
}

std::string row_json(const std::vector<std::string>& names, const Row& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out += ", ";
    append_json_string(out, names[i]);
    out += ": ";
    append_value_json(out, values[i]);
  }
  return out + "}";
}

Value value_from_json(const JsonNode& node) {
  switch (node.type) {
    case JsonNode::Type::kNull:
      return Value::null();
    case JsonNode::Type::kBool:
      return Value::boolean(node.boolean);
    case JsonNode::Type::kString:
      return Value::text(node.text);
    case JsonNode::Type::kNumber: {
      std::int64_t v = 0;
      const char* first = node.text.data();
      const char* last = first + node.text.size();
      const auto [ptr, ec] = std::from_chars(first, last, v);
      if (ec != std::errc() || ptr != last) bad("not an integer: " + node.text);
      return Value::integer(v);
    }
    case JsonNode::Type::kArray:
      bad("an array");
    case JsonNode::Type::kObject:
      break;
  }
  if (node.members.size() != 1 || node.members[0].second.type != JsonNode::Type::kString) {
    bad("an object that is not {\"kind\": \"text\"}");
  }
  const std::string& tag = node.members[0].first;
  const std::string& text = node.members[0].second.text;
  if (tag == "real") {
    if (text == "NaN") return Value::real(std::numeric_limits<double>::quiet_NaN());
    if (text == "Infinity") return Value::real(std::numeric_limits<double>::infinity());
    if (text == "-Infinity") return Value::real(-std::numeric_limits<double>::infinity());
    double d = 0;
    const char* first = text.data();
    const char* last = first + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, d);
    if (ec != std::errc() || ptr != last) bad("not a real: " + text);
    return Value::real(d);
  }
  if (tag == "numeric") return Value::numeric(text);
  if (tag == "timestamp") return Value::timestamp(text);
  if (tag == "json") return Value::json(text);
  if (tag == "blob") {
    if (text.size() % 2 != 0) bad("odd hex length");
    std::string bytes;
    bytes.reserve(text.size() / 2);
    for (std::size_t i = 0; i < text.size(); i += 2) {
      const int hi = hex_digit(text[i]);
      const int lo = hex_digit(text[i + 1]);
      if (hi < 0 || lo < 0) bad("not hex: " + text);
      bytes.push_back(static_cast<char>((hi << 4) | lo));
    }
    return Value::blob(std::move(bytes));
  }
  bad("unknown kind \"" + tag + "\"");
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
