// common/stats/normalize.cpp
//
// The normaliser works in one pass over the tokens.  Each output token is a Piece that records
// where its text starts in the output string, so that a closing `)` or `]` can look back at
// what it closes and fold it (IN lists, ARRAY[...] lists, repeated VALUES rows) by truncating
// the output.
#include "stats/normalize.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "sql/lexer.hpp"
#include "vigil/hash.hpp"

namespace vigil {
namespace {

using sql::Token;
using sql::TokenKind;

enum class Piece : unsigned char {
  kWord,         // a keyword or bare identifier, lower-cased
  kName,         // a quoted identifier
  kPlaceholder,  // ?
  kEllipsis,     // ... (a folded list)
  kOpen,         // (
  kClose,        // )
  kOpenBracket,  // [ of a subscript or ARRAY[
  kCloseBracket,
  kComma,
  kDot,
  kCast,  // ::
  kSemicolon,
  kOperator,
};

struct OutPiece {
  Piece kind;
  std::size_t start;    // offset of its text in the output
  bool values_row;      // a ( that opens a row of a VALUES list
  std::size_t partner;  // kClose/kCloseBracket: index of the matching opener
};

bool word_is(std::string_view lowered, const char* word) {
  return lowered == word;
}

// Words after which a following ( is spaced as in `in (...)`, not glued as in `count(*)`.
bool spaced_before_paren(std::string_view w) {
  static constexpr const char* kWords[] = {
      "in",    "values", "exists", "as",        "on",     "using",     "and",     "or",
      "not",   "from",   "join",   "where",     "select", "when",      "then",    "else",
      "over",  "into",   "table",  "with",      "by",     "is",        "like",    "between",
      "union", "all",    "except", "intersect", "set",    "returning", "lateral", "any",
      "some",  "having", "case",   "distinct",  "return", "do",        "check",   "references"};
  return std::any_of(std::begin(kWords), std::end(kWords), [w](const char* k) { return w == k; });
}

// Words followed by a table name, itself followed by a column list.
bool names_table(std::string_view w) {
  return w == "into" || w == "table" || w == "references" || w == "on" || w == "exists";
}

// Words after which a - or + is a sign, not a binary operator (`select -1`, `limit -1`).
bool expression_keyword(std::string_view w) {
  static constexpr const char* kWords[] = {
      "select", "where",  "and",     "or",     "not",    "when",      "then",      "else",
      "in",     "values", "between", "like",   "ilike",  "is",        "case",      "limit",
      "offset", "by",     "set",     "on",     "having", "return",    "returning", "distinct",
      "all",    "any",    "some",    "exists", "with",   "using",     "glob",      "match",
      "regexp", "escape", "default", "check",  "array",  "as",        "from",      "into",
      "if",     "elsif",  "do",      "filter", "over",   "partition", "similar"};
  return std::any_of(std::begin(kWords), std::end(kWords), [w](const char* k) { return w == k; });
}

// A quoted name that spells a word the normaliser acts on keeps its quotes: unquoted it would
// read back as that word (`"true"` as a literal, `"in"` spaced as IN), and the normalised text
// would not normalise to itself (found by fuzz_normalize: `true` became `?` on a second pass).
bool keeps_quotes(std::string_view w) {
  return w == "true" || w == "false" || w == "null" || w == "array" || w == "prepare" ||
         w == "declare" || w == "cursor" || w == "for" || spaced_before_paren(w) ||
         names_table(w) || expression_keyword(w);
}

bool plain_lower_name(std::string_view v) {
  if (v.empty()) return false;
  const auto first = static_cast<unsigned char>(v[0]);
  if (!(std::islower(first) || first == '_')) return false;
  return std::all_of(v.begin(), v.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return std::islower(c) || std::isdigit(c) || c == '_' || c == '$';
  });
}

class Normalizer {
 public:
  explicit Normalizer(std::size_t size_hint) {
    out_.reserve(size_hint);
    pieces_.reserve(size_hint / 3 + 8);
  }

