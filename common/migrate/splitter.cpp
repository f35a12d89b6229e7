// common/migrate/splitter.cpp: statement splitting and classification of migration text
// (splitter.hpp).
#include "migrate/splitter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "sql/lexer.hpp"
#include "vigil/error.hpp"

namespace vigil::migrate {
namespace {

using sql::Token;
using sql::TokenKind;

// Words that start a statement in PostgreSQL or SQLite.
constexpr std::array<std::string_view, 57> kCommandWords = {
    "ABORT",      "ALTER",    "ANALYSE",   "ANALYZE",  "ATTACH",  "BEGIN",   "CALL",
    "CHECKPOINT", "CLOSE",    "CLUSTER",   "COMMENT",  "COMMIT",  "COPY",    "CREATE",
    "DEALLOCATE", "DECLARE",  "DELETE",    "DETACH",   "DISCARD", "DO",      "DROP",
    "END",        "EXECUTE",  "EXPLAIN",   "FETCH",    "GRANT",   "IMPORT",  "INSERT",
    "LISTEN",     "LOAD",     "LOCK",      "MERGE",    "MOVE",    "NOTIFY",  "PRAGMA",
    "PREPARE",    "REASSIGN", "REFRESH",   "REINDEX",  "RELEASE", "REPLACE", "RESET",
    "REVOKE",     "ROLLBACK", "SAVEPOINT", "SECURITY", "SELECT",  "SET",     "SHOW",
    "START",      "TABLE",    "TRUNCATE",  "UNLISTEN", "UPDATE",  "VACUUM",  "VALUES",
    "WITH",
};

bool is_command_word(const Token& t) {
  return std::any_of(kCommandWords.begin(), kCommandWords.end(),
                     [&](std::string_view w) { return t.is_word(w); });
}

// A token as an error message shows it: at most 40 bytes (cut on a UTF-8 character boundary,
// then "..."), control characters and NUL as \xNN -- a NUL would end the message where C
// strings are read (found by fuzz_splitter), and a 1 MB word made a 1 MB message.
std::string shown(std::string_view text) {
  constexpr std::size_t kMax = 40;
  std::size_t n = std::min(text.size(), kMax);
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0U) == 0x80U) --n;
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  if (n < text.size()) out += "...";
  return out;
}

// Line numbers of offsets that only move forward, counted incrementally: the newlines of the
// text are counted once in all (counting from the start for every statement made a split of
// 5 million statements quadratic, issue #16).  An offset behind the last one asked (only the
// error of a statement's start) is counted from the start, once.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  int at(std::size_t offset) {
    if (offset < pos_) {
      pos_ = 0;
      line_ = 1;
    }
    counted_ += offset - pos_;
    line_ +=
        static_cast<int>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                    text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
    pos_ = offset;
    return line_;
  }
  std::size_t bytes_counted() const { return counted_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t counted_ = 0;
};

// Whether a quoted run opening at `open` in `text` is closed exactly at the end of `text`.
bool quoted_closed(std::string_view text, std::size_t open, char close, bool backslash) {
  std::size_t i = open + 1;
  while (i < text.size()) {
    if (backslash && text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == close) {
      if (close != ']' && i + 1 < text.size() && text[i + 1] == close) {
        i += 2;
        continue;
      }
      return i + 1 == text.size();
    }
    ++i;
  }
  return false;
}

// What is unterminated about `t` ("" when nothing is).  The lexer runs an unterminated token
// to the end of the input, so only the last token can be one.
std::string unterminated(const Token& t) {
  const std::string_view s = t.text;
  switch (t.kind) {
    case TokenKind::kString: {
      if (s[0] == '$') {
        const std::size_t tag_end = s.find('$', 1);
        const std::string_view tag = s.substr(0, tag_end + 1);
        const bool ok = s.size() >= 2 * tag.size() && s.substr(s.size() - tag.size()) == tag;
        return ok ? "" : "dollar-quoted string";
      }
      const bool prefixed = s[0] != '\'';
      const bool backslash = s[0] == 'E' || s[0] == 'e';
      return quoted_closed(s, prefixed ? 1 : 0, '\'', backslash) ? "" : "quoted string";
    }
    case TokenKind::kQuotedName: {
      const char close = s[0] == '[' ? ']' : s[0];
      return quoted_closed(s, 0, close, false) ? "" : "quoted identifier";
    }
    case TokenKind::kComment: {
      if (s.substr(0, 2) != "/*") return "";
      int depth = 0;
      for (std::size_t i = 0; i + 1 < s.size(); ++i) {
        if (s[i] == '/' && s[i + 1] == '*') {
          ++depth;
          ++i;
        } else if (s[i] == '*' && s[i + 1] == '/') {
          --depth;
          ++i;
          if (depth == 0) return i + 1 == s.size() ? "" : "/* comment";
        }
      }
      return "/* comment";
    }
    default:
      return "";
  }
}

