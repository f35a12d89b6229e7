// common/checksum/checksum.hpp
//
// Content checksums of tables, computed by streaming the rows through the session and
// encoding each value canonically (canonical.hpp).  Used by the SQL functions of this folder
// (functions.cpp) and by the verified backups (backup.cpp).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "checksum/canonical.hpp"
#include "schema/model.hpp"
#include "vigil/functions.hpp"
#include "vigil/session.hpp"

namespace vigil {

// The columns named in `list` ("id, name, \"Odd, name\"": comma-separated; a double-quoted
// name is matched exactly, a bare one exactly or else case-insensitively), in the list's
// order.  Errors: an empty list or name, a name listed twice → kInvalidParameter; a column the
// table does not have → kUndefinedColumn.
std::vector<Column> checksum_columns(const Table& table, const std::string& list);

// The checksum of every row of `table`, reading `columns`, streamed.
ContentChecksum checksum_table(Session& session, const Table& table,
                               const std::vector<Column>& columns);

// One table's line of vigil_checksums().
struct TableChecksum {
  std::string table_name;  // as vigil_checksums() shows it
  std::uint64_t row_count = 0;
  std::string checksum;  // hex digest
};

// Every user table's checksum, in vigil_checksums() order.
std::vector<TableChecksum> checksum_all_tables(Session& session);

// The checksum of a whole database from its tables' checksums: XXH3-128 of, for each table in
// byte order of its name, the name and the 32 hex digits of its checksum, each as an 8-byte
// little-endian length and the bytes.
std::string database_checksum(std::vector<TableChecksum> tables);

// vigil_checksum_segments(): the rows of `table` whose primary key lies within the optional
// bounds, split in key order into at most `segments` segments of nearly equal row counts.
std::unique_ptr<RowSource> checksum_segments(Session& session, const Table& table,
                                             std::int64_t segments, const Value& lower_key,
                                             const Value& upper_key);

}  // namespace vigil
