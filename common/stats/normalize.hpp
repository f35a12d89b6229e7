// common/stats/normalize.hpp
//
// The query normaliser behind vigil_query_stats(): one SQL text in, the text with every literal
// replaced by a placeholder out, so that executions that differ only in their values are counted
// together -- and the same query gives the same normalised text, and so the same fingerprint, in
// SQLite and in PostgreSQL (any version: nothing here depends on a parser's internals).
//
// Rules, applied to the tokens of common/sql/lexer.hpp (comments are dropped):
//   - strings ('..', E'..', U&'..', X'..', B'..', N'..', $tag$..$tag$), numbers (with a unary
//     minus or plus folded in: `= -5`), TRUE/FALSE and parameters ($1, ?, ?1, :name, @name) all
//     become `?`;
//   - `IN (?, ?, ...)` and `ARRAY[?, ...]` of any length become `in (...)` / `array[...]`, and
//     repeated identical rows of a VALUES list are kept once: `values (?, ?)`;
//   - bare words (keywords and unquoted identifiers) are lower-cased, as both engines fold them;
//     a quoted identifier that is already a lower-case plain name loses its quotes ("videos" is
//     videos in both engines) unless it spells a keyword ("true", "in", "select" keep them: the
//     normalised text normalises to itself), any other is written with double quotes
//     ([My Table] and `My Table` become "My Table");
//   - whitespace is rebuilt from the tokens (one space between tokens, none inside `a.b`,
//     `x::int`, `f(x)`, before `,` or `)`), and trailing semicolons go.
// PostgreSQL's `PREPARE name [(types)] AS` and `DECLARE name ... CURSOR ... FOR` prefixes are
// dropped: what they prepare is what runs.  NULL is kept (`IS NULL` and `= NULL` are different
// queries).  The normalised text is for grouping and display; it is not meant to be run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil {

struct NormalizedQuery {
  std::string text;
  std::uint64_t fingerprint = 0;  // XXH3-64 of `text`
};

// The normalised text and its fingerprint.  Never fails (the lexer never does).
NormalizedQuery normalize_query(std::string_view sql);

// The normalised text only.
std::string normalize_sql(std::string_view sql);

// A fingerprint as vigil shows it: 16 lower-case hex digits.
std::string fingerprint_hex(std::uint64_t fingerprint);

}  // namespace vigil
