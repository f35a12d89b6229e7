// common/checksum/canonical.hpp
//
// The canonical encoding behind vigil's content checksums (docs/checksum-spec.md is the
// specification; this is its implementation).  A value is read in its engine's native form
// (vigil::Value) and interpreted by the type class of its column, so that the same logical
// data gives the same bytes in SQLite and PostgreSQL:
//
//   tag byte   what                        payload (UTF-8 / raw bytes)
//   0x00       NULL                        none (not even a length)
//   0x01       number                      shortest exact decimal: "1", "0.99", "-12.5", "NaN"
//   0x02       text                        the text's bytes
//   0x03       blob                        the bytes
//   0x04       timestamp                   "YYYY-MM-DD HH:MM:SS[.ffffff][ BC]", UTC
//   0x05       date                        "YYYY-MM-DD[ BC]"
//   0x06       json                        sorted keys, no insignificant whitespace
//
// Every non-NULL value is its tag, the payload's length as 8 little-endian bytes, then the
// payload.  A row is the concatenation of its values in column order, hashed with XXH3-128;
// a table's rows are combined by ContentChecksum.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"
#include "vigil/hash.hpp"
#include "vigil/value.hpp"

namespace vigil {

enum class CanonicalTag : unsigned char {
  kNull = 0x00,
  kNumber = 0x01,
  kText = 0x02,
  kBlob = 0x03,
  kTimestamp = 0x04,
  kDate = 0x05,
  kJson = 0x06,
};

// Decimal text ("-1.50", "1e300", ".5", "+7") in canonical positional form ("-1.5",
// "1000…0", "0.5", "7"): no exponent, no leading zeros, no trailing fraction zeros, no sign on
// zero.  nullopt when `text` is not a decimal literal or its canonical form would be longer
// than kMaxCanonicalDecimal characters.
std::optional<std::string> canonical_decimal(std::string_view text);
inline constexpr std::size_t kMaxCanonicalDecimal = 200000;

// A number spelled as text in a numeric-typed column: a decimal literal, or one of PostgreSQL's
// spellings of the special values ("NaN", "Infinity", "-Infinity", "inf", ... in any case).
std::optional<std::string> canonical_number_text(std::string_view text);

// The shortest decimal that reads back as `v`, in canonical form; -0.0 gives "0", NaN "NaN",
// infinities "Infinity" / "-Infinity".
std::string canonical_double(double v);

// ISO-8601 date/time text in canonical form, or nullopt when it is not one of the accepted forms
// (docs/checksum-spec.md, "Timestamps").  canonical_timestamp accepts a date alone (midnight);
// canonical_date accepts only a date.  "infinity" / "-infinity" are kept.
std::optional<std::string> canonical_timestamp(std::string_view text);
std::optional<std::string> canonical_date(std::string_view text);

// RFC 8259 JSON text in canonical form: object keys sorted by their UTF-8 bytes (the last of
// duplicate keys wins), numbers as canonical decimals, strings re-escaped minimally, no
// whitespace.  nullopt when `text` is not JSON.
std::optional<std::string> canonical_json(std::string_view text);

// `text` as a JSON string literal, escaped the way canonical JSON escapes strings.
std::string json_quote(std::string_view text);

// A JSON array of scalars such as the key bounds of vigil_checksum_segments ('[17]',
// '["a", 2]'); nullopt when `text` is not one.
struct JsonScalar {
  enum class Kind { kNull, kBoolean, kNumber, kString };
  Kind kind = Kind::kNull;
  std::string text;  // number: its canonical decimal; string: decoded UTF-8; "true"/"false"
};
std::optional<std::vector<JsonScalar>> parse_json_scalar_array(std::string_view text);

// The canonical value of `value`, read from a column of class `type_class`.
struct CanonicalValue {
  CanonicalTag tag = CanonicalTag::kNull;
  std::string payload;
};
CanonicalValue canonical_value(TypeClass type_class, const Value& value);

// Appends the encoding of `value` (tag, length, payload) to `out`.
void append_canonical_value(TypeClass type_class, const Value& value, std::string& out);

// The order of canonical key values (docs/checksums.md, "Order of keys"), as bytes that
// compare with memcmp: the sort key of vigil_checksum_segments() where an engine's stored
// forms do not sort in that order (SQLite's vigil_sort_key()).  Kinds: NULL < number <
// timestamp < date < text < json < blob; numbers by value (-Infinity < finite < Infinity <
// NaN, as PostgreSQL orders them), timestamps and dates by time (BC and years past 9999
// included; -infinity first, infinity last), text, json and blobs by their bytes.  The order
// a PostgreSQL column of the class has (text under COLLATE "C").
std::string canonical_sort_key(const CanonicalValue& value);
std::string canonical_sort_key(TypeClass type_class, const Value& value);

// Encodes one row at a time into a reused buffer, as append_canonical_value would: the hot loop
// of a checksum (numbers, text and blobs are written in place, without intermediate strings).
class RowEncoder {
 public:
  void clear() { size_ = 0; }
  void add(TypeClass type_class, const Value& value);
  void add(TypeClass type_class, const ValueRef& value);
  // add() for each of `count` values, the i-th read from a column of class classes[i].
  void add_row(const TypeClass* classes, const ValueRef* values, std::size_t count);
  std::string_view row() const { return {buffer_.data(), size_}; }

 private:
  void add_value(TypeClass type_class, const ValueRef& value);
  void add_converted(TypeClass type_class, const ValueRef& value);
  char* reserve(std::size_t n) {
    if (buffer_.size() - size_ < n) grow(n);
    return buffer_.data() + size_;
  }
  void grow(std::size_t n);

  std::vector<char> buffer_;
  std::size_t size_ = 0;
  std::string scratch_;
};

// The content checksum of a set of rows: the sum, modulo 2^128, of the XXH3-128 hashes of the
// rows' encodings, and the number of rows.  The digest is XXH3-128 of the sum (16 bytes,
// little-endian) followed by the count (8 bytes, little-endian).
class ContentChecksum {
 public:
  void add_row(std::string_view encoded_row) { add(xxh3_128(encoded_row)); }
  void add(const Hash128& row_hash) {
    sum_.low += row_hash.low;
    const std::uint64_t carry = sum_.low < row_hash.low ? 1 : 0;
    sum_.high += row_hash.high + carry;
    ++rows_;
  }
  std::uint64_t rows() const { return rows_; }
  const Hash128& sum() const { return sum_; }
  Hash128 digest() const;
  std::string hex() const { return digest().hex(); }

 private:
  Hash128 sum_;
  std::uint64_t rows_ = 0;
};

}  // namespace vigil
