// common/sql/lexer.cpp
#include "sql/lexer.hpp"

#include <cctype>

namespace vigil::sql {
namespace {

bool is_ident_start(unsigned char c) {
  return std::isalpha(c) || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
  return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

// End of a quoted run that starts at `i` (on the opening quote) and closes with `close`;
// a doubled closing character stands for itself.
std::size_t scan_quoted(std::string_view s, std::size_t i, char close, bool backslash_escapes) {
  ++i;
  while (i < s.size()) {
    if (backslash_escapes && s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == close) {
      if (i + 1 < s.size() && s[i + 1] == close && close != ']') {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return s.size();
}

// A PostgreSQL dollar-quote tag at `i` ("$$" or "$name$"), or 0 when there is none.
std::size_t dollar_tag_length(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '$') return 2;
  if (j >= s.size() || !(std::isalpha(static_cast<unsigned char>(s[j])) || s[j] == '_')) return 0;
  while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
  if (j < s.size() && s[j] == '$') return j - i + 1;
  return 0;
}

}  // namespace

bool Token::is_word(std::string_view upper_keyword) const {
  if (kind != TokenKind::kWord || text.size() != upper_keyword.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != upper_keyword[i]) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool TokenStream::next(Token& token) {
  const std::string_view s = input_;
  std::size_t& i = pos_;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t start = i;
    TokenKind kind;
    if (std::isspace(c)) {
      ++i;
      continue;
    }
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '-' && next == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
      kind = TokenKind::kComment;
    } else if (c == '/' && next == '*') {
      int depth = 1;
      i += 2;
      while (i < s.size() && depth > 0) {
        if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
          ++depth;
          i += 2;
        } else if (s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/') {
          --depth;
          i += 2;
        } else {
          ++i;
        }
      }
      kind = TokenKind::kComment;
    } else if (c == '\'') {
      i = scan_quoted(s, i, '\'', false);
      kind = TokenKind::kString;
    } else if ((c == 'E' || c == 'e') && next == '\'') {
      i = scan_quoted(s, i + 1, '\'', true);
      kind = TokenKind::kString;
    } else if ((c == 'U' || c == 'u') && next == '&' && i + 2 < s.size() &&
               (s[i + 2] == '\'' || s[i + 2] == '"')) {
      // PostgreSQL's Unicode-escape forms: U&'d\0061t' (a string), U&"d\0061t" (a name).
      const char quote = s[i + 2];
      i = scan_quoted(s, i + 2, quote, false);
      kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedName;
    } else if ((c == 'X' || c == 'x' || c == 'B' || c == 'b' || c == 'N' || c == 'n') &&
               next == '\'') {
      i = scan_quoted(s, i + 1, '\'', false);
      kind = TokenKind::kString;
    } else if (c == '"') {
      i = scan_quoted(s, i, '"', false);
      kind = TokenKind::kQuotedName;
    } else if (c == '`') {
      i = scan_quoted(s, i, '`', false);
      kind = TokenKind::kQuotedName;
    } else if (c == '[') {
      // Right after an operand, with no space: a PostgreSQL array subscript (a[1], f(x)[2]);
      // anywhere else SQLite's [identifier].
      const bool subscript =
          has_previous_ && previous_.offset + previous_.text.size() == i &&
          (previous_.kind == TokenKind::kWord || previous_.kind == TokenKind::kQuotedName ||
           previous_.kind == TokenKind::kParameter || previous_.is_punct(')') ||
           previous_.is_punct(']'));
      if (subscript) {
        ++i;
        kind = TokenKind::kPunct;
      } else {
        i = scan_quoted(s, i, ']', false);
        kind = TokenKind::kQuotedName;
      }
    } else if (c == '$') {
      const std::size_t tag = dollar_tag_length(s, i);
      if (tag > 0) {
        const std::string_view tag_text = s.substr(i, tag);
        const std::size_t close = s.find(tag_text, i + tag);
        i = close == std::string_view::npos ? s.size() : close + tag;
        kind = TokenKind::kString;
      } else {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
        kind = TokenKind::kParameter;
      }
    } else if (c == '?') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      kind = TokenKind::kParameter;
    } else if ((c == ':' || c == '@') && is_ident_start(static_cast<unsigned char>(next)) &&
               !(c == ':' && has_previous_ && previous_.text == ":")) {
      ++i;
      while (i < s.size() && is_ident_char(static_cast<unsigned char>(s[i]))) ++i;
      kind = TokenKind::kParameter;
    } else if (std::isdigit(c) || (c == '.' && std::isdigit(static_cast<unsigned char>(next)))) {
      if (c == '0' && (next == 'x' || next == 'X')) {
        i += 2;
        while (i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i]))) ++i;
      } else {
        while (i < s.size() &&
               (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.' || s[i] == '_')) {
          ++i;
        }
        if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
          std::size_t j = i + 1;
          if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
          if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
            i = j;
            while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
          }
        }
      }
      kind = TokenKind::kNumber;
    } else if (is_ident_start(c)) {
      while (i < s.size() && is_ident_char(static_cast<unsigned char>(s[i]))) ++i;
      kind = TokenKind::kWord;
    } else if (c == '(' || c == ')' || c == ',' || c == ';' || c == '.' || c == ']') {
      ++i;
      kind = TokenKind::kPunct;
    } else {
      static constexpr std::string_view kLong[] = {"->>", "::", "<=", ">=", "<>", "!=", "||",
                                                   "->",  "<<", ">>", "==", "@>", "<@"};
      std::size_t len = 1;
      for (auto op : kLong) {
        if (s.substr(i, op.size()) == op) {
          len = op.size();
          break;
        }
      }
      i += len;
      kind = TokenKind::kOperator;
    }
    previous_ = Token{kind, s.substr(start, i - start), start};
    has_previous_ = true;
    token = previous_;
    return true;
  }
  return false;
}

std::vector<Token> tokenize(std::string_view input) {
  std::vector<Token> out;
  TokenStream stream(input);
  Token t;
  while (stream.next(t)) out.push_back(t);
  return out;
}

std::string identifier_value(const Token& token) {
  if (token.kind != TokenKind::kQuotedName || token.text.size() < 2) return std::string(token.text);
  const char close = token.text.back();
  std::string out;
  // U&"..." keeps its escapes as written: only the prefix and the quotes go.
  const bool unicode = token.text.size() >= 3 && (token.text[0] == 'U' || token.text[0] == 'u') &&
                       token.text[1] == '&';
  const std::size_t open = unicode ? 3 : 1;
  if (token.text.size() < open + 1) return std::string(token.text);
  const std::string_view inner = token.text.substr(open, token.text.size() - open - 1);
  for (std::size_t i = 0; i < inner.size(); ++i) {
    out.push_back(inner[i]);
    if (inner[i] == close && close != ']' && i + 1 < inner.size() && inner[i + 1] == close) ++i;
  }
  return out;
}

}  // namespace vigil::sql

#include "vigil/no_host_headers.hpp"
