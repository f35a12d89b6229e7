// sqlite_extension/query_trace.cpp
#include "sqlite_extension/query_trace.hpp"

#include <array>
#include <cstdint>
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
  const char* sql_ptr = nullptr;  // the statement's text (sqlite3_sql()) when it was normalised
  std::string sql;                // and a copy: a finalized statement's address may be reused
  std::uint64_t fingerprint = 0;
  std::string normalized;
  LocalQueryStats::Entry* entry = nullptr;
  std::uint64_t generation = ~0ULL;
  bool has_columns = false;
  bool running = false;
  unsigned runs = 0;  // SQLITE_STMTSTATUS_RUN at the last run seen
  std::uint64_t started = 0;
  std::int64_t rows = 0;
  std::int64_t changes_before = 0;
};

// Bound on the per-statement cache; past it the cache starts afresh (prepared statements are
// normally few, and long-lived).
constexpr std::size_t kMaxCachedStatements = 4096;

// Slots of the direct-mapped cache in front of the map (a power of two).
constexpr std::size_t kSlots = 64;

// The per-statement path (three callbacks per run of a statement returning one row) touches no
// lock, allocates nothing and compares no text: a direct-mapped cache of statement pointers, one
// reading of SQLite's run counter, two readings of vigil's clock, the counters' update.  What
// may allocate or throw (normalising a new statement, adding its entry) is out of line, in
// adopt() and entry_for(), which catch everything: statistics never fail a statement.
class ConnectionStats final : public QueryStatsStore {
 public:
  explicit ConnectionStats(sqlite3* db) : db_(db), clock_(monotonic_clock()) {}

  std::vector<QueryStatsEntry> entries() override { return table_.copy(); }
  std::int64_t reset() override {
    for (auto& [stmt, state] : statements_) state.entry = nullptr;
    return table_.clear();
  }
  bool counts_errors() const override { return false; }

  // Each event goes to its own function, called last (a jump: the dispatch costs no frame).
  static int callback(unsigned type, void* context, void* p, void* x) noexcept {
    auto* self = static_cast<ConnectionStats*>(context);
    auto* stmt = static_cast<sqlite3_stmt*>(p);
    switch (type) {
      case SQLITE_TRACE_ROW:
        return self->on_row(stmt);
      case SQLITE_TRACE_STMT:
        return self->on_start(stmt, static_cast<const char*>(x));
      case SQLITE_TRACE_PROFILE:
        return self->on_end(stmt);
      case SQLITE_TRACE_CLOSE:
        return self->on_close();
      default:
        return 0;
    }
  }

 private:
  struct Slot {
    sqlite3_stmt* stmt = nullptr;
    StatementState* state = nullptr;
  };

  static std::size_t slot_of(const sqlite3_stmt* stmt) noexcept {
    const auto v = reinterpret_cast<std::uintptr_t>(stmt);
    return ((v >> 4U) ^ (v >> 10U)) & (kSlots - 1);
  }

  // The statement of the last event first (a run's events come in a row), then its slot, then
  // the map.
  StatementState* state_of(sqlite3_stmt* stmt) noexcept {
    if (stmt == last_.stmt) return last_.state;
    return lookup(stmt);
  }

  __attribute__((noinline, cold)) StatementState* lookup(sqlite3_stmt* stmt) noexcept {
    Slot& slot = slots_[slot_of(stmt)];
    if (slot.stmt != stmt) {
      auto it = statements_.find(stmt);
      if (it == statements_.end()) return nullptr;
      slot = Slot{stmt, &it->second};
    }
    last_ = slot;
    return slot.state;
  }

  void forget_slots() noexcept {
    slots_.fill(Slot{});
    last_ = Slot{};
  }

