// common/vigil/json.hpp
//
// The one JSON writer and reader of the core.  Writers: string literals (RFC 8259 escaping:
// `"`, `\` and control characters; other bytes, UTF-8 included, are copied as they are) and
// numbers in their shortest exact form.  Reader: a small strict parser (objects, arrays,
// strings with \uXXXX escapes and surrogate pairs, numbers kept as their literal text, true,
// false, null), for vigil's own JSON (the quarantine's row_data).  The checksum's canonical
// encoder (common/checksum/canonical.cpp) keeps its own, on purpose: its bytes are a
// specification.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil {

// Appends the JSON string literal of `s`, quotes included.
void append_json_string(std::string& out, std::string_view s);
// The JSON string literal of `s`, quotes included.
std::string json_string(std::string_view s);
// The shortest decimal text that reads back as exactly `v` ("0.1", "1e+300", "2"); "NaN",
// "Infinity", "-Infinity" for the values JSON has no number for (callers quote those).
std::string shortest_double(double v);

// A parsed JSON value.  Numbers keep their literal text, so nothing is lost in a conversion.
struct JsonNode {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // kNumber: the literal; kString: the decoded UTF-8 bytes
  std::vector<JsonNode> items;
  std::vector<std::pair<std::string, JsonNode>> members;  // in document order

  // The member called `name`, or nullptr.
  const JsonNode* find(std::string_view name) const;
};

// Parses one JSON document (surrounding whitespace allowed).  Throws vigil::Error
// (kInvalidParameter) saying where the text stops being JSON.
JsonNode parse_json(std::string_view text);

}  // namespace vigil
