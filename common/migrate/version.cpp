// common/migrate/version.cpp: validation and numeric-aware ordering of migration versions.
#include "migrate/version.hpp"

#include <fmt/format.h>

#include "vigil/error.hpp"

namespace vigil::migrate {
namespace {

constexpr std::size_t kMaxVersionLength = 100;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The run of digits or non-digits starting at `i`.
std::string_view run_at(std::string_view s, std::size_t i) {
  const bool digits = is_digit(s[i]);
  std::size_t j = i;
  while (j < s.size() && is_digit(s[j]) == digits) ++j;
  return s.substr(i, j - i);
}

// Compares two digit runs as whole numbers of any length.
int compare_numbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Compares run by run; 0 when the versions are equivalent.
int compare_runs(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    const std::string_view ra = run_at(a, i);
    const std::string_view rb = run_at(b, j);
    const bool na = is_digit(ra[0]);
    const bool nb = is_digit(rb[0]);
    int c;
    if (na && nb) {
      c = compare_numbers(ra, rb);
    } else if (na != nb) {
      c = na ? -1 : 1;  // a number sorts before text
    } else {
      const int raw = ra.compare(rb);
      c = raw < 0 ? -1 : (raw > 0 ? 1 : 0);
    }
    if (c != 0) return c;
    i += ra.size();
    j += rb.size();
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

}  // namespace

void validate_version(std::string_view version, std::string_view what) {
  if (version.empty()) {
    throw Error(ErrorCode::kInvalidParameter, fmt::format("{} must not be empty", what));
  }
  if (version.size() > kMaxVersionLength) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("{} must be at most {} bytes long", what, kMaxVersionLength));
  }
  for (char c : version) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("{} \"{}\" must not contain whitespace or control characters", what,
                              u == 0 ? std::string_view("<NUL>") : version));
    }
  }
}

int compare_versions(std::string_view a, std::string_view b) {
  const int c = compare_runs(a, b);
  if (c != 0) return c;
  const int raw = a.compare(b);
  return raw < 0 ? -1 : (raw > 0 ? 1 : 0);
}

bool equivalent_versions(std::string_view a, std::string_view b) {
  return compare_runs(a, b) == 0;
}

std::string version_number_key(std::string_view version) {
  std::string out;
  std::size_t i = 0;
  while (i < version.size()) {
    std::string_view run = run_at(version, i);
    i += run.size();
    if (is_digit(run[0])) {
      while (run.size() > 1 && run.front() == '0') run.remove_prefix(1);
    }
    out += run;
  }
  return out;
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
