// tests/faults/sqlite_faults.cpp
//
// The SQLite fault host: runs every writing function of vigil's registry under injected faults
// and checks that nothing is ever half done.
//
//   vigil_sqlite_faults VIGIL_SO WORK_DIR [--report FILE] [--docs docs/reliability.md]
//                       [--only SCENARIO] [--full | --quick]
//
// It loads VIGIL_SO (build/vigil.so) with sqlite3_load_extension into this process's SQLite and
// injects three kinds of fault, each one-shot (only the Nth operation fails) and persistent
// (the Nth and every later one fail, until the call returns):
//
//   io     a VFS shim over the default VFS ("faulty", made the default) fails the Nth xWrite,
//          xSync, xTruncate or xDelete of any file (database, journal, WAL, backup copy) with
//          SQLITE_IOERR_WRITE / _FSYNC / _TRUNCATE / _DELETE ("disk full": writes fail with
//          SQLITE_FULL from the Nth on, syncs and truncates too);
//   smem   SQLITE_CONFIG_MALLOC (set before sqlite3_initialize) with a counting allocator that
//          returns NULL for the Nth xMalloc/xRealloc;
//   new    this program replaces the global operator new: the Nth allocation of vigil's C++
//          code throws std::bad_alloc (vigil.so resolves operator new to this executable).
//
// For each scenario (the SQL of one writing call on a small seeded database) and each mode it
// runs the call once without a fault, counting the operations (T) and recording the state
// after; then for N = 1, 2, ... (every N up to 60, then about 60 more evenly spaced to T;
// --full: every N; --quick, for the sanitizer build: 10 and 10) it runs the call with the Nth
// operation failing, until a run completes without the fault firing, and for every N checks:
//   - the process does not crash (a signal handler names the case if it does);
//   - the call returns SQLITE_OK or an error; the connection still answers a query, and closes
//     with SQLITE_OK (no statement left unfinalized);
//   - after reopening the file without faults: PRAGMA integrity_check is "ok", and the content
//     (schema and every row of every table, vigil's ledgers included, timestamps and durations
//     masked) equals the state before the call or the state after it (after, when the call
//     returned SQLITE_OK);
//   - when the call failed: the same call, run again on the reopened database, succeeds and
//     gives the state after;
//   - vigil_backup: a failed call leaves no file at the path; a successful one a file that
//     vigil_backup_verify() verifies.
// Every writing function of the registry (SELECT name FROM vigil_functions() WHERE writes) must
// be covered by a scenario or listed in kNotApplicable with the reason: a new writing function
// fails this test until it has one.  The table of results is printed (and written to --report;
// --docs rewrites it between the sqlite-faults markers of docs/reliability.md).
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

// ---- the fault switch -------------------------------------------------------------------------

enum class Kind { kNone, kIo, kSqliteMalloc, kCxxNew };

struct FaultState {
  Kind kind = Kind::kNone;  // what is counted (and may fail) now
  long fail_at = 0;         // the Nth operation fails (1-based); 0: count only
  bool persistent = false;  // every operation from the Nth on fails
  long count = 0;
  long fired = 0;
  const char* first_op = nullptr;  // the operation that failed first
};
FaultState g_fault;
bool g_disk_full = false;  // the "disk full" mode: a failing write says SQLITE_FULL
bool g_trace = std::getenv("VIGIL_FAULTS_TRACE") != nullptr;

bool should_fail(Kind kind, const char* op) {
  if (g_fault.kind != kind) return false;
  ++g_fault.count;
  if (g_fault.fail_at == 0) return false;
  if (g_fault.count == g_fault.fail_at || (g_fault.persistent && g_fault.count > g_fault.fail_at)) {
    if (g_fault.fired++ == 0) {
      g_fault.first_op = op;
      if (g_trace) {  // VIGIL_FAULTS_TRACE=1: where each first fault fires (addr2line -e ...)
        void* frames[24];
        backtrace_symbols_fd(frames, backtrace(frames, 24), 2);
        (void)!write(2, "--\n", 3);
      }
    }
    return true;
  }
  return false;
}

void arm(Kind kind, long fail_at, bool persistent) {
  g_fault = FaultState{};
  g_fault.kind = kind;
  g_fault.fail_at = fail_at;
  g_fault.persistent = persistent;
}

void disarm() {
  g_fault.kind = Kind::kNone;
}

// ---- the VFS shim -----------------------------------------------------------------------------

sqlite3_vfs* g_real_vfs = nullptr;
sqlite3_vfs g_shim_vfs;

struct ShimFile {
  sqlite3_file base;  // must be first
  sqlite3_file* real;
};

sqlite3_file* real_of(sqlite3_file* f) {
  return reinterpret_cast<ShimFile*>(f)->real;
}

