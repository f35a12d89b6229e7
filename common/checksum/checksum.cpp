// common/checksum/checksum.cpp
//
// Table checksums and key-range segments, streamed: the rows come through a Cursor one at a
// time, each is encoded into one reused buffer and hashed, and only the running sum is kept.
#include "checksum/checksum.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <tuple>

#include "schema/introspect.hpp"
#include "sql/lexer.hpp"
#include "vigil/dialect.hpp"
#include "vigil/error.hpp"

namespace vigil {
namespace {

__extension__ using Uint128 = unsigned __int128;

constexpr std::uint64_t kInterruptEvery = 4096;

std::string select_list(const Dialect& dialect, const std::vector<Column>& columns) {
  if (columns.empty()) return "NULL";  // a PostgreSQL table may have no column at all
  std::string out;
  for (const Column& c : columns) {
    if (!out.empty()) out += ", ";
    out += dialect.quote_identifier(c.name);
  }
  return out;
}

// Splits a column list; each name comes back with whether it was quoted.
std::vector<std::pair<std::string, bool>> split_column_list(const std::string& list) {
  std::vector<std::pair<std::string, bool>> names;
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == '\n')) ++i;
  };
  while (true) {
    skip_space();
    std::string name;
    bool quoted = false;
    if (i < list.size() && list[i] == '"') {
      quoted = true;
      ++i;
      bool closed = false;
      while (i < list.size()) {
        if (list[i] == '"') {
          if (i + 1 < list.size() && list[i + 1] == '"') {
            name.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        name.push_back(list[i++]);
      }
      if (!closed) {
        throw Error(ErrorCode::kInvalidParameter, "column list: a quoted name is not closed");
      }
      skip_space();
    } else {
      while (i < list.size() && list[i] != ',') name.push_back(list[i++]);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t' || name.back() == '\n')) {
        name.pop_back();
      }
    }
    if (name.empty()) throw Error(ErrorCode::kInvalidParameter, "column list: empty column name");
    names.emplace_back(std::move(name), quoted);
    if (i >= list.size()) break;
    if (list[i] != ',') {
      throw Error(ErrorCode::kInvalidParameter,
                  "column list: expected a comma after \"" + names.back().first + "\"");
    }
    ++i;
  }
  return names;
}

}  // namespace

std::vector<Column> checksum_columns(const Table& table, const std::string& list) {
  std::vector<Column> out;
  for (const auto& [name, quoted] : split_column_list(list)) {
    const Column* found = table.find_column(name);
    if (found == nullptr && !quoted) {
      const std::string lower = sql::ascii_lower(name);
      for (const Column& c : table.columns) {
        if (sql::ascii_lower(c.name) != lower) continue;
        if (found != nullptr) {
          throw Error(
              ErrorCode::kUndefinedColumn,
              fmt::format("column name \"{}\" is ambiguous in table \"{}\"", name, table.ref.name),
              "Quote the name to match its case exactly.");
        }
        found = &c;
      }
    }
    if (found == nullptr) {
      throw Error(
          ErrorCode::kUndefinedColumn,
          fmt::format("column \"{}\" of table \"{}\" does not exist", name, table.ref.name));
    }
    for (const Column& c : out) {
      if (c.name == found->name) {
        throw Error(ErrorCode::kInvalidParameter,
                    fmt::format("column \"{}\" is listed twice", found->name));
      }
    }
    out.push_back(*found);
  }
  return out;
}

ContentChecksum checksum_table(Session& session, const Table& table,
                               const std::vector<Column>& columns) {
  const Dialect& dialect = session.dialect();
  std::vector<std::string> names;
  names.reserve(columns.size());
  for (const Column& c : columns) names.push_back(c.name);
  std::unique_ptr<Cursor> cursor =
      columns.empty() ? nullptr : session.scan_table(table.ref.schema, table.ref.name, names);
  if (!cursor) {
    // The table's own rows: an inheritance parent without its children (docs/checksums.md).
    cursor = session.query(fmt::format("SELECT {} FROM {}", select_list(dialect, columns),
                                       dialect.table_source(table.ref, table.kind)));
  }
  ContentChecksum sum;
  RowEncoder row;
  // Each row's values in place (Cursor::get_refs), with the storage of those that are not.
  std::vector<ValueRef> values(cursor->column_count());
  if (values.size() < columns.size()) {
    throw Error(ErrorCode::kInternal, "checksum: the scan has fewer columns than asked for");
  }
  std::vector<Value> storage(values.size());
  std::vector<TypeClass> classes;
  classes.reserve(columns.size());
  for (const Column& c : columns) classes.push_back(c.type_class);
  while (cursor->next()) {
    cursor->get_refs(values.data(), storage.data());
    row.clear();
    row.add_row(classes.data(), values.data(), classes.size());
    sum.add_row(row.row());
    if (sum.rows() % kInterruptEvery == 0) {
      session.check_interrupts();
      session.wait_point(WaitPoint::kChecksumScan);
    }
  }
  return sum;
}

