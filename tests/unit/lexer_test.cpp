// tests/unit/lexer_test.cpp
//
// vigil::sql::tokenize and identifier_value on the token forms of both engines.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "sql/lexer.hpp"

namespace {

using vigil::sql::Token;
using vigil::sql::TokenKind;
using vigil::sql::tokenize;

using Pair = std::pair<TokenKind, std::string>;

std::vector<Pair> lex(std::string_view input) {
  std::vector<Pair> out;
  for (const Token& t : tokenize(input)) out.emplace_back(t.kind, std::string(t.text));
  return out;
}

constexpr TokenKind W = TokenKind::kWord;
constexpr TokenKind Q = TokenKind::kQuotedName;
constexpr TokenKind S = TokenKind::kString;
constexpr TokenKind N = TokenKind::kNumber;
constexpr TokenKind P = TokenKind::kParameter;
constexpr TokenKind O = TokenKind::kOperator;
constexpr TokenKind U = TokenKind::kPunct;
constexpr TokenKind C = TokenKind::kComment;

TEST(Lexer, EmptyAndWhitespaceOnlyInputGiveNoTokens) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize("  \t\n ").empty());
}

TEST(Lexer, SimpleStatementWithOffsets) {
  const auto tokens = tokenize("SELECT a, b FROM t;");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(lex("SELECT a, b FROM t;"),
            (std::vector<Pair>{{W, "SELECT"}, {W, "a"}, {U, ","}, {W, "b"}, {W, "FROM"}, {W, "t"},
                               {U, ";"}}));
  EXPECT_EQ(tokens[0].offset, 0u);
  EXPECT_EQ(tokens[1].offset, 7u);
  EXPECT_EQ(tokens[2].offset, 8u);
  EXPECT_EQ(tokens[6].offset, 18u);
  EXPECT_TRUE(tokens[0].is_word("SELECT"));
  EXPECT_TRUE(tokens[4].is_word("FROM"));
  EXPECT_FALSE(tokens[4].is_word("FRO"));
  EXPECT_TRUE(tokens[2].is_punct(','));
  EXPECT_FALSE(tokens[1].is_punct(','));
}

TEST(Lexer, StringWithDoubledQuotesIsOneToken) {
  EXPECT_EQ(lex("x = 'it''s' AND y"),
            (std::vector<Pair>{{W, "x"}, {O, "="}, {S, "'it''s'"}, {W, "AND"}, {W, "y"}}));
  EXPECT_EQ(lex("''''"), (std::vector<Pair>{{S, "''''"}}));
  EXPECT_EQ(lex("'' 'a'"), (std::vector<Pair>{{S, "''"}, {S, "'a'"}}));
}

TEST(Lexer, EscapeStringWithBackslashes) {
  EXPECT_EQ(lex(R"(E'it\'s' x)"), (std::vector<Pair>{{S, R"(E'it\'s')"}, {W, "x"}}));
  EXPECT_EQ(lex(R"(e'a\\' b)"), (std::vector<Pair>{{S, R"(e'a\\')"}, {W, "b"}}));
  // Outside E'' a backslash is an ordinary character: the string ends at the second quote.
  EXPECT_EQ(lex(R"('a\' b)"), (std::vector<Pair>{{S, R"('a\')"}, {W, "b"}}));
}

TEST(Lexer, BlobAndNationalStrings) {
  EXPECT_EQ(lex("X'0aFF' N'x'"), (std::vector<Pair>{{S, "X'0aFF'"}, {S, "N'x'"}}));
}

TEST(Lexer, DollarQuotedStrings) {
  EXPECT_EQ(lex("$$it's; -- not a comment$$ x"),
            (std::vector<Pair>{{S, "$$it's; -- not a comment$$"}, {W, "x"}}));
  EXPECT_EQ(lex("$fn$ a $$ b $fn$;"), (std::vector<Pair>{{S, "$fn$ a $$ b $fn$"}, {U, ";"}}));
  EXPECT_EQ(lex("$a_1$x$a_1$"), (std::vector<Pair>{{S, "$a_1$x$a_1$"}}));
}