int shim_close(sqlite3_file* f) {
  return real_of(f)->pMethods->xClose(real_of(f));
}
int shim_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}
int shim_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (should_fail(Kind::kIo, "write")) return g_disk_full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}
int shim_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (should_fail(Kind::kIo, "truncate")) return SQLITE_IOERR_TRUNCATE;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
// Counted, and never passed on: durability against power loss is not what this test is about,
// and thousands of real fsyncs would make it slow.
int shim_sync(sqlite3_file*, int) {
  if (should_fail(Kind::kIo, "sync")) return SQLITE_IOERR_FSYNC;
  return SQLITE_OK;
}
int shim_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real_of(f)->pMethods->xFileSize(real_of(f), size);
}
int shim_lock(sqlite3_file* f, int lock) {
  return real_of(f)->pMethods->xLock(real_of(f), lock);
}
int shim_unlock(sqlite3_file* f, int lock) {
  return real_of(f)->pMethods->xUnlock(real_of(f), lock);
}
int shim_check_reserved(sqlite3_file* f, int* out) {
  return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out);
}
int shim_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int shim_sector_size(sqlite3_file* f) {
  return real_of(f)->pMethods->xSectorSize(real_of(f));
}
int shim_device(sqlite3_file* f) {
  return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f));
}
int shim_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void shim_shm_barrier(sqlite3_file* f) {
  real_of(f)->pMethods->xShmBarrier(real_of(f));
}
int shim_shm_unmap(sqlite3_file* f, int del) {
  return real_of(f)->pMethods->xShmUnmap(real_of(f), del);
}
int shim_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real_of(f)->pMethods->xFetch(real_of(f), off, n, out);
}
int shim_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real_of(f)->pMethods->xUnfetch(real_of(f), off, p);
}

// One table of methods per iVersion of the real file's methods (SQLite looks at iVersion to
// decide whether WAL and mmap are available).
sqlite3_io_methods g_methods[4];

void init_methods() {
  for (int v = 1; v <= 3; ++v) {
    sqlite3_io_methods& m = g_methods[v];
    m.iVersion = v;
    m.xClose = shim_close;
    m.xRead = shim_read;
    m.xWrite = shim_write;
    m.xTruncate = shim_truncate;
    m.xSync = shim_sync;
    m.xFileSize = shim_file_size;
    m.xLock = shim_lock;
    m.xUnlock = shim_unlock;
    m.xCheckReservedLock = shim_check_reserved;
    m.xFileControl = shim_file_control;
    m.xSectorSize = shim_sector_size;
    m.xDeviceCharacteristics = shim_device;
    if (v >= 2) {
      m.xShmMap = shim_shm_map;
      m.xShmLock = shim_shm_lock;
      m.xShmBarrier = shim_shm_barrier;
      m.xShmUnmap = shim_shm_unmap;
    }
    if (v >= 3) {
      m.xFetch = shim_fetch;
      m.xUnfetch = shim_unfetch;
    }
  }
}

int shim_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* shim = reinterpret_cast<ShimFile*>(f);
  shim->real = reinterpret_cast<sqlite3_file*>(shim + 1);
  shim->real->pMethods = nullptr;
  const int rc = g_real_vfs->xOpen(g_real_vfs, name, shim->real, flags, out_flags);
  const sqlite3_io_methods* real_methods = shim->real->pMethods;
  shim->base.pMethods =
      real_methods == nullptr ? nullptr : &g_methods[std::min(3, real_methods->iVersion)];
  return rc;
}
int shim_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  if (should_fail(Kind::kIo, "delete")) return SQLITE_IOERR_DELETE;
  return g_real_vfs->xDelete(g_real_vfs, name, sync_dir);
}
int shim_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real_vfs->xAccess(g_real_vfs, name, flags, out);
}
int shim_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real_vfs->xFullPathname(g_real_vfs, name, n, out);
}
void* shim_dl_open(sqlite3_vfs*, const char* name) {
  return g_real_vfs->xDlOpen(g_real_vfs, name);
}
void shim_dl_error(sqlite3_vfs*, int n, char* out) {
  g_real_vfs->xDlError(g_real_vfs, n, out);
}
void (*shim_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_real_vfs->xDlSym(g_real_vfs, h, sym);
}
void shim_dl_close(sqlite3_vfs*, void* h) {
  g_real_vfs->xDlClose(g_real_vfs, h);
}
int shim_randomness(sqlite3_vfs*, int n, char* out) {
  return g_real_vfs->xRandomness(g_real_vfs, n, out);
}
int shim_sleep(sqlite3_vfs*, int us) {
  return g_real_vfs->xSleep(g_real_vfs, us);
}
int shim_current_time(sqlite3_vfs*, double* out) {
  return g_real_vfs->xCurrentTime(g_real_vfs, out);
}
int shim_last_error(sqlite3_vfs*, int n, char* out) {
  return g_real_vfs->xGetLastError(g_real_vfs, n, out);
}
int shim_current_time64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real_vfs->xCurrentTimeInt64(g_real_vfs, out);
}