std::vector<TableChecksum> checksum_all_tables(Session& session) {
  std::vector<TableChecksum> out;
  const SchemaModel model = introspect_schema(session);
  for (const Table& table : model.tables) {
    session.check_interrupts();
    const ContentChecksum sum = checksum_table(session, table, table.columns);
    out.push_back({session.dialect().display_name(table.ref), sum.rows(), sum.hex()});
  }
  return out;
}

std::string database_checksum(std::vector<TableChecksum> tables) {
  std::sort(tables.begin(), tables.end(), [](const TableChecksum& a, const TableChecksum& b) {
    return a.table_name < b.table_name;
  });
  Hasher128 hasher;
  for (const TableChecksum& t : tables) {
    hasher.update_field(t.table_name);
    hasher.update_field(t.checksum);
  }
  return hasher.digest().hex();
}

namespace {

// A key value as an element of a JSON key array: its canonical form, numbers as JSON numbers,
// everything else as a JSON string (blobs as "\x" and hex digits).
void append_key_json(const Column& column, const Value& value, std::string& out) {
  const CanonicalValue c = canonical_value(column.type_class, value);
  switch (c.tag) {
    case CanonicalTag::kNull:
      out += "null";
      return;
    case CanonicalTag::kNumber:
      if (!c.payload.empty() &&
          (c.payload[0] == '-' || (c.payload[0] >= '0' && c.payload[0] <= '9')) &&
          c.payload != "-Infinity") {
        out += c.payload;
      } else {
        out += json_quote(c.payload);
      }
      return;
    case CanonicalTag::kBlob: {
      std::string hex = "\\x";
      for (const char b : c.payload) {
        fmt::format_to(std::back_inserter(hex), "{:02x}", static_cast<unsigned char>(b));
      }
      out += json_quote(hex);
      return;
    }
    default:
      out += json_quote(c.payload);
      return;
  }
}

std::string key_json(const std::vector<Column>& keys, const Row& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += ",";
    append_key_json(keys[i], values[i], out);
  }
  out += "]";
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One element of a key bound as a parameter for `column`.  `integers_only`: the column can
// hold nothing but integers (a PostgreSQL integer type, SQLite's INTEGER PRIMARY KEY), so a
// fraction is refused; another SQLite INTEGER column may hold 1.5 and a bound may name it.
Value bound_value(const Column& column, const JsonScalar& scalar, const char* arg,
                  bool integers_only) {
  switch (scalar.kind) {
    case JsonScalar::Kind::kNull:
      throw Error(ErrorCode::kInvalidParameter,
                  fmt::format("{} must not contain null: a primary key has no NULL", arg));
    case JsonScalar::Kind::kBoolean:
      return Value::boolean(scalar.text == "true");
    case JsonScalar::Kind::kString:
      if (column.type_class == TypeClass::kBlob && scalar.text.size() % 2 == 0 &&
          scalar.text.compare(0, 2, "\\x") == 0) {
        std::string bytes;
        for (std::size_t i = 2; i + 1 < scalar.text.size(); i += 2) {
          const int hi = hex_digit(scalar.text[i]);
          const int lo = hex_digit(scalar.text[i + 1]);
          if (hi < 0 || lo < 0) return Value::text(scalar.text);
          bytes.push_back(static_cast<char>(hi * 16 + lo));
        }
        return Value::blob(std::move(bytes));
      }
      return Value::text(scalar.text);
    case JsonScalar::Kind::kNumber:
      break;
  }
  const std::string& text = scalar.text;
  if (column.type_class == TypeClass::kBoolean && (text == "0" || text == "1")) {
    return Value::boolean(text == "1");
  }
  if (text.find('.') == std::string::npos) {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size()) return Value::integer(v);
  } else if (column.type_class == TypeClass::kInteger && integers_only) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("{}: \"{}\" is an integer column, {} is not an integer", arg,
                            column.name, text));
  }
  if (column.type_class == TypeClass::kNumeric) return Value::numeric(text);
  double d = 0;
  std::from_chars(text.data(), text.data() + text.size(), d);
  return Value::real(d);
}

