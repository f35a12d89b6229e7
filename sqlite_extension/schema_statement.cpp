// sqlite_extension/schema_statement.cpp: what a statement does to main's tables, from its
// text (schema_statement.hpp).
#include "sqlite_extension/schema_statement.hpp"

#include <optional>

#include "sql/lexer.hpp"

namespace vigil::sqlite {
namespace {

using sql::Token;
using sql::TokenKind;

// What decides a statement's effect is in its first few tokens: only the head of a long statement
// (a migration that inserts much data) is tokenized.
constexpr std::size_t kHead = 2048;

class Parser {
 public:
  explicit Parser(std::string_view statement) {
    const bool cut = statement.size() > kHead;
    for (const auto& t : sql::tokenize(statement.substr(0, kHead))) {
      if (t.kind != TokenKind::kComment) tokens_.push_back(t);
    }
    if (cut) {
      if (!tokens_.empty()) tokens_.pop_back();  // perhaps cut in two
      truncated_ = true;
    }
    while (!truncated_ && !tokens_.empty() && tokens_.back().is_punct(';')) tokens_.pop_back();
  }

  bool word(std::string_view upper) {
    if (pos_ < tokens_.size() && tokens_[pos_].kind == TokenKind::kWord &&
        tokens_[pos_].is_word(upper)) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool word_at(std::size_t i, std::string_view upper) const {
    return i < tokens_.size() && tokens_[i].kind == TokenKind::kWord && tokens_[i].is_word(upper);
  }
  bool punct(char c) {
    if (pos_ < tokens_.size() && tokens_[pos_].is_punct(c)) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_end() const { return !truncated_ && pos_ >= tokens_.size(); }

  // IF NOT EXISTS / IF EXISTS (only as a whole: a table may be named "if").
  bool if_not_exists() {
    if (word_at(pos_, "IF") && word_at(pos_ + 1, "NOT") && word_at(pos_ + 2, "EXISTS")) {
      pos_ += 3;
      return true;
    }
    return false;
  }
  bool if_exists() {
    if (word_at(pos_, "IF") && word_at(pos_ + 1, "EXISTS")) {
      pos_ += 2;
      return true;
    }
    return false;
  }

  // A bare or quoted identifier ('' strings, which SQLite also takes as names, are not).
  std::optional<std::string> name() {
    if (pos_ >= tokens_.size()) return std::nullopt;
    const Token& t = tokens_[pos_];
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedName) return std::nullopt;
    ++pos_;
    return sql::identifier_value(t);
  }

  // [schema.]name where the schema, if any, is main; nullopt for another schema or no name.
  std::optional<std::string> main_name() {
    auto first = name();
    if (!first) return std::nullopt;
    if (!punct('.')) return first;
    if (sql::ascii_lower(*first) != "main") return std::nullopt;
    return name();
  }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  bool truncated_ = false;  // tokens_ are those of the statement's head only
};

// Whether "sqlite_" appears anywhere in the text, in any case: a statement that may name one of
// SQLite's own tables (sqlite_schema, sqlite_master, ...: written only with writable_schema).  A
// string or comment that contains it only costs a full read.
bool mentions_sqlite_tables(std::string_view text) {
  static constexpr std::string_view kWord = "sqlite_";
  for (std::size_t i = 0; i + kWord.size() <= text.size(); ++i) {
    std::size_t j = 0;
    while (j < kWord.size()) {
      const char c = text[i + j];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c) != kWord[j]) break;
      ++j;
    }
    if (j == kWord.size()) return true;
  }
  return false;
}

SchemaEffect unknown() {
  return {};
}

SchemaEffect none() {
  SchemaEffect e;
  e.kind = SchemaEffect::Kind::kNone;
  return e;
}

SchemaEffect tables(std::vector<std::string> names, bool conditional) {
  SchemaEffect e;
  e.kind = SchemaEffect::Kind::kTables;
  e.tables = std::move(names);
  e.conditional = conditional;
  return e;
}

SchemaEffect create(Parser& p) {
  if (p.word("TEMP") || p.word("TEMPORARY")) {
    // Only the temp schema: CREATE TEMP TABLE, VIEW or TRIGGER (SQLite refuses a qualified name
    // other than temp.x for them).
    if (p.word("TABLE") || p.word("VIEW") || p.word("TRIGGER")) return none();
    return unknown();
  }
  if (p.word("TABLE")) {
    const bool conditional = p.if_not_exists();
    auto t = p.main_name();
    if (!t || !p.punct('(')) return unknown();  // not AS SELECT: it would run a query
    return tables({*t}, conditional);
  }
  const bool unique = p.word("UNIQUE");
  if (p.word("INDEX")) {
    const bool conditional = p.if_not_exists();
    if (!p.main_name() || !p.word("ON")) return unknown();
    auto t = p.name();  // the table of an index is never qualified: it is in the index's schema
    if (!t || !p.punct('(')) return unknown();
    return tables({*t}, conditional);
  }
  if (unique) return unknown();
  if (p.word("VIEW") || p.word("TRIGGER")) {
    const bool conditional = p.if_not_exists();
    if (!p.main_name()) return unknown();
    return tables({}, conditional);
  }
  return unknown();
}

SchemaEffect alter(Parser& p) {
  if (!p.word("TABLE")) return unknown();
  auto t = p.main_name();
  if (!t || !p.word("ADD")) return unknown();
  return tables({*t}, false);
}

SchemaEffect drop(Parser& p) {
  if (p.word("TABLE")) {
    const bool conditional = p.if_exists();
    auto t = p.main_name();
    if (!t || !p.at_end()) return unknown();
    return tables({*t}, conditional);
  }
  if (p.word("VIEW") || p.word("TRIGGER")) {
    const bool conditional = p.if_exists();
    if (!p.main_name() || !p.at_end()) return unknown();
    return tables({}, conditional);
  }
  return unknown();
}

}  // namespace

SchemaEffect schema_effect(std::string_view statement) {
  Parser p(statement);
  if (p.word("CREATE")) return create(p);
  if (p.word("ALTER")) return alter(p);
  if (p.word("DROP")) return drop(p);
  for (const char* dml : {"SELECT", "INSERT", "REPLACE", "UPDATE", "DELETE", "WITH", "VALUES"}) {
    if (p.word(dml)) return mentions_sqlite_tables(statement) ? unknown() : none();
  }
  return unknown();
}

}  // namespace vigil::sqlite