TEST(Lexer, QuotedIdentifiersOfEveryStyle) {
  const auto tokens = tokenize(R"("my ""col""" [a b] `x``y` "")");
  ASSERT_EQ(tokens.size(), 4u);
  for (const auto& t : tokens) EXPECT_EQ(t.kind, TokenKind::kQuotedName) << t.text;
  EXPECT_EQ(tokens[0].text, R"("my ""col""")");
  EXPECT_EQ(vigil::sql::identifier_value(tokens[0]), R"(my "col")");
  EXPECT_EQ(tokens[1].text, "[a b]");
  EXPECT_EQ(vigil::sql::identifier_value(tokens[1]), "a b");
  EXPECT_EQ(tokens[2].text, "`x``y`");
  EXPECT_EQ(vigil::sql::identifier_value(tokens[2]), "x`y");
  EXPECT_EQ(vigil::sql::identifier_value(tokens[3]), "");
}

TEST(Lexer, IdentifierValueOfBareWordKeepsCase) {
  const auto tokens = tokenize("MyTable");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].kind, TokenKind::kWord);
  EXPECT_EQ(vigil::sql::identifier_value(tokens[0]), "MyTable");
  EXPECT_FALSE(tokens[0].is_word("mytable"));  // the argument is the upper-case keyword
  EXPECT_TRUE(tokens[0].is_word("MYTABLE"));
}

TEST(Lexer, QuotedNameIsNotAWord) {
  const auto tokens = tokenize(R"("CHECK")");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_FALSE(tokens[0].is_word("CHECK"));
}

TEST(Lexer, Numbers) {
  EXPECT_EQ(lex("1 1.5 .5 1e10 2.5E-3 0x1F 1_000"),
            (std::vector<Pair>{{N, "1"}, {N, "1.5"}, {N, ".5"}, {N, "1e10"}, {N, "2.5E-3"},
                               {N, "0x1F"}, {N, "1_000"}}));
  // "1e" without digits: the number stops before the 'e'.
  EXPECT_EQ(lex("1e"), (std::vector<Pair>{{N, "1"}, {W, "e"}}));
  EXPECT_EQ(lex("-1"), (std::vector<Pair>{{O, "-"}, {N, "1"}}));
}

TEST(Lexer, Parameters) {
  EXPECT_EQ(lex("$1 ? ?3 :name @name $12"),
            (std::vector<Pair>{{P, "$1"}, {P, "?"}, {P, "?3"}, {P, ":name"}, {P, "@name"},
                               {P, "$12"}}));
  EXPECT_EQ(lex("a=?1,b=:b_2"), (std::vector<Pair>{{W, "a"}, {O, "="}, {P, "?1"}, {U, ","},
                                                    {W, "b"}, {O, "="}, {P, ":b_2"}}));
}

TEST(Lexer, DoubleColonCastIsAnOperatorNotAParameter) {
  EXPECT_EQ(lex("'1'::int"), (std::vector<Pair>{{S, "'1'"}, {O, "::"}, {W, "int"}}));
  EXPECT_EQ(lex("x::text::varchar"),
            (std::vector<Pair>{{W, "x"}, {O, "::"}, {W, "text"}, {O, "::"}, {W, "varchar"}}));
  EXPECT_EQ(lex("$1::integer"), (std::vector<Pair>{{P, "$1"}, {O, "::"}, {W, "integer"}}));
}

TEST(Lexer, LineComments) {
  EXPECT_EQ(lex("a -- note 'x\nb"), (std::vector<Pair>{{W, "a"}, {C, "-- note 'x"}, {W, "b"}}));
  EXPECT_EQ(lex("a --end"), (std::vector<Pair>{{W, "a"}, {C, "--end"}}));
}

