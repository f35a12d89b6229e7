// pg_extension/query_stats_pg.cpp
//
// Query statistics for PostgreSQL, recorded by executor hooks into a bounded table in shared
// memory, as pg_stat_statements does -- but keyed by vigil's own fingerprint of the normalised
// query text (common/stats/normalize.hpp), so that the same query has the same fingerprint in
// SQLite and in any PostgreSQL version.
//
// Needs shared_preload_libraries = 'vigil' (the hooks and the shared memory exist only then);
// vigil_query_stats() says so otherwise.  Settings: vigil.max_statements (entries kept, at
// server start), vigil.track (none / top / all: which statements are counted; 'top' skips those
// run from inside functions).  The table is not saved across restarts.  Entries are per query, not
// per role: each remembers the role that first ran it and whether another role has since, and the
// text is shown only to pg_read_all_stats or to that role while it alone ran the query (as
// pg_stat_statements hides other users' text).
//
// What a statement costs (the hot path, ExecutorStart .. ExecutorEnd):
//   - the timer: two clock readings around each ExecutorRun and ExecutorFinish, added up in a
//     small backend-local table of the statements being executed (no Instrumentation node to
//     allocate and zero, no buffer or WAL accounting);
//   - the key: an XXH3-64 of the statement's raw text looks up a backend-local cache that maps
//     it to the fingerprint, the normalised text and the shared entry's address, so a prepared
//     statement is normalised once per backend, and the shared hash table is not searched
//     while the cached address is still valid;
//   - the update: the shared lock, the entry's spinlock, a few additions.
// Errors are counted by emit_log_hook, for the statement that was running (debug_query_string)
// when an ERROR reached the client: failures in parsing and planning count as well as those in
// execution.  Errors are counted only when log_min_messages lets ERROR through (the default),
// and a failing query that has no entry yet gets one only while the table has room.
//
// Locking (the rules every function below follows):
//   - state->lock (one LWLock of the tranche "vigil") protects the hash table.  It is held
//     SHARED to find an entry and to update its counters, EXCLUSIVE to add or remove entries
//     (a new query, eviction of the least used, vigil_query_stats_reset()).
//   - Each entry's counters are protected by the entry's own spinlock (entry->mutex), taken
//     only while state->lock is held (shared or exclusive) and for a few instructions, so two
//     backends updating the same entry never lose an increment; readers take it to copy them.
//   - An entry's key and text are written once, under the exclusive lock, and never change:
//     a holder of the shared lock may read them without the spinlock.
//   - state->generation is incremented, under the exclusive lock, whenever an entry is removed.
//     A backend trusts the entry address it cached only while holding state->lock and seeing
//     the generation it cached with it; otherwise it searches the hash table.
//   - emit_log_hook never waits for state->lock when this backend already holds it (the error
//     may have been raised while it was held): that error is not counted.
#include "pg_extension/query_stats_pg.hpp"

#include <cstring>
#include <new>
#include <string>
#include <unordered_map>

#include "pg_extension/pg_guard.hpp"
#include "pg_extension/pg_headers.hpp"
#include "stats/normalize.hpp"
#include "vigil/error.hpp"
#include "vigil/hash.hpp"

extern "C" {
// clang-format off
#include "access/parallel.h"
#include "executor/executor.h"
#include "executor/instrument.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "catalog/pg_authid_d.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
// clang-format on
}

