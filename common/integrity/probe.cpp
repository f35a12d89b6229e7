// common/integrity/probe.cpp
//
// QueryProbe and FactProbe, and the formatting of row keys and details shared by every kind.
// Row keys are built here, from the values the engine hands over, so that both engines give
// the same JSON for the same key.
#include "integrity/probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "vigil/dialect.hpp"
#include "vigil/json.hpp"

namespace vigil::integrity {

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "error";
}

namespace {

std::string hex(const std::string& bytes) {
  std::string out = "\\x";
  for (const char ch : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(ch));
  return out;
}

int kind_rank(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
    case ValueKind::kReal:
    case ValueKind::kNumeric:
      return 1;
    case ValueKind::kBlob:
      return 3;
    default:
      return 2;
  }
}

double as_double(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      return static_cast<double>(v.as_integer());
    case ValueKind::kReal:
      return v.as_real();
    default:
      try {
        return std::stod(v.bytes());
      } catch (...) {  // NOLINT(bugprone-empty-catch): not a number: ordered as 0
        return 0;
      }
  }
}

}  // namespace

std::string json_value(const Value& value) {
  std::string out;
  switch (value.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kInteger:
      return std::to_string(value.as_integer());
    case ValueKind::kBoolean:
      return value.as_boolean() ? "true" : "false";
    case ValueKind::kReal:
      if (!std::isfinite(value.as_real())) return "null";
      return fmt::format("{}", value.as_real());
    case ValueKind::kNumeric:
      if (value.bytes() == "NaN" || value.bytes().find("Infinity") != std::string::npos) {
        append_json_string(out, value.bytes());
        return out;
      }
      return value.bytes();
    case ValueKind::kJson:
      return value.bytes();
    case ValueKind::kBlob:
      append_json_string(out, hex(value.bytes()));
      return out;
    default:
      append_json_string(out, value.bytes());
      return out;
  }
}

std::string json_object(const std::vector<std::string>& names, const Row& values,
                        std::size_t first) {
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    append_json_string(out, names[i]);
    out += ": ";
    out += json_value(first + i < values.size() ? values[first + i] : Value());
  }
  out += "}";
  return out;
}

std::string detail_value(const Value& value) {
  constexpr std::size_t kMax = 60;
  switch (value.kind()) {
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
    case ValueKind::kReal:
    case ValueKind::kNumeric:
      return value.to_text();
    case ValueKind::kBlob: {
      std::string h = hex(value.bytes().substr(0, kMax / 2));
      return "'" + h + (value.bytes().size() > kMax / 2 ? "...'" : "'");
    }
    default: {
      const std::string& s = value.bytes();
      if (s.size() <= kMax) return "'" + s + "'";
      std::size_t cut = kMax;
      // Do not cut a UTF-8 sequence in two.
      while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) --cut;
      return "'" + s.substr(0, cut) + "...'";
    }
  }
}

std::string column_list(const std::vector<std::string>& names) {
  std::string out = "(";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out + ")";
}

std::vector<std::string> index_key_labels(const Index& index) {
  std::vector<std::string> labels;
  for (std::size_t i = 0; i < index.columns.size(); ++i) {
    const bool expression = i < index.expressions.size() && !index.expressions[i].empty();
    labels.push_back(expression ? index.expressions[i] : index.columns[i]);
  }
  return labels;
}

UniqueKey unique_key(const Dialect& d, const Index& index) {
  UniqueKey key;
  if (index.columns.empty() || (index.partial && index.predicate.empty()) ||
      index.expressions.size() != index.columns.size()) {
    return key;
  }
  std::string not_null;
  for (std::size_t i = 0; i < index.columns.size(); ++i) {
    const bool expression = !index.expressions[i].empty();
    if (!expression && index.columns[i].empty()) return UniqueKey{};
    key.terms.push_back(expression ? "(" + index.expressions[i] + ")"
                                   : d.quote_identifier(index.columns[i]));
    not_null += " AND " + key.terms.back() + " IS NOT NULL";
  }
  key.filter = index.predicate.empty() ? "1 = 1" : "(" + index.predicate + ")";
  if (!index.nulls_not_distinct) key.filter += not_null;
  return key;
}

std::string detail_tuple(const std::vector<std::string>& names, const Row& values,
                         std::size_t first) {
  std::string out = column_list(names) + "=(";
  for (std::size_t i = 0; i < names.size(); ++i) {
    out +=
        (i > 0 ? ", " : "") + detail_value(first + i < values.size() ? values[first + i] : Value());
  }
  return out + ")";
}

