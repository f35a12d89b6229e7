// bench/checksum_sqlite_bench.cpp -- SQLite side of the checksum and backup benchmarks
// (bench/checksum.sh runs it; results in bench/RESULTS.md).
//
//   build/checksum_sqlite_bench [rows] [dir]
//
// Makes the validation platform with `rows` detection_events (default 1,000,000) in a database
// file under `dir` (default /tmp), then times, side by side, best and median of 5 runs:
//   - a scan that decodes every column of detection_events (sqlite3_column_* by storage class)
//   - SELECT vigil_table_checksum('detection_events')           goal: <= 2x the scan
//   - copying the database file: cp, cp + fsync
//   - vigil_backup's copy (a rollback-journal file copied under the read lock), the online backup
//     API (vigil's copy of WAL databases), VACUUM INTO; PRAGMA quick_check; vigil_checksums()
//   - SELECT * FROM vigil_backup(path): copy + manifest + verification   goal: copy >= 0.8x cp
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sqlite_extension/sqlite_session.hpp"

extern "C" int sqlite3_vigil_init(sqlite3* db, char** err, const sqlite3_api_routines* api);

namespace {

namespace fs = std::filesystem;

void exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string message = err != nullptr ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error(message + " in: " + sql.substr(0, 80));
  }
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string one_value(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db));
  }
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(stmt, 0);
    out = p != nullptr ? reinterpret_cast<const char*>(p) : "";
  }
  const int rc = sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
  return out;
}

struct Timing {
  double best = 0;
  double median = 0;
};

struct Task {
  std::function<void()> run;
  std::function<void()> before = [] {};  // untimed, before each run
};

