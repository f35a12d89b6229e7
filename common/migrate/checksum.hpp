// common/migrate/checksum.hpp
//
// Checksums of migration text.  The text is normalised first, so that what an editor or a
// version-control system changes without changing the SQL does not change the checksum:
//   - a UTF-8 byte-order mark at the start is dropped;
//   - CR LF and lone CR become LF;
//   - spaces, tabs, form feeds and vertical tabs at the end of each line are dropped;
//   - empty lines at the end of the text are dropped (so is the final newline).
// Algorithm 1 is the hex XXH3-128 of the field "vigil-migration-v1" followed by the field of
// the normalised text (Hasher128::update_field: 8-byte little-endian length, then the bytes).
// Each ledger row stores the algorithm it was computed with, so a later algorithm never
// invalidates rows written under an earlier one.  docs/migrations.md has test vectors.
#pragma once

#include <string>
#include <string_view>

namespace vigil::migrate {

inline constexpr int kChecksumAlgorithm = 1;

std::string normalise_migration_text(std::string_view text);

// The checksum of `text` under `algorithm`; throws kInvalidParameter for an unknown one.
std::string migration_checksum(std::string_view text, int algorithm = kChecksumAlgorithm);

}  // namespace vigil::migrate
