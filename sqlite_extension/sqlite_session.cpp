// sqlite_extension/sqlite_session.cpp
#include "sqlite_extension/sqlite_session.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include "dialect/sqlite_dialect.hpp"
#include "dialect/sqlite_format.hpp"
#include "sqlite_extension/query_trace.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"
#include "vigil/hash.hpp"

namespace vigil::sqlite {
namespace {

ErrorCode code_for(int rc) {
  switch (rc & 0xff) {
    case SQLITE_INTERRUPT:
      return ErrorCode::kQueryCanceled;
    case SQLITE_NOMEM:
      return ErrorCode::kOutOfMemory;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kLockNotAvailable;
    case SQLITE_READONLY:
      return ErrorCode::kReadOnly;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kIntegrityViolation;
    case SQLITE_AUTH:
    case SQLITE_PERM:
      return ErrorCode::kInsufficientPrivilege;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
      return ErrorCode::kIoError;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kDataCorrupted;
    default:
      return ErrorCode::kEngineError;
  }
}

// Owns a prepared statement.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt); }
};

// SQLite's tables and vigil's own (kOwnTables, and vigil_meta): not part of the schema vigil
// fingerprints.
bool is_own_table(std::string_view table) {
  bool own = table.rfind("sqlite_", 0) == 0;
  if (!own && table.rfind("vigil_", 0) == 0) {
    for (const char* o : kOwnTables) own = own || table == o;
    own = own || table == kSqliteMetaTable;
  }
  return own;
}

void step_to_end(sqlite3* db, sqlite3_stmt* stmt) {
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) throw_sqlite_error(db, rc);
}

void bind(sqlite3* db, sqlite3_stmt* stmt, const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    const Value& v = params[i];
    int rc = SQLITE_OK;
    switch (v.kind()) {
      case ValueKind::kNull:
        rc = sqlite3_bind_null(stmt, n);
        break;
      case ValueKind::kInteger:
      case ValueKind::kBoolean:
        rc = sqlite3_bind_int64(stmt, n, v.as_integer());
        break;
      case ValueKind::kReal:
        rc = sqlite3_bind_double(stmt, n, v.as_real());
        break;
      case ValueKind::kBlob:
        rc = sqlite3_bind_blob64(stmt, n, v.bytes().data(), v.bytes().size(), SQLITE_TRANSIENT);
        break;
      default:
        rc = sqlite3_bind_text64(stmt, n, v.bytes().data(), v.bytes().size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8);
        break;
    }
    if (rc != SQLITE_OK) throw_sqlite_error(db, rc);
  }
}

class SqliteCursor final : public Cursor {
 public:
  // `cache`: the session whose statement cache `stmt` belongs to (nullptr: the cursor owns it).
  SqliteCursor(sqlite3* db, sqlite3_stmt* stmt, SqliteSession* cache) : db_(db), cache_(cache) {
    statement_.stmt = stmt;
  }
  ~SqliteCursor() override {
    if (cache_ != nullptr) {
      cache_->release_statement(statement_.stmt);
      statement_.stmt = nullptr;
    }
  }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  bool next() override {
    if (done_) return false;
    const int rc = sqlite3_step(statement_.stmt);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if (rc == SQLITE_DONE) return false;
    throw_sqlite_error(db_, rc);
  }

  std::size_t column_count() const override {
    return static_cast<std::size_t>(sqlite3_column_count(statement_.stmt));
  }

  // sqlite3_column_text/blob return NULL when converting the value needed memory that was not
  // there (and, legitimately, for an empty blob): never read that as a value.
  static void check_column_pointer(const void* p, bool text, std::size_t n) {
    if (p == nullptr && (text || n > 0)) {
      throw Error(ErrorCode::kOutOfMemory, "out of memory reading a column value");
    }
  }

