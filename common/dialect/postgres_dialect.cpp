// common/dialect/postgres_dialect.cpp
//
// Every catalog object is schema-qualified with pg_catalog so that objects a user planted in
// another schema of the search_path are never picked up.
#include "dialect/postgres_dialect.hpp"

#include <cctype>

#include "schema/introspect.hpp"
#include "vigil/error.hpp"
#include "vigil/session.hpp"

namespace vigil {

const PostgresDialect& postgres_dialect() {
  static const PostgresDialect dialect;
  return dialect;
}

std::string PostgresDialect::param(int n) const {
  return "$" + std::to_string(n);
}

// Ordinary and partitioned tables outside the system schemas, other sessions' temp schemas and
// any extension (vigil's own tables belong to vigil); partitions are reached via their parent.
std::string PostgresDialect::list_tables_sql() const {
  return R"sql(
SELECT n.nspname::text, c.relname::text,
       CASE c.relkind WHEN 'p' THEN 'partitioned' ELSE 'table' END, false, false,
       c.relhastriggers OR c.relkind = 'p', c.relhasindex, c.relchecks > 0
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])
  AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
                    AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2)sql";
}

// The columns both table lookups return (FindTable in the core reads them by position).
constexpr const char* kFindTableSelect = R"sql(
SELECT n.nspname::pg_catalog.text, c.relname::pg_catalog.text,
       CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'r' THEN 'table'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'p' THEN 'partitioned'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'v' THEN 'view'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'm' THEN 'materialized view'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'S' THEN 'sequence'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'f' THEN 'foreign table'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'i' THEN 'index'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'I' THEN 'index'
            WHEN c.relkind OPERATOR(pg_catalog.=) 'c' THEN 'composite type'
            ELSE 'relation' END,
       false, false,
       c.relhastriggers OR c.relkind OPERATOR(pg_catalog.=) 'p', c.relhasindex,
       c.relchecks OPERATOR(pg_catalog.>) 0
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
)sql";

// With no schema, the relation the search_path makes visible (temp schema first, as always).
// This query runs with the caller's search_path (a CallerNames lookup), so it names every
// type, function and operator with its schema: nothing in a schema the caller's path puts
// before pg_catalog can match better.
std::string PostgresDialect::find_table_sql() const {
  return std::string(kFindTableSelect) +
         R"sql(WHERE c.relname OPERATOR(pg_catalog.=) $2::pg_catalog.name
  AND CASE WHEN $1::pg_catalog.text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid)
           ELSE n.nspname OPERATOR(pg_catalog.=) $1::pg_catalog.name END
LIMIT 1)sql";
}

// The relations whose name equals $2 ignoring ASCII case (lower() under the "C" collation
// folds A-Z only): visible ones with no schema, else those of the schema matching $1 ignoring
// case.  A sequential scan of pg_class, run only when no relation has exactly that name.
std::string PostgresDialect::find_table_any_case_sql() const {
  return std::string(kFindTableSelect) +
         R"sql(WHERE pg_catalog.lower(c.relname::pg_catalog.text COLLATE pg_catalog."C")
        OPERATOR(pg_catalog.=) pg_catalog.lower($2::pg_catalog.text COLLATE pg_catalog."C")
  AND CASE WHEN $1::pg_catalog.text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid)
           ELSE pg_catalog.lower(n.nspname::pg_catalog.text COLLATE pg_catalog."C")
                  OPERATOR(pg_catalog.=) pg_catalog.lower($1::pg_catalog.text COLLATE pg_catalog."C")
           END
ORDER BY n.nspname::pg_catalog.text COLLATE pg_catalog."C",
         c.relname::pg_catalog.text COLLATE pg_catalog."C")sql";
}

// The relation at a known (schema, name), as find_table_sql() reports it: the schema's row by
// its name, then the relation's by (name, schema) -- no visibility test, no LIMIT (at most one
// row).  Not run with the caller's search_path.
std::string PostgresDialect::table_at_sql() const {
  return R"sql(
SELECT n.nspname::text, c.relname::text,
       CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned' WHEN 'v' THEN 'view'
            WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
            WHEN 'f' THEN 'foreign table' WHEN 'i' THEN 'index' WHEN 'I' THEN 'index'
            WHEN 'c' THEN 'composite type' ELSE 'relation' END,
       false, false,
       c.relhastriggers OR c.relkind = 'p', c.relhasindex, c.relchecks > 0
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
WHERE n.nspname = $1 AND c.relname = $2)sql";
}