int compare_values(const Value& a, const Value& b) {
  const int ra = kind_rank(a.kind());
  const int rb = kind_rank(b.kind());
  if (ra != rb) return ra < rb ? -1 : 1;
  if (ra == 0) return 0;
  if (ra == 1) {
    if ((a.kind() == ValueKind::kInteger || a.kind() == ValueKind::kBoolean) &&
        (b.kind() == ValueKind::kInteger || b.kind() == ValueKind::kBoolean)) {
      return a.as_integer() < b.as_integer() ? -1 : (a.as_integer() > b.as_integer() ? 1 : 0);
    }
    const double x = as_double(a);
    const double y = as_double(b);
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const int c = a.bytes().compare(b.bytes());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool row_less(const Row& a, const Row& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const int c = compare_values(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

RowIdentity row_identity(const Dialect& dialect, const Table& table, const std::string& alias) {
  RowIdentity id;
  for (const auto& column : table.primary_key) {
    id.select += (id.select.empty() ? "" : ", ") + alias + dialect.quote_identifier(column);
    id.key_names.push_back(column);
  }
  // The locator is read only where the key cannot name every row: reading it costs a column
  // of every scanned row (PostgreSQL's ctid through a hash join).
  if (!table.primary_key.empty() && !dialect.primary_key_may_be_null(table)) return id;
  for (const auto& locator : dialect.row_locator(table)) {
    id.select += (id.select.empty() ? "" : ", ") + alias + locator.sql;
    id.locator_names.push_back(locator.name);
  }
  return id;
}

namespace {

class QueryCursor final : public ViolationCursor {
 public:
  static std::unique_ptr<Cursor> start(const QueryProbe& probe, Session& session) {
    if (probe.stored_code) {
      const StoredCode code(session, probe.table());
      return session.query(probe.sql, probe.params);
    }
    const CallerNames callers(session, probe.caller_names);
    return session.query(probe.sql, probe.params);
  }

  QueryCursor(const QueryProbe& probe, Session& session)
      : probe_(probe), session_(session), cursor_(start(probe, session)) {}

  bool next() override {
    // Further subjects the current row violates.
    while (row_loaded_ && ++subject_ < probe_.subjects().size()) {
      if (violates(subject_)) return true;
    }
    while (cursor_->next()) {
      if ((++rows_ & 0xFFFU) == 0) {
        session_.check_interrupts();
        session_.wait_point(WaitPoint::kCheckScan);
      }
      load();
      for (subject_ = 0; subject_ < probe_.subjects().size(); ++subject_) {
        if (violates(subject_)) return true;
      }
    }
    row_loaded_ = false;
    return false;
  }

  std::size_t subject() const override { return subject_; }

  Row sort_key() const override {
    Row key = keys_;
    key.insert(key.end(), locator_.begin(), locator_.end());
    return key;
  }

  // The primary key, unless a key value is NULL (SQLite lets a non-INTEGER primary key hold
  // NULLs): then the locator, which always names one row.
  Value row_key() const override {
    bool key_usable = !keys_.empty();
    for (const auto& v : keys_) {
      if (v.is_null()) key_usable = false;
    }
    if (key_usable || probe_.locator_names.empty()) {
      if (probe_.key_names.empty()) return Value::null();
      return Value::json(json_object(probe_.key_names, keys_));
    }
    return Value::json(json_object(probe_.locator_names, locator_));
  }

  std::string detail() const override {
    if (probe_.row_detail) return probe_.row_detail(subject_, extra_);
    return probe_.subjects()[subject_].detail;
  }

 private:
  void load() {
    const std::size_t nk = probe_.key_names.size();
    const std::size_t nl = probe_.locator_names.size();
    keys_.resize(nk);
    locator_.resize(nl);
    extra_.resize(probe_.extra_count);
    for (std::size_t i = 0; i < nk; ++i) keys_[i] = cursor_->get(i);
    for (std::size_t i = 0; i < nl; ++i) locator_[i] = cursor_->get(nk + i);
    for (std::size_t i = 0; i < probe_.extra_count; ++i) extra_[i] = cursor_->get(nk + nl + i);
    row_loaded_ = true;
  }

  bool violates(std::size_t subject) const {
    if (!probe_.violates) return true;
    return probe_.violates(subject, extra_);
  }

  const QueryProbe& probe_;
  Session& session_;
  std::unique_ptr<Cursor> cursor_;
  Row keys_;
  Row locator_;
  Row extra_;
  std::size_t subject_ = 0;
  std::size_t rows_ = 0;
  bool row_loaded_ = false;
};

class FactCursor final : public ViolationCursor {
 public:
  explicit FactCursor(const FactProbe& probe) : probe_(probe) {}

  bool next() override {
    while (++pos_ < probe_.subjects().size()) {
      if (!probe_.subjects()[pos_].report_when_clean) return true;
    }
    return false;
  }
  std::size_t subject() const override { return pos_; }
  Row sort_key() const override { return {}; }
  Value row_key() const override { return Value::null(); }
  std::string detail() const override { return probe_.subjects()[pos_].detail; }

 private:
  const FactProbe& probe_;
  std::size_t pos_ = static_cast<std::size_t>(-1);
};

}  // namespace

std::unique_ptr<ViolationCursor> QueryProbe::run(Session& session) const {
  return std::make_unique<QueryCursor>(*this, session);
}

std::unique_ptr<ViolationCursor> FactProbe::run(Session&) const {
  return std::make_unique<FactCursor>(*this);
}

}  // namespace vigil::integrity

#include "vigil/no_host_headers.hpp"