  Value get(std::size_t i) const override {
    sqlite3_stmt* s = statement_.stmt;
    const int col = static_cast<int>(i);
    switch (sqlite3_column_type(s, col)) {
      case SQLITE_INTEGER:
        return Value::integer(sqlite3_column_int64(s, col));
      case SQLITE_FLOAT:
        return Value::real(sqlite3_column_double(s, col));
      case SQLITE_TEXT: {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, col));
        check_column_pointer(p, true, n);
        return Value::text(std::string(p, n));
      }
      case SQLITE_BLOB: {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(s, col));
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, col));
        check_column_pointer(p, false, n);
        return Value::blob(p == nullptr ? std::string() : std::string(p, n));
      }
      default:
        return Value::null();
    }
  }

  // Text and blobs in place: SQLite's pointers stay valid until the next step.
  ValueRef get_ref(std::size_t i, Value& /*storage*/) const override {
    sqlite3_stmt* s = statement_.stmt;
    const int col = static_cast<int>(i);
    ValueRef r;
    const int type = sqlite3_column_type(s, col);
    switch (type) {
      case SQLITE_INTEGER:
        r.kind = ValueKind::kInteger;
        r.integer = sqlite3_column_int64(s, col);
        return r;
      case SQLITE_FLOAT:
        r.kind = ValueKind::kReal;
        r.real = sqlite3_column_double(s, col);
        return r;
      case SQLITE_TEXT:
      case SQLITE_BLOB: {
        const bool text = type == SQLITE_TEXT;
        const void* p = text ? static_cast<const void*>(sqlite3_column_text(s, col))
                             : sqlite3_column_blob(s, col);
        const auto n = static_cast<std::size_t>(sqlite3_column_bytes(s, col));
        check_column_pointer(p, text, n);
        r.kind = text ? ValueKind::kText : ValueKind::kBlob;
        r.bytes =
            p == nullptr ? std::string_view() : std::string_view(static_cast<const char*>(p), n);
        return r;
      }
      default:
        break;
    }
    return r;  // NULL
  }

 private:
  sqlite3* db_;
  SqliteSession* cache_;
  Statement statement_;
  bool done_ = false;
};

// Runs `sql` (no bound values) with sqlite3_exec.
void exec_on(sqlite3* db, const char* sql) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc);
}

// Prepares the first statement of `sql`; `tail` receives the rest.
sqlite3_stmt* prepare(sqlite3* db, std::string_view sql, std::string_view* tail) {
  sqlite3_stmt* stmt = nullptr;
  const char* end = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, &end);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw_sqlite_error(db, rc);
  }
  if (tail != nullptr) *tail = sql.substr(static_cast<std::size_t>(end - sql.data()));
  return stmt;
}

}  // namespace

void throw_sqlite_error(sqlite3* db, int rc) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw Error(code_for(rc), message != nullptr ? message : sqlite3_errstr(rc));
}

SqliteSession::~SqliteSession() {
  for (auto& [text, cached] : statements_) sqlite3_finalize(cached.stmt);
  if (owns_) sqlite3_close_v2(db_);
}

// Statements vigil runs again and again (catalog queries, ledger writes) are prepared once per
// session and reset between uses; SQLite re-prepares them by itself when the schema changes.
// A statement still in use (a query nested in another of the same text) is prepared afresh.
sqlite3_stmt* SqliteSession::acquire_statement(std::string_view sql, bool* cached) {
  // Never a PRAGMA: some compute their answer when they are prepared.
  std::string_view head = sql;
  while (!head.empty() && std::isspace(static_cast<unsigned char>(head.front()))) {
    head.remove_prefix(1);
  }
  if (head.size() >= 6 && sqlite3_strnicmp(head.data(), "PRAGMA", 6) == 0) {
    *cached = false;
    return prepare(db_, sql, nullptr);
  }
  const std::string key(sql);
  auto it = statements_.find(key);
  if (it != statements_.end() && !it->second.in_use) {
    it->second.in_use = true;
    *cached = true;
    return it->second.stmt;
  }
  sqlite3_stmt* stmt = prepare(db_, sql, nullptr);
  *cached = it == statements_.end() && stmt != nullptr && statements_.size() < kMaxCachedStatements;
  if (*cached) {
    try {
      statements_.emplace(key, CachedStatement{stmt, true});
    } catch (...) {  // out of memory: an unfinalized statement would keep the database busy
      sqlite3_finalize(stmt);
      throw;
    }
  }
  return stmt;
}

void SqliteSession::release_statement(sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  for (auto& [text, cached] : statements_) {
    if (cached.stmt == stmt) {
      cached.in_use = false;
      return;
    }
  }
}