// One pass over the tokens, one at a time (sql::TokenStream), keeping of the current statement
// only what the decisions need (its first token, its last two, whether it has TRIGGER): memory
// is the statements found, time linear in the text.
class Splitter {
 public:
  Splitter(std::string_view sql, std::string_view what, const SplitOptions& options)
      : sql_(sql), what_(what), options_(options), lines_(sql) {}
  ~Splitter() {
    if (options_.line_bytes_scanned != nullptr)
      *options_.line_bytes_scanned = lines_.bytes_counted();
  }
  Splitter(const Splitter&) = delete;
  Splitter& operator=(const Splitter&) = delete;

  std::vector<SqlStatement> run() {
    // First pass: only the last token can be unterminated (the lexer runs one to the end of
    // the input), and that error comes before any other.
    std::size_t seen = 0;
    {
      sql::TokenStream stream(sql_);
      Token t;
      Token last_token;
      bool any = false;
      while (stream.next(t)) {
        if (options_.check_interrupts && (++seen & 0xFFFU) == 0) options_.check_interrupts();
        last_token = t;
        any = true;
      }
      if (any) {
        const std::string problem = unterminated(last_token);
        if (!problem.empty()) fail(last_token.offset, fmt::format("unterminated {}", problem));
      }
    }
    sql::TokenStream stream(sql_);
    Token t;
    while (stream.next(t)) {
      if (options_.check_interrupts && (++seen & 0xFFFU) == 0) options_.check_interrupts();
      if (t.kind == TokenKind::kComment) continue;
      if (atomic_pending_) {  // the first significant token after CREATE ... BEGIN
        atomic_pending_ = false;
        if (t.is_word("ATOMIC")) in_block_ = true;
      }
      if (size_ == 0 && t.is_punct(';')) continue;  // an empty statement
      if (t.is_punct('(')) ++depth_;
      if (t.is_punct(')')) {
        if (--depth_ < 0) fail(t.offset, "unbalanced parentheses: ')' without '('");
      }
      if (t.is_punct(';') && depth_ == 0 && !in_block_open()) {
        finish();
        continue;
      }
      if (size_ > 0 && depth_ == 0 && t.is_word("BEGIN") && first_.is_word("CREATE")) {
        if (has_trigger_) {
          in_block_ = true;
        } else {
          atomic_pending_ = true;  // BEGIN ATOMIC: decided by the next significant token
        }
      }
      push(t);
    }
    if (size_ > 0) {
      if (in_block_ && !block_closed()) {
        fail(first_.offset,
             "the BEGIN ... END block of this statement is never closed with \"; END\"");
      }
      if (depth_ > 0) fail(first_.offset, "unbalanced parentheses: '(' without ')'");
      finish();
    }
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& message) {
    throw Error(ErrorCode::kSyntaxError,
                fmt::format("{}: {} (line {})", what_, message, lines_.at(offset)));
  }

  void push(const Token& t) {
    if (size_ == 0) first_ = t;
    before_last_ = last_;
    last_ = t;
    ++size_;
    if (t.is_word("TRIGGER")) has_trigger_ = true;
  }

  // Inside a trigger or BEGIN ATOMIC body: a ';' closes the statement only after "; END"
  // (or "BEGIN END", "BEGIN ATOMIC END").
  bool in_block_open() const { return in_block_ && !block_closed(); }

  bool block_closed() const {
    if (size_ < 2 || !last_.is_word("END")) return false;
    return before_last_.is_punct(';') || before_last_.is_word("BEGIN") ||
           before_last_.is_word("ATOMIC");
  }

  void finish() {
    const Token& first = first_;
    const Token& last = last_;
    if (first.kind == TokenKind::kOperator && first.text[0] == '\\') {
      fail(first.offset, "psql meta-commands (\\...) are not SQL: run them with psql itself");
    }
    if (first.is_punct('.')) {
      fail(first.offset,
           "sqlite3 shell dot-commands (.read, .import, ...) are not SQL: run them with the "
           "shell itself");
    }
    if (!first.is_punct('(') && !is_command_word(first)) {
      fail(first.offset, fmt::format("statement {} does not start with an SQL command: \"{}\"",
                                     out_.size() + 1, shown(first.text)));
    }
    if (options_.max_statements > 0 && out_.size() == options_.max_statements) {
      throw Error(ErrorCode::kProgramLimitExceeded,
                  fmt::format("{} has more than {} statements (line {})", what_,
                              options_.max_statements, lines_.at(first.offset)),
                  "Split the work into several migrations.");
    }
    SqlStatement s;
    s.offset = first.offset;
    s.text = std::string(sql_.substr(first.offset, last.offset + last.text.size() - first.offset));
    s.line = lines_.at(first.offset);
    out_.push_back(std::move(s));
    size_ = 0;
    has_trigger_ = false;
    atomic_pending_ = false;
    in_block_ = false;
    depth_ = 0;
  }

