// common/vigil/value.cpp
#include "vigil/value.hpp"

#include <fmt/format.h>

#include <charconv>

#include "vigil/error.hpp"

namespace vigil {

const char* value_kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kInteger:
      return "integer";
    case ValueKind::kReal:
      return "real";
    case ValueKind::kNumeric:
      return "numeric";
    case ValueKind::kText:
      return "text";
    case ValueKind::kBlob:
      return "blob";
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kTimestamp:
      return "timestamp";
    case ValueKind::kJson:
      return "json";
  }
  return "unknown";
}

std::int64_t Value::to_integer() const {
  switch (kind_) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      return int_;
    case ValueKind::kReal:
      return static_cast<std::int64_t>(real_);
    default: {
      std::int64_t out = 0;
      const char* first = bytes_.data();
      const char* last = first + bytes_.size();
      auto [ptr, ec] = std::from_chars(first, last, out);
      if (ec == std::errc() && ptr == last) return out;
      if (bytes_ == "t" || bytes_ == "true") return 1;
      if (bytes_ == "f" || bytes_ == "false") return 0;
      throw Error(ErrorCode::kInternal, fmt::format("expected an integer, got \"{}\"", bytes_));
    }
  }
}

std::string Value::to_text() const {
  switch (kind_) {
    case ValueKind::kNull:
      return {};
    case ValueKind::kInteger:
      return std::to_string(int_);
    case ValueKind::kBoolean:
      return int_ ? "true" : "false";
    case ValueKind::kReal:
      return fmt::format("{}", real_);
    default:
      return bytes_;
  }
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      return a.int_ == b.int_;
    case ValueKind::kReal:
      return a.real_ == b.real_;
    default:
      return a.bytes_ == b.bytes_;
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
