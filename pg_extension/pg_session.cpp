// pg_extension/pg_session.cpp
#include "pg_extension/pg_session.hpp"

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