  void run(std::string_view sql) {
    std::vector<Token> tokens;
    for (;;) {
      tokens = sql::tokenize(sql);
      tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                                  [](const Token& t) { return t.kind == TokenKind::kComment; }),
                   tokens.end());
      // The statement of a PREPARE / DECLARE CURSOR is lexed on its own, as it would be when
      // written out: after `AS`, a `[` would otherwise read as an array subscript, and the
      // text would normalise differently the second time (found by fuzz_normalize).  Nested
      // prefixes (PREPARE a AS PREPARE b AS ...: not SQL, but any text reaches here) are
      // skipped in a loop over these tokens -- only the first token of the innermost
      // statement can lex differently on its own -- and the text is lexed again once from
      // there: no recursion, no lexing per level (issue #16).
      std::size_t start = 0;
      for (;;) {
        const std::size_t body = skip_prepare(tokens, start);
        if (body <= start || body >= tokens.size()) break;
        start = body;
      }
      if (start == 0) break;
      sql = sql.substr(tokens[start].offset);
    }
    const std::size_t body = skip_prepare(tokens, 0);
    for (std::size_t i = body; i < tokens.size(); ++i) {
      const Token& t = tokens[i];
      switch (t.kind) {
        case TokenKind::kComment:
          break;
        case TokenKind::kString:
        case TokenKind::kNumber:
        case TokenKind::kParameter:
          emit(Piece::kPlaceholder, "?");
          break;
        case TokenKind::kWord:
          word(t.text);
          break;
        case TokenKind::kQuotedName:
          name(t);
          break;
        case TokenKind::kPunct:
          punct(t.text[0]);
          break;
        case TokenKind::kOperator:
          if ((t.text == "-" || t.text == "+") && sign_position() &&
              next_is_number(tokens, i + 1)) {
            break;  // a sign: folded into the number that follows
          }
          if (t.text == "::") {
            emit(Piece::kCast, "::");
          } else {
            emit(Piece::kOperator, t.text);
          }
          break;
      }
    }
    while (!pieces_.empty() && pieces_.back().kind == Piece::kSemicolon) {
      out_.resize(pieces_.back().start);
      pieces_.pop_back();
    }
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }

  std::string take() { return std::move(out_); }

 private:
  // PostgreSQL's `PREPARE name [(types)] AS statement` and `DECLARE name ... CURSOR ... FOR
  // statement` run `statement`: the prefix goes, so an EXECUTE or a FETCH is counted with the
  // same text as the statement written out.
  // The index of the statement after such a prefix starting at tokens[s], or 0 when there is
  // none there.
  static std::size_t skip_prepare(const std::vector<Token>& tokens, std::size_t s) {
    const std::size_t n = tokens.size();
    if (n >= s + 4 && tokens[s].is_word("DECLARE")) {
      bool cursor = false;
      for (std::size_t i = s + 2; i < n; ++i) {
        if (tokens[i].is_word("CURSOR")) cursor = true;
        if (cursor && tokens[i].is_word("FOR")) return i + 1;
      }
      return 0;
    }
    if (n < s + 4 || !tokens[s].is_word("PREPARE")) return 0;
    std::size_t i = s + 2;
    if (tokens[i].is_punct('(')) {
      int depth = 0;
      for (; i < n; ++i) {
        if (tokens[i].is_punct('(')) ++depth;
        if (tokens[i].is_punct(')') && --depth == 0) break;
      }
      ++i;
    }
    return i < n && tokens[i].is_word("AS") ? i + 1 : 0;
  }

  static bool next_is_number(const std::vector<Token>& tokens, std::size_t i) {
    while (i < tokens.size() && tokens[i].kind == TokenKind::kComment) ++i;
    return i < tokens.size() && tokens[i].kind == TokenKind::kNumber;
  }

  std::string_view text_of(std::size_t index) const {
    const std::size_t start = pieces_[index].start;
    const std::size_t end = index + 1 < pieces_.size() ? pieces_[index + 1].start : out_.size();
    std::string_view v(out_);
    v = v.substr(start, end - start);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
  }

  bool last_word_is(const char* w) const {
    return !pieces_.empty() && pieces_.back().kind == Piece::kWord &&
           word_is(text_of(pieces_.size() - 1), w);
  }

  // Whether a - or + here would be a sign: nothing before it that could be its left operand.
  bool sign_position() const {
    if (pieces_.empty()) return true;
    switch (pieces_.back().kind) {
      case Piece::kName:
      case Piece::kPlaceholder:
      case Piece::kEllipsis:
      case Piece::kClose:
      case Piece::kCloseBracket:
        return false;
      case Piece::kWord:
        return expression_keyword(text_of(pieces_.size() - 1));
      default:
        return true;
    }
  }

  bool space_before(Piece kind) const {
    if (pieces_.empty()) return false;
    const Piece prev = pieces_.back().kind;
    if (prev == Piece::kOpen || prev == Piece::kOpenBracket || prev == Piece::kDot ||
        prev == Piece::kCast) {
      return false;
    }
    switch (kind) {
      case Piece::kComma:
      case Piece::kClose:
      case Piece::kCloseBracket:
      case Piece::kDot:
      case Piece::kCast:
      case Piece::kSemicolon:
      case Piece::kOpenBracket:
        return false;
      case Piece::kOpen:
        if (prev != Piece::kName && prev != Piece::kWord) return true;
        // A table name followed by its column list: `insert into t (a)`, `on t (a)`.
        if (pieces_.size() >= 2 && pieces_[pieces_.size() - 2].kind == Piece::kWord &&
            names_table(text_of(pieces_.size() - 2))) {
          return true;
        }
        return prev == Piece::kWord && spaced_before_paren(text_of(pieces_.size() - 1));
      default:
        return true;
    }
  }

  // Two operator characters written side by side would lex as another token (`:` then `::`
  // is `:::`, read back as `::` and the parameter `:from`; `-` `-` a comment): they keep a
  // space, so the normalised text lexes into the same tokens (found by fuzz_normalize).
  static bool operator_char(char c) {
    return c != 0 && std::strchr("+-*/<>=~!@#%^&|:", c) != nullptr;
  }

  bool would_merge(std::string_view text) const {
    return !out_.empty() && !text.empty() && operator_char(out_.back()) &&
           operator_char(text.front());
  }

  void emit(Piece kind, std::string_view text) {
    if (space_before(kind) || would_merge(text)) out_.push_back(' ');
    pieces_.push_back(OutPiece{kind, out_.size(), false, 0});
    out_.append(text);
  }

  void word(std::string_view text) {
    char buf[16];
    if (text.size() <= 5) {  // true / false are literals
      for (std::size_t k = 0; k < text.size(); ++k) {
        buf[k] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[k])));
      }
      const std::string_view lowered(buf, text.size());
      if (lowered == "true" || lowered == "false") {
        emit(Piece::kPlaceholder, "?");
        return;
      }
    }
    if (space_before(Piece::kWord)) out_.push_back(' ');
    pieces_.push_back(OutPiece{Piece::kWord, out_.size(), false, 0});
    for (char c : text)
      out_.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }

  void name(const Token& t) {
    const std::string value = sql::identifier_value(t);
    if (plain_lower_name(value) && !keeps_quotes(value)) {
      emit(Piece::kName, value);
      return;
    }
    std::string quoted;
    quoted.reserve(value.size() + 2);
    quoted.push_back('"');
    for (char c : value) {
      if (c == '"') quoted.push_back('"');
      quoted.push_back(c);
    }
    quoted.push_back('"');
    emit(Piece::kName, quoted);
  }

  void punct(char c) {
    switch (c) {
      case '(': {
        // A row of a VALUES list: right after VALUES, or after `),` that ended another row.
        bool values_row = last_word_is("values");
        if (!values_row && pieces_.size() >= 2 && pieces_.back().kind == Piece::kComma) {
          const OutPiece& before = pieces_[pieces_.size() - 2];
          values_row = before.kind == Piece::kClose && pieces_[before.partner].values_row;
        }
        emit(Piece::kOpen, "(");
        pieces_.back().values_row = values_row;
        opens_.push_back(pieces_.size() - 1);
        break;
      }
      case '[':
        emit(Piece::kOpenBracket, "[");
        opens_.push_back(pieces_.size() - 1);
        break;
      case ')':
      case ']':
        close(c == ')' ? Piece::kClose : Piece::kCloseBracket,
              c == ')' ? Piece::kOpen : Piece::kOpenBracket);
        break;
      case ',':
        emit(Piece::kComma, ",");
        break;
      case '.':
        emit(Piece::kDot, ".");
        break;
      case ';':
        emit(Piece::kSemicolon, ";");
        opens_.clear();
        break;
      default:
        emit(Piece::kOperator, std::string_view(&c, 1));
        break;
    }
  }

  // Whether pieces (open, end) are `?` separated by commas (or one `...`).
  bool placeholder_list(std::size_t open, std::size_t end) const {
    if (end == open + 2 && pieces_[open + 1].kind == Piece::kEllipsis) return true;
    if (end <= open + 1) return false;
    for (std::size_t k = open + 1; k < end; ++k) {
      const Piece expected = (k - open) % 2 == 1 ? Piece::kPlaceholder : Piece::kComma;
      if (pieces_[k].kind != expected) return false;
    }
    return pieces_[end - 1].kind == Piece::kPlaceholder;
  }

  void close(Piece kind, Piece opener) {
    if (opens_.empty() || pieces_[opens_.back()].kind != opener) {
      emit(kind, kind == Piece::kClose ? ")" : "]");  // unbalanced: written as is
      return;
    }
    const std::size_t open = opens_.back();
    opens_.pop_back();
    const std::size_t end = pieces_.size();
    // IN (?, ?, ...) and ARRAY[?, ...]: one form whatever the length.
    const bool list_owner = open > 0 && pieces_[open - 1].kind == Piece::kWord &&
                            word_is(text_of(open - 1), kind == Piece::kClose ? "in" : "array");
    if (list_owner && placeholder_list(open, end)) {
      out_.resize(pieces_[open].start + 1);
      pieces_.resize(open + 1);
      emit(Piece::kEllipsis, "...");
    }
    emit(kind, kind == Piece::kClose ? ")" : "]");
    pieces_.back().partner = open;
    // A VALUES row identical to the one before it is dropped with its comma.
    if (kind == Piece::kClose && pieces_[open].values_row && open >= 2 &&
        pieces_[open - 1].kind == Piece::kComma && pieces_[open - 2].kind == Piece::kClose) {
      const std::size_t prev_close = open - 2;
      const std::size_t prev_open = pieces_[prev_close].partner;
      const std::string_view previous(out_.data() + pieces_[prev_open].start,
                                      pieces_[prev_close].start + 1 - pieces_[prev_open].start);
      const std::string_view current(out_.data() + pieces_[open].start,
                                     out_.size() - pieces_[open].start);
      if (previous == current) {
        out_.resize(pieces_[prev_close].start + 1);
        pieces_.resize(prev_close + 1);
      }
    }
  }

  std::string out_;
  std::vector<OutPiece> pieces_;
  std::vector<std::size_t> opens_;
};

}  // namespace

std::string normalize_sql(std::string_view sql) {
  Normalizer n(sql.size());
  n.run(sql);
  return n.take();
}

NormalizedQuery normalize_query(std::string_view sql) {
  NormalizedQuery q;
  q.text = normalize_sql(sql);
  q.fingerprint = xxh3_64(q.text);
  return q;
}

std::string fingerprint_hex(std::uint64_t fingerprint) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[fingerprint & 0xfU];
    fingerprint >>= 4U;
  }
  return out;
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