  std::string_view sql_;
  std::string_view what_;
  const SplitOptions& options_;
  LineCounter lines_;
  std::vector<SqlStatement> out_;
  // The current statement: its significant tokens so far (size_), the first and last two.
  std::size_t size_ = 0;
  Token first_;
  Token last_;
  Token before_last_;
  bool has_trigger_ = false;
  bool atomic_pending_ = false;
  int depth_ = 0;
  bool in_block_ = false;
};

// The statement's tokens without comments.
std::vector<Token> significant(std::string_view statement) {
  std::vector<Token> out;
  for (const Token& t : sql::tokenize(statement)) {
    if (t.kind != TokenKind::kComment) out.push_back(t);
  }
  return out;
}

bool word_at(const std::vector<Token>& t, std::size_t i, std::string_view w) {
  return i < t.size() && t[i].is_word(w);
}

bool has_word(const std::vector<Token>& t, std::string_view w) {
  return std::any_of(t.begin(), t.end(), [&](const Token& x) { return x.is_word(w); });
}

Classification manual(std::string reason) {
  return {StatementKind::kNonTransactional, std::move(reason)};
}

// A possibly qualified name starting at token i: "name" or "schema.name"; i moves past it.
std::string name_at(const std::vector<Token>& t, std::size_t& i) {
  if (i >= t.size() || (t[i].kind != TokenKind::kWord && t[i].kind != TokenKind::kQuotedName)) {
    return {};
  }
  std::string name = sql::identifier_value(t[i++]);
  if (i + 1 < t.size() && t[i].is_punct('.') &&
      (t[i + 1].kind == TokenKind::kWord || t[i + 1].kind == TokenKind::kQuotedName)) {
    name += "." + sql::identifier_value(t[i + 1]);
    i += 2;
  }
  return name;
}

}  // namespace

std::vector<SqlStatement> split_statements(std::string_view sql, std::string_view what,
                                           const SplitOptions& options) {
  return Splitter(sql, what, options).run();
}

Classification classify_statement(std::string_view statement) {
  const std::vector<Token> t = significant(statement);
  if (t.empty()) return {};
  const Token& w0 = t[0];

  // Transaction control: vigil runs each migration in its own (sub)transaction.
  if (w0.is_word("BEGIN") || w0.is_word("COMMIT") || w0.is_word("END") || w0.is_word("ROLLBACK") ||
      w0.is_word("ABORT") || w0.is_word("SAVEPOINT") || w0.is_word("RELEASE") ||
      (w0.is_word("START") && word_at(t, 1, "TRANSACTION")) ||
      (w0.is_word("PREPARE") && word_at(t, 1, "TRANSACTION"))) {
    std::string reason = sql::ascii_lower(w0.text);
    for (char& c : reason) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (word_at(t, 1, "TRANSACTION") || word_at(t, 1, "PREPARED")) {
      reason += word_at(t, 1, "TRANSACTION") ? " TRANSACTION" : " PREPARED";
    }
    return {StatementKind::kTransactionControl, reason};
  }

  if (w0.is_word("VACUUM")) return manual("VACUUM");
  if (w0.is_word("CREATE")) {
    std::size_t i = 1;
    if (word_at(t, i, "UNIQUE")) ++i;
    if (word_at(t, i, "INDEX") && word_at(t, i + 1, "CONCURRENTLY")) {
      return manual("CREATE INDEX CONCURRENTLY");
    }
    if (word_at(t, 1, "DATABASE")) return manual("CREATE DATABASE");
    if (word_at(t, 1, "TABLESPACE")) return manual("CREATE TABLESPACE");
    if (word_at(t, 1, "SUBSCRIPTION")) return manual("CREATE SUBSCRIPTION");
  }
  if (w0.is_word("DROP")) {
    if (word_at(t, 1, "INDEX") && word_at(t, 2, "CONCURRENTLY")) {
      return manual("DROP INDEX CONCURRENTLY");
    }
    if (word_at(t, 1, "DATABASE")) return manual("DROP DATABASE");
    if (word_at(t, 1, "TABLESPACE")) return manual("DROP TABLESPACE");
    if (word_at(t, 1, "SUBSCRIPTION")) return manual("DROP SUBSCRIPTION");
  }
  if (w0.is_word("REINDEX")) {
    if (has_word(t, "CONCURRENTLY")) return manual("REINDEX CONCURRENTLY");
    if (has_word(t, "DATABASE")) return manual("REINDEX DATABASE");
    if (has_word(t, "SYSTEM")) return manual("REINDEX SYSTEM");
  }
  if (w0.is_word("ALTER")) {
    if (word_at(t, 1, "SYSTEM")) return manual("ALTER SYSTEM");
    if (word_at(t, 1, "DATABASE") && has_word(t, "TABLESPACE")) {
      return manual("ALTER DATABASE ... SET TABLESPACE");
    }
    if (word_at(t, 1, "SUBSCRIPTION") && (has_word(t, "REFRESH") || has_word(t, "PUBLICATION"))) {
      return manual("ALTER SUBSCRIPTION ... PUBLICATION");
    }
    if (word_at(t, 1, "TABLE") && has_word(t, "DETACH") && has_word(t, "CONCURRENTLY")) {
      return manual("ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY");
    }
  }
  if (w0.is_word("CLUSTER")) {
    // Only the form without a table (recluster every table) refuses a transaction block.
    bool has_name = false;
    int depth = 0;
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (t[i].is_punct('(')) ++depth;
      if (t[i].is_punct(')')) --depth;
      if (depth == 0 && (t[i].kind == TokenKind::kQuotedName ||
                         (t[i].kind == TokenKind::kWord && !t[i].is_word("VERBOSE")))) {
        has_name = true;
      }
    }
    if (!has_name) return manual("CLUSTER without a table");
  }
  if (w0.is_word("DISCARD") && word_at(t, 1, "ALL")) return manual("DISCARD ALL");
  if (w0.is_word("ATTACH")) return manual("ATTACH");
  if (w0.is_word("DETACH")) return manual("DETACH");
  if (w0.is_word("PRAGMA")) {
    std::size_t i = 1;
    if (i + 1 < t.size() && t[i + 1].is_punct('.')) i += 2;
    if (word_at(t, i, "JOURNAL_MODE") && i + 1 < t.size()) return manual("PRAGMA journal_mode");
  }
  if (w0.is_word("COPY") && (has_word(t, "STDIN") || has_word(t, "STDOUT"))) {
    return manual("COPY with STDIN or STDOUT");
  }
  return {};
}

