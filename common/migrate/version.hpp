// common/migrate/version.hpp
//
// Migration versions and their order.  A version is any non-empty text without whitespace or
// control characters (at most 100 bytes).  Versions are ordered the way people number things:
// the text is cut into runs of digits and runs of other characters; digit runs compare as
// whole numbers ("2" < "10", "1.9" < "1.10"), other runs compare byte by byte, a number sorts
// before text at the same position, and a version that is a prefix of another sorts first
// ("1" < "1.1").  Two versions that differ only in leading zeros ("1.01", "1.1") are
// "equivalent": vigil refuses to register both.  docs/migrations.md has the rules and examples.
#pragma once

#include <string>
#include <string_view>

namespace vigil::migrate {

// Throws kNullValueNotAllowed / kInvalidParameter with a clear message when `version` cannot
// be a version; `what` names the argument ("version", "target_version", ...).
void validate_version(std::string_view version, std::string_view what);

// <0, 0, >0.  A total order: equivalent versions are ordered by their bytes.
int compare_versions(std::string_view a, std::string_view b);

// Whether a and b differ only in leading zeros of their numbers (or not at all).
bool equivalent_versions(std::string_view a, std::string_view b);

// The version with the leading zeros of its numbers removed: equal keys exactly when
// equivalent_versions() (so a set of keys finds an equivalent version in log time).
std::string version_number_key(std::string_view version);

// A struct usable as a std::map / std::sort comparator.
struct VersionLess {
  bool operator()(std::string_view a, std::string_view b) const {
    return compare_versions(a, b) < 0;
  }
};

}  // namespace vigil::migrate