std::string PostgresDialect::columns_sql() const {
  return R"sql(
SELECT a.attname::text,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       CASE WHEN t.typtype = 'e' THEN 'text'
            WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, NULL)
            ELSE pg_catalog.format_type(a.atttypid, NULL) END,
       a.attnotnull,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
       COALESCE(pg_catalog.array_position(pk.conkey, a.attnum), 0),
       a.attgenerated <> '',
       seq.name IS NOT NULL,
       COALESCE(seq.name, dseq.name)
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
LEFT JOIN LATERAL (
  SELECT pg_catalog.quote_ident(sn.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(s.relname) AS name
  FROM pg_catalog.pg_depend sd
  JOIN pg_catalog.pg_class s ON s.oid = sd.objid AND s.relkind = 'S'
  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
  WHERE sd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
    AND sd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
    AND sd.refobjid = c.oid AND sd.refobjsubid = a.attnum AND sd.deptype IN ('a', 'i')
  LIMIT 1) seq ON true
LEFT JOIN LATERAL (
  SELECT pg_catalog.quote_ident(sn.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(s.relname) AS name
  FROM pg_catalog.pg_depend dd
  JOIN pg_catalog.pg_class s ON s.oid = dd.refobjid AND s.relkind = 'S'
  JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
  WHERE dd.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass::pg_catalog.oid
    AND dd.objid = d.oid
    AND dd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
    AND dd.deptype = 'n'
    AND a.atttypid IN ('pg_catalog.int2'::pg_catalog.regtype, 'pg_catalog.int4'::pg_catalog.regtype,
                       'pg_catalog.int8'::pg_catalog.regtype)
    AND pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
  ORDER BY s.oid
  LIMIT 1) dseq ON seq.name IS NULL AND d.oid IS NOT NULL
WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)sql";
}

std::string PostgresDialect::foreign_keys_sql() const {
  return R"sql(
SELECT co.oid::bigint, k.ord, co.conname::text, pn.nspname::text, pc.relname::text,
       a.attname::text, pa.attname::text,
       CASE co.confupdtype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
            WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END,
       CASE co.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE'
            WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END,
       CASE co.confmatchtype WHEN 'f' THEN 'FULL' WHEN 'p' THEN 'PARTIAL' ELSE 'NONE' END,
       co.convalidated,
       'OPERATOR(' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(opn.nspname)
         OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) op.oprname OPERATOR(pg_catalog.||) ')'
FROM pg_catalog.pg_constraint co
JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class pc ON pc.oid = co.confrelid
JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(co.conkey), pg_catalog.unnest(co.confkey),
                              pg_catalog.unnest(co.conpfeqop))
  WITH ORDINALITY AS k(attnum, refnum, eqop, ord)
JOIN pg_catalog.pg_operator op ON op.oid = k.eqop
JOIN pg_catalog.pg_namespace opn ON opn.oid = op.oprnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
JOIN pg_catalog.pg_attribute pa ON pa.attrelid = co.confrelid AND pa.attnum = k.refnum
WHERE co.contype = 'f' AND co.conparentid = 0::pg_catalog.oid AND n.nspname = $1 AND c.relname = $2
ORDER BY co.conname, co.oid, k.ord)sql";
}

std::string PostgresDialect::indexes_sql() const {
  return R"sql(
SELECT ic.relname::text, i.indisunique,
       CASE WHEN i.indisprimary THEN 'pk' WHEN co.contype = 'u' THEN 'u' ELSE 'c' END,
       i.indpred IS NOT NULL, i.indisvalid, k.ord - 1, a.attname::text,
       pg_catalog.pg_get_indexdef(i.indexrelid),
       pg_catalog.pg_get_expr(i.indpred, i.indrelid),
       CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true) END,
       i.indnullsnotdistinct
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_constraint co
  ON co.conindid = i.indexrelid AND co.conrelid = c.oid AND co.contype IN ('p', 'u', 'x')
CROSS JOIN LATERAL pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY AS k(attnum, ord)
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
WHERE n.nspname = $1 AND c.relname = $2 AND k.ord <= i.indnkeyatts
ORDER BY ic.relname, k.ord)sql";
}