  __attribute__((noinline)) int on_start(sqlite3_stmt* stmt, const char* text) noexcept {
    // `text` is the statement's own text (sqlite3_sql(): OP_Init passes p->zSql).  A statement
    // run from inside another one: SQLite prefixes a copy of its text with "-- ".
    if (text == nullptr || (text[0] == '-' && text[1] == '-' && text[2] == ' ')) return 0;
    StatementState* state = state_of(stmt);
    // The same statement as cached: same text pointer, and its run counter one past the last
    // run seen (a new statement at a reused address starts from 0).  Otherwise the text is
    // compared, and normalised when it differs.
    const auto runs = static_cast<unsigned>(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_RUN, 0));
    if (state == nullptr || state->sql_ptr != text ||
        (runs != state->runs + 1U && state->sql != text)) {
      state = adopt(stmt, text);
      if (state == nullptr) return 0;
    }
    state->running = true;
    state->runs = runs;
    state->rows = 0;
    if (!state->has_columns) state->changes_before = sqlite3_total_changes64(db_);
    state->started = clock_.now();
    return 0;
  }

  // A statement seen for the first time (or a new one at a reused address): normalised once.
  __attribute__((noinline, cold)) StatementState* adopt(sqlite3_stmt* stmt,
                                                        const char* text) noexcept {
    try {
      if (statements_.size() >= kMaxCachedStatements && statements_.count(stmt) == 0) {
        statements_.clear();
        forget_slots();
      }
      StatementState& state = statements_[stmt];
      slots_[slot_of(stmt)] = last_ = Slot{stmt, &state};
      state.sql_ptr = nullptr;  // not valid until normalised
      state.sql = text;
      NormalizedQuery q = normalize_query(state.sql);
      state.fingerprint = q.fingerprint;
      state.normalized = std::move(q.text);
      state.entry = nullptr;
      state.has_columns = sqlite3_column_count(stmt) > 0;
      state.sql_ptr = text;
      return &state;
    } catch (...) {  // NOLINT(bugprone-empty-catch): statistics never fail a statement
      // Out of memory: this run is not counted; the statement is normalised again next run.
      auto it = statements_.find(stmt);
      if (it != statements_.end()) it->second.running = false;
      return nullptr;
    }
  }

  __attribute__((noinline)) int on_row(sqlite3_stmt* stmt) noexcept {
    StatementState* state = state_of(stmt);
    if (state != nullptr) ++state->rows;
    return 0;
  }

  __attribute__((noinline)) int on_end(sqlite3_stmt* stmt) noexcept {
    const std::uint64_t ended = clock_.now();
    StatementState* state = state_of(stmt);
    if (state == nullptr || !state->running) return 0;
    state->running = false;
    const std::int64_t rows =
        state->has_columns ? state->rows : sqlite3_total_changes64(db_) - state->changes_before;
    LocalQueryStats::Entry* entry = state->entry;
    if (entry == nullptr || state->generation != table_.generation()) {
      entry = entry_for(*state);
      if (entry == nullptr) return 0;
    }
    record_execution(entry->counters, clock_.ticks_to_ms(ended - state->started), rows);
    return 0;
  }

  // The statement's entry in the table, added if needed (after a reset or an eviction too).
  __attribute__((noinline, cold)) LocalQueryStats::Entry* entry_for(
      StatementState& state) noexcept {
    try {
      state.entry = &table_.find_or_add(state.fingerprint, state.normalized);
      state.generation = table_.generation();
      return state.entry;
    } catch (...) {           // NOLINT(bugprone-empty-catch): statistics never fail a statement
      state.entry = nullptr;  // out of memory: this run is not counted
      return nullptr;
    }
  }

  __attribute__((noinline)) int on_close() noexcept;

  sqlite3* db_;
  const MonotonicClock clock_;  // a copy of the process's calibrated clock: no indirection
  LocalQueryStats table_;
  std::unordered_map<sqlite3_stmt*, StatementState> statements_;
  Slot last_;
  std::array<Slot, kSlots> slots_{};
};

// Connections vigil records on.  Touched only when a connection loads vigil or closes, and when
// a vigil function looks its connection up: never on the per-statement path.
std::mutex registry_mutex;
std::unordered_map<sqlite3*, ConnectionStats*>& registry() {
  static auto* map = new std::unordered_map<sqlite3*, ConnectionStats*>();
  return *map;
}

int ConnectionStats::on_close() noexcept {
  {
    const std::lock_guard<std::mutex> lock(registry_mutex);
    auto it = registry().find(db_);
    if (it != registry().end() && it->second == this) registry().erase(it);
  }
  delete this;
  return 0;
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
