// common/schema/canonical.cpp
#include "schema/canonical.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "sql/lexer.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

using sql::Token;
using sql::TokenKind;

std::string column_list(const std::vector<std::string>& columns) {
  std::string out = "(";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ", ";
    out += columns[i].empty() ? "<expression>" : columns[i];
  }
  return out + ")";
}

bool is_number(std::string_view s) {
  const auto tokens = sql::tokenize(s);
  if (tokens.size() == 1) return tokens[0].kind == TokenKind::kNumber;
  return tokens.size() == 2 && (tokens[0].text == "-" || tokens[0].text == "+") &&
         tokens[1].kind == TokenKind::kNumber;
}

bool numeric_class(TypeClass c) {
  return c == TypeClass::kInteger || c == TypeClass::kReal || c == TypeClass::kNumeric ||
         c == TypeClass::kBoolean;
}

// The canonical name of a default that is the current time (its tokens' texts lowercased and
// joined without spaces), or nullptr.  One name per value a row gets:
//   current_timestamp  the transaction's start (PostgreSQL now(), CURRENT_TIMESTAMP,
//                      transaction_timestamp(), LOCALTIMESTAMP and the ('now'::text)::timestamp
//                      casts pg_dump writes for DEFAULT 'now'; SQLite CURRENT_TIMESTAMP,
//                      datetime('now'), datetime(): SQLite has no transaction time, its
//                      CURRENT_TIMESTAMP is the counterpart)
//   current_date, current_time  the same for dates and times
//   statement_timestamp, clock_timestamp  not the transaction's time: kept apart
// SQLite's datetime('now', 'localtime') is local time, not UTC: an expression of its own.
// 'now'::timestamptz written by the user is no such default: PostgreSQL evaluates it once, at
// CREATE TABLE, and keeps the timestamp (a constant).
const char* current_time_default(const std::string& compact) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"current_timestamp", "current_timestamp"},
      {"now()", "current_timestamp"},
      {"transaction_timestamp()", "current_timestamp"},
      {"localtimestamp", "current_timestamp"},
      {"('now'::text)::timestampwithtimezone", "current_timestamp"},
      {"('now'::text)::timestampwithouttimezone", "current_timestamp"},
      {"datetime('now')", "current_timestamp"},
      {"datetime()", "current_timestamp"},
      {"current_date", "current_date"},
      {"('now'::text)::date", "current_date"},
      {"(now())::date", "current_date"},
      {"date('now')", "current_date"},
      {"date()", "current_date"},
      {"current_time", "current_time"},
      {"localtime", "current_time"},
      {"('now'::text)::timewithtimezone", "current_time"},
      {"('now'::text)::timewithouttimezone", "current_time"},
      {"time('now')", "current_time"},
      {"time()", "current_time"},
      {"statement_timestamp()", "statement_timestamp"},
      {"clock_timestamp()", "clock_timestamp"},
  };
  for (const auto& [spelling, name] : kNames) {
    if (compact == spelling) return name;
  }
  return nullptr;
}

}  // namespace

std::string canonical_default(const std::string& expr, TypeClass type_class) {
  std::vector<Token> tokens;
  for (const auto& t : sql::tokenize(expr)) {
    if (t.kind != TokenKind::kComment) tokens.push_back(t);
  }
  // Drop wrapping parentheses: SQLite keeps "(datetime('now'))", PostgreSQL "(-1)".
  while (tokens.size() >= 2 && tokens.front().is_punct('(') && tokens.back().is_punct(')')) {
    int depth = 0;
    bool wraps = true;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      if (tokens[i].is_punct('(')) ++depth;
      if (tokens[i].is_punct(')')) --depth;
      if (depth == 0) {
        wraps = false;
        break;
      }
    }
    if (!wraps) break;
    tokens.erase(tokens.begin());
    tokens.pop_back();
  }
  // The current date and time, in every spelling the engines keep (pg_get_expr, pg_dump of
  // old servers, sqlite_schema), before casts are dropped: ('now'::text)::date is not 'now'.
  {
    std::string compact;
    for (const auto& t : tokens) compact += sql::ascii_lower(std::string(t.text));
    if (const char* now = current_time_default(compact)) return now;
  }
  // Drop PostgreSQL casts: 'x'::character varying, '-1'::integer, '{}'::jsonb.  Only a cast
  // that ends the expression: in 'a'::text || 'b'::text the first one is not the whole story.
  auto ends_with_type_name = [&](std::size_t from) {
    for (std::size_t k = from; k < tokens.size(); ++k) {
      const Token& t = tokens[k];
      if (t.kind == TokenKind::kString || t.kind == TokenKind::kParameter) return false;
      if (t.kind == TokenKind::kOperator && t.text != "::") return false;
    }
    return true;
  };
  bool had_cast = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind == TokenKind::kOperator && tokens[i].text == "::" &&
        ends_with_type_name(i + 1)) {
      tokens.resize(i);
      had_cast = true;
      break;
    }
  }
  if (tokens.empty()) return {};
  std::string text;
  for (const auto& t : tokens) {
    if (!text.empty() && !(t.is_punct('(') || t.is_punct(')') || text.back() == '(' ||
                           text.back() == '-' || text.back() == '+')) {
      text += ' ';
    }
    text += t.text;
  }
  const std::string lower = sql::ascii_lower(text);
  if (lower == "null") return {};
  if (lower == "true" || lower == "false") {
    return numeric_class(type_class) ? (lower == "true" ? "1" : "0") : lower;
  }
  if (tokens.size() == 1 && tokens[0].kind == TokenKind::kString && tokens[0].text[0] == '\'') {
    std::string inner = sql::identifier_value(
        Token{TokenKind::kQuotedName, tokens[0].text, 0});  // undoes '' doubling
    if (had_cast && numeric_class(type_class) && is_number(inner)) return inner;
    if (type_class == TypeClass::kBoolean) {
      const std::string b = sql::ascii_lower(inner);
      if (b == "t" || b == "true") return "1";
      if (b == "f" || b == "false") return "0";
    }
    return std::string(tokens[0].text);
  }
  if (is_number(text)) {
    std::string n = text;
    n.erase(std::remove(n.begin(), n.end(), ' '), n.end());
    if (!n.empty() && n[0] == '+') n.erase(0, 1);
    return n;
  }
  return "expression";
}

