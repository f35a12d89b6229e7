// common/migrate/splitter.hpp
//
// A statement splitter for migration text, built on the SQL lexer (common/sql/lexer.hpp), so
// that semicolons inside strings, dollar-quoted bodies, quoted identifiers and comments never
// split a statement.  It also knows the two places where SQL puts statements inside a
// statement: SQLite's CREATE TRIGGER ... BEGIN ...; END and PostgreSQL's CREATE FUNCTION ...
// BEGIN ATOMIC ...; END (inside them, only "; END" followed by ";" or the end of the text
// closes the statement, as sqlite3_complete() decides), and semicolons inside parentheses
// (CREATE RULE ... DO (...; ...)).
//
// split_statements() refuses text no engine could parse, before anything runs: an
// unterminated string, quoted identifier, dollar quote or comment; unbalanced parentheses; a
// trigger body without END; a psql meta-command or sqlite3 dot-command; a statement that does
// not start with an SQL command word.  Deeper syntax is the engine's business
// (Session::syntax_error).
//
// classify_statement() says whether a statement can run inside a transaction (and so inside
// vigil_migrate()), cannot (CREATE INDEX CONCURRENTLY, VACUUM, ALTER SYSTEM, CREATE DATABASE,
// ATTACH, PRAGMA journal_mode, COPY ... FROM STDIN, ...: the migration becomes `manual`), or is
// transaction control (BEGIN, COMMIT, SAVEPOINT, ...: refused, vigil owns the transaction).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::migrate {

struct SqlStatement {
  std::string text;        // as written, from its first token to its last, without the ';'
  std::size_t offset = 0;  // byte offset of its first token in the migration text
  int line = 1;            // 1-based line of its first token
};

// The most statements one migration's up_sql or down_sql may hold (docs/migrations.md).
inline constexpr std::size_t kMaxStatementsPerMigration = 100000;

struct SplitOptions {
  // More statements than this: kProgramLimitExceeded (54000); 0: no limit.
  std::size_t max_statements = kMaxStatementsPerMigration;
  // Called every few thousand tokens (Session::check_interrupts), when set.
  std::function<void()> check_interrupts;
  // For tests: set to the bytes the line numbering read (at most the text's size once, as it
  // counts incrementally, plus one recount from the start for the line of an error).
  std::size_t* line_bytes_scanned = nullptr;
};

// Throws kSyntaxError naming `what` ("up_sql", "down_sql") and the line of the problem.
// Text with no statement at all gives an empty vector.  One pass, linear in the text; memory
// is the statements found.
std::vector<SqlStatement> split_statements(std::string_view sql, std::string_view what,
                                           const SplitOptions& options = {});

enum class StatementKind {
  kTransactional,       // runs inside a transaction
  kNonTransactional,    // cannot run inside a transaction or a function: manual
  kTransactionControl,  // BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ...: refused
};

struct Classification {
  StatementKind kind = StatementKind::kTransactional;
  std::string reason;  // "CREATE INDEX CONCURRENTLY", "VACUUM", "COMMIT", ...
};

Classification classify_statement(std::string_view statement);

// The tables a statement may write to or redefine (CREATE/ALTER/DROP TABLE, INSERT INTO,
// UPDATE, DELETE FROM, REPLACE INTO, TRUNCATE, CREATE INDEX ... ON, ALTER TABLE ... RENAME TO),
// as identifiers (quotes removed; a schema qualifier is kept as "schema.name").  An
// over-approximation: used to choose which tables to check for foreign-key violations.
std::vector<std::string> written_tables(std::string_view statement);

}  // namespace vigil::migrate