void PostgresDialect::complete_table(Session& session, Table& table, bool may_have_checks) const {
  static const char* const kChecks = R"sql(
SELECT co.conname::text, pg_catalog.pg_get_expr(co.conbin, co.conrelid), co.convalidated,
       a.attname::text
FROM pg_catalog.pg_constraint co
JOIN pg_catalog.pg_class c ON c.oid = co.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL pg_catalog.unnest(co.conkey) AS k(attnum) ON true
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.attnum
WHERE co.contype = 'c' AND n.nspname = $1 AND c.relname = $2
ORDER BY co.conname, a.attnum)sql";
  if (!may_have_checks) return;
  auto cursor =
      session.catalog_query(kChecks, {Value::text(table.ref.schema), Value::text(table.ref.name)});
  while (cursor->next()) {
    const std::string name = cursor->get(0).to_text();
    if (table.checks.empty() || table.checks.back().name != name) {
      CheckConstraint check;
      check.name = name;
      check.expression = cursor->get(1).to_text();
      check.validated = cursor->get(2).to_bool();
      table.checks.push_back(std::move(check));
    }
    if (!cursor->get(3).is_null()) table.checks.back().columns.push_back(cursor->get(3).to_text());
  }
}

// Sizes sum the partitions of a partitioned table; the primary key's index is not counted.
std::string PostgresDialect::table_stats_sql() const {
  return R"sql(
SELECT CASE WHEN c.relkind = 'p'
            THEN (SELECT pg_catalog.sum(pg_catalog.pg_total_relation_size(p.relid))::bigint
                  FROM pg_catalog.pg_partition_tree(c.oid) p)
            ELSE pg_catalog.pg_total_relation_size(c.oid) END,
       (SELECT pg_catalog.count(*) FROM pg_catalog.pg_index i
        WHERE i.indrelid = c.oid AND NOT i.indisprimary),
       s.n_dead_tup,
       pg_catalog.to_char(pg_catalog.timezone('UTC', GREATEST(s.last_analyze, s.last_autoanalyze)),
                          'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       c.relpages,
       s.n_live_tup, s.seq_scan, s.idx_scan,
       pg_catalog.to_char(pg_catalog.timezone('UTC', s.last_vacuum), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       pg_catalog.to_char(pg_catalog.timezone('UTC', s.last_autovacuum),
                          'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       pg_catalog.to_char(pg_catalog.timezone('UTC', s.last_autoanalyze),
                          'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       NULL::bigint
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid
WHERE n.nspname = $1 AND c.relname = $2)sql";
}

// vigil's own tables live in the extension's schema, created by the install script.
std::string PostgresDialect::own_table(Session& session, const OwnTable& table, bool) const {
  static const char* const kFind = R"sql(
SELECT n.nspname::text, c.oid IS NOT NULL
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = $1
WHERE e.extname = 'vigil')sql";
  auto cursor = session.query(kFind, {Value::text(table.name)});
  if (!cursor->next() || !cursor->get(1).to_bool()) {
    throw Error(ErrorCode::kPrerequisiteState, "vigil's table \"" + table.name + "\" is missing",
                "Run ALTER EXTENSION vigil UPDATE, or drop and create the extension.");
  }
  return quote_identifier(cursor->get(0).to_text()) + "." + quote_identifier(table.name);
}

// --- integrity checks -------------------------------------------------------------------------

// Constraints of an ordinary table do not cover its inheritance children (those are tables of
// their own), as PostgreSQL's referential triggers read `ONLY parent`; a partitioned table is
// read whole.
std::string PostgresDialect::unindexed_source(const TableRef& table,
                                              const std::string& kind) const {
  return table_source(table, kind);
}

std::string PostgresDialect::table_source(const TableRef& table, const std::string& kind) const {
  if (kind == "partitioned") return qualified(table);
  return "ONLY " + qualified(table);
}

// ctid is unique within one relation: a partitioned table adds the partition.
std::vector<Dialect::LocatorColumn> PostgresDialect::row_locator(const Table& table) const {
  if (table.kind == "partitioned") {
    return {{"partition", "tableoid::pg_catalog.regclass::pg_catalog.text"},
            {"ctid", "ctid::pg_catalog.text"}};
  }
  return {{"ctid", "ctid::pg_catalog.text"}};
}

// NOT EXISTS: planned as a hash (or merge) anti-join.
Dialect::AntiJoin PostgresDialect::anti_join(const std::string& child_from,
                                             const std::string& parent_from,
                                             const std::string& join, const std::string&) const {
  return {child_from, "NOT EXISTS (SELECT 1 FROM " + parent_from + " AS p WHERE " + join + ")"};
}

// Every PostgreSQL value has its column's type.
std::string PostgresDialect::storage_class_sql(const Table&, const std::string&) const {
  return {};
}

// pg_sequence_last_value() is NULL until the sequence is first used: then it gives its start.
std::string PostgresDialect::sequence_state_sql(const TableRef&) const {
  return R"sql(
SELECT CASE WHEN v.last IS NULL THEN s.seqstart ELSE v.last + s.seqincrement END, s.seqincrement
FROM pg_catalog.pg_sequence s,
     LATERAL (SELECT pg_catalog.pg_sequence_last_value(s.seqrelid) AS last) v
WHERE s.seqrelid = $1::pg_catalog.regclass::pg_catalog.oid)sql";
}

