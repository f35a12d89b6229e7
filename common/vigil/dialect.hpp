// common/vigil/dialect.hpp
//
// Everything that differs between engines at the SQL level: identifier quoting, parameter
// markers, and the text of the catalog queries that feed the schema model.  The core asks the
// dialect and never branches on the engine's name.
//
// Each catalog query returns the columns documented beside it, in that order, with the types
// noted; flags may come back as booleans or 0/1 integers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/model.hpp"
#include "vigil/value.hpp"

namespace vigil {

class Session;

// One of vigil's own tables (the ledger of migrations, the quarantine, ...), described once,
// engine-neutrally.  Its name must be listed in kOwnTables (functions.hpp).
struct OwnColumn {
  std::string name;
  ValueKind type;
  std::string constraints;  // portable column constraints: "NOT NULL", "PRIMARY KEY", ...
};
struct OwnTable {
  std::string name;
  std::vector<OwnColumn> columns;
  std::vector<std::string> table_constraints;  // portable: "PRIMARY KEY (a, b)", "UNIQUE (x)"
};

// A health metric only one engine has (common/stats/health.cpp evaluates it): either a query
// returning one row (value real or NULL, detail text or NULL) -- given the metric's threshold as
// its one parameter when takes_threshold -- or a computation.
struct HealthProbe {
  std::string metric;
  std::string sql;
  bool takes_threshold = false;
  std::function<Row(Session&)> compute;  // used instead of sql when set
};

// A table whose planner statistics are missing or stale, for vigil_optimize().
struct StaleTable {
  TableRef table;
  std::string reason;
};

// An engine-specific recommendation of vigil_optimize() (WAL mode, PRAGMA optimize, ...).
struct EngineAdvice {
  std::string action;
  std::string target;
  std::string reason;
  std::string sql;
  bool safe = false;  // vigil_optimize(true) applies it
};

class Dialect {
 public:
  virtual ~Dialect() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view engine() const = 0;
  // The schema whose tables are shown without a schema prefix: "main" / "public".
  virtual std::string_view default_schema() const = 0;
  // Marker of the n-th (1-based) bound parameter: "?1" / "$1".
  virtual std::string param(int n) const = 0;

  // Always-quoted identifier; both engines use "..." with doubled quotes.  Throws
  // kInvalidParameter for names no engine can hold (empty, or containing a NUL byte).
  std::string quote_identifier(std::string_view name) const;
  // "schema"."table"
  std::string qualified(const TableRef& table) const;
  // Whether `schema` is the session's temporary schema ("temp" / "pg_temp_N").
  virtual bool is_temp_schema(std::string_view schema) const = 0;
  // The name users see: bare in the default schema and the temporary schema (an unqualified
  // name finds a temp table first in both engines), schema.name elsewhere.
  std::string display_name(const TableRef& table) const;

