// common/checksum/canonical.cpp
//
// The canonical encoding of values for content checksums; docs/checksum-spec.md specifies it
// and lists the test vectors that tests/unit/checksum_vectors_test.cpp checks.
#include "checksum/canonical.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <utility>
#include <vector>

namespace vigil {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// ---- numbers ----------------------------------------------------------------------------------

// The digits int_part + frac_part, with the decimal point int_part.size() + exp digits from
// their start, in canonical positional form.  Writes nothing and returns false when the result
// would be longer than kMaxCanonicalDecimal.
bool append_positional(bool negative, std::string_view int_part, std::string_view frac_part,
                       std::int64_t exp, std::string& out) {
  const auto int_len = static_cast<std::int64_t>(int_part.size());
  const std::int64_t n = int_len + static_cast<std::int64_t>(frac_part.size());
  auto digit = [&](std::int64_t k) {
    return k < int_len ? int_part[static_cast<std::size_t>(k)]
                       : frac_part[static_cast<std::size_t>(k - int_len)];
  };
  std::int64_t first = 0;
  while (first < n && digit(first) == '0') ++first;
  if (first == n) {
    out.push_back('0');
    return true;
  }
  std::int64_t last = n - 1;
  while (digit(last) == '0') --last;
  const std::int64_t len = last - first + 1;
  const std::int64_t point = int_len + exp - first;  // significant digits before the point
  const std::int64_t size = (point <= 0     ? 2 - point + len
                             : point >= len ? point
                                            : len + 1) +
                            (negative ? 1 : 0);
  if (size > static_cast<std::int64_t>(kMaxCanonicalDecimal)) return false;
  out.reserve(out.size() + static_cast<std::size_t>(size));
  if (negative) out.push_back('-');
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-point), '0');
    for (std::int64_t k = first; k <= last; ++k) out.push_back(digit(k));
  } else if (point >= len) {
    for (std::int64_t k = first; k <= last; ++k) out.push_back(digit(k));
    out.append(static_cast<std::size_t>(point - len), '0');
  } else {
    for (std::int64_t k = 0; k < len; ++k) {
      if (k == point) out.push_back('.');
      out.push_back(digit(first + k));
    }
  }
  return true;
}

// [+-] digits [. [digits]] | [+-] . digits, then an optional [eE][+-]digits exponent.
bool append_decimal(std::string_view s, std::string& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    negative = s[i] == '-';
    ++i;
  }
  const std::size_t int_begin = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  const std::string_view int_part = s.substr(int_begin, i - int_begin);
  std::string_view frac_part;
  if (i < s.size() && s[i] == '.') {
    ++i;
    const std::size_t frac_begin = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    frac_part = s.substr(frac_begin, i - frac_begin);
  }
  if (int_part.empty() && frac_part.empty()) return false;
  std::int64_t exp = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      exp_negative = s[i] == '-';
      ++i;
    }
    const std::size_t exp_begin = i;
    while (i < s.size() && is_digit(s[i])) {
      if (i - exp_begin >= 9) return false;  // |exponent| < 10^9
      exp = exp * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_begin) return false;
    if (exp_negative) exp = -exp;
  }
  if (i != s.size()) return false;
  return append_positional(negative, int_part, frac_part, exp, out);
}

// Numbers are formatted into a caller's buffer (kMaxNumber bytes) and appended once: the hot
// path of a checksum over numeric columns.
constexpr std::size_t kMaxNumber = 400;  // the longest double, 5e-324, takes 326 characters

constexpr char kDigitPairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

// The number of decimal digits of u (1 for 0).
inline int count_digits(std::uint64_t u) {
  int n = 1;
  while (true) {
    if (u < 10) return n;
    if (u < 100) return n + 1;
    if (u < 1000) return n + 2;
    if (u < 10000) return n + 3;
    u /= 10000;
    n += 4;
  }
}

// Writes u as exactly n digits at p (n is at least u's number of digits; zero-padded on the
// left), two at a time from the right, in 32-bit arithmetic once u fits; returns p + n.
// Digits are written in place: a copy through a temporary buffer became a call to memcpy per
// number, a tenth of a checksum's time.
inline char* write_digits(std::uint64_t u, char* p, int n) {
  char* const end = p + n;
  char* q = end;
  while (u > 0xffffffffU) {  // n >= 10 here
    const auto pair = static_cast<std::size_t>(u % 100) * 2;
    u /= 100;
    *--q = kDigitPairs[pair + 1];
    *--q = kDigitPairs[pair];
    n -= 2;
  }
  auto w = static_cast<std::uint32_t>(u);
  while (n >= 2) {
    const std::uint32_t pair = (w % 100) * 2;
    w /= 100;
    *--q = kDigitPairs[pair + 1];
    *--q = kDigitPairs[pair];
    n -= 2;
  }
  if (n == 1) *--q = static_cast<char>('0' + w % 10);
  return end;
}