std::vector<std::string> written_tables(std::string_view statement) {
  const std::vector<Token> t = significant(statement);
  std::vector<std::string> out;
  auto add = [&](std::size_t i) {
    while (word_at(t, i, "IF") || word_at(t, i, "NOT") || word_at(t, i, "EXISTS") ||
           word_at(t, i, "ONLY")) {
      ++i;
    }
    const std::string name = name_at(t, i);
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  };
  const bool create_index =
      word_at(t, 0, "CREATE") &&
      (word_at(t, 1, "INDEX") || (word_at(t, 1, "UNIQUE") && word_at(t, 2, "INDEX")));
  bool index_target_added = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const Token& w = t[i];
    if (w.kind != TokenKind::kWord) continue;
    const bool after_keyword_context =
        i > 0 && (t[i - 1].is_word("ON") || t[i - 1].is_word("FOR") || t[i - 1].is_word("DO") ||
                  t[i - 1].is_word("OF") || t[i - 1].is_word("BEFORE") ||
                  t[i - 1].is_word("AFTER") || t[i - 1].is_word("INSTEAD"));
    if (w.is_word("TABLE") && i > 0 &&
        (t[0].is_word("CREATE") || t[0].is_word("ALTER") || t[0].is_word("DROP") ||
         t[0].is_word("TRUNCATE"))) {
      add(i + 1);
      if (t[0].is_word("DROP")) {  // DROP TABLE a, b
        for (std::size_t j = i + 2; j + 1 < t.size(); ++j) {
          if (t[j].is_punct(',')) add(j + 1);
        }
      }
      continue;
    }
    if (w.is_word("TRUNCATE") && i == 0 && !word_at(t, 1, "TABLE")) {
      add(1);
      continue;
    }
    if (w.is_word("UPDATE") && !after_keyword_context) {
      add(word_at(t, i + 1, "OR") ? i + 3 : i + 1);
      continue;
    }
    // INSERT/REPLACE ... INTO t, DELETE FROM t, ALTER TABLE ... RENAME TO t, CREATE INDEX ... ON t
    const bool name_follows = w.is_word("INTO") ||
                              (w.is_word("FROM") && i > 0 && t[i - 1].is_word("DELETE")) ||
                              (w.is_word("TO") && i > 0 && t[i - 1].is_word("RENAME") &&
                               t[0].is_word("ALTER") && word_at(t, 1, "TABLE")) ||
                              (create_index && w.is_word("ON") && !index_target_added);
    if (name_follows) {
      if (w.is_word("ON")) index_target_added = true;
      add(i + 1);
    }
  }
  return out;
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
