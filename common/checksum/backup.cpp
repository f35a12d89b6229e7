// common/checksum/backup.cpp
//
// Verified backups of databases that live in one file (SQLite).  docs/checksums.md is the
// reference; where the engine has no such files (PostgreSQL) both functions raise
// feature_not_supported and name the engine's own tools.
//
//   vigil_backup(path) → table(path, bytes, duration_ms, verified, checksum, reason)
//       Copies the main database, online, into the new file `path` (never overwriting: an
//       existing file, or a -journal/-wal/-shm file beside it, is refused), in one read
//       transaction together with the checksums of every user table; writes them as a manifest
//       into the copy (the table vigil_backups); then verifies the copy as vigil_backup_verify
//       does.  One row: the absolute path, the file's size, the time taken, whether it
//       verified, the database checksum, and why not when it did not.  Any error on the way
//       (disk full, I/O error, cancel) removes the partial file, leaves the source untouched
//       and raises the error.  Not inside a transaction that has uncommitted changes.
//
//   vigil_backup_verify(path) → table(path, bytes, verified, checksum, reason)
//       Verifies an existing backup: the engine's quick physical check, then the checksum of
//       every table recomputed and compared with the manifest (the same tables, the same row
//       counts and checksums).  A damaged file, a changed value, a missing manifest is a
//       result (verified false, reason), not an error; a missing file is an error.
//
// The database checksum is database_checksum() of the manifest (checksum.hpp).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include "checksum/checksum.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

namespace fs = std::filesystem;

const OwnTable& manifest_table() {
  static const OwnTable table{"vigil_backups",
                              {{"table_name", ValueKind::kText, "PRIMARY KEY"},
                               {"row_count", ValueKind::kInteger, "NOT NULL"},
                               {"checksum", ValueKind::kText, "NOT NULL"},
                               {"source", ValueKind::kText, ""},
                               {"taken_at", ValueKind::kTimestamp, "NOT NULL"},
                               {"vigil_version", ValueKind::kText, "NOT NULL"}},
                              {}};
  return table;
}

DatabaseFiles& files_of(Session& session, const char* function) {
  DatabaseFiles* files = session.files();
  if (files == nullptr) {
    throw Error(ErrorCode::kFeatureNotSupported,
                fmt::format("{} {}", function, session.dialect().file_backup_unavailable()),
                "docs/checksums.md shows how to verify a restored copy.");
  }
  return *files;
}

std::string checked_path(const Args& args, const char* function) {
  std::string path = args.text(0);
  if (path.empty() || path == ":memory:" || path.compare(0, 5, "file:") == 0 ||
      path.find('\0') != std::string::npos) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("{}: path must be the name of a file", function));
  }
  return path;
}

// Whether something is at `p`.  A path that cannot be looked at (a name too long, a directory
// that cannot be searched) is that error, not "already exists".
bool exists(const fs::path& p) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(p, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    throw Error(ErrorCode::kIoError,
                fmt::format("could not create backup file \"{}\": {}", p.string(), ec.message()));
  }
  return status.type() != fs::file_type::not_found;
}

const char* const kCompanions[] = {"-journal", "-wal", "-shm"};

// Without allocating: it runs while an error (possibly std::bad_alloc) unwinds, and must not
// throw another one before the file is gone (tests/faults).
void remove_backup(const std::string& path) noexcept {
  std::remove(path.c_str());
  char name[4096];
  for (const char* suffix : kCompanions) {
    if (std::snprintf(name, sizeof name, "%s%s", path.c_str(), suffix) <
        static_cast<int>(sizeof name)) {
      std::remove(name);
    }
  }
}

std::int64_t file_size(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::int64_t>(size);
}

std::string absolute(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// The first `limit` lines joined with "; ", and how many more there are.
std::string join(const std::vector<std::string>& lines, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < limit; ++i) {
    if (i > 0) out += "; ";
    out += lines[i];
  }
  if (lines.size() > limit) out += fmt::format(" (and {} more)", lines.size() - limit);
  return out;
}

struct Verification {
  bool verified = false;
  std::string checksum;  // of the manifest; "" when there is none
  std::string reason;    // why not verified
};