char* format_integer(std::int64_t v, char* p) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  if (v < 0) {
    *p++ = '-';
    u = ~u + 1;  // the magnitude, including for INT64_MIN
  }
  return write_digits(u, p, count_digits(u));
}

char* put(char* p, const char* text) {
  while (*text != '\0') *p++ = *text++;
  return p;
}

// n '0' characters at p (a plain loop would be turned into a call to memset).
char* put_zeros(char* p, int n) {
  if (n > 0) {
    std::memset(p, '0', static_cast<std::size_t>(n));
    p += n;
  }
  return p;
}

constexpr std::uint64_t kPow10[] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    10000000000000000000ULL};

constexpr double kPow10Double[] = {1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                   1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};

// The shortest decimal of a positive, non-integral `a` when it has at most 17 digits after the
// point and a * 10^k stays below 2^40 (183.8, 0.1697: most measured data), without Dragonbox:
// t * 10^-k for the smallest k where some integer t reads back as `a`.  That is Dragonbox's
// answer: it takes the coarsest decimal position at which a multiple lies in a's rounding
// interval, and below 2^40 that multiple is unique and found.  Why: for a in [2^e, 2^(e+1)),
// ulp(a) <= a * 2^-52, so every t that reads back lies within 10^k * ulp(a) / 2 <= P * 2^-53
// <= 2^-13 of P = a * 10^k (two integers cannot both); the computed product p is within
// ulp(P) / 2 <= 2^-14 of P; so such a t is the integer nearest p, within 2^-12 of it, and the
// filter below misses none.  Whether t reads back as `a` is then decided exactly: t and 10^k
// are exact doubles, and a correctly rounded division rounds t / 10^k as reading the decimal
// does (to nearest, ties to even).  False when there is no such k: Dragonbox decides.
bool short_decimal(double a, std::uint64_t* significand, int* exponent) {
  constexpr double kLimit = 1099511627776.0;  // 2^40
  for (int k = 1; k < static_cast<int>(std::size(kPow10Double)); ++k) {
    const double p = a * kPow10Double[k];
    if (p >= kLimit) return false;
    // The nearest integer whenever p is within 2^-12 of one, the only case that matters here.
    const auto t = static_cast<std::uint64_t>(p + 0.5);  // NOLINT(bugprone-incorrect-roundings)
    const auto td = static_cast<double>(t);
    if (std::fabs(p - td) <= 0x1p-12 && td / kPow10Double[k] == a) {
      *significand = t;
      *exponent = -k;
      return true;
    }
  }
  return false;
}

// Integral values are written as integers; the others from the shortest round-trip decimal
// significand and exponent (short_decimal, or Dragonbox as fmt computes it for "{}"), written
// positionally.  fmt::detail::dragonbox::to_decimal is part of libfmt's ABI (FMT_API) since
// fmt 8; the randomized tests in tests/unit/checksum_canonical_test.cpp check both paths
// against the general one.
char* format_double(double v, char* out) {
  if (std::fabs(v) < 9007199254740992.0) {  // 2^53: every integer below is exact; not NaN
    const auto i = static_cast<std::int64_t>(v);
    if (static_cast<double>(i) == v) return format_integer(i, out);  // 0 and -0.0 give "0"
  } else if (std::isnan(v)) {
    return put(out, "NaN");
  } else if (std::isinf(v)) {
    return put(out, v < 0 ? "-Infinity" : "Infinity");
  }
  std::uint64_t significand = 0;
  int exponent = 0;
  if (!short_decimal(std::fabs(v), &significand, &exponent)) {
    const auto decimal = fmt::detail::dragonbox::to_decimal(std::fabs(v));
    significand = decimal.significand;
    exponent = decimal.exponent;
    while (significand % 10 == 0) {  // significand > 0: v is neither zero nor special
      significand /= 10;
      ++exponent;
    }
  }
  const int count = count_digits(significand);
  // value = significand * 10^exponent: the point sits `count + exponent` digits in.
  const int point = count + exponent;
  if (v < 0) *out++ = '-';
  if (point <= 0) {
    *out++ = '0';
    *out++ = '.';
    out = put_zeros(out, -point);
    return write_digits(significand, out, count);
  }
  if (point >= count) {
    out = write_digits(significand, out, count);
    return put_zeros(out, point - count);
  }
  const int fraction = count - point;  // 1 to 16 digits after the point
  out = write_digits(significand / kPow10[fraction], out, point);
  *out++ = '.';
  return write_digits(significand % kPow10[fraction], out, fraction);
}