void register_shim() {
  g_real_vfs = sqlite3_vfs_find(nullptr);
  init_methods();
  g_shim_vfs = sqlite3_vfs{};
  g_shim_vfs.iVersion = 2;
  g_shim_vfs.szOsFile = static_cast<int>(sizeof(ShimFile)) + g_real_vfs->szOsFile;
  g_shim_vfs.mxPathname = g_real_vfs->mxPathname;
  g_shim_vfs.zName = "faulty";
  g_shim_vfs.xOpen = shim_open;
  g_shim_vfs.xDelete = shim_delete;
  g_shim_vfs.xAccess = shim_access;
  g_shim_vfs.xFullPathname = shim_full_pathname;
  g_shim_vfs.xDlOpen = shim_dl_open;
  g_shim_vfs.xDlError = shim_dl_error;
  g_shim_vfs.xDlSym = shim_dl_sym;
  g_shim_vfs.xDlClose = shim_dl_close;
  g_shim_vfs.xRandomness = shim_randomness;
  g_shim_vfs.xSleep = shim_sleep;
  g_shim_vfs.xCurrentTime = shim_current_time;
  g_shim_vfs.xGetLastError = shim_last_error;
  g_shim_vfs.xCurrentTimeInt64 = shim_current_time64;
  sqlite3_vfs_register(&g_shim_vfs, 1);
}

// ---- SQLite's allocator, counted --------------------------------------------------------------

sqlite3_mem_methods g_real_mem;

void* counted_malloc(int n) {
  if (should_fail(Kind::kSqliteMalloc, "sqlite3 malloc")) return nullptr;
  return g_real_mem.xMalloc(n);
}
void* counted_realloc(void* p, int n) {
  if (should_fail(Kind::kSqliteMalloc, "sqlite3 realloc")) return nullptr;
  return g_real_mem.xRealloc(p, n);
}

void install_allocator() {
  sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real_mem);
  static sqlite3_mem_methods counted;
  counted = g_real_mem;
  counted.xMalloc = counted_malloc;
  counted.xRealloc = counted_realloc;
  if (sqlite3_config(SQLITE_CONFIG_MALLOC, &counted) != SQLITE_OK) {
    std::fprintf(stderr, "SQLITE_CONFIG_MALLOC failed (sqlite3_initialize ran already?)\n");
    std::exit(2);
  }
}

}  // namespace

// ---- C++ allocations, counted (vigil.so's operator new resolves to this one) -------------------

void* operator new(std::size_t n) {
  if (should_fail(Kind::kCxxNew, "operator new")) throw std::bad_alloc();
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}
void* operator new[](std::size_t n) {
  return ::operator new(n);
}
// The nothrow forms too (vtab.cpp's cursor), so that every new of this family meets its delete
// here (AddressSanitizer checks that they match).
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return ::operator new(n);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept {
  return ::operator new(n, tag);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

// ---- the scenarios ----------------------------------------------------------------------------

// A small database every scenario starts from (run without faults, vigil loaded).
constexpr const char* kBaseSchema = R"sql(
CREATE TABLE projects (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE videos (id INTEGER PRIMARY KEY AUTOINCREMENT,
                     project_id INTEGER NOT NULL REFERENCES projects(id),
                     path TEXT NOT NULL, confidence REAL);
INSERT INTO projects VALUES (1, 'alpha'), (2, 'beta');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
INSERT INTO videos (project_id, path, confidence) SELECT 1 + i % 2, 'v' || i || '.mp4', i / 40.0 FROM n;
)sql";

constexpr const char* kRegisterMigrations = R"sql(
SELECT vigil_migration_add('1', 'tags', 'CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT NOT NULL);',
                           'DROP TABLE tags;');
SELECT vigil_migration_add('2', 'video fps', 'ALTER TABLE videos ADD COLUMN fps REAL;
  UPDATE videos SET fps = 25 + id % 5;', 'ALTER TABLE videos DROP COLUMN fps;');
SELECT vigil_migration_add('3', 'path index', 'CREATE INDEX videos_path ON videos (path);
  INSERT INTO tags (label) SELECT DISTINCT ''p'' || project_id FROM videos;',
  'DROP INDEX videos_path; DELETE FROM tags;');
)sql";

struct Scenario {
  const char* name;
  const char* covers;  // registry functions it exercises, comma separated
  std::string setup;   // after kBaseSchema, without faults
  std::string call;    // the faulted call (one statement); %BACKUP% is the backup path
  bool wal = false;    // the database in WAL mode
  bool backup = false;
  // Why the "c++ bad_alloc persistent" mode is not run (empty: it is run).
  const char* no_persistent_new = "";
};

// nlohmann/json allocates in basic_json's destructor (and so in its parser, which destroys the
// partial tree when an allocation fails): when memory stays exhausted that allocation throws
// inside a noexcept destructor and std::terminate ends the process (nlohmann/json#4653, #5135,
// open upstream).  vigil's own code paths do not depend on it (sqlite_extension/host.cpp writes
// JSON text without a tree); a call that parses a JSON argument does.
constexpr const char* kJsonParser =
    "not run: parses a JSON argument with nlohmann/json, whose destructor allocates "
    "(std::terminate when memory stays exhausted; nlohmann/json#4653)";

// Findings of each repair action: an orphan (quarantine), four values a rule refuses in a
// nullable column (set to NULL, rows copied first), an AUTOINCREMENT sequence set back.
constexpr const char* kRepairSetup = R"sql(
INSERT INTO videos (project_id, path, confidence) VALUES (9, 'orphan.mp4', 0.5);
SELECT vigil_rule_add('confidence range', 'videos', 'confidence <= 0.9');
UPDATE sqlite_sequence SET seq = 3 WHERE name = 'videos';
)sql";