Verification verify(Session& file) {
  Verification v;
  const Dialect& dialect = file.dialect();
  try {
    std::vector<std::string> problems;
    {
      auto cursor = file.query(dialect.quick_check_sql());
      while (cursor->next()) {
        std::string line = cursor->get(0).to_text();
        if (line != "ok") problems.push_back(std::move(line));
      }
    }
    if (!problems.empty()) {
      v.reason = "quick_check: " + join(problems, 3);
      return v;
    }
    const std::string manifest_name = dialect.own_table(file, manifest_table(), false);
    if (manifest_name.empty()) {
      v.reason = "no manifest: the file has no vigil_backups table (not written by vigil_backup)";
      return v;
    }
    std::map<std::string, TableChecksum> manifest;
    {
      auto cursor =
          file.query(fmt::format("SELECT table_name, row_count, checksum FROM {}", manifest_name));
      while (cursor->next()) {
        TableChecksum t{cursor->get(0).to_text(),
                        static_cast<std::uint64_t>(cursor->get(1).to_integer()),
                        cursor->get(2).to_text()};
        manifest[t.table_name] = t;
      }
    }
    std::vector<TableChecksum> recorded;
    recorded.reserve(manifest.size());
    for (const auto& [name, t] : manifest) recorded.push_back(t);
    v.checksum = database_checksum(recorded);

    std::vector<std::string> reasons;
    std::map<std::string, bool> seen;
    for (const TableChecksum& actual : checksum_all_tables(file)) {
      seen[actual.table_name] = true;
      const auto it = manifest.find(actual.table_name);
      if (it == manifest.end()) {
        reasons.push_back(fmt::format("table \"{}\" is not in the manifest", actual.table_name));
      } else if (it->second.checksum != actual.checksum) {
        reasons.push_back(fmt::format(
            "table \"{}\": checksum {} differs from the manifest's {} ({} rows in the file, {} in "
            "the manifest)",
            actual.table_name, actual.checksum, it->second.checksum, actual.row_count,
            it->second.row_count));
      }
    }
    for (const auto& [name, t] : manifest) {
      if (seen.count(name) == 0) {
        reasons.push_back(fmt::format("table \"{}\" is in the manifest but not in the file", name));
      }
    }
    if (!reasons.empty()) {
      v.reason = join(reasons, reasons.size());
      return v;
    }
    v.verified = true;
  } catch (const Error& e) {
    // A file too damaged to read is a finding; a cancel or a lack of memory is not.
    if (e.code() == ErrorCode::kQueryCanceled || e.code() == ErrorCode::kOutOfMemory) throw;
    v.reason = e.what();
  }
  return v;
}

void write_manifest(Session& file, const std::vector<TableChecksum>& tables,
                    const std::string& source) {
  const Dialect& dialect = file.dialect();
  const std::string taken_at = fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(std::time(nullptr)));
  SubTransaction transaction(file);
  const std::string name = dialect.own_table(file, manifest_table(), true);
  file.exec("DELETE FROM " + name);  // a copy of a restored backup brings the old manifest
  const std::string insert = fmt::format(
      "INSERT INTO {} (table_name, row_count, checksum, source, taken_at, vigil_version) "
      "VALUES ({}, {}, {}, {}, {}, {})",
      name, dialect.param(1), dialect.param(2), dialect.param(3), dialect.param(4),
      dialect.param(5), dialect.param(6));
  for (const TableChecksum& t : tables) {
    file.exec(insert,
              {Value::text(t.table_name), Value::integer(static_cast<std::int64_t>(t.row_count)),
               Value::text(t.checksum), source.empty() ? Value::null() : Value::text(source),
               Value::text(taken_at), Value::text(kVersion)});
  }
  transaction.commit();
}

