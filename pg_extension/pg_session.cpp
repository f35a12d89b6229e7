// pg_extension/pg_session.cpp
#include "pg_extension/pg_session.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "dialect/postgres_dialect.hpp"
#include "pg_extension/pg_guard.hpp"
#include "pg_extension/pg_value.hpp"
#include "vigil/error.hpp"

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
    deformed_ = false;
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

  // The current row is deformed once, on the first get(), rather than once per column: a scan
  // that reads every column (a checksum) stays linear in the number of columns.
  Value get(std::size_t i) const override {
    if (batch_ == nullptr || i >= column_count()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    TupleDesc desc = batch_->tupdesc;
    if (!deformed_) {
      const auto n = static_cast<std::size_t>(desc->natts);
      if (values_.size() != n) {
        values_.assign(n, static_cast<Datum>(0));
        nulls_.reset(new bool[n]);
      }
      HeapTuple tuple = batch_->vals[index_];
      Datum* values = values_.data();
      bool* nulls = nulls_.get();
      pg_call([tuple, desc, values, nulls] { heap_deform_tuple(tuple, desc, values, nulls); });
      deformed_ = true;
    }
    return datum_to_value(values_[i], nulls_[i],
                          TupleDescAttr(desc, static_cast<int>(i))->atttypid);
  }

 private:
  Portal portal_;
  SPITupleTable* batch_ = nullptr;
  uint64 count_ = 0;
  uint64 index_ = 0;
  bool done_ = false;
  mutable bool deformed_ = false;
  mutable std::vector<Datum> values_;
  mutable std::unique_ptr<bool[]> nulls_;
};

// Rows straight from the table access method: the slot's values are read in place (no copy
// into an SPI tuple table, no executor).  The scan, slot and relation are released when the
// cursor ends; when an error unwinds, PostgreSQL's abort processing releases them.
class HeapScanCursor final : public Cursor {
 public:
  HeapScanCursor(Relation relation, TableScanDesc scan, TupleTableSlot* slot,
                 std::vector<int> attnums, std::vector<Oid> types)
      : relation_(relation),
        scan_(scan),
        slot_(slot),
        attnums_(std::move(attnums)),
        types_(std::move(types)) {
    for (const int a : attnums_) last_attnum_ = std::max(last_attnum_, a);
  }

  ~HeapScanCursor() override {
    if (std::uncaught_exceptions() > 0) return;
    try {
      Relation relation = relation_;
      TableScanDesc scan = scan_;
      TupleTableSlot* slot = slot_;
      pg_call([relation, scan, slot] {
        ExecDropSingleTupleTableSlot(slot);
        table_endscan(scan);
        table_close(relation, AccessShareLock);
      });
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  HeapScanCursor(const HeapScanCursor&) = delete;
  HeapScanCursor& operator=(const HeapScanCursor&) = delete;

  bool next() override {
    if (done_) return false;
    TableScanDesc scan = scan_;
    TupleTableSlot* slot = slot_;
    const int last = last_attnum_;
    const bool found = pg_call([scan, slot, last] {
      if (!table_scan_getnextslot(scan, ForwardScanDirection, slot)) return false;
      slot_getsomeattrs(slot, last);
      return true;
    });
    if (!found) done_ = true;
    return found;
  }

  std::size_t column_count() const override { return attnums_.size(); }

  Value get(std::size_t i) const override {
    if (done_ || i >= attnums_.size()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    const int a = attnums_[i] - 1;
    return datum_to_value(slot_->tts_values[a], slot_->tts_isnull[a], types_[i]);
  }

 private:
  Relation relation_;
  TableScanDesc scan_;
  TupleTableSlot* slot_;
  std::vector<int> attnums_;
  std::vector<Oid> types_;
  int last_attnum_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Cursor> SpiSession::scan_table(const std::string& schema, const std::string& name,
                                               const std::vector<std::string>& columns) {
  const char* schema_name = schema.c_str();
  const char* relation_name = name.c_str();
  // Only where a plain SELECT would read exactly the heap's rows: an ordinary table (not
  // partitioned, no inheritance children), readable as a whole by the current user, without
  // row security, not another session's temporary table.  Anything else takes the query path,
  // which also raises PostgreSQL's own errors.
  const Oid relid = pg_call([schema_name, relation_name] {
    const Oid nsp = get_namespace_oid(schema_name, true);
    if (!OidIsValid(nsp)) return InvalidOid;
    const Oid id = get_relname_relid(relation_name, nsp);
    if (!OidIsValid(id) || get_rel_relkind(id) != RELKIND_RELATION || has_subclass(id) ||
        pg_class_aclcheck(id, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
        check_enable_rls(id, InvalidOid, true) == RLS_ENABLED || !ActiveSnapshotSet()) {
      return InvalidOid;
    }
    return id;
  });
  if (!OidIsValid(relid)) return nullptr;
  const Relation relation = pg_call([relid] { return table_open(relid, AccessShareLock); });
  std::vector<int> attnums;
  std::vector<Oid> types;
  const TupleDesc desc = RelationGetDescr(relation);
  bool usable = !RELATION_IS_OTHER_TEMP(relation);
  for (const std::string& column : columns) {
    int found = 0;
    for (int k = 0; k < desc->natts && found == 0; ++k) {
      const Form_pg_attribute att = TupleDescAttr(desc, k);
      if (!att->attisdropped && column == NameStr(att->attname)) found = k + 1;
    }
    if (found == 0) usable = false;
    attnums.push_back(found);
    types.push_back(found == 0 ? InvalidOid : TupleDescAttr(desc, found - 1)->atttypid);
  }
  if (!usable) {
    pg_call([relation] { table_close(relation, AccessShareLock); });
    return nullptr;
  }
  struct Opened {
    TableScanDesc scan;
    TupleTableSlot* slot;
  };
  const Opened opened = pg_call([relation] {
    return Opened{table_beginscan(relation, GetActiveSnapshot(), 0, nullptr),
                  table_slot_create(relation, nullptr)};
  });
  return std::make_unique<HeapScanCursor>(relation, opened.scan, opened.slot, std::move(attnums),
                                          std::move(types));
}

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

std::unique_ptr<Cursor> SpiSession::query(std::string_view sql, const Params& params) {
  const std::string text(sql);
  const SpiParams p = make_params(params);
  const char* cstr = text.c_str();
  const bool read_only = read_only_;
  Portal portal = pg_call([cstr, p, read_only] {
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
  const int rc = pg_call([cstr, p, read_only] {
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

}  // namespace vigil::pg