std::vector<Scenario> scenarios() {
  const std::string migrations = kRegisterMigrations;
  return {
      {"migration_add", "vigil_migration_add", "",
       "SELECT vigil_migration_add('1', 'tags', 'CREATE TABLE tags (id INTEGER PRIMARY KEY);')"},
      {"migrate", "vigil_migrate", migrations, "SELECT vigil_migrate()"},
      {"migrate (WAL)", "vigil_migrate", migrations, "SELECT vigil_migrate()", true},
      {"migrate (table form)", "vigil_migrate", migrations, "SELECT count(*) FROM vigil_migrate()"},
      {"rollback", "vigil_rollback", migrations + "SELECT vigil_migrate();",
       "SELECT vigil_rollback('1')"},
      {"migration_baseline", "vigil_migration_baseline", migrations,
       "SELECT vigil_migration_baseline('2')"},
      {"migration_mark_applied", "vigil_migration_mark_applied",
       migrations + "SELECT vigil_migrate(NULL, 1);"
                    "SELECT vigil_migration_add('4', 'manual', "
                    "'CREATE INDEX videos_conf ON videos (confidence); VACUUM;');",
       "SELECT vigil_migration_mark_applied('4')"},
      {"migrations_import", "vigil_migrations_import", "",
       R"sql(SELECT vigil_migrations_import('{"format":"vigil-migrations","format_version":1,)sql"
       R"sql("vigil_version":"0.1.0","migrations":[{"version":"1","name":"tags","up_sql":)sql"
       R"sql("CREATE TABLE tags (id INTEGER PRIMARY KEY);","down_sql":"DROP TABLE tags;",)sql"
       R"sql("options":{},"checksum":"9bcf457f9afe00250e218ba25fcccb66","checksum_algorithm":1},)sql"
       R"sql({"version":"2","name":"more","up_sql":"CREATE TABLE more (x);","down_sql":null,)sql"
       R"sql("options":{},"checksum":"a19a8248ad0ae14abf9072ee0a7f10a1","checksum_algorithm":1}]}'))sql",
       false, false, kJsonParser},
      {"rule_add", "vigil_rule_add", "",
       "SELECT vigil_rule_add('confidence range', 'videos', 'confidence BETWEEN 0 AND 1', "
       "'error')"},
      {"rule_drop", "vigil_rule_drop",
       "SELECT vigil_rule_add('confidence range', 'videos', 'confidence BETWEEN 0 AND 1');",
       "SELECT vigil_rule_drop('confidence range')"},
      {"snapshot", "vigil_snapshot", "", "SELECT count(*) FROM vigil_snapshot()"},
      {"optimize(apply)", "vigil_optimize", "", "SELECT count(*) FROM vigil_optimize(1)"},
      {"backup", "vigil_backup", "", "SELECT verified FROM vigil_backup('%BACKUP%')", false, true},
      // The check that the content is the state before or after covers "the table plus the
      // quarantine hold every original row exactly once": both are in the digest.  The repair
      // quarantines an orphan, NULLs the values a rule refuses (their rows copied first) and
      // moves a sequence forward.
      {"repair", "vigil_repair", kRepairSetup, "SELECT count(*) FROM vigil_repair(0)"},
      {"repair (WAL)", "vigil_repair", kRepairSetup, "SELECT count(*) FROM vigil_repair(0)", true},
      {"restore", "vigil_restore",
       std::string(kRepairSetup) + "SELECT count(*) FROM vigil_repair(0);",
       "SELECT vigil_restore((SELECT max(batch) FROM vigil_quarantine))"},
      {"backup (WAL)", "vigil_backup", "", "SELECT verified FROM vigil_backup('%BACKUP%')", true,
       true},
  };
}