Row backup(Session& session, const Args& args) {
  DatabaseFiles& files = files_of(session, "vigil_backup");
  const std::string path = checked_path(args, "vigil_backup");
  if (files.in_write_transaction()) {
    throw Error(ErrorCode::kPrerequisiteState,
                "vigil_backup cannot copy uncommitted changes: COMMIT or ROLLBACK first");
  }
  for (const std::string& p : {path, path + "-journal", path + "-wal", path + "-shm"}) {
    if (exists(p)) {
      throw Error(ErrorCode::kDuplicateObject, fmt::format("backup file \"{}\" already exists", p),
                  "vigil_backup never overwrites a file: choose a new path.");
    }
  }
  const auto start = std::chrono::steady_clock::now();
  // "x": fails if the file appeared meanwhile, so two backups never write one file.
  std::FILE* created = std::fopen(path.c_str(), "wx");
  if (created == nullptr) {
    const int err = errno;
    if (err == EEXIST) {
      throw Error(ErrorCode::kDuplicateObject,
                  fmt::format("backup file \"{}\" already exists", path),
                  "vigil_backup never overwrites a file: choose a new path.");
    }
    throw Error(ErrorCode::kIoError,
                fmt::format("could not create backup file \"{}\": {}", path, std::strerror(err)));
  }
  std::fclose(created);

  Verification verification;
  try {
    std::vector<TableChecksum> manifest;
    {
      // One read transaction: the checksums describe exactly the pages that are copied.
      SubTransaction snapshot(session);
      manifest = checksum_all_tables(session);
      files.copy_main_to(path);
      snapshot.commit();
    }
    write_manifest(*files.open(path, true), manifest, files.main_path());
    verification = verify(*files.open(path, false));
    // The copy is in rollback-journal mode and closed: a -wal or -shm beside it can only be an
    // empty leftover of its switch from WAL, whose deletion SQLite does not check (tests/faults).
    for (const char* suffix : {"-wal", "-shm"}) std::remove((path + suffix).c_str());
    // The result too: an error on the way (out of memory) must not leave a file behind.
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    return {Value::text(absolute(path)),
            Value::integer(file_size(path)),
            Value::real(ms),
            Value::boolean(verification.verified),
            verification.checksum.empty() ? Value::null() : Value::text(verification.checksum),
            verification.reason.empty() ? Value::null() : Value::text(verification.reason)};
  } catch (const Error& e) {
    remove_backup(path);
    throw Error(
        e.code(),
        fmt::format("vigil_backup: could not write \"{}\": {}; the partial file was removed", path,
                    e.what()),
        e.hint());
  } catch (...) {
    remove_backup(path);
    throw;
  }
}

Row backup_verify(Session& session, const Args& args) {
  DatabaseFiles& files = files_of(session, "vigil_backup_verify");
  const std::string path = checked_path(args, "vigil_backup_verify");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw Error(ErrorCode::kUndefinedObject,
                fmt::format("backup file \"{}\" does not exist or is not a file", path));
  }
  const Verification verification = verify(*files.open(path, false));
  return {Value::text(absolute(path)), Value::integer(file_size(path)),
          Value::boolean(verification.verified),
          verification.checksum.empty() ? Value::null() : Value::text(verification.checksum),
          verification.reason.empty() ? Value::null() : Value::text(verification.reason)};
}

}  // namespace

void register_backup_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_backup";
    f.args = {{"path", ValueKind::kText, false}};
    f.columns = {{"path", ValueKind::kText},        {"bytes", ValueKind::kInteger},
                 {"duration_ms", ValueKind::kReal}, {"verified", ValueKind::kBoolean},
                 {"checksum", ValueKind::kText},    {"reason", ValueKind::kText}};
    f.writes = true;  // writes a file: DIRECTONLY in SQLite
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      std::vector<Row> rows;
      rows.push_back(backup(session, args));
      return std::make_unique<VectorRowSource>(std::move(rows));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_backup_verify";
    f.args = {{"path", ValueKind::kText, false}};
    f.columns = {{"path", ValueKind::kText},
                 {"bytes", ValueKind::kInteger},
                 {"verified", ValueKind::kBoolean},
                 {"checksum", ValueKind::kText},
                 {"reason", ValueKind::kText}};
    f.direct_only = true;  // opens any file it is given: not from a trigger or a view
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      std::vector<Row> rows;
      rows.push_back(backup_verify(session, args));
      return std::make_unique<VectorRowSource>(std::move(rows));
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
