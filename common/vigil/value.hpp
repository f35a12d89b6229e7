// common/vigil/value.hpp
//
// One SQL value as the core sees it, whichever engine produced it.  Engines hand values over
// in their native form (an int64, a double, bytes), never as a formatted row; the adapters do
// the conversion (pg_extension/pg_value.cpp, sqlite_extension/sqlite_session.cpp).
//
// Kinds and their engine types:
//   kNull      NULL
//   kInteger   PostgreSQL int2/int4/int8/oid, SQLite INTEGER storage class
//   kReal      PostgreSQL float4/float8, SQLite REAL storage class
//   kNumeric   PostgreSQL numeric, kept as its exact decimal text
//   kText      text-like values (UTF-8)
//   kBlob      PostgreSQL bytea, SQLite BLOB storage class (raw bytes)
//   kBoolean   PostgreSQL boolean (SQLite has none: it hands over 0/1 integers)
//   kTimestamp a timestamp, as ISO-8601 text (`YYYY-MM-DD HH:MM:SS[.ffffff][+00]`)
//   kJson      json/jsonb, as JSON text
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil {

enum class ValueKind {
  kNull,
  kInteger,
  kReal,
  kNumeric,
  kText,
  kBlob,
  kBoolean,
  kTimestamp,
  kJson
};

const char* value_kind_name(ValueKind kind);

class Value {
 public:
  Value() = default;
  static Value null() { return {}; }
  static Value integer(std::int64_t v) {
    Value x(ValueKind::kInteger);
    x.int_ = v;
    return x;
  }
  static Value real(double v) {
    Value x(ValueKind::kReal);
    x.real_ = v;
    return x;
  }
  static Value boolean(bool v) {
    Value x(ValueKind::kBoolean);
    x.int_ = v ? 1 : 0;
    return x;
  }
  static Value text(std::string v) { return with_bytes(ValueKind::kText, std::move(v)); }
  static Value numeric(std::string v) { return with_bytes(ValueKind::kNumeric, std::move(v)); }
  static Value blob(std::string v) { return with_bytes(ValueKind::kBlob, std::move(v)); }
  static Value timestamp(std::string v) { return with_bytes(ValueKind::kTimestamp, std::move(v)); }
  static Value json(std::string v) { return with_bytes(ValueKind::kJson, std::move(v)); }

  ValueKind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == ValueKind::kNull; }

  // Raw accessors: the caller has checked kind().
  std::int64_t as_integer() const noexcept { return int_; }
  double as_real() const noexcept { return real_; }
  bool as_boolean() const noexcept { return int_ != 0; }
  const std::string& bytes() const noexcept { return bytes_; }

  // Lenient conversions used when reading catalog rows: an engine may hand a flag over as a
  // boolean (PostgreSQL) or an integer (SQLite), a count as int or numeric.
  std::int64_t to_integer() const;
  bool to_bool() const { return to_integer() != 0; }
  std::string to_text() const;  // NULL gives ""

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }

 private:
  explicit Value(ValueKind kind) : kind_(kind) {}
  static Value with_bytes(ValueKind kind, std::string v) {
    Value x(kind);
    x.bytes_ = std::move(v);
    return x;
  }

  ValueKind kind_ = ValueKind::kNull;
  std::int64_t int_ = 0;
  double real_ = 0;
  std::string bytes_;
};

// A value read in place, for scans that look at each value once (checksums): numbers by value,
// text and bytes as a view into the host's current row (or into the Value it was converted
// into).  Valid until the cursor moves, or the storage it points into changes.
struct ValueRef {
  ValueKind kind = ValueKind::kNull;
  std::int64_t integer = 0;  // kInteger; kBoolean as 0 / 1
  double real = 0;           // kReal
  std::string_view bytes;    // every other kind

  static ValueRef of(const Value& v) noexcept {
    ValueRef r;
    r.kind = v.kind();
    r.integer = v.as_integer();
    r.real = v.as_real();
    r.bytes = v.bytes();
    return r;
  }
};

using Row = std::vector<Value>;
using Params = std::vector<Value>;

}  // namespace vigil