std::unique_ptr<Cursor> SqliteSession::query(std::string_view sql, const Params& params) {
  bool cached = false;
  sqlite3_stmt* stmt = acquire_statement(sql, &cached);
  // The cursor owns stmt from here on (or hands it back to the cache).
  std::unique_ptr<SqliteCursor> cursor;
  try {
    cursor = std::make_unique<SqliteCursor>(db_, stmt, cached ? this : nullptr);
  } catch (...) {  // out of memory (tests/faults): the statement must not outlive the call
    if (cached) {
      release_statement(stmt);
    } else {
      sqlite3_finalize(stmt);
    }
    throw;
  }
  bind(db_, stmt, params);
  return cursor;
}

void SqliteSession::exec(std::string_view sql, const Params& params) {
  if (!params.empty()) {  // one statement with bound values: vigil's own, worth caching
    auto cursor = query(sql, params);
    while (cursor->next()) {
    }
    return;
  }
  std::string_view rest = sql;
  while (!rest.empty()) {
    std::string_view tail;
    Statement statement;
    statement.stmt = prepare(db_, rest, &tail);
    const std::string_view text = rest.substr(0, rest.size() - tail.size());
    rest = tail;
    if (statement.stmt == nullptr) continue;  // whitespace or a comment
    if (tracking_ && fast_valid_) {
      step_tracked(statement.stmt, text);
      continue;
    }
    step_to_end(db_, statement.stmt);
  }
}

std::int64_t SqliteSession::schema_version() {
  return scalar("PRAGMA main.schema_version").to_integer();
}

// One statement of exec() while schema changes are tracked (schema_changes()): its effect on
// main's tables from its text, proven by the schema version -- where the previous schema
// statement left it before, at most one more after (a schema statement's own change).
void SqliteSession::step_tracked(sqlite3_stmt* stmt, std::string_view text) {
  SchemaEffect effect = schema_effect(text);
  if (effect.kind == SchemaEffect::Kind::kUnknown) {
    fast_valid_ = false;
  } else if (effect.kind == SchemaEffect::Kind::kTables && schema_version() != fast_version_) {
    fast_valid_ = false;
  }
  step_to_end(db_, stmt);
  if (!fast_valid_ || effect.kind != SchemaEffect::Kind::kTables) return;
  const std::int64_t after = schema_version();
  if (after != fast_version_ && after != fast_version_ + 1) {
    fast_valid_ = false;
    return;
  }
  fast_version_ = after;
  for (auto& table : effect.tables) fast_tables_.push_back(std::move(table));
}

// Savepoint statements are written into a stack buffer and run with sqlite3_exec: no C++
// allocation, so that a rollback still runs when memory has run out (SubTransaction's
// destructor rolls back while a std::bad_alloc unwinds; had it needed memory, the rollback would
// have been skipped and the half-done work committed with the statement).
void SqliteSession::savepoint() {
  char sql[64];
  std::snprintf(sql, sizeof sql, "SAVEPOINT vigil_sp_%d", savepoint_depth_ + 1);
  exec_on(db_, sql);
  ++savepoint_depth_;
}

void SqliteSession::release() {
  char sql[64];
  std::snprintf(sql, sizeof sql, "RELEASE vigil_sp_%d", savepoint_depth_);
  exec_on(db_, sql);
  --savepoint_depth_;
}

void SqliteSession::rollback_to() {
  fast_valid_ = false;  // the schema version may go back to a value already seen
  const int depth = savepoint_depth_--;
  char sql[96];
  std::snprintf(sql, sizeof sql, "ROLLBACK TO vigil_sp_%d; RELEASE vigil_sp_%d", depth, depth);
  exec_on(db_, sql);
}

// Every statement the core runs observes sqlite3_interrupt() by itself (it fails with
// SQLITE_INTERRUPT); between statements, SQLite 3.41+ lets us ask directly.
void SqliteSession::check_interrupts() {
#if SQLITE_VERSION_NUMBER >= 3041000
  if (sqlite3_is_interrupted(db_)) throw Error(ErrorCode::kQueryCanceled, "interrupted");
#endif
}

const Dialect& SqliteSession::dialect() const {
  return sqlite_dialect();
}

QueryStatsStore* SqliteSession::query_stats() {
  QueryStatsStore* store = query_stats_of(db_);
  if (store == nullptr) {
    throw Error(ErrorCode::kPrerequisiteState,
                "vigil does not record query statistics on this connection",
                "Query statistics are recorded on connections that loaded vigil.");
  }
  return store;
}