  // User tables (not views, not the engine's or vigil's own tables):
  //   schema text, name text, kind text ('table'|'partitioned'), without_rowid flag, strict flag
  // This query, find_table_sql() and table_at_sql() may add three flags, for a dialect whose
  // catalog knows cheaply that a table has none of something:
  //   may_have_foreign_keys, may_have_indexes, may_have_checks
  // false: the table certainly has none, and its foreign_keys_sql(), indexes_sql() or
  // complete_table()'s CHECK constraint query is not run (no flags: all are run).
  virtual std::string list_tables_sql() const = 0;
  // One relation by name.  params: schema (text or NULL = the engine's lookup order), name.
  //   schema, name, kind ('table'|'partitioned'|'view'|'sequence'|...), without_rowid, strict
  virtual std::string find_table_sql() const = 0;
  // Every relation whose name equals `name` ignoring ASCII case, among those find_table_sql()
  // could reach (params and columns alike; the schema, when given, also matched ignoring
  // case), in the engine's lookup order.  The second step of a name lookup, when no relation
  // has exactly that name (docs/architecture.md, "Decisions").
  virtual std::string find_table_any_case_sql() const = 0;
  // The same for a relation whose schema and name the caller holds from the catalog (schema
  // never NULL); no row, or a row of another kind, when there is no table there.  Cheaper where
  // find_table_sql() also has to look for other objects of that name (SQLite).
  virtual std::string table_at_sql() const { return find_table_sql(); }
  // params: schema, table.  One row per column in ordinal order:
  //   name, declared_type, base_type, not_null flag, default_expr (NULL if none),
  //   pk_position (0 if not in the key), generated flag, identity flag, sequence (NULL if none)
  virtual std::string columns_sql() const = 0;
  // params: schema, table.  One row per column of each foreign key, ordered by key then seq:
  //   key_id, seq, name, parent_schema, parent_table, column, parent_column (NULL = parent's
  //   primary key), on_update, on_delete, match, validated flag, equality operator ("=", or
  //   the constraint's own operator schema-qualified: "OPERATOR(pg_catalog.=)")
  virtual std::string foreign_keys_sql() const = 0;
  // params: schema, table.  One row per key column of each index, ordered by index then seq:
  //   name, unique flag, origin ('pk'|'u'|'c'), partial flag, valid flag, seq,
  //   column (NULL for an expression), definition (may be NULL)
  virtual std::string indexes_sql() const = 0;

  // Fills in what the catalog queries above cannot: CHECK constraints, and anything the
  // engine keeps only in the table's DDL (SQLite AUTOINCREMENT) or its indexes' (SQLite: the
  // definition, which its indexes_sql() leaves NULL).
  // `may_have_checks`: false when the table's row said it has no CHECK constraints.
  virtual void complete_table(Session& session, Table& table, bool may_have_checks) const = 0;

  // The qualified name under which `table` lives, for use in SQL.  SQLite: `"main"."name"`,
  // created with CREATE TABLE IF NOT EXISTS when `create` is true (a missing table is returned
  // as "" otherwise).  PostgreSQL: the extension's install script creates the table in the
  // extension's schema; a missing one raises kPrerequisiteState (ALTER EXTENSION vigil UPDATE).
  virtual std::string own_table(Session& session, const OwnTable& table, bool create) const = 0;

  // params: schema, table.  One row: total_bytes (NULL if unknown), index_count, dead_rows,
  // last_analyze (timestamp text), page_count, live_rows, seq_scans, index_scans, last_vacuum,
  // last_autovacuum, last_autoanalyze (timestamp text), free_bytes -- NULL where the engine has
  // no such figure.
  virtual std::string table_stats_sql() const = 0;

  // --- integrity checks (common/integrity/) ---------------------------------------------------