// amcheck, when the extension is installed in the database: verify_heapam() on every heap of
// the table (each leaf partition), bt_index_check() on each valid B-tree index; `full` adds
// the TOAST check and heapallindexed.  bt_index_check() reports corruption as an error
// (XX002), which the check turns into a finding.
Dialect::PhysicalPlan PostgresDialect::physical_plan(Session& session,
                                                     const std::vector<TableRef>& tables,
                                                     bool full) const {
  PhysicalPlan plan;
  const Value schema = session.scalar(R"sql(
SELECT n.nspname::text FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'amcheck')sql");
  if (schema.is_null()) {
    plan.available = false;
    plan.unavailable_detail =
        "amcheck is not installed in this database: CREATE EXTENSION amcheck enables the "
        "physical check (verify_heapam, bt_index_check)";
    return plan;
  }
  // amcheck's functions are revoked from PUBLIC: a role that may not execute them gets the
  // same info row as a database without amcheck, not a permission error (issue #16).
  const Value usable = session.scalar(R"sql(
SELECT pg_catalog.bool_and(pg_catalog.has_function_privilege(p.oid, 'EXECUTE'))
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
 AND d.objid = p.oid AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
 AND d.deptype = 'e'
JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'amcheck'
WHERE p.proname IN ('verify_heapam', 'bt_index_check'))sql");
  if (usable.is_null() || !usable.to_bool()) {
    plan.available = false;
    plan.unavailable_detail =
        "amcheck is installed, but the current role may not execute verify_heapam and "
        "bt_index_check (they are revoked from PUBLIC): run the check as a superuser, or GRANT "
        "EXECUTE on them, to enable the physical check";
    return plan;
  }
  const std::string amcheck = quote_identifier(schema.to_text());
  static const char* const kTargets = R"sql(
WITH rel AS (
  SELECT c.oid, c.relkind FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relname = $2),
leaves AS (
  SELECT t.relid FROM rel, LATERAL pg_catalog.pg_partition_tree(rel.oid) t
  WHERE rel.relkind = 'p' AND t.isleaf
  UNION ALL
  SELECT rel.oid FROM rel WHERE rel.relkind <> 'p')
SELECT 'heap', l.relid::bigint, l.relid::pg_catalog.regclass::text
FROM leaves l JOIN pg_catalog.pg_class c ON c.oid = l.relid
WHERE c.relkind IN ('r', 'm')
UNION ALL
SELECT 'btree', i.indexrelid::bigint, i.indexrelid::pg_catalog.regclass::text
FROM leaves l
JOIN pg_catalog.pg_index i ON i.indrelid = l.relid
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE am.amname = 'btree' AND ic.relkind = 'i' AND i.indisvalid AND i.indisready
ORDER BY 1 DESC, 3)sql";
  const std::vector<TableRef> all = tables.empty() ? list_user_tables(session) : tables;
  for (const auto& table : all) {
    auto cursor = session.query(kTargets, {Value::text(table.schema), Value::text(table.name)});
    while (cursor->next()) {
      PhysicalStep step;
      step.table = table;
      step.params = {Value::integer(cursor->get(1).to_integer()), Value::boolean(full)};
      step.object = cursor->get(2).to_text();
      if (cursor->get(0).to_text() == "heap") {
        step.sql =
            "SELECT NULL::text, NULL::text, '(' OPERATOR(pg_catalog.||) blkno "
            "OPERATOR(pg_catalog.||) "
            "',' OPERATOR(pg_catalog.||) offnum OPERATOR(pg_catalog.||) ')', msg FROM " +
            amcheck + ".verify_heapam($1::pg_catalog.oid::pg_catalog.regclass, " +
            "check_toast => $2)";
        step.locator_name = "ctid";
      } else {
        step.sql = "SELECT NULL::text, NULL::text, NULL::text, NULL::text FROM " + amcheck +
                   ".bt_index_check($1::pg_catalog.oid::pg_catalog.regclass, $2)";
        step.error_is_finding = true;
      }
      plan.steps.push_back(std::move(step));
    }
  }
  return plan;
}