std::unique_ptr<SqliteSession> SqliteSession::owning(sqlite3* db) {
  std::unique_ptr<SqliteSession> session;
  try {
    session = std::make_unique<SqliteSession>(db);
  } catch (...) {  // out of memory: the connection is ours to close (tests/faults, LeakSanitizer)
    sqlite3_close_v2(db);
    throw;
  }
  session->owns_ = true;
  return session;
}

std::string SqliteSession::main_path() {
  const char* name = sqlite3_db_filename(db_, "main");
  return name == nullptr ? std::string() : std::string(name);
}

bool SqliteSession::in_write_transaction() {
  return sqlite3_txn_state(db_, "main") == SQLITE_TXN_WRITE;
}

namespace {

// Owns a connection opened by the host (closed on every path).
struct Connection {
  sqlite3* db = nullptr;
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { sqlite3_close_v2(db); }
  sqlite3* release() {
    sqlite3* out = db;
    db = nullptr;
    return out;
  }
};

void open_file(Connection& c, const std::string& path, int flags) {
  // No SQLITE_OPEN_URI: the path is a file name, whatever the process-wide URI setting says.
  const int rc = sqlite3_open_v2(path.c_str(), &c.db, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = c.db != nullptr ? sqlite3_errmsg(c.db) : sqlite3_errstr(rc);
    throw Error(ErrorCode::kIoError, fmt::format("could not open \"{}\": {}", path, message));
  }
  sqlite3_extended_result_codes(c.db, 1);
  sqlite3_busy_timeout(c.db, 5000);
}

}  // namespace

namespace {

std::string text_of(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* p = sqlite3_column_text(stmt, 0);
    if (p != nullptr) out = reinterpret_cast<const char*>(p);
  }
  const int rc = sqlite3_finalize(stmt);
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc);
  return out;
}

// WAL: committed pages may be in the -wal file only.  A passive checkpoint, run by a second
// connection after this one took its read snapshot, copies the frames up to the oldest
// reader's snapshot (this one's at the latest) into the database file.  When it reports the
// whole WAL as checkpointed, the file holds this connection's snapshot, and no later frame can
// reach the file while the read transaction lasts: a checkpoint never copies frames past a
// reader's snapshot (nor any frame while a reader reads the file alone).  Otherwise (a writer
// committed since, another reader holds the checkpoint back, a read-only file): false.
bool wal_in_database_file(const char* file, const char* vfs) {
  sqlite3* other = nullptr;
  int rc = sqlite3_open_v2(file, &other, SQLITE_OPEN_READWRITE, vfs);
  int log = -1;
  int checkpointed = -1;
  if (rc == SQLITE_OK) {
    // Closing must not checkpoint (nor touch the WAL) on its own.
    sqlite3_db_config(other, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // A connection opens the WAL at its first read: before it, a checkpoint does nothing.
    rc = sqlite3_exec(other, "PRAGMA main.schema_version", nullptr, nullptr, nullptr);
  }
  if (rc == SQLITE_OK) {
    rc = sqlite3_wal_checkpoint_v2(other, "main", SQLITE_CHECKPOINT_PASSIVE, &log, &checkpointed);
  }
  sqlite3_close_v2(other);
  return rc == SQLITE_OK && log >= 0 && log == checkpointed;
}

// Whether the main database can be copied as a file: a database of the unix VFS that this
// connection holds a read lock on, so that no writer can change the file while it is copied (a
// writer needs an exclusive lock to write the database file, and a hot journal would have been
// rolled back by our first read) -- in WAL mode, once every frame of the WAL up to this
// connection's snapshot is in the file (wal_in_database_file).  An in-memory database has no
// file, and a WAL whose frames cannot all be checkpointed now is not in it: those go through the
// backup API.
bool can_copy_file(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  if (file == nullptr || file[0] == '\0' || sqlite3_get_autocommit(db) != 0) return false;
  char* vfs = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_VFSNAME, &vfs) != SQLITE_OK || vfs == nullptr) {
    return false;
  }
  // The unix VFSes that lock ("unix-none" does not, so a writer could change the file).
  const std::string name(vfs);
  const bool unix_vfs =
      name == "unix" || name == "unix-excl" || name == "unix-dotfile" || name == "unix-flock";
  sqlite3_free(vfs);
  if (!unix_vfs) return false;
  const bool wal = text_of(db, "PRAGMA main.journal_mode") == "wal";
  text_of(db, "SELECT count(*) FROM main.sqlite_schema");  // takes the read lock if not yet held
  if (sqlite3_txn_state(db, "main") < SQLITE_TXN_READ) return false;
  // "unix-excl" keeps the WAL index in heap memory: a second connection could not share it.
  return !wal || (name != "unix-excl" && wal_in_database_file(file, name.c_str()));
}