void append_double(double v, std::string& out) {
  char buf[kMaxNumber];
  out.append(buf, static_cast<std::size_t>(format_double(v, buf) - buf));
}

bool append_number_text(std::string_view s, std::string& out) {
  if (append_decimal(s, out)) return true;
  if (iequals(s, "nan")) {
    out += "NaN";
  } else if (iequals(s, "infinity") || iequals(s, "+infinity") || iequals(s, "inf") ||
             iequals(s, "+inf")) {
    out += "Infinity";
  } else if (iequals(s, "-infinity") || iequals(s, "-inf")) {
    out += "-Infinity";
  } else {
    return false;
  }
  return true;
}

// ---- timestamps -------------------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date with astronomical year numbering (year 0
// is 1 BC), and back (H. Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, int& m, int& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

int days_in_month(std::int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

struct DateTime {
  std::int64_t year = 0;  // astronomical
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micro = 0;
};

bool fixed_digits(std::string_view s, std::size_t& i, int count, int& value) {
  if (i + static_cast<std::size_t>(count) > s.size()) return false;
  value = 0;
  for (int k = 0; k < count; ++k, ++i) {
    if (!is_digit(s[i])) return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

// YYYY-MM-DD, the year with 4 to 7 digits.
bool parse_date_part(std::string_view s, std::size_t& i, DateTime& t) {
  const std::size_t begin = i;
  std::int64_t year = 0;
  while (i < s.size() && is_digit(s[i]) && i - begin < 7) {
    year = year * 10 + (s[i] - '0');
    ++i;
  }
  if (i - begin < 4 || i >= s.size() || s[i] != '-') return false;
  ++i;
  t.year = year;
  if (!fixed_digits(s, i, 2, t.month) || i >= s.size() || s[i] != '-') return false;
  ++i;
  return fixed_digits(s, i, 2, t.day);
}

// An optional " BC" (PostgreSQL's ISO output for years before 1 AD) at the end.
bool parse_era(std::string_view s, std::size_t& i, DateTime& t) {
  if (i == s.size()) return true;
  if (!iequals(s.substr(i), " BC") || t.year < 1) return false;
  t.year = 1 - t.year;
  i = s.size();
  return true;
}

bool valid_date(const DateTime& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= days_in_month(t.year, t.month);
}

// HH:MM[:SS[.f…]] then an optional zone Z | ±HH | ±HHMM | ±HH:MM[:SS]; the offset in seconds
// east of UTC goes to `offset`.
bool parse_time_part(std::string_view s, std::size_t& i, DateTime& t, std::int64_t& offset) {
  if (!fixed_digits(s, i, 2, t.hour) || i >= s.size() || s[i] != ':') return false;
  ++i;
  if (!fixed_digits(s, i, 2, t.minute)) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!fixed_digits(s, i, 2, t.second)) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      const std::size_t begin = i;
      int micro = 0;
      while (i < s.size() && is_digit(s[i])) {
        if (i - begin < 6) {
          micro = micro * 10 + (s[i] - '0');
        } else if (s[i] != '0') {
          return false;  // finer than a microsecond
        }
        ++i;
      }
      if (i == begin) return false;
      for (std::size_t k = i - begin; k < 6; ++k) micro *= 10;
      t.micro = micro;
    }
  }
  if (t.hour > 23 || t.minute > 59 || t.second > 59) return false;
  offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const bool west = s[i] == '-';
    ++i;
    int hh = 0;
    int mm = 0;
    int ss = 0;
    if (!fixed_digits(s, i, 2, hh)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!fixed_digits(s, i, 2, mm)) return false;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!fixed_digits(s, i, 2, ss)) return false;
      }
    } else if (i + 1 < s.size() && is_digit(s[i])) {
      if (!fixed_digits(s, i, 2, mm)) return false;
    }
    if (hh > 23 || mm > 59 || ss > 59) return false;
    offset = (std::int64_t{hh} * 3600 + std::int64_t{mm} * 60 + ss) * (west ? -1 : 1);
  }
  return true;
}