namespace vigil::pg {
namespace {

// Normalised text kept per entry; longer texts are cut (their fingerprint is of the whole).
constexpr int kQueryTextMax = 1024;
// Entries of the backend-local cache of raw text → fingerprint; past it the cache starts over.
constexpr std::size_t kLocalCacheMax = 1024;

enum Track { kTrackNone, kTrackTop, kTrackAll };

const struct config_enum_entry kTrackOptions[] = {{"none", kTrackNone, false},
                                                  {"top", kTrackTop, false},
                                                  {"all", kTrackAll, false},
                                                  {nullptr, 0, false}};

int max_statements = static_cast<int>(kDefaultMaxStatements);
int track = kTrackTop;

struct SharedKey {
  Oid dbid;
  uint32 padding;  // zero: keys are hashed as bytes
  uint64 fingerprint;
};

struct SharedEntry {
  SharedKey key;  // first: the hash table's key
  slock_t mutex;
  QueryCounters counters;
  // Who ran the query: the role that first did, and whether another role has since (under
  // mutex).  Entries are per query, not per role; the text is shown to a role without
  // pg_read_all_stats only while it alone ran the query.
  Oid userid;
  bool other_users;
  int query_len;
  char query[kQueryTextMax];
};

struct SharedState {
  LWLock* lock;
  uint64 generation;
};

SharedState* state = nullptr;
HTAB* table = nullptr;

// What this backend remembers about a raw statement text.
struct LocalQuery {
  uint64 fingerprint = 0;
  std::string normalized;
  SharedEntry* entry = nullptr;
  uint64 generation = 0;
};

std::unordered_map<uint64, LocalQuery>* local_cache = nullptr;

int nesting_level = 0;

// Statements between ExecutorStart and ExecutorEnd that are being timed: usually one per
// nesting level, more when portals are fetched in turns.  A statement that fails never reaches
// ExecutorEnd: its entry stays until the transaction aborts (timings_reset) or, in a
// subtransaction, until the table is full and the oldest entries go.
struct Timing {
  QueryDesc* qd;
  double seconds;
  uint64 rows;  // ExecutorRun counts each call's rows afresh: a cursor's fetches add up here
};
constexpr int kMaxTimings = 32;
Timing timings[kMaxTimings];
int timing_count = 0;

Timing* find_timing(QueryDesc* qd) {
  for (int i = timing_count - 1; i >= 0; --i) {
    if (timings[i].qd == qd) return &timings[i];
  }
  return nullptr;
}

void start_timing(QueryDesc* qd) {
  if (timing_count == kMaxTimings) {
    std::memmove(&timings[0], &timings[1], sizeof(Timing) * (kMaxTimings - 1));
    --timing_count;
  }
  timings[timing_count++] = Timing{qd, 0.0, 0};
}

// The seconds timed for `qd` (and its rows), which leaves the table; -1 when it was not timed.
double end_timing(QueryDesc* qd, uint64* rows) {
  for (int i = timing_count - 1; i >= 0; --i) {
    if (timings[i].qd != qd) continue;
    const double seconds = timings[i].seconds;
    *rows = timings[i].rows;
    std::memmove(&timings[i], &timings[i + 1], sizeof(Timing) * (timing_count - i - 1));
    --timing_count;
    return seconds;
  }
  return -1.0;
}

void timings_reset(XactEvent event, void*) {
  if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT) timing_count = 0;
}

shmem_request_hook_type prev_shmem_request = nullptr;
shmem_startup_hook_type prev_shmem_startup = nullptr;
ExecutorStart_hook_type prev_executor_start = nullptr;
ExecutorRun_hook_type prev_executor_run = nullptr;
ExecutorFinish_hook_type prev_executor_finish = nullptr;
ExecutorEnd_hook_type prev_executor_end = nullptr;
ProcessUtility_hook_type prev_process_utility = nullptr;
emit_log_hook_type prev_emit_log = nullptr;

bool tracking(int level) {
  return state != nullptr && (track == kTrackAll || (track == kTrackTop && level == 0));
}

Size shared_size() {
  return add_size(MAXALIGN(sizeof(SharedState)),
                  hash_estimate_size(max_statements, sizeof(SharedEntry)));
}

// The local cache entry of a raw text, normalising it on a miss.  C++ only (no PostgreSQL
// call), and never throws: nullptr when memory runs out.
LocalQuery* local_lookup(const char* text, int len) noexcept {
  try {
    if (local_cache == nullptr) local_cache = new std::unordered_map<uint64, LocalQuery>();
    const std::string_view raw(text, static_cast<std::size_t>(len));
    const uint64 key = xxh3_64(raw);
    auto it = local_cache->find(key);
    if (it != local_cache->end()) return &it->second;
    if (local_cache->size() >= kLocalCacheMax) local_cache->clear();
    NormalizedQuery q = normalize_query(raw);
    LocalQuery& lq = (*local_cache)[key];
    lq.fingerprint = q.fingerprint;
    lq.normalized = std::move(q.text);
    return &lq;
  } catch (...) {
    return nullptr;
  }
}

// Removes the least used entries.  Caller holds state->lock exclusively.
void evict() {
  const long n = hash_get_num_entries(table);
  if (n <= 0) return;
  const auto count = eviction_count(static_cast<std::size_t>(n));
  auto** entries = static_cast<SharedEntry**>(palloc(sizeof(SharedEntry*) * n));
  auto* usages = static_cast<double*>(palloc(sizeof(double) * n));
  auto* scratch = static_cast<double*>(palloc(sizeof(double) * n));
  HASH_SEQ_STATUS seq;
  hash_seq_init(&seq, table);
  long i = 0;
  SharedEntry* e;
  while ((e = static_cast<SharedEntry*>(hash_seq_search(&seq))) != nullptr) {
    if (i < n) {
      entries[i] = e;
      usages[i] = e->counters.usage;
      ++i;
    }
  }
  const double cutoff = decay_and_cutoff(usages, static_cast<std::size_t>(i), count, scratch);
  std::size_t removed = 0;
  for (long k = 0; k < i; ++k) {
    if (removed < count && usages[k] <= cutoff) {
      hash_search(table, &entries[k]->key, HASH_REMOVE, nullptr);
      ++removed;
    } else {
      entries[k]->counters.usage = usages[k];
    }
  }
  state->generation++;
  pfree(entries);
  pfree(usages);
  pfree(scratch);
}

// Creates the entry of `key`.  Caller holds state->lock exclusively.  `may_evict`: false on
// the error path, which must not allocate (no eviction: the error is then not counted).
SharedEntry* create_entry(const SharedKey& key, const LocalQuery& lq, bool may_evict) {
  bool found = false;
  if (hash_get_num_entries(table) >= max_statements) {
    if (!may_evict) return nullptr;
    evict();
  }
  auto* e = static_cast<SharedEntry*>(hash_search(table, &key, HASH_ENTER_NULL, &found));
  if (e == nullptr || found) return e;
  SpinLockInit(&e->mutex);
  init_counters(e->counters);
  e->userid = GetUserId();
  e->other_users = false;
  // Cut at kQueryTextMax - 1 bytes, on a UTF-8 character boundary.
  int len = static_cast<int>(lq.normalized.size());
  if (len >= kQueryTextMax) {
    len = kQueryTextMax - 1;
    while (len > 0 && (static_cast<unsigned char>(lq.normalized[len]) & 0xC0U) == 0x80U) --len;
  }
  std::memcpy(e->query, lq.normalized.data(), static_cast<std::size_t>(len));
  e->query[len] = '\0';
  e->query_len = len;
  return e;
}

void update(SharedEntry* e, double ms, uint64 rows, bool error) {
  const Oid user = GetUserId();
  SpinLockAcquire(&e->mutex);
  if (e->userid != user) e->other_users = true;
  if (error) {
    record_error(e->counters);
  } else {
    record_execution(e->counters, ms, static_cast<std::int64_t>(rows));
  }
  SpinLockRelease(&e->mutex);
}

// Adds one execution (or one error) of the statement `text` (`len` bytes).
void record(const char* text, int len, double ms, uint64 rows, bool error) {
  LocalQuery* lq = local_lookup(text, len);
  if (lq == nullptr) return;
  SharedKey key{};
  key.dbid = MyDatabaseId;
  key.fingerprint = lq->fingerprint;
  LWLockAcquire(state->lock, LW_SHARED);
  SharedEntry* e = lq->entry != nullptr && lq->generation == state->generation
                       ? lq->entry
                       : static_cast<SharedEntry*>(hash_search(table, &key, HASH_FIND, nullptr));
  if (e == nullptr) {
    LWLockRelease(state->lock);
    LWLockAcquire(state->lock, LW_EXCLUSIVE);
    e = create_entry(key, *lq, !error);
    if (e == nullptr) {
      LWLockRelease(state->lock);
      return;
    }
  }
  update(e, ms, rows, error);
  lq->entry = e;
  lq->generation = state->generation;
  LWLockRelease(state->lock);
}

// The statement's own text inside a multi-statement string, as pg_stat_statements cuts it.
void statement_text(QueryDesc* qd, const char** text, int* len) {
  const char* s = qd->sourceText;
  int location = qd->plannedstmt->stmt_location;
  int length = qd->plannedstmt->stmt_len;
  if (location < 0) {
    location = 0;
    length = static_cast<int>(std::strlen(s));
  } else if (length <= 0) {
    length = static_cast<int>(std::strlen(s + location));
  }
  *text = s + location;
  *len = length;
}

// --- hooks: no C++ object with a destructor lives in these frames (PostgreSQL may longjmp
// through them) ------------------------------------------------------------------------------

void shmem_request() {
  if (prev_shmem_request != nullptr) prev_shmem_request();
  RequestAddinShmemSpace(shared_size());
  RequestNamedLWLockTranche("vigil", 1);
}

void shmem_startup() {
  if (prev_shmem_startup != nullptr) prev_shmem_startup();
  bool found = false;
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  state = static_cast<SharedState*>(ShmemInitStruct("vigil", sizeof(SharedState), &found));
  if (!found) {
    state->lock = &(GetNamedLWLockTranche("vigil"))->lock;
    state->generation = 0;
  }
  HASHCTL info;
  std::memset(&info, 0, sizeof info);
  info.keysize = sizeof(SharedKey);
  info.entrysize = sizeof(SharedEntry);
  table = ShmemInitHash("vigil query statistics", max_statements, max_statements, &info,
                        HASH_ELEM | HASH_BLOBS);
  LWLockRelease(AddinShmemInitLock);
}

void executor_start(QueryDesc* qd, int eflags) {
  if (prev_executor_start != nullptr) {
    prev_executor_start(qd, eflags);
  } else {
    standard_ExecutorStart(qd, eflags);
  }
  if (tracking(nesting_level) && !IsParallelWorker() && qd->plannedstmt->utilityStmt == nullptr &&
      (eflags & EXEC_FLAG_EXPLAIN_ONLY) == 0) {
    start_timing(qd);
  }
}

void executor_run(QueryDesc* qd, ScanDirection direction, uint64 count, bool execute_once) {
  Timing* timing = timing_count > 0 ? find_timing(qd) : nullptr;
  instr_time start;
  if (timing != nullptr) INSTR_TIME_SET_CURRENT(start);
  nesting_level++;
  PG_TRY();
  {
    if (prev_executor_run != nullptr) {
      prev_executor_run(qd, direction, count, execute_once);
    } else {
      standard_ExecutorRun(qd, direction, count, execute_once);
    }
    if (timing != nullptr) {
      // Nested statements may have moved entries: look again.
      timing = find_timing(qd);
      instr_time end;
      INSTR_TIME_SET_CURRENT(end);
      INSTR_TIME_SUBTRACT(end, start);
      if (timing != nullptr) {
        timing->seconds += INSTR_TIME_GET_DOUBLE(end);
        timing->rows += qd->estate->es_processed;
      }
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
}

void executor_finish(QueryDesc* qd) {
  // A plain SELECT has nothing to finish (no AFTER triggers, no modifying CTE): no timing and
  // no nesting level needed, which saves two clock readings and a sigsetjmp per statement.
  if (qd->operation == CMD_SELECT && !qd->plannedstmt->hasModifyingCTE) {
    if (prev_executor_finish != nullptr) {
      prev_executor_finish(qd);
    } else {
      standard_ExecutorFinish(qd);
    }
    return;
  }
  Timing* timing = timing_count > 0 ? find_timing(qd) : nullptr;
  instr_time start;
  if (timing != nullptr) INSTR_TIME_SET_CURRENT(start);
  nesting_level++;
  PG_TRY();
  {
    if (prev_executor_finish != nullptr) {
      prev_executor_finish(qd);
    } else {
      standard_ExecutorFinish(qd);
    }
    if (timing != nullptr) {
      timing = find_timing(qd);
      instr_time end;
      INSTR_TIME_SET_CURRENT(end);
      INSTR_TIME_SUBTRACT(end, start);
      if (timing != nullptr) timing->seconds += INSTR_TIME_GET_DOUBLE(end);
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
}

void executor_end(QueryDesc* qd) {
  uint64 rows = 0;
  const double seconds = timing_count > 0 ? end_timing(qd, &rows) : -1.0;
  if (seconds >= 0 && tracking(nesting_level) && qd->sourceText != nullptr) {
    const char* text = nullptr;
    int len = 0;
    statement_text(qd, &text, &len);
    record(text, len, seconds * 1000.0, rows, false);
  }
  if (prev_executor_end != nullptr) {
    prev_executor_end(qd);
  } else {
    standard_ExecutorEnd(qd);
  }
}

// Utility statements are not counted, but the statements they run are nested in them
// (DO, CALL, CREATE TABLE AS, EXPLAIN ANALYZE): vigil.track = 'top' must not count those.
// EXECUTE is the exception: the prepared statement it runs is the top-level statement (counted
// under the text after PREPARE ... AS, which the normaliser drops).
void process_utility(PlannedStmt* pstmt, const char* query, bool read_only_tree,
                     ProcessUtilityContext context, ParamListInfo params, QueryEnvironment* env,
                     DestReceiver* dest, QueryCompletion* qc) {
  if (IsA(pstmt->utilityStmt, ExecuteStmt)) {
    if (prev_process_utility != nullptr) {
      prev_process_utility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    } else {
      standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    }
    return;
  }
  nesting_level++;
  PG_TRY();
  {
    if (prev_process_utility != nullptr) {
      prev_process_utility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    } else {
      standard_ProcessUtility(pstmt, query, read_only_tree, context, params, env, dest, qc);
    }
  }
  PG_FINALLY();
  { nesting_level--; }
  PG_END_TRY();
}

void emit_log(ErrorData* edata) {
  if (prev_emit_log != nullptr) prev_emit_log(edata);
  if (edata->elevel != ERROR || state == nullptr || track == kTrackNone ||
      debug_query_string == nullptr || MyProc == nullptr || !OidIsValid(MyDatabaseId) ||
      IsParallelWorker() || LWLockHeldByMe(state->lock)) {
    return;
  }
  record(debug_query_string, static_cast<int>(std::strlen(debug_query_string)), 0, 0, true);
}

// --- the store vigil_query_stats() reads ------------------------------------------------

[[noreturn]] void not_preloaded() {
  throw Error(ErrorCode::kPrerequisiteState,
              "vigil query statistics need shared_preload_libraries = 'vigil'",
              "Add vigil to shared_preload_libraries in postgresql.conf and restart PostgreSQL.");
}

class SharedStore final : public QueryStatsStore {
 public:
  std::vector<QueryStatsEntry> entries() override {
    if (state == nullptr) not_preloaded();
    // As pg_stat_statements: other roles' query text needs pg_read_all_stats (superusers
    // have it).
    const Oid me = GetUserId();
    const bool all_text = pg_call([me] { return has_privs_of_role(me, ROLE_PG_READ_ALL_STATS); });
    // Room for every entry is made before the lock is taken: nothing below may throw.
    std::vector<SharedEntry> copies(static_cast<std::size_t>(max_statements));
    std::size_t n = 0;
    LWLockAcquire(state->lock, LW_SHARED);
    HASH_SEQ_STATUS seq;
    hash_seq_init(&seq, table);
    SharedEntry* e;
    while ((e = static_cast<SharedEntry*>(hash_seq_search(&seq))) != nullptr) {
      if (e->key.dbid != MyDatabaseId || n >= copies.size()) continue;
      SharedEntry& c = copies[n++];
      c.key = e->key;
      SpinLockAcquire(&e->mutex);
      c.counters = e->counters;
      const bool mine = e->userid == me && !e->other_users;
      SpinLockRelease(&e->mutex);
      if (all_text || mine) {
        c.query_len = e->query_len;
        std::memcpy(c.query, e->query, static_cast<std::size_t>(e->query_len) + 1);
      } else {
        static const char kHidden[] = "<insufficient privilege>";
        c.query_len = static_cast<int>(sizeof(kHidden) - 1);
        std::memcpy(c.query, kHidden, sizeof(kHidden));
      }
    }
    LWLockRelease(state->lock);
    std::vector<QueryStatsEntry> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const SharedEntry& c = copies[i];
      out.push_back(QueryStatsEntry{c.key.fingerprint,
                                    std::string(c.query, static_cast<std::size_t>(c.query_len)),
                                    c.counters});
    }
    return out;
  }

  std::int64_t reset() override {
    if (state == nullptr) not_preloaded();
    std::int64_t removed = 0;
    LWLockAcquire(state->lock, LW_EXCLUSIVE);
    HASH_SEQ_STATUS seq;
    hash_seq_init(&seq, table);
    SharedEntry* e;
    while ((e = static_cast<SharedEntry*>(hash_seq_search(&seq))) != nullptr) {
      if (e->key.dbid != MyDatabaseId) continue;
      hash_search(table, &e->key, HASH_REMOVE, nullptr);
      ++removed;
    }
    state->generation++;
    LWLockRelease(state->lock);
    return removed;
  }

  bool counts_errors() const override { return true; }
};

}  // namespace

void define_query_stats_settings() {
  DefineCustomEnumVariable("vigil.track",
                           "Which statements vigil_query_stats() counts: none, top (not those "
                           "run inside functions) or all.",
                           nullptr, &track, kTrackTop, kTrackOptions, PGC_SUSET, 0, nullptr,
                           nullptr, nullptr);
}

void install_query_stats_hooks() {
  DefineCustomIntVariable("vigil.max_statements",
                          "How many normalised queries vigil_query_stats() keeps; the least "
                          "used are evicted when it is full.",
                          nullptr, &max_statements, static_cast<int>(kDefaultMaxStatements), 100,
                          INT_MAX / 2, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
  prev_shmem_request = shmem_request_hook;
  shmem_request_hook = shmem_request;
  prev_shmem_startup = shmem_startup_hook;
  shmem_startup_hook = shmem_startup;
  prev_executor_start = ExecutorStart_hook;
  ExecutorStart_hook = executor_start;
  prev_executor_run = ExecutorRun_hook;
  ExecutorRun_hook = executor_run;
  prev_executor_finish = ExecutorFinish_hook;
  ExecutorFinish_hook = executor_finish;
  prev_executor_end = ExecutorEnd_hook;
  ExecutorEnd_hook = executor_end;
  prev_process_utility = ProcessUtility_hook;
  ProcessUtility_hook = process_utility;
  prev_emit_log = emit_log_hook;
  emit_log_hook = emit_log;
  RegisterXactCallback(timings_reset, nullptr);
}

QueryStatsStore* query_stats_store() {
  if (state == nullptr) not_preloaded();
  static SharedStore store;
  return &store;
}

}  // namespace vigil::pg