// Owns a file descriptor.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

[[noreturn]] void throw_errno(const char* what) {
  throw Error(ErrorCode::kIoError, fmt::format("{}: {}", what, std::strerror(errno)));
}

// Copies `from` into the existing file `to` as cp does: copy_file_range (the kernel copies),
// read/write where the file systems do not support it.  Errors keep their errno ("No space left
// on device").
void copy_file_contents(const std::string& from, const std::string& to) {
  const Fd in(open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.fd < 0) throw_errno("could not open the database file");
  const Fd out(open(to.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (out.fd < 0) throw_errno("could not open the copy");
  bool kernel_copy = true;
  std::vector<char> buffer;
  while (true) {
    ssize_t n = -1;
    if (kernel_copy) {
      n = copy_file_range(in.fd, nullptr, out.fd, nullptr, 1 << 30, 0);
      if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel_copy = false;
        buffer.resize(1 << 20);
        continue;
      }
    } else {
      n = read(in.fd, buffer.data(), buffer.size());
      if (n > 0) {
        for (ssize_t done = 0; done < n;) {
          const ssize_t w = write(out.fd, buffer.data() + done, static_cast<std::size_t>(n - done));
          if (w < 0) {
            if (errno == EINTR) continue;
            throw_errno("could not write the copy");
          }
          done += w;
        }
      }
    }
    if (n == 0) return;
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("could not copy the database file");
    }
  }
}

}  // namespace