TEST(Lexer, NestedBlockComments) {
  EXPECT_EQ(lex("a /* x /* y */ z */ b"),
            (std::vector<Pair>{{W, "a"}, {C, "/* x /* y */ z */"}, {W, "b"}}));
  EXPECT_EQ(lex("/* 'not a string */ 'is'"), (std::vector<Pair>{{C, "/* 'not a string */"},
                                                                  {S, "'is'"}}));
}

TEST(Lexer, MultiCharacterOperators) {
  EXPECT_EQ(lex("j->>'k' j->'k' a::b a<=b a>=b a<>b a!=b a||b a==b a@>b a<@b a<<b a>>b"),
            (std::vector<Pair>{{W, "j"}, {O, "->>"}, {S, "'k'"}, {W, "j"}, {O, "->"},
                               {S, "'k'"}, {W, "a"}, {O, "::"}, {W, "b"}, {W, "a"}, {O, "<="},
                               {W, "b"}, {W, "a"}, {O, ">="}, {W, "b"}, {W, "a"}, {O, "<>"},
                               {W, "b"}, {W, "a"}, {O, "!="}, {W, "b"}, {W, "a"}, {O, "||"},
                               {W, "b"}, {W, "a"}, {O, "=="}, {W, "b"}, {W, "a"}, {O, "@>"},
                               {W, "b"}, {W, "a"}, {O, "<@"}, {W, "b"}, {W, "a"}, {O, "<<"},
                               {W, "b"}, {W, "a"}, {O, ">>"}, {W, "b"}}));
  EXPECT_EQ(lex("a<b"), (std::vector<Pair>{{W, "a"}, {O, "<"}, {W, "b"}}));
}

TEST(Lexer, Punctuation) {
  EXPECT_EQ(lex("f(a.b,[c]);"),
            (std::vector<Pair>{{W, "f"}, {U, "("}, {W, "a"}, {U, "."}, {W, "b"}, {U, ","},
                               {Q, "[c]"}, {U, ")"}, {U, ";"}}));
}

TEST(Lexer, UnterminatedFormsRunToTheEnd) {
  EXPECT_EQ(lex("SELECT 'abc"), (std::vector<Pair>{{W, "SELECT"}, {S, "'abc"}}));
  EXPECT_EQ(lex("'it''"), (std::vector<Pair>{{S, "'it''"}}));
  EXPECT_EQ(lex(R"(E'abc\)"), (std::vector<Pair>{{S, R"(E'abc\)"}}));
  EXPECT_EQ(lex("x \"abc"), (std::vector<Pair>{{W, "x"}, {Q, "\"abc"}}));
  EXPECT_EQ(lex("$$abc"), (std::vector<Pair>{{S, "$$abc"}}));
  EXPECT_EQ(lex("$t$abc$"), (std::vector<Pair>{{S, "$t$abc$"}}));
  EXPECT_EQ(lex("a /* x /* y */"), (std::vector<Pair>{{W, "a"}, {C, "/* x /* y */"}}));
  EXPECT_EQ(lex("[abc"), (std::vector<Pair>{{Q, "[abc"}}));
}

TEST(Lexer, TokensCoverTheirInputBytes) {
  const std::string input = "INSERT INTO \"t\" VALUES ($1, 'x''y', 1.5e3) -- c";
  for (const Token& t : tokenize(input)) {
    EXPECT_EQ(input.substr(t.offset, t.text.size()), std::string(t.text));
  }
}

TEST(Lexer, NonAsciiIdentifiers) {
  EXPECT_EQ(lex("prénom = 1"), (std::vector<Pair>{{W, "prénom"}, {O, "="}, {N, "1"}}));
}

TEST(Lexer, AsciiLower) {
  EXPECT_EQ(vigil::sql::ascii_lower("MixED_Case É"), "mixed_case É");
}

}  // namespace