// Best and median of `runs` interleaved rounds of the tasks (one run of each per round), so
// that a busy moment of the machine hits every task alike.
std::vector<Timing> measure(const std::vector<Task>& tasks, int runs = 7) {
  std::vector<std::vector<double>> times(tasks.size());
  for (int r = 0; r < runs; ++r) {
    for (std::size_t t = 0; t < tasks.size(); ++t) {
      tasks[t].before();
      const auto t0 = std::chrono::steady_clock::now();
      tasks[t].run();
      times[t].push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  std::vector<Timing> out;
  for (auto& t : times) {
    std::sort(t.begin(), t.end());
    out.push_back({t.front(), t[t.size() / 2]});
  }
  return out;
}

void fsync_file(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
}

void remove_db(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) fs::remove(path + suffix, ec);
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  const fs::path dir = argc > 2 ? argv[2] : "/tmp";
  const fs::path repo = fs::path(__FILE__).parent_path().parent_path();
  const std::string src = (dir / "vigil-bench-platform.db").string();
  const std::string dst = (dir / "vigil-bench-copy.db").string();
  remove_db(src);
  remove_db(dst);

  sqlite3* db = nullptr;
  sqlite3_open(src.c_str(), &db);
  char* err = nullptr;
  sqlite3_vigil_init(db, &err, nullptr);
  const auto load0 = std::chrono::steady_clock::now();
  exec(db, read_text(repo / "examples/validation_platform/schema.sqlite.sql"));
  exec(db, "CREATE TEMP TABLE gen_params AS SELECT 42 AS seed, " + std::to_string(rows / 50) +
               " AS videos, 50 AS detections_per_video, 10 AS annotations_per_video");
  exec(db, "BEGIN");
  exec(db, read_text(repo / "examples/validation_platform/generate.sqlite.sql"));
  exec(db, "COMMIT");
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load0).count();
  const double mb = static_cast<double>(fs::file_size(src)) / 1e6;
  std::printf("SQLite %s: detection_events %s rows, database file %.1f MB (loaded in %.1f s)\n",
              sqlite3_libversion(), one_value(db, "SELECT count(*) FROM detection_events").c_str(),
              mb, load_s);

  // --- checksum vs a decoding scan ----------------------------------------------------------
  long long sink = 0;
  const auto scan = [&] {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT * FROM detection_events", -1, &stmt, nullptr);
    const int n = sqlite3_column_count(stmt);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int i = 0; i < n; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            sink += sqlite3_column_int64(stmt, i);
            break;
          case SQLITE_FLOAT:
            sink += static_cast<long long>(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_TEXT:
            sink += sqlite3_column_text(stmt, i)[0] + sqlite3_column_bytes(stmt, i);
            break;
          case SQLITE_BLOB:
            sink += sqlite3_column_bytes(stmt, i);
            break;
          default:
            break;
        }
      }
    }
    sqlite3_finalize(stmt);
  };
  std::string digest;
  const std::vector<Timing> sums = measure(
      {{scan},
       {[&] { digest = one_value(db, "SELECT vigil_table_checksum('detection_events')"); }}});
  std::printf("\n%-46s %8s %9s %9s\n", "checksum of detection_events", "best s", "median s",
              "vs scan");
  std::printf("%-46s %8.3f %9.3f %8.2fx\n", "scan decoding every column (sqlite3_column_*)",
              sums[0].best, sums[0].median, 1.0);
  std::printf("%-46s %8.3f %9.3f %8.2fx   (goal <= 2x; best/best %.2fx)\n", "vigil_table_checksum",
              sums[1].best, sums[1].median, sums[1].median / sums[0].median,
              sums[1].best / sums[0].best);
  std::printf("  digest %s (sink %lld)\n", digest.c_str(), sink % 10);

  // --- backups vs copying the file ----------------------------------------------------------
  exec(db, "PRAGMA wal_checkpoint");
  const auto clear = [&] { remove_db(dst); };
  const auto empty_target = [&] {
    clear();
    std::fclose(std::fopen(dst.c_str(), "w"));
  };
  const auto cp = [&] {
    if (std::system(("cp " + src + " " + dst).c_str()) != 0) throw std::runtime_error("cp");
  };
  vigil::sqlite::SqliteSession session(db);
  std::string verified;
  const std::vector<Timing> copies = measure({
      {cp, clear},
      {[&] {
         cp();
         fsync_file(dst);
       },
       clear},
      {[&] {
         exec(db, "BEGIN");
         session.copy_main_to(dst);
         exec(db, "COMMIT");
       },
       empty_target},
      {[&] {
         sqlite3* out = nullptr;
         sqlite3_open(dst.c_str(), &out);
         exec(out, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
         sqlite3_backup* b = sqlite3_backup_init(out, "main", db, "main");
         while (sqlite3_backup_step(b, 1024) == SQLITE_OK) {
         }
         sqlite3_backup_finish(b);
         sqlite3_close(out);
       },
       clear},
      {[&] { exec(db, "VACUUM INTO '" + dst + "'"); }, clear},
      {[&] { one_value(db, "PRAGMA quick_check"); }},
      {[&] { one_value(db, "SELECT count(*) FROM vigil_checksums()"); }},
      {[&] { verified = one_value(db, "SELECT verified FROM vigil_backup('" + dst + "')"); },
       clear},
      {[&] { one_value(db, "SELECT verified FROM vigil_backup_verify('" + dst + "')"); }},
  });
  std::printf("\n%-46s %8s %9s %9s %9s\n", "copy of the database file", "best s", "median s",
              "MB/s", "vs cp");
  const auto line = [&](const char* name, const Timing& t, const char* note) {
    std::printf("%-46s %8.3f %9.3f %9.0f %8.2fx%s\n", name, t.best, t.median, mb / t.median,
                copies[0].median / t.median, note);
  };
  line("cp", copies[0], "");
  line("cp + fsync", copies[1], "");
  line("file copy under the read lock (vigil's copy)", copies[2], "   (goal >= 0.8x)");
  line("online backup API (vigil's copy of WAL dbs)", copies[3], "");
  line("VACUUM INTO", copies[4], "");
  line("PRAGMA quick_check", copies[5], "");
  line("vigil_checksums() of every table", copies[6], "");
  line("vigil_backup (copy + manifest + verify)", copies[7], "");
  line("vigil_backup_verify (quick_check + checksums)", copies[8], "");
  std::printf("  verified %s; best/best: vigil's copy %.2fx cp\n", verified.c_str(),
              copies[0].best / copies[2].best);

  // --- the same database in WAL mode -----------------------------------------------------------
  // vigil_backup's copy of a WAL database: a passive checkpoint, then the file (while nothing
  // keeps the checkpoint from reaching the reader's snapshot); the backup API otherwise.  Each
  // run commits a small change first, so the WAL holds frames that the copy has to bring in.
  exec(db, "PRAGMA journal_mode = WAL");
  exec(db, "CREATE TABLE IF NOT EXISTS bench_touch(n INTEGER)");
  const auto touch_and_empty_target = [&] {
    exec(db, "INSERT INTO bench_touch VALUES (1)");
    empty_target();
  };
  const std::vector<Timing> wal = measure({
      {cp, clear},
      {[&] {
         exec(db, "BEGIN");
         session.copy_main_to(dst);
         exec(db, "COMMIT");
       },
       touch_and_empty_target},
      {[&] {
         sqlite3* out = nullptr;
         sqlite3_open(dst.c_str(), &out);
         exec(out, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
         sqlite3_backup* b = sqlite3_backup_init(out, "main", db, "main");
         while (sqlite3_backup_step(b, 1024) == SQLITE_OK) {
         }
         sqlite3_backup_finish(b);
         sqlite3_close(out);
       },
       clear},
      {[&] { verified = one_value(db, "SELECT verified FROM vigil_backup('" + dst + "')"); },
       [&] {
         exec(db, "INSERT INTO bench_touch VALUES (1)");
         clear();
       }},
  });
  std::printf("\n%-46s %8s %9s %9s %9s\n", "WAL mode (journal_mode = WAL)", "best s", "median s",
              "MB/s", "vs cp");
  const auto wal_line = [&](const char* name, const Timing& t, const char* note) {
    std::printf("%-46s %8.3f %9.3f %9.0f %8.2fx%s\n", name, t.best, t.median, mb / t.median,
                wal[0].median / t.median, note);
  };
  wal_line("cp", wal[0], "");
  wal_line("vigil's copy of a WAL database (checkpoint+file)", wal[1], "   (goal >= 0.8x)");
  wal_line("online backup API, page by page", wal[2], "");
  wal_line("vigil_backup (copy + manifest + verify)", wal[3], "");
  std::printf("  verified %s; best/best: vigil's copy %.2fx cp\n", verified.c_str(),
              wal[0].best / wal[1].best);
  sqlite3_close(db);
  remove_db(src);
  remove_db(dst);
  return 0;
}