std::vector<SchemaRow> canonical_schema_rows(const SchemaModel& model, const Dialect& dialect) {
  // (table, type rank, sort key) → row
  std::vector<std::tuple<std::string, int, std::string, SchemaRow>> keyed;
  auto add = [&](int rank, std::string sort_key, SchemaRow row) {
    std::string table_name = row.table_name;  // copied first: tuple members build in any order
    keyed.emplace_back(std::move(table_name), rank, std::move(sort_key), std::move(row));
  };

  for (const auto& table : model.tables) {
    const std::string tname = dialect.display_name(table.ref);
    add(0, "", {tname, "table", tname, "", ""});

    std::vector<std::string> names;
    for (const auto& col : table.columns) names.push_back(col.name);

    for (const auto& col : table.columns) {
      std::string def = fmt::format("{} {}", col.position, type_class_name(col.type_class));
      if (col.not_null) def += " not null";
      if (col.identity) def += " identity";
      if (col.generated) def += " generated";
      if (!col.identity && !col.generated) {
        const std::string d = canonical_default(col.default_expr, col.type_class);
        if (!d.empty()) def += " default " + d;
      }
      std::string engine = col.declared_type;
      if (!col.default_expr.empty()) engine += " DEFAULT " + col.default_expr;
      add(1, fmt::format("{:08d}", col.position), {tname, "column", col.name, def, engine});
    }

    if (!table.primary_key.empty()) {
      const std::string cols = column_list(table.primary_key);
      std::string engine;
      for (const auto& idx : table.indexes) {
        if (idx.origin == IndexOrigin::kPrimaryKey) engine = idx.name;
      }
      add(2, cols, {tname, "primary_key", cols, cols, engine});
    }

    for (const auto& idx : table.indexes) {
      const std::string cols = column_list(idx.columns);
      if (idx.origin == IndexOrigin::kPrimaryKey) continue;
      if (idx.origin == IndexOrigin::kUniqueConstraint) {
        add(3, cols, {tname, "unique", cols, cols, idx.name});
        continue;
      }
      std::string def = idx.unique ? "unique " + cols : cols;
      if (idx.partial) def += " partial";
      add(6, idx.name, {tname, "index", idx.name, def, idx.definition});
    }

    for (const auto& fk : table.foreign_keys) {
      const std::string cols = column_list(fk.columns);
      std::string def = fmt::format("{} references {} {} on update {} on delete {}", cols,
                                    dialect.display_name(fk.parent), column_list(fk.parent_columns),
                                    sql::ascii_lower(fk.on_update), sql::ascii_lower(fk.on_delete));
      const std::string match = sql::ascii_lower(fk.match);
      if (match != "none" && match != "simple" && !match.empty()) def += " match " + match;
      add(4, def, {tname, "foreign_key", cols, def, fk.name});
    }

    for (const auto& check : table.checks) {
      const std::string cols = column_list(check.columns);
      add(5, cols, {tname, "check", cols, cols, check.expression});
    }
  }

  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a), std::get<2>(a)) <
           std::tie(std::get<0>(b), std::get<1>(b), std::get<2>(b));
  });
  std::vector<SchemaRow> rows;
  rows.reserve(keyed.size());
  for (auto& k : keyed) rows.push_back(std::move(std::get<3>(k)));
  return rows;
}

void sort_for_fingerprint(std::vector<SchemaRow>& rows) {
  std::sort(rows.begin(), rows.end(), [](const SchemaRow& a, const SchemaRow& b) {
    return std::tie(a.table_name, a.object_type, a.name, a.definition) <
           std::tie(b.table_name, b.object_type, b.name, b.definition);
  });
}

SchemaFingerprinter::SchemaFingerprinter() {
  hasher_.update_field("vigil-schema-v1");
}

void SchemaFingerprinter::add(const SchemaRow& row) {
  hasher_.update_field(row.table_name);
  hasher_.update_field(row.object_type);
  hasher_.update_field(row.name);
  hasher_.update_field(row.definition);
}

// Hasher128::update_field: the length as 8 little-endian bytes, then the bytes.
void SchemaFingerprinter::serialize(const SchemaRow& row, std::string& out) {
  for (const std::string* field : {&row.table_name, &row.object_type, &row.name, &row.definition}) {
    std::uint64_t n = field->size();
    for (int i = 0; i < 8; ++i) {
      out.push_back(static_cast<char>(n & 0xffU));
      n >>= 8U;
    }
    out += *field;
  }
}

void SchemaFingerprinter::add_serialized(std::string_view bytes) {
  hasher_.update(bytes);
}

std::string SchemaFingerprinter::hex() const {
  return hasher_.digest().hex();
}

std::string schema_fingerprint(const std::vector<SchemaRow>& rows) {
  std::vector<SchemaRow> sorted = rows;
  sort_for_fingerprint(sorted);
  SchemaFingerprinter fingerprinter;
  for (const auto& r : sorted) fingerprinter.add(r);
  return fingerprinter.hex();
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