  // The relation to read in FROM: `kind` as find_table_sql() reports it.  PostgreSQL reads an
  // ordinary table with ONLY (constraints of a table do not cover its inheritance children,
  // which are checked as tables of their own); a partitioned table is read whole.
  virtual std::string table_source(const TableRef& table, const std::string& kind) const = 0;
  // The same, read without any index: SQLite's planner trusts a UNIQUE index, which is exactly
  // what a unique_duplicate repair cannot do (a window over a "unique" key may skip its ORDER
  // BY); PostgreSQL never trusts an index it has marked invalid.
  virtual std::string unindexed_source(const TableRef& table, const std::string& kind) const = 0;
  // What identifies a row when there is no primary key (or a key value is NULL): JSON name and
  // SQL expression, read from `table` (unaliased).  PostgreSQL: ctid (and the partition of a
  // partitioned table); SQLite: the rowid under a name no column hides (none WITHOUT ROWID).
  struct LocatorColumn {
    std::string name;
    std::string sql;
  };
  virtual std::vector<LocatorColumn> row_locator(const Table& table) const = 0;
  // Whether a primary key value of `table` can be NULL (SQLite: a rowid table whose key is not
  // the rowid), so that rows must also be located by row_locator().
  virtual bool primary_key_may_be_null(const Table& table) const = 0;
  // The rows of `child_from` (a FROM item aliased c) without a row of `parent_from` (aliased p)
  // for which `join` holds: a FROM clause and a WHERE condition.  `parent_column` is a column
  // of p in `join`.  Each engine gets the form its planner runs as a real anti-join.
  struct AntiJoin {
    std::string from;
    std::string condition;
  };
  virtual AntiJoin anti_join(const std::string& child_from, const std::string& parent_from,
                             const std::string& join, const std::string& parent_column) const = 0;
  // The same rows as anti_join() for the foreign key `fk` of `child` (`child_from` and `join`
  // as anti_join() takes them), in the form the engine finds fastest for this table; may read
  // the catalog.  By default anti_join() itself.
  virtual AntiJoin orphan_join(Session& /*session*/, const Table& /*child*/, const ForeignKey& fk,
                               const std::string& child_from, const std::string& parent_from,
                               const std::string& join) const {
    return anti_join(child_from, parent_from, join, quote_identifier(fk.parent_columns[0]));
  }
  // An SQL expression giving the storage class of `quoted_column` ('null', 'integer', 'real',
  // 'text', 'blob'), or "" when the engine stores every value in the column's declared type.
  virtual std::string storage_class_sql(const Table& table,
                                        const std::string& quoted_column) const = 0;
  // A test that `quoted_column` is NULL which the planner cannot fold away: SQLite rewrites
  // `x IS NULL` to false when x is declared NOT NULL, which is exactly what not_null doubts.
  virtual std::string null_test_sql(const std::string& quoted_column) const = 0;
  // Whether the engine enforces every unique index it reports as valid, so that only invalid
  // ones can hold duplicates (PostgreSQL); SQLite's can hold them after corruption.
  virtual bool enforces_valid_unique_indexes() const = 0;
  // params: sequence (Column::sequence), table name.  One row: the value the sequence gives
  // next, and its increment (negative for a descending sequence).
  virtual std::string sequence_state_sql(const TableRef& table) const = 0;

  // The engine's physical checker.  Each step is one statement whose rows are
  //   table_schema, table_name (NULL: the step's own table), locator text (NULL if none), message
  // with the problems the checker found (a row whose message is NULL is no problem); messages
  // about NOT NULL, CHECK and UNIQUE failures, which other checks report, are left out.
  struct PhysicalStep {
    TableRef table;  // the user table checked; empty name: the whole database
    std::string sql;
    Params params;
    std::string locator_name;       // JSON name of the locator column: "ctid", "rowid"
    bool error_is_finding = false;  // a kDataCorrupted error of this step is a finding
    std::string object;             // what the step checks, named in such a finding
  };
  struct PhysicalPlan {
    bool available = true;
    std::string unavailable_detail;  // how to enable the checker, when it is not available
    std::vector<PhysicalStep> steps;
  };
  // `tables` empty: the whole database (every user table); `full`: the slower, complete check.
  virtual PhysicalPlan physical_plan(Session& session, const std::vector<TableRef>& tables,
                                     bool full) const = 0;
  // --- repair and quarantine (common/repair/) --------------------------------------------
  // A condition true for the one row whose locator column `locator` (of row_locator()) has the
  // text of the n-th parameter, written so that the engine fetches the row directly.
  virtual std::string locator_match_sql(const LocatorColumn& locator, int n) const = 0;
  // Whether a row keeps its locator when updated and can be inserted again under it (SQLite's
  // rowid), or not (PostgreSQL's ctid, a physical position).
  virtual bool locator_is_stable() const = 0;
  // Appended to the SELECT of one row about to be changed: locks the row until the end of the
  // transaction (" FOR UPDATE"); "" where the write transaction already excludes other writers.
  virtual std::string lock_row_suffix() const = 0;
  // Serialises repairs and restores until the end of the transaction ("" where a write
  // transaction does it already).
  virtual std::string repair_lock_sql() const = 0;
  // Keeps other writers out of `table` until the end of the transaction, so that a column's
  // maximum cannot grow while a sequence is moved past it ("" where the write lock does it).
  virtual std::string lock_table_sql(const TableRef& table) const = 0;
  // params: sequence (Column::sequence), table name, value.  Moves the sequence so that it gives
  // value + increment next (only ever called to move it forward).
  virtual std::string advance_sequence_sql() const = 0;
  // Rebuilds one index of `table`, inside the current transaction.
  virtual std::string reindex_sql(const TableRef& table, const std::string& index) const = 0;
  // Written after INSERT INTO t (columns) so that stored values of identity columns are taken
  // as given ("OVERRIDING SYSTEM VALUE"); "" where the engine always takes them.
  virtual std::string insert_overriding_clause() const = 0;
  // One row, one column: a batch number no other call has been given, `quarantine` being
  // own_table()'s name of vigil_quarantine.  PostgreSQL: nextval() of its batch sequence
  // (unique across concurrent transactions, whatever their snapshots); SQLite: max + 1, under
  // the write lock.
  virtual std::string next_batch_sql(const std::string& quarantine) const = 0;
  // Whether vigil_quarantine records the source table by schema and name (table_schema,
  // table_relname) and the role that quarantined each row (quarantined_by), and restores by
  // them (PostgreSQL); false where table_name alone names it and there are no roles (SQLite).
  virtual bool quarantine_records_source() const { return false; }
  // params: batch.  The rows of the batch, not yet restored, that vigil_restore must not put
  // back because the role recorded as having quarantined them could not have (now) done what
  // the restore would do: id, table_name, row_key text, quarantined_by, the missing privilege.
  // "" where there are no roles.
  virtual std::string unvouched_rows_sql(const std::string& /*quarantine*/) const { return {}; }
  // params: schema, table.  One row, one flag: whether row-level security hides rows of the
  // table from the caller (PostgreSQL row_security_active); "" where there is none.
  virtual std::string rows_hidden_sql() const { return {}; }