void append_date(std::int64_t year, int month, int day, std::string& out) {
  const std::int64_t shown = year <= 0 ? 1 - year : year;
  fmt::format_to(std::back_inserter(out), "{:04d}-{:02d}-{:02d}", shown, month, day);
}

void append_era(std::int64_t year, std::string& out) {
  if (year <= 0) out += " BC";
}

bool append_timestamp(std::string_view s, std::string& out) {
  if (iequals(s, "infinity") || iequals(s, "+infinity")) {
    out += "infinity";
    return true;
  }
  if (iequals(s, "-infinity")) {
    out += "-infinity";
    return true;
  }
  DateTime t;
  std::size_t i = 0;
  std::int64_t offset = 0;
  if (!parse_date_part(s, i, t)) return false;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T' || s[i] == 't') && !iequals(s.substr(i), " BC")) {
    ++i;
    if (!parse_time_part(s, i, t, offset)) return false;
  }
  if (!parse_era(s, i, t) || !valid_date(t)) return false;
  if (offset != 0) {
    const std::int64_t seconds = days_from_civil(t.year, t.month, t.day) * 86400 +
                                 std::int64_t{t.hour} * 3600 + std::int64_t{t.minute} * 60 +
                                 t.second - offset;
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
      rest += 86400;
      --days;
    }
    civil_from_days(days, t.year, t.month, t.day);
    t.hour = static_cast<int>(rest / 3600);
    t.minute = static_cast<int>(rest / 60 % 60);
    t.second = static_cast<int>(rest % 60);
  }
  append_date(t.year, t.month, t.day, out);
  fmt::format_to(std::back_inserter(out), " {:02d}:{:02d}:{:02d}", t.hour, t.minute, t.second);
  if (t.micro != 0) {
    char frac[7];
    int micro = t.micro;
    for (int k = 5; k >= 0; --k) {
      frac[k] = static_cast<char>('0' + micro % 10);
      micro /= 10;
    }
    int len = 6;
    while (frac[len - 1] == '0') --len;
    out.push_back('.');
    out.append(frac, static_cast<std::size_t>(len));
  }
  append_era(t.year, out);
  return true;
}

bool append_date_text(std::string_view s, std::string& out) {
  if (iequals(s, "infinity") || iequals(s, "+infinity")) {
    out += "infinity";
    return true;
  }
  if (iequals(s, "-infinity")) {
    out += "-infinity";
    return true;
  }
  DateTime t;
  std::size_t i = 0;
  if (!parse_date_part(s, i, t) || !parse_era(s, i, t) || !valid_date(t)) return false;
  append_date(t.year, t.month, t.day, out);
  append_era(t.year, out);
  return true;
}