// Writing functions that have no SQLite scenario, and why.
const std::map<std::string, std::string> kNotApplicable = {
    {"vigil_monitor_start", "PostgreSQL only (pg_cron); SQLite raises before writing anything"},
    {"vigil_monitor_stop", "PostgreSQL only (pg_cron); SQLite raises before writing anything"},
    {"vigil_query_stats_reset", "SQLite: clears per-connection memory, writes no file"},
};

// ---- helpers ----------------------------------------------------------------------------------

std::string g_so;
// The case running, for the crash handler: a plain buffer, still valid while the process exits.
char g_case_text[256] = "(setup)";
void set_case(const std::string& text) {
  std::snprintf(g_case_text, sizeof g_case_text, "%s", text.c_str());
}

void on_crash(int sig) {
  char buf[512];
  const int n =
      std::snprintf(buf, sizeof buf, "\nCRASH (signal %d) in case: %s\n", sig, g_case_text);
  if (n > 0) (void)!write(2, buf, static_cast<std::size_t>(n));
  signal(sig, SIG_DFL);
  raise(sig);
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "FATAL in %s: %s\n", g_case_text, what.c_str());
  std::exit(1);
}

void remove_db(const std::string& path) {
  for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
    std::remove((path + suffix).c_str());
  }
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

void copy_file(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
  if (!out) die("cannot copy " + from + " to " + to);
}

sqlite3* open_db(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    die(std::string("cannot open ") + path + ": " + (db ? sqlite3_errmsg(db) : "?"));
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

void load_vigil(sqlite3* db) {
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 1, nullptr);
  char* err = nullptr;
  if (sqlite3_load_extension(db, g_so.c_str(), "sqlite3_vigil_init", &err) != SQLITE_OK) {
    die(std::string("cannot load vigil: ") + (err ? err : "?"));
  }
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
}

void exec_ok(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string message = err ? err : "?";
    sqlite3_free(err);
    die("SQL failed: " + message + "\n  in: " + sql);
  }
}

void close_ok(sqlite3* db) {
  const int rc = sqlite3_close(db);
  if (rc != SQLITE_OK) die(std::string("sqlite3_close: ") + sqlite3_errstr(rc));
}

std::vector<std::string> rows_of(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    die("prepare: " + std::string(sqlite3_errmsg(db)) + " in: " + sql);
  }
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::string row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      if (i) row += '|';
      const char* name = sqlite3_column_name(stmt, i);
      const std::string col = name ? name : "";
      // Times and durations differ from run to run: masked.
      const bool volatile_col = (col.size() > 3 && col.compare(col.size() - 3, 3, "_at") == 0) ||
                                (col.size() > 3 && col.compare(col.size() - 3, 3, "_ms") == 0);
      if (sqlite3_column_type(stmt, i) == SQLITE_NULL) {
        row += "NULL";
      } else if (volatile_col) {
        row += "*";
      } else {
        const auto* t = sqlite3_column_text(stmt, i);
        row += t ? reinterpret_cast<const char*>(t) : "?";
      }
    }
    out.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) die("step: " + std::string(sqlite3_errmsg(db)) + " in: " + sql);
  sqlite3_finalize(stmt);
  return out;
}

// The content of a database as text: its schema and every row of every table (sorted: row
// order is not content), vigil's own tables included.
std::string content(sqlite3* db) {
  std::string out;
  const std::vector<std::string> objects =
      rows_of(db,
              "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema "
              "ORDER BY type, name");
  for (const auto& o : objects) out += o + "\n";
  for (const auto& table : rows_of(db,
                                   "SELECT name FROM sqlite_schema WHERE type = 'table' "
                                   "ORDER BY name")) {
    std::string quoted = "\"";
    for (char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += "\"";
    std::vector<std::string> rows = rows_of(db, "SELECT * FROM " + quoted);
    std::sort(rows.begin(), rows.end());
    out += "-- " + table + " (" + std::to_string(rows.size()) + " rows)\n";
    for (const auto& r : rows) out += r + "\n";
  }
  return out;
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  int line = 0;
  while (true) {
    const bool ga = static_cast<bool>(std::getline(sa, la));
    const bool gb = static_cast<bool>(std::getline(sb, lb));
    ++line;
    if (!ga && !gb) return "(equal)";
    if (!ga || !gb || la != lb) {
      return "line " + std::to_string(line) + ":\n    " + (ga ? la : "<end>") + "\n    " +
             (gb ? lb : "<end>");
    }
  }
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) {
    s.replace(p, from.size(), to);
  }
  return s;
}