  // --- statistics, health and monitoring (common/stats/) ---------------------------------
  // "PostgreSQL" / "SQLite", for messages.
  virtual std::string_view engine_title() const = 0;
  // The engine's value of vigil setting `name` (common/stats/settings.hpp), NULL when unset.
  virtual Value read_setting(Session& session, const std::string& name) const = 0;
  // Makes the settings visible where the engine keeps them in a table (SQLite: creates
  // vigil_settings with the defaults); nothing where they are configuration (PostgreSQL).
  virtual void prepare_settings(Session& session) const = 0;
  // One row, one column: the current time as ISO-8601 UTC text.
  virtual std::string now_sql() const = 0;
  // The engine's own health metrics, in display order.
  virtual std::vector<HealthProbe> health_probes() const = 0;
  // Sends $1 (text) on the channel vigil_alerts; "" where the engine has no notifications.
  virtual std::string notify_sql() const = 0;
  // The scheduler vigil_monitor_start() uses.  Throws kFeatureNotSupported / kPrerequisiteState
  // with what to do when there is none; else returns whether it takes intervals in seconds.
  virtual bool check_scheduler(Session& session) const = 0;
  // params: job name, schedule, command → one row: the job id.
  virtual std::string schedule_sql() const = 0;
  // params: job name → one row: how many jobs were removed.
  virtual std::string unschedule_sql() const = 0;
  // The prefix that names vigil's functions from anywhere ("schema." or "").
  virtual std::string function_prefix(Session& session) const = 0;
  // User tables whose planner statistics are missing or stale.
  virtual std::vector<StaleTable> stale_tables(Session& session) const = 0;
  // params: none.  Rows: schema, table, index, reason -- indexes never used since the
  // statistics were reset, not backing a constraint; "" where the engine keeps no usage counts.
  virtual std::string unused_indexes_sql() const = 0;
  // Engine-specific recommendations of vigil_optimize().
  virtual std::vector<EngineAdvice> engine_advice(Session& session) const = 0;
  // CREATE INDEX named `index` on `columns` of `table` (the engines put the schema on
  // different names: PostgreSQL on the table, SQLite on the index).
  virtual std::string create_index_sql(const TableRef& table, const std::string& index,
                                       const std::vector<std::string>& columns) const = 0;
  // Content checksums (common/checksum/).  `quoted` is the column's quoted name; the result
  // orders and compares text by its bytes in both engines (PostgreSQL COLLATE "C" on text
  // types, SQLite BINARY), so key ranges are the same ranges in both.
  virtual std::string byte_ordered(const Column& column, const std::string& quoted) const = 0;
  // The n-th bound parameter as a value of `column`'s type, to compare with the column.
  virtual std::string typed_param(int n, const Column& column) const = 0;
  // How vigil_checksum_segments orders and bounds one key column of `table`, so that the order
  // is the canonical key order (canonical_sort_key) in both engines.  `expression` is what
  // ORDER BY and the bound comparisons use; with `sort_key` it is the column's sort key and a
  // bound is bound as canonical_sort_key() of its value, else a bound is typed_param().
  // With `bound_type`, a bound is bound as text and cast to it instead of typed_param().
  struct KeyOrder {
    std::string expression;
    bool sort_key = false;
    std::string bound_type;
  };
  virtual KeyOrder key_order(Session& session, const Table& table, const Column& column) const = 0;
  // Why vigil_backup is not available on this engine and what to use instead ("" where it is).
  virtual std::string file_backup_unavailable() const = 0;
  // A quick physical check of a database file: one text column, a single row 'ok' when the
  // file's structure is sound, else one row per problem ("" where there are no files).
  virtual std::string quick_check_sql() const = 0;
  // --- migrations (common/migrate/) ---------------------------------------------------------
  // Begins a transaction that holds the write lock from its start, for a function called
  // outside any transaction (Session::can_begin_transaction); "" when functions never can.
  virtual std::string begin_write_sql() const = 0;
  virtual std::string commit_sql() const = 0;
  // Takes the migration lock until the end of the transaction.  PostgreSQL: a
  // transaction-scoped advisory lock (waits up to lock_timeout); SQLite: a write that changes
  // nothing in `ledger`, which takes the database's write lock (as BEGIN IMMEDIATE would).
  virtual std::string migration_lock_sql(const std::string& ledger) const = 0;
  // The hint of the error raised when the lock cannot be had.
  virtual std::string migration_lock_hint() const = 0;
  // lock_timeout: read it (one text value) and set it for the rest of the transaction (param 1:
  // the value as text, "500ms").  "" when the engine has no lock timeout: then the migration
  // options lock_timeout_ms and retries have nothing to act on.
  virtual std::string lock_timeout_get_sql() const = 0;
  virtual std::string lock_timeout_set_sql() const = 0;
  // Sleeps param 1 seconds (a real), interruptibly.  "" when the engine cannot.
  virtual std::string sleep_sql() const = 0;
  // One text value: the database role running the statement.  "" when the engine has no roles.
  virtual std::string current_user_sql() const = 0;
  // The select expression of the role that stored a rule in vigil_rules (its added_by column,
  // PostgreSQL), or NULL where the engine has no roles.
  virtual std::string rule_added_by_sql() const { return "NULL"; }
  // Foreign keys the engine does not check by itself while migrating (SQLite, where the
  // table-rebuild pattern needs enforcement off).  All "" when the engine always enforces them.
  //   enabled: one 0/1 value; set: turns enforcement on or off (a no-op inside a transaction);
  //   violations: param 1 = table → one count; children: param 1 = table → the names of the
  //   tables whose foreign keys reference it.
  virtual std::string foreign_keys_enabled_sql() const = 0;
  virtual std::string foreign_keys_set_sql(bool on) const = 0;
  virtual std::string foreign_key_violations_sql() const = 0;
  virtual std::string foreign_key_children_sql() const = 0;
  // Advice to append to the error of a failed migration statement, for engine errors whose
  // cause is not obvious ("" when there is none).
  virtual std::string migration_error_advice(const std::string& error) const = 0;
  // Statements that make vigil's own table `table` append-only (refuse UPDATE and DELETE), run
  // when the table is created on demand; empty when the install script does it.
  virtual std::vector<std::string> append_only_sql(const std::string& table) const = 0;
};

}  // namespace vigil