// ---- JSON -------------------------------------------------------------------------------------

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  for (const char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class JsonCanonicalizer {
 public:
  explicit JsonCanonicalizer(std::string_view s) : s_(s) {}

  bool run(std::string& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return i_ == s_.size();
  }

  bool scalar_array(std::vector<JsonScalar>& out) {
    skip_space();
    if (!at('[')) return false;
    ++i_;
    skip_space();
    if (at(']')) {
      ++i_;
    } else {
      while (true) {
        skip_space();
        JsonScalar scalar;
        if (at('"')) {
          scalar.kind = JsonScalar::Kind::kString;
          if (!string(scalar.text)) return false;
        } else if (at('t') || at('f')) {
          scalar.kind = JsonScalar::Kind::kBoolean;
          if (!literal(at('t') ? "true" : "false", scalar.text)) return false;
        } else if (at('n')) {
          std::string ignored;
          if (!literal("null", ignored)) return false;
        } else {
          scalar.kind = JsonScalar::Kind::kNumber;
          if (!number(scalar.text)) return false;
        }
        out.push_back(std::move(scalar));
        skip_space();
        if (at(',')) {
          ++i_;
          continue;
        }
        if (!at(']')) return false;
        ++i_;
        break;
      }
    }
    skip_space();
    return i_ == s_.size();
  }

 private:
  static constexpr int kMaxDepth = 1000;

  void skip_space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
      ++i_;
    }
  }

  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }

  bool value(std::string& out, int depth) {
    if (depth > kMaxDepth || i_ >= s_.size()) return false;
    switch (s_[i_]) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string text;
        if (!string(text)) return false;
        append_json_string(text, out);
        return true;
      }
      case 't':
        return literal("true", out);
      case 'f':
        return literal("false", out);
      case 'n':
        return literal("null", out);
      default:
        return number(out);
    }
  }

  bool literal(std::string_view word, std::string& out) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    out += word;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(std::string& out) {
    const std::size_t begin = i_;
    if (at('-')) ++i_;
    if (at('0')) {
      ++i_;
    } else if (i_ < s_.size() && s_[i_] >= '1' && s_[i_] <= '9') {
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    } else {
      return false;
    }
    if (at('.')) {
      ++i_;
      const std::size_t frac = i_;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
      if (i_ == frac) return false;
    }
    if (at('e') || at('E')) {
      ++i_;
      if (at('+') || at('-')) ++i_;
      const std::size_t exp = i_;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
      if (i_ == exp) return false;
    }
    const std::string_view token = s_.substr(begin, i_ - begin);
    if (!append_decimal(token, out)) out += token;  // too long to expand: kept as written
    return true;
  }

  bool hex4(std::uint32_t& v) {
    if (i_ + 4 > s_.size()) return false;
    v = 0;
    for (int k = 0; k < 4; ++k, ++i_) {
      const char c = ascii_lower(s_[i_]);
      v <<= 4;
      if (is_digit(c)) {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  bool string(std::string& text) {
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        text.push_back(c);
        continue;
      }
      if (i_ >= s_.size()) return false;
      const char e = s_[i_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          text.push_back(e);
          break;
        case 'b':
          text.push_back('\b');
          break;
        case 'f':
          text.push_back('\f');
          break;
        case 'n':
          text.push_back('\n');
          break;
        case 'r':
          text.push_back('\r');
          break;
        case 't':
          text.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (s_.substr(i_, 2) != "\\u") return false;
            i_ += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;  // a lone low surrogate
          }
          append_utf8(cp, text);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool array(std::string& out, int depth) {
    ++i_;
    out.push_back('[');
    skip_space();
    if (at(']')) {
      ++i_;
      out.push_back(']');
      return true;
    }
    while (true) {
      skip_space();
      if (!value(out, depth + 1)) return false;
      skip_space();
      if (at(',')) {
        ++i_;
        out.push_back(',');
        continue;
      }
      if (!at(']')) return false;
      ++i_;
      out.push_back(']');
      return true;
    }
  }

  bool object(std::string& out, int depth) {
    ++i_;
    std::vector<std::pair<std::string, std::string>> members;
    skip_space();
    if (at('}')) {
      ++i_;
      out += "{}";
      return true;
    }
    while (true) {
      skip_space();
      if (!at('"')) return false;
      std::pair<std::string, std::string> member;
      if (!string(member.first)) return false;
      skip_space();
      if (!at(':')) return false;
      ++i_;
      skip_space();
      if (!value(member.second, depth + 1)) return false;
      members.push_back(std::move(member));
      skip_space();
      if (at(',')) {
        ++i_;
        continue;
      }
      if (!at('}')) return false;
      ++i_;
      break;
    }
    std::stable_sort(members.begin(), members.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    out.push_back('{');
    bool first = true;
    for (std::size_t k = 0; k < members.size(); ++k) {
      if (k + 1 < members.size() && members[k + 1].first == members[k].first) continue;
      if (!first) out.push_back(',');
      first = false;
      append_json_string(members[k].first, out);
      out.push_back(':');
      out += members[k].second;
    }
    out.push_back('}');
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

bool append_json(std::string_view s, std::string& out) {
  std::string canonical;
  if (!JsonCanonicalizer(s).run(canonical)) return false;
  out += canonical;
  return true;
}

// ---- the encoding -----------------------------------------------------------------------------

// Writes the tag and a placeholder for the length; returns where the length goes.
std::size_t begin_value(CanonicalTag tag, std::string& out) {
  out.push_back(static_cast<char>(tag));
  const std::size_t at = out.size();
  out.append(8, '\0');
  return at;
}

// n as 8 little-endian bytes at p: one store on a little-endian machine (the byte loop was not
// merged into one by the compiler, and ran for every value of every row).
void put_length(std::uint64_t n, char* p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(p, &n, sizeof n);
#else
  for (std::size_t k = 0; k < 8; ++k) {
    p[k] = static_cast<char>(n & 0xffU);
    n >>= 8U;
  }
#endif
}

void end_value(std::size_t at, std::string& out) {
  put_length(out.size() - at - 8, &out[at]);
}

void append_bytes(CanonicalTag tag, std::string_view bytes, std::string& out) {
  char header[9];
  header[0] = static_cast<char>(tag);
  put_length(bytes.size(), header + 1);
  out.append(header, sizeof header);
  out.append(bytes.data(), bytes.size());
}

// A number formatted by `format` (a char*(T, char*)) behind its tag and length, in one append.
template <typename T, typename Format>
void append_number(CanonicalTag tag, T v, Format format, std::string& out) {
  char buf[9 + kMaxNumber];
  char* const end = format(v, buf + 9);
  buf[0] = static_cast<char>(tag);
  put_length(static_cast<std::uint64_t>(end - buf - 9), buf + 1);
  out.append(buf, static_cast<std::size_t>(end - buf));
}

// Runs `append` (a bool(std::string_view, std::string&) parser) under `tag`; when it does not
// accept the text, the value is encoded as text.
template <typename Append>
void append_parsed(CanonicalTag tag, std::string_view text, Append append, std::string& out) {
  const std::size_t start = out.size();
  const std::size_t at = begin_value(tag, out);
  if (append(text, out)) {
    end_value(at, out);
  } else {
    out.resize(start);
    append_bytes(CanonicalTag::kText, text, out);
  }
}

bool append_boolean_text(std::string_view s, std::string& out) {
  if (iequals(s, "true")) {
    out.push_back('1');
    return true;
  }
  if (iequals(s, "false")) {
    out.push_back('0');
    return true;
  }
  return append_number_text(s, out);
}

void append_text_value(TypeClass type_class, std::string_view text, std::string& out) {
  switch (type_class) {
    case TypeClass::kInteger:
    case TypeClass::kReal:
    case TypeClass::kNumeric:
      append_parsed(CanonicalTag::kNumber, text, append_number_text, out);
      return;
    case TypeClass::kBoolean:
      append_parsed(CanonicalTag::kNumber, text, append_boolean_text, out);
      return;
    case TypeClass::kTimestamp:
      append_parsed(CanonicalTag::kTimestamp, text, append_timestamp, out);
      return;
    case TypeClass::kDate:
      append_parsed(CanonicalTag::kDate, text, append_date_text, out);
      return;
    case TypeClass::kJson:
      append_parsed(CanonicalTag::kJson, text, append_json, out);
      return;
    default:
      append_bytes(CanonicalTag::kText, text, out);
      return;
  }
}

}  // namespace

std::string json_quote(std::string_view text) {
  std::string out;
  append_json_string(text, out);
  return out;
}

std::optional<std::vector<JsonScalar>> parse_json_scalar_array(std::string_view text) {
  std::vector<JsonScalar> out;
  if (!JsonCanonicalizer(text).scalar_array(out)) return std::nullopt;
  return out;
}

std::optional<std::string> canonical_decimal(std::string_view text) {
  std::string out;
  if (!append_decimal(text, out)) return std::nullopt;
  return out;
}

std::optional<std::string> canonical_number_text(std::string_view text) {
  std::string out;
  if (!append_number_text(text, out)) return std::nullopt;
  return out;
}

std::string canonical_double(double v) {
  std::string out;
  append_double(v, out);
  return out;
}

std::optional<std::string> canonical_timestamp(std::string_view text) {
  std::string out;
  if (!append_timestamp(text, out)) return std::nullopt;
  return out;
}

std::optional<std::string> canonical_date(std::string_view text) {
  std::string out;
  if (!append_date_text(text, out)) return std::nullopt;
  return out;
}

std::optional<std::string> canonical_json(std::string_view text) {
  std::string out;
  if (!JsonCanonicalizer(text).run(out)) return std::nullopt;
  return out;
}

namespace {

void append_canonical_ref(TypeClass type_class, const ValueRef& value, std::string& out) {
  const bool json = type_class == TypeClass::kJson;
  switch (value.kind) {
    case ValueKind::kNull:
      out.push_back(static_cast<char>(CanonicalTag::kNull));
      return;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      append_number(json ? CanonicalTag::kJson : CanonicalTag::kNumber, value.integer,
                    format_integer, out);
      return;
    case ValueKind::kReal:
      append_number(json ? CanonicalTag::kJson : CanonicalTag::kNumber, value.real, format_double,
                    out);
      return;
    case ValueKind::kNumeric:
      append_parsed(CanonicalTag::kNumber, value.bytes, append_number_text, out);
      return;
    case ValueKind::kBlob:
      append_bytes(CanonicalTag::kBlob, value.bytes, out);
      return;
    case ValueKind::kJson:
      append_parsed(CanonicalTag::kJson, value.bytes, append_json, out);
      return;
    case ValueKind::kTimestamp:
      append_parsed(CanonicalTag::kTimestamp, value.bytes, append_timestamp, out);
      return;
    case ValueKind::kText:
      append_text_value(type_class, value.bytes, out);
      return;
  }
}

}  // namespace

void append_canonical_value(TypeClass type_class, const Value& value, std::string& out) {
  append_canonical_ref(type_class, ValueRef::of(value), out);
}

void RowEncoder::grow(std::size_t n) {
  buffer_.resize(std::max(buffer_.size() * 2, size_ + n));
}

inline void RowEncoder::add_value(TypeClass type_class, const ValueRef& value) {
  const bool json = type_class == TypeClass::kJson;
  const auto header = [](char* p, CanonicalTag tag, std::size_t length) {
    p[0] = static_cast<char>(tag);
    put_length(length, p + 1);
  };
  switch (value.kind) {
    case ValueKind::kNull:
      *reserve(1) = static_cast<char>(CanonicalTag::kNull);
      size_ += 1;
      return;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
    case ValueKind::kReal: {
      char* p = reserve(9 + kMaxNumber);
      char* end = value.kind == ValueKind::kReal ? format_double(value.real, p + 9)
                                                 : format_integer(value.integer, p + 9);
      header(p, json ? CanonicalTag::kJson : CanonicalTag::kNumber,
             static_cast<std::size_t>(end - p - 9));
      size_ += static_cast<std::size_t>(end - p);
      return;
    }
    case ValueKind::kBlob:
    case ValueKind::kText: {
      const bool blob = value.kind == ValueKind::kBlob;
      if (blob || type_class == TypeClass::kText || type_class == TypeClass::kBlob ||
          type_class == TypeClass::kOther) {
        const std::string_view bytes = value.bytes;
        char* p = reserve(9 + bytes.size());
        header(p, blob ? CanonicalTag::kBlob : CanonicalTag::kText, bytes.size());
        if (!bytes.empty()) std::memcpy(p + 9, bytes.data(), bytes.size());
        size_ += 9 + bytes.size();
        return;
      }
      break;
    }
    default:
      break;
  }
  add_converted(type_class, value);
}

void RowEncoder::add_converted(TypeClass type_class, const ValueRef& value) {
  scratch_.clear();
  append_canonical_ref(type_class, value, scratch_);
  std::copy(scratch_.begin(), scratch_.end(), reserve(scratch_.size()));
  size_ += scratch_.size();
}

void RowEncoder::add(TypeClass type_class, const ValueRef& value) {
  add_value(type_class, value);
}

void RowEncoder::add(TypeClass type_class, const Value& value) {
  add_value(type_class, ValueRef::of(value));
}

void RowEncoder::add_row(const TypeClass* classes, const ValueRef* values, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) add_value(classes[i], values[i]);
}

CanonicalValue canonical_value(TypeClass type_class, const Value& value) {
  std::string encoded;
  append_canonical_value(type_class, value, encoded);
  CanonicalValue result;
  result.tag = static_cast<CanonicalTag>(static_cast<unsigned char>(encoded[0]));
  if (encoded.size() > 9) result.payload = encoded.substr(9);
  return result;
}

namespace {

void append_big_endian(std::uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> static_cast<unsigned>(shift)) & 0xffU));
  }
}

