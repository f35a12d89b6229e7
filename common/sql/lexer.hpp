// common/sql/lexer.hpp
//
// A small SQL lexer that understands the token forms of both engines: '' strings with doubled
// quotes, E'' strings with backslash escapes, U&'' strings, $tag$ dollar-quoted strings,
// "" / [] / `` / U&"" quoted identifiers (a [ right after an operand is a PostgreSQL array
// subscript, not a quoted name), numbers (decimal, exponent, hex), parameters ($1, ?, ?1, :name,
// @name),
// -- and /* */ comments (nested in PostgreSQL style), and multi-character operators.
//
// It never fails: an unterminated string or comment runs to the end of the input.  Tokens keep
// their byte range in the input, so callers can cut out original text (a CHECK expression, a
// statement of a migration) exactly as the user wrote it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::sql {

enum class TokenKind {
  kWord,        // keyword or bare identifier
  kQuotedName,  // "x", [x] or `x`
  kString,      // '...', E'...', X'..', $tag$...$tag$
  kNumber,
  kParameter,
  kOperator,
  kPunct,  // ( ) , ; . [ ] (the [ of a subscript)
  kComment,
};

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::string_view text;   // the token's bytes in the input
  std::size_t offset = 0;  // where it starts in the input

  bool is_word(std::string_view upper_keyword) const;  // case-insensitive keyword test
  bool is_punct(char c) const {
    return kind == TokenKind::kPunct && text.size() == 1 && text[0] == c;
  }
};

// All tokens of `input`, comments included (callers skip them when they need to).
std::vector<Token> tokenize(std::string_view input);

// The same tokens one at a time, for a caller that must not hold every token of a large input
// at once (the migration splitter).  Each call of next() takes time linear in the token's size.
class TokenStream {
 public:
  explicit TokenStream(std::string_view input) : input_(input) {}
  // The next token into `token`; false at the end of the input.
  bool next(Token& token);

 private:
  std::string_view input_;
  std::size_t pos_ = 0;
  Token previous_;
  bool has_previous_ = false;
};

// The identifier a kWord or kQuotedName token names: quotes removed, doubled quotes undone.
// Bare words are returned as written (callers decide about case folding).
std::string identifier_value(const Token& token);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view s);

}  // namespace vigil::sql