std::vector<Value> parse_bound(const std::vector<Column>& keys,
                               const std::vector<bool>& integers_only, const Value& bound,
                               const char* arg) {
  std::string names;
  for (const Column& k : keys) names += (names.empty() ? "" : ", ") + k.name;
  const auto scalars = parse_json_scalar_array(bound.to_text());
  if (!scalars || scalars->size() != keys.size()) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("{} must be a JSON array of {} value{} (the primary key: {})", arg,
                            keys.size(), keys.size() == 1 ? "" : "s", names),
                "Pass a lower_key or upper_key that vigil_checksum_segments returned.");
  }
  std::vector<Value> values;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    values.push_back(bound_value(keys[i], (*scalars)[i], arg, integers_only[i]));
  }
  return values;
}

// Segments are half-open key ranges [lower_key, upper_key): the first starts at the given lower
// bound (NULL: unbounded), each next one at its first row's key, the last ends at the given upper
// bound (NULL: unbounded).  So the segments of one call cover the whole requested range with no
// gap, and any segment's bounds, passed to another database, select the same key range there.
// Rows are ordered, and bounds compared, by the canonical form of the key (Dialect::key_order):
// a bound is printed canonically, so the order must be the canonical one for the bounds to
// select the segment's own rows again, whatever form the engine stored.
class SegmentSource final : public RowSource {
 public:
  SegmentSource(Session& session, const Table& table, std::int64_t segments, const Value& lower_key,
                const Value& upper_key)
      : session_(session), columns_(table.columns) {
    const Dialect& dialect = session.dialect();
    std::string key_list;
    std::vector<bool> sort_key;
    std::vector<std::string> bound_type;
    std::vector<bool> integers_only;
    const bool rowid_alias =
        dialect.engine() == "sqlite" && !table.without_rowid && table.primary_key.size() == 1;
    for (const std::string& name : table.primary_key) {
      const auto it = std::find_if(columns_.begin(), columns_.end(),
                                   [&](const Column& c) { return c.name == name; });
      if (it->type_class == TypeClass::kJson) {
        throw Error(ErrorCode::kFeatureNotSupported,
                    fmt::format("the primary key column \"{}\" of table \"{}\" is JSON: "
                                "vigil_checksum_segments cannot order it alike in both engines",
                                name, table.ref.name),
                    "Use vigil_table_checksum for this table.");
      }
      key_index_.push_back(static_cast<std::size_t>(it - columns_.begin()));
      keys_.push_back(*it);
      const Dialect::KeyOrder order = dialect.key_order(session, table, *it);
      sort_key.push_back(order.sort_key);
      bound_type.push_back(order.bound_type);
      integers_only.push_back(dialect.engine() != "sqlite" ||
                              (rowid_alias && sql::ascii_lower(it->declared_type) == "integer"));
      if (!key_list.empty()) key_list += ", ";
      key_list += order.expression;
    }
    Params params;
    std::string where;
    auto add_bound = [&](const Value& bound, const char* arg, const char* op) -> Value {
      if (bound.is_null()) return Value::null();
      const std::vector<Value> values = parse_bound(keys_, integers_only, bound, arg);
      std::string markers;
      for (std::size_t k = 0; k < values.size(); ++k) {
        if (k > 0) markers += ", ";
        if (sort_key[k]) {
          params.push_back(Value::blob(canonical_sort_key(keys_[k].type_class, values[k])));
          markers += dialect.param(static_cast<int>(params.size()));
        } else if (!bound_type[k].empty()) {
          params.push_back(Value::text(canonical_value(keys_[k].type_class, values[k]).payload));
          markers += "CAST(" + dialect.param(static_cast<int>(params.size())) + " AS " +
                     bound_type[k] + ")";
        } else {
          params.push_back(values[k]);
          markers += dialect.typed_param(static_cast<int>(params.size()), keys_[k]);
        }
      }
      where += where.empty() ? " WHERE " : " AND ";
      where += fmt::format("({}) {} ({})", key_list, op, markers);
      return Value::text(key_json(keys_, values));
    };
    lower_ = add_bound(lower_key, "lower_key", ">=");
    upper_ = add_bound(upper_key, "upper_key", "<");
    const std::string from = dialect.table_source(table.ref, table.kind) + where;
    total_ = static_cast<std::uint64_t>(
        session.scalar(fmt::format("SELECT count(*) FROM {}", from), params).to_integer());
    segments_ = std::min<std::uint64_t>(static_cast<std::uint64_t>(segments), total_);
    cursor_ = session.query(fmt::format("SELECT {} FROM {} ORDER BY {}",
                                        select_list(dialect, columns_), from, key_list),
                            params);
  }