// Inside the caller's read transaction: a database file that holds the snapshot (can_copy_file)
// is copied as a file under the read lock (as fast as cp); otherwise the online backup API
// copies it page by page.
// Both are written without a journal and without syncs: on any failure the caller removes the
// copy, and the manifest written next is committed with a sync.
void SqliteSession::copy_main_to(const std::string& path) {
  if (can_copy_file(db_)) {
    copy_file_contents(sqlite3_db_filename(db_, "main"), path);
    return;
  }
  Connection dest;
  open_file(dest, path, SQLITE_OPEN_READWRITE);
  exec_on(dest.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");
  sqlite3_backup* backup = sqlite3_backup_init(dest.db, "main", db_, "main");
  if (backup == nullptr) throw_sqlite_error(dest.db, sqlite3_errcode(dest.db));
  int rc;
  while ((rc = sqlite3_backup_step(backup, 1024)) == SQLITE_OK) {
#if SQLITE_VERSION_NUMBER >= 3041000
    if (sqlite3_is_interrupted(db_)) break;
#endif
  }
  sqlite3_backup_finish(backup);
  if (rc == SQLITE_OK) throw Error(ErrorCode::kQueryCanceled, "interrupted");
  if (rc != SQLITE_DONE) {
    // The step's error is reported on the destination (disk full, I/O) or on the source.
    const int dest_rc = sqlite3_errcode(dest.db);
    if (dest_rc != SQLITE_OK) throw_sqlite_error(dest.db, dest_rc);
    throw Error(code_for(rc), sqlite3_errstr(rc));
  }
}

// Files opened for writing are switched to rollback-journal mode, so that the file stands
// alone (no -wal beside it) once the connection is closed.
std::unique_ptr<Session> SqliteSession::open(const std::string& path, bool writable) {
  Connection c;
  open_file(c, path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
  if (writable) exec_on(c.db, "PRAGMA journal_mode = DELETE");
  return owning(c.release());
}

// SQLite has no parse-only API: sqlite3_prepare also resolves names, so only the errors that
// mean "this is not SQL" count.  A PRAGMA is never prepared: some take effect while they are
// prepared.
namespace {

// SQLite's built-in functions that compute their result from their arguments alone (or the
// clock, as date('now') does): what a stored condition may call.  Everything else is refused:
// random() and changes() (their result is not the row's), load_extension(), vigil's own
// functions, and every function an application or the sqlite3 shell registered (writefile,
// readfile, edit, ...): SQLite cannot tell whether one has side effects.
constexpr const char* kPureFunctions[] = {"abs",
                                          "char",
                                          "coalesce",
                                          "format",
                                          "glob",
                                          "hex",
                                          "ifnull",
                                          "iif",
                                          "instr",
                                          "length",
                                          "like",
                                          "likelihood",
                                          "likely",
                                          "lower",
                                          "ltrim",
                                          "max",
                                          "min",
                                          "nullif",
                                          "printf",
                                          "quote",
                                          "replace",
                                          "round",
                                          "rtrim",
                                          "sign",
                                          "soundex",
                                          "substr",
                                          "substring",
                                          "trim",
                                          "typeof",
                                          "unicode",
                                          "unlikely",
                                          "upper",
                                          "zeroblob",
                                          "date",
                                          "time",
                                          "datetime",
                                          "julianday",
                                          "unixepoch",
                                          "strftime",
                                          "acos",
                                          "acosh",
                                          "asin",
                                          "asinh",
                                          "atan",
                                          "atan2",
                                          "atanh",
                                          "ceil",
                                          "ceiling",
                                          "cos",
                                          "cosh",
                                          "degrees",
                                          "exp",
                                          "floor",
                                          "ln",
                                          "log",
                                          "log10",
                                          "log2",
                                          "mod",
                                          "pi",
                                          "pow",
                                          "power",
                                          "radians",
                                          "sin",
                                          "sinh",
                                          "sqrt",
                                          "tan",
                                          "tanh",
                                          "trunc",
                                          "json",
                                          "json_array",
                                          "json_array_length",
                                          "json_extract",
                                          "json_insert",
                                          "json_object",
                                          "json_patch",
                                          "json_quote",
                                          "json_remove",
                                          "json_replace",
                                          "json_set",
                                          "json_type",
                                          "json_valid",
                                          "->",
                                          "->>"};

// Opcodes that change a database, its schema or the connection, or run code other than the
// statement's own (a trigger program, a virtual table's methods).
constexpr const char* kRefusedOpcodes[] = {
    "OpenWrite",   "CreateBtree",  "Destroy",  "Clear",       "ParseSchema", "SetCookie",
    "Vacuum",      "IncrVacuum",   "Program",  "JournalMode", "DropTable",   "DropIndex",
    "DropTrigger", "LoadAnalysis", "VOpen",    "VFilter",     "VColumn",     "VNext",
    "VUpdate",     "VBegin",       "VCreate",  "VDestroy",    "VRename",     "VCheck",
    "VInitIn",     "AggStep",      "AggStep1", "AggFinal",    "AggValue",    "AggInverse",
    "Expire",      "FkCounter",    "MaxPgcnt", "Pagecount",   "CursorLock",  "TableLock"};

bool pure_function(std::string_view name) {
  for (const char* f : kPureFunctions) {
    if (name.size() == std::strlen(f) &&
        sqlite3_strnicmp(name.data(), f, static_cast<int>(name.size())) == 0) {
      return true;
    }
  }
  return false;
}

[[noreturn]] void refuse_condition(const std::string& message) {
  throw Error(ErrorCode::kInvalidDefinition, message,
              "A rule condition is one expression over its table's columns that only reads "
              "them (docs/reliability.md, \"Trust model for stored code\").");
}

}  // namespace

void SqliteSession::check_stored_condition(const TableRef& table, const std::string& condition,
                                           const std::string& statement, const std::string*) {
  (void)condition;  // inspected as part of `statement`
  // One statement, read-only (sqlite3_stmt_readonly), nothing after it.
  {
    std::string_view tail;
    Statement compiled;
    compiled.stmt = prepare(db_, statement, &tail);
    for (const char ch : tail) {
      if (!std::isspace(static_cast<unsigned char>(ch))) {
        throw Error(ErrorCode::kSyntaxError, "a rule condition must be one expression");
      }
    }
    if (compiled.stmt == nullptr || sqlite3_stmt_readonly(compiled.stmt) == 0) {
      refuse_condition("a rule condition must not change anything");
    }
  }
  // The database the table is in (its index for OpenRead's P3) and the root pages of the
  // table and its indexes: the only b-trees the statement may read.
  std::int64_t db_index = -1;
  {
    auto c = query("PRAGMA database_list");
    while (c->next()) {
      if (c->get(1).to_text() == table.schema) db_index = c->get(0).to_integer();
    }
  }
  std::set<std::int64_t> roots;
  {
    auto c = query(
        fmt::format("SELECT rootpage FROM {}.sqlite_schema WHERE tbl_name = ?1 COLLATE NOCASE "
                    "AND type IN ('table', 'index')",
                    dialect().quote_identifier(table.schema)),
        {Value::text(table.name)});
    while (c->next()) roots.insert(c->get(0).to_integer());
  }
  Statement program;
  program.stmt = prepare(db_, "EXPLAIN " + statement, nullptr);
  int rc;
  while ((rc = sqlite3_step(program.stmt)) == SQLITE_ROW) {
    const auto text = [&program](int i) {
      const unsigned char* t = sqlite3_column_text(program.stmt, i);
      return t == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(t));
    };
    const std::string opcode = text(1);
    for (const char* refused : kRefusedOpcodes) {
      if (opcode == refused) {
        if (opcode.rfind("Agg", 0) == 0) {
          refuse_condition("a rule condition must not call an aggregate or window function");
        }
        if (opcode[0] == 'V') refuse_condition("a rule condition must not read a virtual table");
        refuse_condition("a rule condition must not change anything (" + opcode + ")");
      }
    }
    if (opcode == "Transaction" && sqlite3_column_int64(program.stmt, 3) != 0) {
      refuse_condition("a rule condition must not change anything");
    }
    if (opcode == "OpenRead" || opcode == "ReopenIdx") {
      if (sqlite3_column_int64(program.stmt, 4) != db_index ||
          roots.count(sqlite3_column_int64(program.stmt, 3)) == 0) {
        refuse_condition("a rule condition may read only the columns of its own table's row");
      }
    }
    if (opcode == "Function" || opcode == "PureFunc") {
      const std::string p4 = text(5);
      const std::string name = p4.substr(0, p4.find('('));
      if (!pure_function(name)) {
        refuse_condition(fmt::format(
            "a rule condition may call only SQLite's pure built-in functions (\"{}\" is not "
            "one)",
            name));
      }
    }
  }
  if (rc != SQLITE_DONE) throw_sqlite_error(db_, rc);
}

std::string SqliteSession::syntax_error(std::string_view statement) {
  {
    std::string_view s = statement;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    if (s.size() >= 6 && sqlite3_strnicmp(s.data(), "PRAGMA", 6) == 0) return {};
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_, statement.data(), static_cast<int>(statement.size()), &stmt, nullptr);
  sqlite3_finalize(stmt);
  if (rc == SQLITE_OK) return {};
  const std::string message = sqlite3_errmsg(db_);
  for (const char* marker : {"syntax error", "incomplete input", "unrecognized token"}) {
    if (message.find(marker) != std::string::npos) return message;
  }
  return {};
}

// The schema of `main` is its sqlite_schema: a table's canonical model depends only on the SQL
// of the table and of its indexes, so comparing that text per table finds every change.  It is
// read after every migration step, so the rows are hashed straight from SQLite's buffers, and a
// table's entry is allocated once (not on every call).
//
// Between two calls, exec() notes what its statements do (step_tracked); when that is known for
// all of them, the tables they named are reported without reading sqlite_schema, and marked
// dirty: their `before` hash is stale, so the next full read reports them again (an extra table
// read again, never one missed -- also when a later step puts a table back as it was).
std::optional<std::vector<TableRef>> SqliteSession::schema_changes() {
  const std::int64_t version = schema_version();
  const bool known = fast_valid_ && version == fast_version_;
  fast_valid_ = true;
  fast_version_ = version;
  if (tracking_ && version == schema_version_) {
    fast_tables_.clear();
    return std::vector<TableRef>{};
  }
  if (tracking_ && known) {
    if (auto changed = report_known_changes()) {
      schema_version_ = version;
      return changed;
    }
  }
  fast_tables_.clear();
  ++schema_reads_;
  for (auto& [table, entry] : schema_) {
    entry.now = 0;
    entry.seen = false;
  }
  std::vector<TableRef> respelled;
  {
    bool cached = false;
    sqlite3_stmt* stmt = acquire_statement(
        "SELECT tbl_name, name, sql FROM main.sqlite_schema "
        "WHERE type IN ('table', 'index')",
        &cached);
    struct Release {
      SqliteSession* session;
      sqlite3_stmt* stmt;
      bool cached;
      ~Release() {
        if (cached) {
          session->release_statement(stmt);
        } else {
          sqlite3_finalize(stmt);
        }
      }
    } release{this, stmt, cached};
    const auto text = [stmt](int col) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
      return p == nullptr
                 ? std::string_view()
                 : std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
    };
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      const std::string_view table = text(0);
      if (is_own_table(table)) continue;
      // Per table, the sum of the hashes of its rows (table and indexes): no order needed.  A
      // row's SQL says its type ("CREATE TABLE", "CREATE INDEX"; a table always has SQL, an
      // index without SQL is a UNIQUE or PRIMARY KEY constraint's), so name and SQL tell
      // every row apart.
      const std::uint64_t parts[2] = {xxh3_64(text(1)), xxh3_64(text(2))};
      const std::uint64_t hash =
          xxh3_64(std::string_view(reinterpret_cast<const char*>(parts), sizeof parts));
      auto it = schema_.find(table);
      if (it == schema_.end()) {
        it = schema_.emplace(std::string(table), SchemaEntry{}).first;
      } else if (it->first != table) {  // renamed to another case: the old name is gone
        respelled.push_back({"main", it->first});
        SchemaEntry moved = it->second;
        moved.fresh = true;
        schema_.erase(it);
        it = schema_.emplace(std::string(table), moved).first;
      }
      it->second.now += hash;
      it->second.seen = true;
    }
    if (rc != SQLITE_DONE) throw_sqlite_error(db_, rc);
  }
  const bool first = !tracking_;
  tracking_ = true;
  schema_version_ = version;
  std::vector<TableRef> changed = std::move(respelled);
  for (auto it = schema_.begin(); it != schema_.end();) {
    SchemaEntry& e = it->second;
    if (!e.seen || e.fresh || e.dirty || e.now != e.before) changed.push_back({"main", it->first});
    e.dirty = false;
    if (!e.seen) {
      it = schema_.erase(it);
      continue;
    }
    e.before = e.now;
    e.fresh = false;
    ++it;
  }
  if (first) return std::nullopt;
  return changed;
}

