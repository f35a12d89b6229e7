// common/schema/create_table_parser.cpp
#include "schema/create_table_parser.hpp"

#include <algorithm>

#include "sql/lexer.hpp"

namespace vigil {
namespace {

using sql::Token;
using sql::TokenKind;

constexpr std::size_t kUnterminated = static_cast<std::size_t>(-1);

// Index just past the ')' that closes the '(' at `open`, or kUnterminated.
std::size_t matching_paren(const std::vector<Token>& tokens, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < tokens.size(); ++i) {
    if (tokens[i].is_punct('(')) ++depth;
    if (tokens[i].is_punct(')') && --depth == 0) return i + 1;
  }
  return kUnterminated;
}

}  // namespace

std::vector<std::string> referenced_columns(std::string_view expression,
                                            const std::vector<std::string>& column_names) {
  const auto tokens = sql::tokenize(expression);
  std::vector<bool> used(column_names.size(), false);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.kind != TokenKind::kWord && t.kind != TokenKind::kQuotedName) continue;
    if (t.kind == TokenKind::kWord && i + 1 < tokens.size() && tokens[i + 1].is_punct('(')) {
      continue;  // a function name
    }
    const std::string name = sql::ascii_lower(sql::identifier_value(t));
    for (std::size_t c = 0; c < column_names.size(); ++c) {
      if (sql::ascii_lower(column_names[c]) == name) used[c] = true;
    }
  }
  std::vector<std::string> out;
  for (std::size_t c = 0; c < column_names.size(); ++c) {
    if (used[c]) out.push_back(column_names[c]);
  }
  return out;
}

ParsedCreateTable parse_create_table(std::string_view create_sql,
                                     const std::vector<std::string>& column_names) {
  ParsedCreateTable out;
  std::vector<Token> tokens;
  for (const auto& t : sql::tokenize(create_sql)) {
    if (t.kind != TokenKind::kComment) tokens.push_back(t);
  }
  // The body is the first parenthesised group (the table name cannot contain a bare '(').
  std::size_t open = 0;
  while (open < tokens.size() && !tokens[open].is_punct('(')) ++open;
  if (open == tokens.size()) return out;
  const std::size_t body_close = matching_paren(tokens, open);
  // index of the closing ')', or the end of unterminated DDL
  const std::size_t body_end = body_close == kUnterminated ? tokens.size() : body_close - 1;

  auto add_check = [&](std::size_t paren, const std::string& name) {
    const std::size_t after = matching_paren(tokens, paren);
    if (after == kUnterminated) return tokens.size();  // no closing ')': not a constraint
    const std::size_t close = after - 1;
    const std::size_t from = tokens[paren].offset + 1;
    const std::size_t to = tokens[close].offset;
    CheckConstraint check;
    check.name = name;
    check.expression = std::string(create_sql.substr(from, to - from));
    while (!check.expression.empty() &&
           (check.expression.back() == ' ' || check.expression.back() == '\n')) {
      check.expression.pop_back();
    }
    while (!check.expression.empty() &&
           (check.expression.front() == ' ' || check.expression.front() == '\n')) {
      check.expression.erase(0, 1);
    }
    check.columns = referenced_columns(check.expression, column_names);
    out.checks.push_back(std::move(check));
    return close + 1;
  };

  std::size_t i = open + 1;
  while (i < body_end) {
    // One item: up to the next comma at depth 0 of the body.
    std::size_t end = i;
    int depth = 0;
    while (end < body_end) {
      if (tokens[end].is_punct('(')) ++depth;
      if (tokens[end].is_punct(')')) --depth;
      if (depth == 0 && tokens[end].is_punct(',')) break;
      ++end;
    }
    const bool is_table_constraint = tokens[i].is_word("CONSTRAINT") ||
                                     tokens[i].is_word("CHECK") || tokens[i].is_word("PRIMARY") ||
                                     tokens[i].is_word("UNIQUE") || tokens[i].is_word("FOREIGN");
    std::size_t j = is_table_constraint ? i : i + 1;  // skip the column name
    std::string pending_name;
    const bool column_item = !is_table_constraint;
    while (j < end) {
      const Token& t = tokens[j];
      if (t.is_punct('(')) {
        // Table-level PRIMARY KEY (col AUTOINCREMENT), which SQLite accepts too.
        if (!column_item && j >= 2 && tokens[j - 1].is_word("KEY") &&
            tokens[j - 2].is_word("PRIMARY") && j + 2 < end &&
            tokens[j + 2].is_word("AUTOINCREMENT")) {
          out.autoincrement_column = sql::identifier_value(tokens[j + 1]);
        }
        j = std::min(matching_paren(tokens, j), end);
        continue;
      }
      if (t.is_word("CONSTRAINT") && j + 1 < end) {
        // The name belongs to the constraint that follows it; keep it only for a CHECK.
        const bool names_check = j + 2 < end && tokens[j + 2].is_word("CHECK");
        pending_name = names_check ? sql::identifier_value(tokens[j + 1]) : std::string();
        j += 2;
        continue;
      }
      if (t.is_word("CHECK") && j + 1 < end && tokens[j + 1].is_punct('(')) {
        j = add_check(j + 1, pending_name);
        pending_name.clear();
        continue;
      }
      if (column_item && t.is_word("AUTOINCREMENT")) {
        out.autoincrement_column = sql::identifier_value(tokens[i]);
      }
      ++j;
    }
    i = end + 1;
  }
  return out;
}

ParsedCreateIndex parse_create_index(std::string_view create_sql) {
  ParsedCreateIndex out;
  std::vector<Token> tokens;
  for (const auto& t : sql::tokenize(create_sql)) {
    if (t.kind != TokenKind::kComment) tokens.push_back(t);
  }
  // The key list is the first parenthesised group after ON.
  std::size_t on = 0;
  while (on < tokens.size() && !tokens[on].is_word("ON")) ++on;
  std::size_t open = on;
  while (open < tokens.size() && !tokens[open].is_punct('(')) ++open;
  if (open >= tokens.size()) return out;
  const std::size_t close = matching_paren(tokens, open);
  if (close == kUnterminated) return out;
  auto text = [&](std::size_t from, std::size_t to) {  // tokens [from, to), as written
    const std::size_t begin = tokens[from].offset;
    const std::size_t end = tokens[to - 1].offset + tokens[to - 1].text.size();
    return std::string(create_sql.substr(begin, end - begin));
  };
  std::size_t start = open + 1;
  int depth = 0;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (tokens[i].is_punct('(')) ++depth;
    if (tokens[i].is_punct(')')) --depth;
    const bool end_of_item = (depth == 0 && tokens[i].is_punct(',')) || i == close - 1;
    if (!end_of_item) continue;
    std::size_t to = i;  // the ',' or the closing ')'
    if (to > start && (tokens[to - 1].is_word("ASC") || tokens[to - 1].is_word("DESC"))) --to;
    if (to > start) out.key_items.push_back(text(start, to));
    start = i + 1;
  }
  if (close < tokens.size() && tokens[close].is_word("WHERE") && close + 1 < tokens.size()) {
    std::size_t to = tokens.size();
    if (tokens[to - 1].is_punct(';')) --to;
    if (to > close + 1) out.predicate = text(close + 1, to);
  }
  return out;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