  bool next(Row& out) override {
    if (done_) return false;
    ContentChecksum sum;
    std::uint64_t segment = 0;
    bool any = false;
    while (true) {
      if (!pending_ && !fetch()) break;
      if (any && pending_segment_ != segment) {
        // Rows of one canonical key (SQLite may store '2024-01-05 11:00:00' and
        // '2024-01-05T13:00:00+02:00' under one primary key) stay in one segment: a bound
        // cannot fall between them.
        if (key_json(keys_, pending_key_) != key_json(keys_, last_key_)) break;
        pending_segment_ = segment;
      }
      if (!any) {
        any = true;
        segment = pending_segment_;
        if (emitted_ > 0) lower_ = Value::text(key_json(keys_, pending_key_));
      }
      sum.add_row(pending_row_.row());
      pending_ = false;
      std::swap(last_key_, pending_key_);  // fetch() refills pending_key_
      // Counted over the whole scan (rank_), not per segment: small segments are no reason to
      // stop looking.
      if (rank_ % kInterruptEvery == 0) {
        session_.check_interrupts();
        session_.wait_point(WaitPoint::kChecksumScan);
      }
    }
    // An empty range is still one (empty) segment, so that both sides show it.
    if (!any && emitted_ > 0) {
      done_ = true;
      return false;
    }
    const Value upper = pending_ ? Value::text(key_json(keys_, pending_key_)) : upper_;
    if (!pending_) done_ = true;
    out = {Value::integer(++emitted_), lower_, upper,
           Value::integer(static_cast<std::int64_t>(sum.rows())), Value::text(sum.hex())};
    return true;
  }

 private:
  // Reads the next row into the pending slot; false at the end.
  bool fetch() {
    if (exhausted_ || !cursor_->next()) {
      exhausted_ = true;
      return false;
    }
    pending_row_.clear();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      pending_row_.add(columns_[i].type_class, cursor_->get_ref(i, storage_));
    }
    pending_key_.clear();
    for (const std::size_t k : key_index_) pending_key_.push_back(cursor_->get(k));
    // Row r (0-based) of n goes to segment floor(r * segments / n); rows beyond the count taken
    // first (none in one snapshot) join the last segment.
    const Uint128 position = static_cast<Uint128>(rank_) * segments_ / total_;
    pending_segment_ = std::min<std::uint64_t>(static_cast<std::uint64_t>(position), segments_ - 1);
    ++rank_;
    pending_ = true;
    return true;
  }

  Session& session_;
  std::vector<Column> columns_;
  std::vector<Column> keys_;
  std::vector<std::size_t> key_index_;
  std::unique_ptr<Cursor> cursor_;
  Value lower_;  // JSON text of the next segment's lower bound, or NULL (unbounded)
  Value upper_;  // the given upper bound, or NULL
  std::uint64_t total_ = 0;
  std::uint64_t segments_ = 0;
  std::uint64_t rank_ = 0;
  std::int64_t emitted_ = 0;
  bool pending_ = false;
  bool exhausted_ = false;
  bool done_ = false;
  RowEncoder pending_row_;
  Value storage_;  // see Cursor::get_ref
  Row pending_key_;
  Row last_key_;  // the key of the last row added to a segment
  std::uint64_t pending_segment_ = 0;
};

}  // namespace

std::unique_ptr<RowSource> checksum_segments(Session& session, const Table& table,
                                             std::int64_t segments, const Value& lower_key,
                                             const Value& upper_key) {
  if (segments < 1) {
    throw Error(ErrorCode::kInvalidParameter, "segments must be at least 1");
  }
  if (table.primary_key.empty()) {
    throw Error(ErrorCode::kPrerequisiteState,
                fmt::format("table \"{}\" has no primary key", table.ref.name),
                "vigil_checksum_segments orders and bounds rows by the primary key; use "
                "vigil_table_checksum for a table without one.");
  }
  return std::make_unique<SegmentSource>(session, table, segments, lower_key, upper_key);
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
