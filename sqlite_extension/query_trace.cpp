// sqlite_extension/query_trace.cpp
#include "sqlite_extension/query_trace.hpp"

#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>

#include "sqlite_extension/monotonic_clock.hpp"
#include "stats/normalize.hpp"
#include "vigil/error.hpp"

namespace vigil::sqlite {
namespace {

// What vigil remembers about one prepared statement.
struct StatementState {
  const char* sql_ptr = nullptr;  // sqlite3_sql() when it was normalised
  std::string sql;                // and its text: a finalized statement's address may be reused
  std::uint64_t fingerprint = 0;
  std::string normalized;
  LocalQueryStats::Entry* entry = nullptr;
  std::uint64_t generation = ~0ULL;
  bool has_columns = false;
  bool running = false;
  int runs = 0;  // SQLITE_STMTSTATUS_RUN at the last run seen
  std::uint64_t started = 0;
  std::int64_t rows = 0;
  std::int64_t changes_before = 0;
};

// Bound on the per-statement cache; past it the cache starts afresh (prepared statements are
// normally few, and long-lived).
constexpr std::size_t kMaxCachedStatements = 4096;

class ConnectionStats final : public QueryStatsStore {
 public:
  explicit ConnectionStats(sqlite3* db) : db_(db), clock_(monotonic_clock()) {}

  std::vector<QueryStatsEntry> entries() override { return table_.copy(); }
  std::int64_t reset() override {
    for (auto& [stmt, state] : statements_) state.entry = nullptr;
    return table_.clear();
  }
  bool counts_errors() const override { return false; }

  static int callback(unsigned type, void* context, void* p, void* x) noexcept {
    auto* self = static_cast<ConnectionStats*>(context);
    try {
      switch (type) {
        case SQLITE_TRACE_STMT:
          self->on_start(static_cast<sqlite3_stmt*>(p), static_cast<const char*>(x));
          break;
        case SQLITE_TRACE_ROW:
          self->on_row(static_cast<sqlite3_stmt*>(p));
          break;
        case SQLITE_TRACE_PROFILE:
          self->on_end(static_cast<sqlite3_stmt*>(p));
          break;
        case SQLITE_TRACE_CLOSE:
          self->on_close();
          break;
        default:
          break;
      }
    } catch (...) {  // NOLINT(bugprone-empty-catch): statistics never fail a statement
      self->forget_last();
    }
    return 0;
  }

 private:
  StatementState* state_of(sqlite3_stmt* stmt) {
    if (stmt == last_stmt_) return last_state_;
    auto it = statements_.find(stmt);
    if (it == statements_.end()) return nullptr;
    last_stmt_ = stmt;
    last_state_ = &it->second;
    return last_state_;
  }

  void forget_last() noexcept {
    last_stmt_ = nullptr;
    last_state_ = nullptr;
  }

  void on_start(sqlite3_stmt* stmt, const char* text) {
    // A statement run from inside another one: SQLite prefixes its text with "-- ".
    if (text != nullptr && text[0] == '-' && text[1] == '-' && text[2] == ' ') return;
    const char* sql = sqlite3_sql(stmt);
    if (sql == nullptr) return;
    StatementState* state = state_of(stmt);
    // The same statement as cached: same text pointer, and its run counter one past the last
    // run seen (a new statement at a reused address starts from 1).  Otherwise the text is
    // compared, and normalised when it differs.
    const int runs = sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_RUN, 0);
    const bool same =
        state != nullptr && state->sql_ptr == sql && (runs == state->runs + 1 || state->sql == sql);
    if (!same) {
      if (state == nullptr && statements_.size() >= kMaxCachedStatements) {
        statements_.clear();
        forget_last();
      }
      state = &statements_[stmt];
      last_stmt_ = stmt;
      last_state_ = state;
      state->sql_ptr = sql;
      state->sql = sql;
      NormalizedQuery q = normalize_query(state->sql);
      state->fingerprint = q.fingerprint;
      state->normalized = std::move(q.text);
      state->entry = nullptr;
      state->has_columns = sqlite3_column_count(stmt) > 0;
    }
    state->running = true;
    state->runs = runs;
    state->rows = 0;
    if (!state->has_columns) state->changes_before = sqlite3_total_changes64(db_);
    state->started = clock_.now();
  }

  void on_row(sqlite3_stmt* stmt) {
    StatementState* state = state_of(stmt);
    if (state != nullptr) ++state->rows;
  }

  void on_end(sqlite3_stmt* stmt) {
    const std::uint64_t ended = clock_.now();
    StatementState* state = state_of(stmt);
    if (state == nullptr || !state->running) return;
    state->running = false;
    const std::int64_t rows =
        state->has_columns ? state->rows : sqlite3_total_changes64(db_) - state->changes_before;
    if (state->entry == nullptr || state->generation != table_.generation()) {
      state->entry = &table_.find_or_add(state->fingerprint, state->normalized);
      state->generation = table_.generation();
    }
    record_execution(state->entry->counters, clock_.ticks_to_ns(ended - state->started) / 1e6,
                     rows);
  }

  void on_close();

  sqlite3* db_;
  const MonotonicClock& clock_;
  LocalQueryStats table_;
  std::unordered_map<sqlite3_stmt*, StatementState> statements_;
  sqlite3_stmt* last_stmt_ = nullptr;
  StatementState* last_state_ = nullptr;
};

// Connections vigil records on.  Touched only when a connection loads vigil or closes, and when
// a vigil function looks its connection up: never on the per-statement path.
std::mutex registry_mutex;
std::unordered_map<sqlite3*, ConnectionStats*>& registry() {
  static auto* map = new std::unordered_map<sqlite3*, ConnectionStats*>();
  return *map;
}

void ConnectionStats::on_close() {
  {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    auto it = registry().find(db_);
    if (it != registry().end() && it->second == this) registry().erase(it);
  }
  delete this;
}

}  // namespace

int install_query_trace(sqlite3* db) {
  auto* stats = new (std::nothrow) ConnectionStats(db);
  if (stats == nullptr) return SQLITE_NOMEM;
  try {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    auto& map = registry();
    auto it = map.find(db);
    // Loaded twice on one connection: the earlier recorder's trace slot is taken over below.
    if (it != map.end()) delete it->second;
    map[db] = stats;
  } catch (...) {
    delete stats;
    return SQLITE_NOMEM;
  }
  const unsigned mask =
      SQLITE_TRACE_STMT | SQLITE_TRACE_ROW | SQLITE_TRACE_PROFILE | SQLITE_TRACE_CLOSE;
  return sqlite3_trace_v2(db, mask, &ConnectionStats::callback, stats);
}

QueryStatsStore* query_stats_of(sqlite3* db) {
  const std::lock_guard<std::mutex> lock(registry_mutex);
  auto it = registry().find(db);
  return it == registry().end() ? nullptr : it->second;
}

}  // namespace vigil::sqlite
