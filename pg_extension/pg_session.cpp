// pg_extension/pg_session.cpp
#include "pg_extension/pg_session.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include "dialect/postgres_dialect.hpp"
#include "pg_extension/pg_guard.hpp"
#include "pg_extension/pg_value.hpp"
#include "vigil/error.hpp"

extern "C" {
#include "parser/parser.h"
#include "utils/inval.h"
}

namespace vigil::pg {
namespace {

constexpr long kFetchBatch = 1000;

// Bound parameters in SPI's form; the arrays live in the current (SPI) memory context.
struct SpiParams {
  int count = 0;
  Oid* types = nullptr;
  Datum* values = nullptr;
  char* nulls = nullptr;
};

Oid param_type(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInteger:
      return INT8OID;
    case ValueKind::kReal:
      return FLOAT8OID;
    case ValueKind::kBoolean:
      return BOOLOID;
    case ValueKind::kBlob:
      return BYTEAOID;
    case ValueKind::kNumeric:
      return NUMERICOID;
    case ValueKind::kJson:
      return JSONBOID;
    case ValueKind::kTimestamp:
      return TIMESTAMPTZOID;
    default:
      return TEXTOID;
  }
}

SpiParams make_params(const Params& params) {
  SpiParams p;
  p.count = static_cast<int>(params.size());
  if (p.count == 0) return p;
  const int n = p.count;
  pg_call([&p, n] {
    p.types = static_cast<Oid*>(palloc(sizeof(Oid) * n));
    p.values = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    p.nulls = static_cast<char*>(palloc(n));
  });
  for (int i = 0; i < n; ++i) {
    const Value& v = params[static_cast<std::size_t>(i)];
    // A NULL parameter is typed text: catalog queries compare it with text/name columns.
    p.types[i] = param_type(v);
    bool isnull = false;
    p.values[i] = value_to_datum(v, p.types[i], &isnull);
    p.nulls[i] = isnull ? 'n' : ' ';
  }
  return p;
}

class SpiCursor final : public Cursor {
 public:
  explicit SpiCursor(Portal portal) : portal_(portal) {}