std::string integrity(sqlite3* db) {
  std::string out;
  for (const auto& r : rows_of(db, "PRAGMA integrity_check")) out += r;
  return out;
}

// ---- running one scenario in one mode ---------------------------------------------------------

struct Mode {
  const char* name;
  Kind kind;
  bool persistent;
  bool disk_full = false;
};

const Mode kModes[] = {
    {"io once", Kind::kIo, false},
    {"io persistent", Kind::kIo, true},
    {"disk full", Kind::kIo, true, true},
    {"sqlite oom once", Kind::kSqliteMalloc, false},
    {"sqlite oom persistent", Kind::kSqliteMalloc, true},
    {"c++ bad_alloc once", Kind::kCxxNew, false},
    {"c++ bad_alloc persistent", Kind::kCxxNew, true},
};

struct Outcome {
  long total_ops = 0;           // operations of the mode's kind in a run without a fault
  long runs = 0;                // values of N tried
  long errors = 0;              // runs where the call returned an error
  long ok_with_fault = 0;       // runs where a fault fired and the call still succeeded
  long state_before = 0;        // failed runs that left the state before
  long state_after = 0;         // failed runs that left the state after (failure after commit)
  bool dense = true;            // every N was tried
  std::set<std::string> codes;  // result codes of the failed calls
};

long g_dense_limit = 60;    // every N up to here
long g_sparse_points = 60;  // then about this many, evenly spaced, up to T (--quick: 10, 10)

struct CallResult {
  int rc;
  std::string message;
};

CallResult run_call(sqlite3* db, const std::string& sql) {
  // No allocation of this program's own while a fault is armed: the statement is prepared and
  // stepped with SQLite's API only, the message copied after disarming.
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc == SQLITE_OK) {
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  sqlite3_finalize(stmt);
  return {rc, ""};
}

class Runner {
 public:
  Runner(std::string dir, bool full) : dir_(std::move(dir)), full_(full) {}

  std::string seed_path() const { return dir_ + "/seed.db"; }
  std::string work_path() const { return dir_ + "/work.db"; }
  std::string backup_path() const { return dir_ + "/backup.db"; }

  void seed(const Scenario& s) {
    remove_db(seed_path());
    sqlite3* db = open_db(seed_path());
    load_vigil(db);
    if (s.wal) exec_ok(db, "PRAGMA journal_mode = WAL");
    exec_ok(db, std::string(kBaseSchema) + s.setup);
    close_ok(db);
    // A WAL database is checkpointed into the file when its last connection closes.
    before_ = read_content(seed_path(), nullptr);
  }

  std::string read_content(const std::string& path, std::string* integrity_out) {
    sqlite3* db = open_db(path);
    const std::string check = integrity(db);
    if (integrity_out != nullptr) *integrity_out = check;
    std::string c = content(db);
    close_ok(db);
    return c;
  }

  void fresh_work() {
    remove_db(work_path());
    remove_db(backup_path());
    copy_file(seed_path(), work_path());
  }

  std::string call_sql(const Scenario& s) const {
    return replace_all(s.call, "%BACKUP%", backup_path());
  }

  // The run without a fault: counts the operations, records the state after.
  long reference(const Scenario& s, const Mode& m) {
    fresh_work();
    sqlite3* db = open_db(work_path());
    load_vigil(db);
    const std::string sql = call_sql(s);
    arm(m.kind, 0, false);
    const CallResult r = run_call(db, sql);
    const long total = g_fault.count;
    disarm();
    if (r.rc != SQLITE_OK)
      die(std::string("the call fails without a fault: ") + sqlite3_errmsg(db));
    if (total == 0) die("no operation of this kind was counted: the fault would never fire");
    close_ok(db);
    std::string check;
    const std::string after = read_content(work_path(), &check);
    if (check != "ok") die("integrity_check after the call without a fault: " + check);
    if (after_.empty()) {
      after_ = after;
    } else if (after != after_) {
      die("two runs without a fault give different content (a column to mask?): " +
          first_difference(after_, after));
    }
    return total;
  }

  // The backup file after a vigil_backup: none (false), or one that vigil_backup_verify()
  // verifies (true); anything else (a partial file, a -journal beside it) fails the test.
  bool backup_file(const std::string& call_message) {
    for (const char* suffix : {"-journal", "-wal", "-shm"}) {
      if (exists(backup_path() + suffix)) {
        die(std::string("vigil_backup left the file ") + backup_path() + suffix +
            " (the call said: " + (call_message.empty() ? "ok" : call_message) + ")");
      }
    }
    if (!exists(backup_path())) return false;
    sqlite3* db = open_db(work_path());
    load_vigil(db);
    const auto rows = rows_of(db,
                              "SELECT verified || ' ' || coalesce(reason, '') FROM "
                              "vigil_backup_verify('" +
                                  backup_path() + "')");
    close_ok(db);
    if (rows.size() != 1 || rows[0].rfind("1", 0) != 0) {
      die("vigil_backup left a copy that does not verify: " +
          (rows.empty() ? std::string("(no row)") : rows[0]));
    }
    return true;
  }