namespace {

// format_type() text without its "(n[,m])" modifier: "character varying(20)" → "character
// varying", "timestamp(3) with time zone" → "timestamp with time zone".  A bound must not be
// cast to the column's length or scale (that would truncate or round it).
std::string without_modifier(const std::string& type) {
  std::string out;
  std::size_t i = 0;
  while (i < type.size()) {
    if (type[i] == '(') {
      std::size_t j = i + 1;
      while (j < type.size() && (std::isdigit(static_cast<unsigned char>(type[j])) != 0 ||
                                 type[j] == ',' || type[j] == ' ')) {
        ++j;
      }
      if (j < type.size() && type[j] == ')' && j > i + 1) {
        i = j + 1;
        continue;
      }
    }
    out.push_back(type[i++]);
  }
  return out;
}

}  // namespace

// Text types compare in byte order (COLLATE "C"), as SQLite's BINARY does.
std::string PostgresDialect::byte_ordered(const Column& column, const std::string& quoted) const {
  const std::string type = without_modifier(column.declared_type);
  if (type == "text" || type == "character varying" || type == "character") {
    return quoted + " COLLATE \"C\"";
  }
  return quoted;
}

// Bounds are canonical text for dates and times: a timestamptz bound is UTC, whatever the
// session's TimeZone.
std::string PostgresDialect::typed_param(int n, const Column& column) const {
  std::string type = without_modifier(column.declared_type);
  // Without its length, "character" means character(1) and "bit" bit(1): a cast to them would
  // cut the value.  Their unbounded forms keep it.
  for (const char* array : {"", "[]"}) {
    if (type == std::string("character") + array) type = std::string("pg_catalog.bpchar") + array;
    if (type == std::string("bit") + array) type = std::string("bit varying") + array;
  }
  if (type == "timestamp with time zone") {
    return "(CAST(" + param(n) + " AS pg_catalog.timestamp) AT TIME ZONE 'UTC')";
  }
  return "CAST(" + param(n) + " AS " + type + ")";
}

// A PostgreSQL column holds one kind of value, and its type's own order is the canonical
// order for numbers, booleans, timestamps, dates, bytea, uuid, and text types under COLLATE
// "C": the index can serve it.  Any other type's canonical form is its output text (an enum,
// a domain over text, interval, money, ...), whose order is not the type's: ordered and
// bounded as that text, in byte order (no index).  json keys are refused by the segments.
Dialect::KeyOrder PostgresDialect::key_order(Session&, const Table&, const Column& column) const {
  const std::string quoted = quote_identifier(column.name);
  const std::string type = without_modifier(column.declared_type);
  const bool text_type = type == "text" || type == "character varying" || type == "character";
  if ((column.type_class == TypeClass::kText && !text_type && type != "uuid") ||
      column.type_class == TypeClass::kOther) {
    return {"CAST(" + quoted + " AS pg_catalog.text) COLLATE pg_catalog.\"C\"", false,
            "pg_catalog.text"};
  }
  return {byte_ordered(column, quoted), false, {}};
}

std::string PostgresDialect::file_backup_unavailable() const {
  return "is not available in PostgreSQL: take backups with pg_basebackup or pg_dump, then "
         "compare vigil_checksums() on the source and on the restored copy";
}

std::string PostgresDialect::quick_check_sql() const {
  return {};
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
