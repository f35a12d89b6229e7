// common/migrate/checksum.cpp: normalisation and checksums of migration text (checksum.hpp).
#include "migrate/checksum.hpp"

#include <fmt/format.h>

#include "vigil/error.hpp"
#include "vigil/hash.hpp"

namespace vigil::migrate {
namespace {

bool is_trailing_space(char c) {
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

}  // namespace

std::string normalise_migration_text(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string out;
  out.reserve(text.size());
  std::size_t line_start = 0;  // in `out`
  auto end_line = [&] {
    while (out.size() > line_start && is_trailing_space(out.back())) out.pop_back();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_line();
      out.push_back('\n');
      line_start = out.size();
    } else {
      out.push_back(c);
    }
  }
  end_line();
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string migration_checksum(std::string_view text, int algorithm) {
  if (algorithm != 1) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("unknown migration checksum algorithm {}", algorithm),
                "This ledger row was written by a newer vigil; upgrade vigil to read it.");
  }
  Hasher128 hasher;
  hasher.update_field("vigil-migration-v1");
  hasher.update_field(normalise_migration_text(text));
  return hasher.digest().hex();
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