  Outcome run(const Scenario& s, const Mode& m) {
    Outcome out;
    after_.clear();
    out.total_ops = reference(s, m);
    reference(s, m);  // twice: the content compared must not depend on the time
    const long total = out.total_ops;
    const long step =
        full_ ? 1 : std::max(1L, (total - g_dense_limit) / std::max(1L, g_sparse_points));
    out.dense = step == 1;
    for (long n = 1;; n = (n < g_dense_limit || out.dense) ? n + 1 : n + step) {
      if (n > total + 1) n = total + 1;  // the last run: no fault may fire
      set_case(std::string(s.name) + " / " + m.name + " / N=" + std::to_string(n));
      fresh_work();
      sqlite3* db = open_db(work_path());
      load_vigil(db);
      const std::string sql = call_sql(s);
      g_disk_full = m.disk_full;
      arm(m.kind, n, m.persistent);
      CallResult r = run_call(db, sql);
      const long fired = g_fault.fired;
      const char* op = g_fault.first_op;
      disarm();
      ++out.runs;
      if (r.rc != SQLITE_OK) r.message = sqlite3_errmsg(db);
      // The connection still answers.
      exec_ok(db, "SELECT count(*) FROM sqlite_schema");
      close_ok(db);
      std::string check;
      const std::string now = read_content(work_path(), &check);
      if (check != "ok") die("integrity_check: " + check);
      bool is_before = now == before_;
      bool is_after = now == after_;
      if (s.backup) {  // the source does not change: the state is the backup file's
        const bool file = backup_file(r.message);
        is_before = is_before && !file;
        is_after = is_after && file;
      }
      if (g_trace && ((r.rc == SQLITE_OK && fired > 0) || r.rc != SQLITE_OK)) {
        std::fprintf(stderr, "%s: rc=%d %s, state %s\n", g_case_text, r.rc, r.message.c_str(),
                     is_before  ? "before"
                     : is_after ? "after"
                                : "other");
      }
      if (r.rc == SQLITE_OK) {
        if (fired > 0) ++out.ok_with_fault;
        if (!is_after) {
          die(std::string("the call succeeded (fault at ") + (op ? op : "-") +
              ") but the content is not the state after: " + first_difference(after_, now));
        }
      } else {
        ++out.errors;
        out.codes.insert(sqlite3_errstr(r.rc & 0xff));
        // The error says what happened: not another error that a fault caused on the way out
        // (SQLite reports some allocation failures of its OS layer as SQLITE_IOERR_NOMEM).
        const int primary = r.rc & 0xff;
        const bool expected = m.kind == Kind::kIo
                                  ? primary == SQLITE_IOERR || primary == SQLITE_FULL
                                  : primary == SQLITE_NOMEM || primary == SQLITE_IOERR;
        if (!expected) die("the call failed with another error than the fault's: " + r.message);
        if (fired == 0) die("the call failed without a fault: " + r.message);
        if (is_before) {
          ++out.state_before;
        } else if (is_after) {
          ++out.state_after;
        } else {
          die("the call failed (" + r.message + ", fault at " + (op ? op : "-") +
              ") and left a state that is neither before nor after:\n  vs before: " +
              first_difference(before_, now) + "\n  vs after: " + first_difference(after_, now));
        }
      }
      if (r.rc != SQLITE_OK && !is_after) {
        // The same call again, without a fault, completes the work.
        if (s.backup) remove_db(backup_path());
        sqlite3* again = open_db(work_path());
        load_vigil(again);
        const CallResult retry = run_call(again, call_sql(s));
        if (retry.rc != SQLITE_OK) {
          die("the call run again after the fault fails: " + std::string(sqlite3_errmsg(again)));
        }
        close_ok(again);
        if (read_content(work_path(), nullptr) != after_)
          die("the call run again: not the state after");
      }
      if (fired == 0) {
        if (r.rc != SQLITE_OK) die("no fault fired but the call failed");
        break;
      }
      if (n > 4 * (total + 10)) die("the call never completes without a fault");
    }
    return out;
  }

 private:
  std::string dir_;
  bool full_;
  std::string before_;
  std::string after_;
};