// A signed number as 8 bytes whose unsigned order is its signed order.
void append_ordered(std::int64_t v, std::string& out) {
  append_big_endian(static_cast<std::uint64_t>(v) ^ (std::uint64_t{1} << 63U), out);
}

// The canonical decimal (docs/checksum-spec.md §3) as a sign byte, a biased exponent and the
// significant digits: the value is 0.d1d2... x 10^exponent with d1 != 0.  A negative value's
// exponent and digits are complemented, so that a larger magnitude sorts first.
void append_number_key(const std::string& payload, std::string& out) {
  if (payload == "-Infinity") return out.push_back('\x10');
  if (payload == "Infinity") return out.push_back('\x14');
  if (payload == "NaN") return out.push_back('\x15');
  const bool negative = !payload.empty() && payload[0] == '-';
  const std::string body = payload.substr(negative ? 1 : 0);
  const std::size_t point = body.find('.');
  const std::string whole = body.substr(0, point);
  const std::string digits = point == std::string::npos ? whole : whole + body.substr(point + 1);
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return out.push_back('\x12');
  const std::size_t last = digits.find_last_not_of('0');
  const std::int64_t exponent =
      static_cast<std::int64_t>(whole.size()) - static_cast<std::int64_t>(first);
  const unsigned char flip = negative ? 0xffU : 0x00U;
  out.push_back(negative ? '\x11' : '\x13');
  std::string e;
  append_ordered(exponent, e);
  for (const char c : e) out.push_back(static_cast<char>(static_cast<unsigned char>(c) ^ flip));
  for (std::size_t i = first; i <= last; ++i) {
    out.push_back(static_cast<char>(static_cast<unsigned char>(digits[i]) ^ flip));
  }
  out.push_back(static_cast<char>(flip));  // a shorter significand is smaller in magnitude
}