  ~SpiCursor() override {
    // While an error unwinds, PostgreSQL's abort processing drops the portal and the tuple
    // table; touching them here could raise again.
    if (std::uncaught_exceptions() > 0) return;
    try {
      SPITupleTable* batch = batch_;
      Portal portal = portal_;
      pg_call([batch, portal] {
        if (batch != nullptr) SPI_freetuptable(batch);
        SPI_cursor_close(portal);
      });
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }

  bool next() override {
    if (batch_ != nullptr && index_ + 1 < count_) {
      ++index_;
      return true;
    }
    if (done_) return false;
    SPITupleTable* previous = batch_;
    Portal portal = portal_;
    batch_ = nullptr;
    struct Fetched {
      SPITupleTable* table;
      uint64 count;
    };
    const Fetched fetched = pg_call([previous, portal] {
      if (previous != nullptr) SPI_freetuptable(previous);
      SPI_cursor_fetch(portal, true, kFetchBatch);
      return Fetched{SPI_tuptable, SPI_processed};
    });
    batch_ = fetched.table;
    count_ = fetched.count;
    index_ = 0;
    if (count_ < static_cast<uint64>(kFetchBatch)) done_ = true;
    return count_ > 0;
  }

  std::size_t column_count() const override {
    return batch_ == nullptr ? 0 : static_cast<std::size_t>(batch_->tupdesc->natts);
  }

  Value get(std::size_t i) const override {
    if (batch_ == nullptr || i >= column_count()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    HeapTuple tuple = batch_->vals[index_];
    TupleDesc desc = batch_->tupdesc;
    const int attno = static_cast<int>(i) + 1;
    struct Raw {
      Datum datum;
      bool isnull;
    };
    const Raw raw = pg_call([tuple, desc, attno] {
      Raw r{};
      r.datum = SPI_getbinval(tuple, desc, attno, &r.isnull);
      return r;
    });
    return datum_to_value(raw.datum, raw.isnull, TupleDescAttr(desc, attno - 1)->atttypid);
  }

 private:
  Portal portal_;
  SPITupleTable* batch_ = nullptr;
  uint64 count_ = 0;
  uint64 index_ = 0;
  bool done_ = false;
};

}  // namespace

SpiSession::SpiSession(bool read_only) : read_only_(read_only) {
  const int rc = pg_call([] { return SPI_connect(); });
  if (rc != SPI_OK_CONNECT) throw Error(ErrorCode::kInternal, "SPI_connect failed");
  connected_ = true;
}

SpiSession::~SpiSession() {
  if (!connected_ || std::uncaught_exceptions() > 0) return;  // abort processing cleans up
  try {
    finish();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  pg_call([] { SPI_finish(); });
}

namespace {

// Plans of the queries vigil runs, prepared once per backend and kept (SPI_keepplan): the
// catalog queries are the same text every time, and planning them dominated introspection.
// Kept plans live in PostgreSQL's plan cache, which re-plans them when what they read changes.
// Keyed by text and parameter types; bounded, past which queries are planned each time.
constexpr std::size_t kMaxKeptPlans = 256;
std::unordered_map<std::string, SPIPlanPtr>& kept_plans() {
  static std::unordered_map<std::string, SPIPlanPtr> plans;
  return plans;
}

// The kept plan of `cstr` with the parameter types of `p`, prepared now if need be, or nullptr
// when the cache is full.
SPIPlanPtr kept_plan(const char* cstr, const SpiParams& p) {
  std::string key = cstr;
  for (int i = 0; i < p.count; ++i) key += "\x1f" + std::to_string(p.types[i]);
  auto& plans = kept_plans();
  auto it = plans.find(key);
  if (it != plans.end()) return it->second;
  if (plans.size() >= kMaxKeptPlans) return nullptr;
  // A generic plan: the same catalog lookups are not planned again with each value.
  SPIPlanPtr plan = pg_call([cstr, p] {
    SPIPlanPtr prepared = SPI_prepare_cursor(cstr, p.count, p.types, CURSOR_OPT_GENERIC_PLAN);
    if (prepared != nullptr) SPI_keepplan(prepared);
    return prepared;
  });
  if (plan != nullptr) plans.emplace(std::move(key), plan);
  return plan;
}

}  // namespace

std::unique_ptr<Cursor> SpiSession::query(std::string_view sql, const Params& params) {
  const std::string text(sql);
  const SpiParams p = make_params(params);
  const char* cstr = text.c_str();
  const bool read_only = read_only_;
  SPIPlanPtr plan = kept_plan(cstr, p);
  Portal portal = pg_call([cstr, p, read_only, plan] {
    if (plan != nullptr) return SPI_cursor_open(nullptr, plan, p.values, p.nulls, read_only);
    return SPI_cursor_open_with_args(nullptr, cstr, p.count, p.types, p.values, p.nulls, read_only,
                                     0);
  });
  return std::make_unique<SpiCursor>(portal);
}

void SpiSession::exec(std::string_view sql, const Params& params) {
  const std::string text(sql);
  const SpiParams p = make_params(params);
  const char* cstr = text.c_str();
  const bool read_only = read_only_;
  // A statement with bound values is vigil's own (ledger writes, settings): its plan is kept.
  SPIPlanPtr plan = p.count > 0 ? kept_plan(cstr, p) : nullptr;
  const int rc = pg_call([cstr, p, read_only, plan] {
    if (plan != nullptr) return SPI_execute_plan(plan, p.values, p.nulls, read_only, 0);
    return SPI_execute_with_args(cstr, p.count, p.types, p.values, p.nulls, read_only, 0);
  });
  if (rc == SPI_ERROR_TRANSACTION) {
    throw Error(ErrorCode::kFeatureNotSupported,
                "transaction control statements cannot run inside a vigil function");
  }
  if (rc < 0) throw Error(ErrorCode::kInternal, SPI_result_code_string(rc));
}

void SpiSession::savepoint() {
  Level level{CurrentMemoryContext, CurrentResourceOwner};
  pg_call([] { BeginInternalSubTransaction(nullptr); });
  MemoryContextSwitchTo(level.context);
  levels_.push_back(level);
}

void SpiSession::release() {
  if (levels_.empty()) throw Error(ErrorCode::kInternal, "release without savepoint");
  const Level level = levels_.back();
  levels_.pop_back();
  pg_call([] { ReleaseCurrentSubTransaction(); });
  MemoryContextSwitchTo(level.context);
  CurrentResourceOwner = level.owner;
}

void SpiSession::rollback_to() {
  if (levels_.empty()) throw Error(ErrorCode::kInternal, "rollback without savepoint");
  const Level level = levels_.back();
  levels_.pop_back();
  pg_call([] { RollbackAndReleaseCurrentSubTransaction(); });
  MemoryContextSwitchTo(level.context);
  CurrentResourceOwner = level.owner;
}

void SpiSession::check_interrupts() {
  pg_call([] { CHECK_FOR_INTERRUPTS(); });
}

const Dialect& SpiSession::dialect() const {
  return postgres_dialect();
}

std::string SpiSession::error_sqlstate(const std::exception& e) const {
  if (const auto* pg = dynamic_cast<const PgError*>(&e)) {
    if (pg->data() != nullptr) return unpack_sql_state(pg->data()->sqlerrcode);
  }
  return Session::error_sqlstate(e);
}

// PostgreSQL's own grammar, without analysis: names need not exist yet.  The parse runs in a
// subtransaction, so a syntax error is rolled back like any other caught error.
std::string SpiSession::syntax_error(std::string_view statement) {
  const std::string text(statement);
  const char* cstr = text.c_str();
  savepoint();
  try {
    pg_call([cstr] { raw_parser(cstr, RAW_PARSE_DEFAULT); });
  } catch (const PgError& e) {
    std::string message = e.what();
    rollback_to();
    return message;
  }
  release();
  return {};
}

namespace {

// Relations whose relcache entry was invalidated since tracking (re)started.  PostgreSQL
// invalidates a relation's cache entry whenever its definition changes (columns, defaults,
// constraints, indexes, foreign keys) -- in this backend at each CommandCounterIncrement, at
// subtransaction abort, and when other backends' changes arrive -- so the list covers every
// change; it may contain relations that did not change.  A fixed array: the callback runs
// inside invalidation processing and must neither allocate nor raise.
constexpr int kMaxChanged = 8192;
Oid g_changed[kMaxChanged];
int g_changed_count = 0;
bool g_changed_overflow = false;
bool g_callback_registered = false;

void on_relcache_invalidation(Datum, Oid relid) {
  if (relid == InvalidOid || g_changed_count >= kMaxChanged) {
    g_changed_overflow = true;
    return;
  }
  if (g_changed_count > 0 && g_changed[g_changed_count - 1] == relid) return;
  g_changed[g_changed_count++] = relid;
}

// User tables (as PostgresDialect::list_tables_sql defines them) and their indexes, by OID,
// with the table's schema and name: all of them, or ($1, an oid[] as text) those given.  The
// extension-member test is a correlated subquery rather than NOT EXISTS, so that for the few
// rows of the restricted query it is an index probe each, never a hash of all of pg_depend.
#define VIGIL_USER_TABLE_FILTER                                                                  \
  "  AND r.relkind IN ('r', 'p', 'i', 'I') AND c.relkind IN ('r', 'p') AND NOT c.relispartition" \
  "  AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])"                           \
  "  AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'"                                           \
  "  AND (SELECT count(*) FROM pg_catalog.pg_depend d"                                           \
  "       WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"                          \
  "         AND d.objid = c.oid AND d.objsubid = 0 AND d.deptype = 'e') = 0"
constexpr const char* kAllRelationsSql =
    "SELECT r.oid::int8, n.nspname::text, c.relname::text"
    " FROM pg_catalog.pg_class r"
    " LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = r.oid"
    " JOIN pg_catalog.pg_class c ON c.oid = COALESCE(i.indrelid, r.oid)"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE true" VIGIL_USER_TABLE_FILTER;
// Driven by the few OIDs given, so that every step is an index lookup.
constexpr const char* kSomeRelationsSql =
    "SELECT r.oid::int8, n.nspname::text, c.relname::text"
    " FROM unnest($1::text::pg_catalog.oid[]) AS o(oid)"
    " JOIN pg_catalog.pg_class r ON r.oid = o.oid"
    " LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = r.oid"
    " JOIN pg_catalog.pg_class c ON c.oid = COALESCE(i.indrelid, r.oid)"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE true" VIGIL_USER_TABLE_FILTER;
#undef VIGIL_USER_TABLE_FILTER

}  // namespace

void SpiSession::seed_relations() {
  relations_.clear();
  auto c = query(kAllRelationsSql);
  while (c->next()) {
    relations_[static_cast<Oid>(c->get(0).to_integer())] = {c->get(1).to_text(),
                                                            c->get(2).to_text()};
  }
}

std::optional<std::vector<TableRef>> SpiSession::schema_changes() {
  if (!g_callback_registered) {
    pg_call([] { CacheRegisterRelcacheCallback(on_relcache_invalidation, static_cast<Datum>(0)); });
    g_callback_registered = true;
  }
  // Makes this backend process the invalidations of the statements run so far.
  pg_call([] { CommandCounterIncrement(); });
  if (!tracking_ || g_changed_overflow) {
    g_changed_count = 0;
    g_changed_overflow = false;
    tracking_ = true;
    seed_relations();
    return std::nullopt;
  }
  std::vector<Oid> changed(g_changed, g_changed + g_changed_count);
  g_changed_count = 0;
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  std::vector<TableRef> out;
  if (changed.empty()) return out;
  std::string array = "{";
  for (std::size_t i = 0; i < changed.size(); ++i) {
    array += (i > 0 ? "," : "") + std::to_string(changed[i]);
  }
  array += "}";
  std::unordered_map<Oid, TableRef> now;
  {
    auto c = query(kSomeRelationsSql, {Value::text(array)});
    while (c->next()) {
      now[static_cast<Oid>(c->get(0).to_integer())] = {c->get(1).to_text(), c->get(2).to_text()};
    }
  }
  // The queries above invalidate nothing; later calls only see the migration's own changes.
  for (Oid oid : changed) {
    auto before = relations_.find(oid);
    auto after = now.find(oid);
    if (before != relations_.end()) out.push_back(before->second);  // renamed, dropped, altered
    if (after != now.end()) {
      out.push_back(after->second);
      relations_[oid] = after->second;
    } else if (before != relations_.end()) {
      relations_.erase(before);
    }
  }
  return out;
}

}  // namespace vigil::pg