std::vector<std::string> writing_functions() {
  sqlite3* db = open_db(":memory:");
  load_vigil(db);
  std::vector<std::string> out = rows_of(db, "SELECT name FROM vigil_functions() WHERE writes");
  close_ok(db);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s VIGIL_SO WORK_DIR [--report FILE] [--docs FILE] [--only NAME] "
                 "[--full | --quick]\n",
                 argv[0]);
    return 2;
  }
  g_so = argv[1];
  const std::string dir = argv[2];
  std::string report_path;
  std::string docs_path;
  std::string only;
  bool full = false;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--report" && i + 1 < argc) {
      report_path = argv[++i];
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--docs" && i + 1 < argc) {
      docs_path = argv[++i];
    } else if (a == "--full") {
      full = true;
    } else if (a == "--quick") {
      g_dense_limit = 10;
      g_sparse_points = 10;
    } else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) signal(sig, on_crash);
  install_allocator();
  if (sqlite3_initialize() != SQLITE_OK) return 2;
  register_shim();
  mkdir(dir.c_str(), 0755);

  const auto start = std::chrono::steady_clock::now();
  const std::vector<Scenario> all = scenarios();
  // Every writing function has a scenario or a reason.
  std::set<std::string> covered;
  for (const auto& s : all) {
    std::string c = s.covers;
    for (std::size_t p = 0; p <= c.size();) {
      const std::size_t q = std::min(c.find(',', p), c.size());
      covered.insert(c.substr(p, q - p));
      p = q + 1;
    }
  }
  int missing = 0;
  for (const auto& f : writing_functions()) {
    if (covered.count(f) == 0 && kNotApplicable.count(f) == 0) {
      std::fprintf(stderr,
                   "writing function %s has no fault scenario (tests/faults/sqlite_faults.cpp)\n",
                   f.c_str());
      ++missing;
    }
  }
  if (missing > 0) return 1;

  Runner runner(dir, full);
  std::ostringstream table;
  table << "| scenario | fault | operations (T) | N tried | errors | state before / after | "
           "ok despite a fault | error codes |\n";
  table << "| --- | --- | ---: | ---: | ---: | --- | ---: | --- |\n";
  long total_runs = 0;
  int cases = 0;
  int skipped_cases = 0;
  for (const Scenario& s : all) {
    if (!only.empty() && only != s.name) continue;
    for (const Mode& m : kModes) {
      if (m.kind == Kind::kCxxNew && m.persistent && s.no_persistent_new[0] != '\0') {
        table << "| " << s.name << " | " << m.name << " | | | | | | " << s.no_persistent_new
              << " |\n";
        ++skipped_cases;
        continue;
      }
      set_case(std::string(s.name) + " / " + m.name + " / seeding");
      runner.seed(s);
      const Outcome o = runner.run(s, m);
      total_runs += o.runs;
      ++cases;
      std::string codes;
      for (const auto& c : o.codes) codes += (codes.empty() ? "" : ", ") + c;
      table << "| " << s.name << " | " << m.name << " | " << o.total_ops << " | " << o.runs
            << (o.dense ? "" : " (sampled)") << " | " << o.errors << " | " << o.state_before
            << " / " << o.state_after << " | " << o.ok_with_fault << " | " << codes << " |\n";
      std::fprintf(stderr, "ok %-24s %-26s T=%ld runs=%ld errors=%ld\n", s.name, m.name,
                   o.total_ops, o.runs, o.errors);
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream summary;
  summary << cases << " cases run ("
          << (cases + skipped_cases) / static_cast<int>(std::size(kModes)) << " scenarios x "
          << std::size(kModes) << " fault modes, " << skipped_cases << " not run), " << total_runs
          << " faulted runs, " << std::fixed;
  summary.precision(1);
  summary << seconds << " s (" << static_cast<double>(std::clock()) / CLOCKS_PER_SEC
          << " s of CPU); SQLite " << sqlite3_libversion() << ".\n";
  const std::string report = table.str() + "\n" + summary.str();
  std::printf("%s", report.c_str());
  if (!report_path.empty()) {
    std::ofstream(report_path) << report;
  }
  if (!docs_path.empty()) {  // the table between the markers of docs/reliability.md
    std::ifstream in(docs_path);
    std::stringstream text;
    text << in.rdbuf();
    std::string doc = text.str();
    const std::string begin = "<!-- sqlite-faults:begin -->\n";
    const std::string end = "<!-- sqlite-faults:end -->";
    const std::size_t b = doc.find(begin);
    const std::size_t e = doc.find(end);
    if (b == std::string::npos || e == std::string::npos || e < b) {
      std::fprintf(stderr, "%s has no sqlite-faults markers\n", docs_path.c_str());
      return 1;
    }
    doc.replace(b + begin.size(), e - b - begin.size(), report + "\n");
    std::ofstream(docs_path) << doc;
  }
  set_case("(after the run: exit, leak check)");
  return 0;
}