// Days since 1970-01-01 in the proleptic Gregorian calendar (astronomical year numbering).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<std::int64_t>(y - era * 400);
  const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::int64_t digits_value(const std::string& s, std::size_t from, std::size_t count) {
  std::int64_t v = 0;
  for (std::size_t i = from; i < from + count && i < s.size(); ++i) v = v * 10 + (s[i] - '0');
  return v;
}

// "YYYY-MM-DD[ HH:MM:SS[.f]][ BC]" (canonical, so well formed): day number, then (timestamps)
// the microsecond of the day.
void append_time_key(const std::string& payload, bool with_time, std::string& out) {
  const std::size_t dash = payload.find('-');
  const bool bc = payload.size() >= 3 && payload.compare(payload.size() - 3, 3, " BC") == 0;
  std::int64_t year = digits_value(payload, 0, dash);
  if (bc) year = 1 - year;
  const auto month = static_cast<unsigned>(digits_value(payload, dash + 1, 2));
  const auto day = static_cast<unsigned>(digits_value(payload, dash + 4, 2));
  append_ordered(days_from_civil(year, month, day), out);
  if (!with_time) return;
  const std::size_t t = dash + 7;  // first digit of the hour
  std::int64_t micros = 0;
  if (t + 8 <= payload.size() && payload[t - 1] == ' ' && payload[t + 2] == ':') {
    micros = (digits_value(payload, t, 2) * 3600 + digits_value(payload, t + 3, 2) * 60 +
              digits_value(payload, t + 6, 2)) *
             1000000;
    if (t + 8 < payload.size() && payload[t + 8] == '.') {
      std::int64_t frac = 0;
      std::size_t n = 0;
      for (std::size_t i = t + 9; i < payload.size() && payload[i] >= '0' && payload[i] <= '9';
           ++i, ++n) {
        if (n < 6) frac = frac * 10 + (payload[i] - '0');
      }
      for (; n < 6; ++n) frac *= 10;
      micros += frac;
    }
  }
  append_ordered(micros, out);
}

}  // namespace

