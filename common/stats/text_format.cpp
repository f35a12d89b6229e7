// common/stats/text_format.cpp
#include "stats/text_format.hpp"

#include <fmt/format.h>

#include <cmath>

namespace vigil {

std::string prometheus_label(std::string_view s, std::size_t max_bytes) {
  if (s.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Back up over UTF-8 continuation bytes so that a character is never split.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) --cut;
    s = s.substr(0, cut);
  }
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::fabs(value) < 1e15 && value == std::floor(value)) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  return fmt::format("{}", value);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