bool SqliteSession::NoCaseLess::operator()(std::string_view a, std::string_view b) const {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(a[i] >= 'A' && a[i] <= 'Z' ? a[i] + 32 : a[i]);
    const auto y = static_cast<unsigned char>(b[i] >= 'A' && b[i] <= 'Z' ? b[i] + 32 : b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

// The tables the statements since the previous call named (step_tracked), by their name in
// sqlite_schema where it is known (a name may be written in another case than the catalog's:
// the tracker must be told the catalog's name of a dropped table).  nullopt when a name may be
// one of SQLite's or vigil's own tables (in any case): the full read decides those.
std::optional<std::vector<TableRef>> SqliteSession::report_known_changes() {
  for (const auto& name : fast_tables_) {
    if (name.size() >= 7 && sqlite3_strnicmp(name.data(), "sqlite_", 7) == 0) return std::nullopt;
    for (const char* own : kOwnTables) {
      if (sqlite3_stricmp(name.c_str(), own) == 0) return std::nullopt;
    }
    if (sqlite3_stricmp(name.c_str(), kSqliteMetaTable) == 0) return std::nullopt;
  }
  std::vector<TableRef> changed;
  for (const auto& name : fast_tables_) {
    auto it = schema_.find(name);
    // Not known yet: a table created since the last read (or a name that names none, which the
    // next read drops: it is not in sqlite_schema).
    if (it == schema_.end()) it = schema_.emplace(name, SchemaEntry{}).first;
    it->second.dirty = true;
    bool listed = false;
    for (const auto& c : changed) listed = listed || c.name == it->first;
    if (!listed) changed.push_back({"main", it->first});
  }
  fast_tables_.clear();
  return changed;
}

}  // namespace vigil::sqlite