std::string canonical_sort_key(const CanonicalValue& value) {
  std::string out;
  switch (value.tag) {
    case CanonicalTag::kNull:
      out.push_back('\x00');
      break;
    case CanonicalTag::kNumber:
      append_number_key(value.payload, out);
      break;
    case CanonicalTag::kTimestamp:
    case CanonicalTag::kDate: {
      const bool timestamp = value.tag == CanonicalTag::kTimestamp;
      const char base = timestamp ? '\x20' : '\x28';
      if (value.payload == "-infinity") {
        out.push_back(base);
      } else if (value.payload == "infinity") {
        out.push_back(static_cast<char>(base + 2));
      } else {
        out.push_back(static_cast<char>(base + 1));
        append_time_key(value.payload, timestamp, out);
      }
      break;
    }
    case CanonicalTag::kText:
      out.push_back('\x40');
      out += value.payload;
      break;
    case CanonicalTag::kJson:
      out.push_back('\x50');
      out += value.payload;
      break;
    case CanonicalTag::kBlob:
      out.push_back('\x60');
      out += value.payload;
      break;
  }
  return out;
}

std::string canonical_sort_key(TypeClass type_class, const Value& value) {
  return canonical_sort_key(canonical_value(type_class, value));
}

Hash128 ContentChecksum::digest() const {
  char buf[24];
  const std::uint64_t words[3] = {sum_.low, sum_.high, rows_};
  for (std::size_t w = 0; w < 3; ++w) {
    std::uint64_t v = words[w];
    for (std::size_t k = 0; k < 8; ++k) {
      buf[w * 8 + k] = static_cast<char>(v & 0xffU);
      v >>= 8U;
    }
  }
  return xxh3_128(std::string_view(buf, sizeof buf));
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
