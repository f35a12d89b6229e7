// pg_extension/pg_session.cpp
#include "pg_extension/pg_session.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <unordered_map>

#include "dialect/postgres_dialect.hpp"
#include "pg_extension/debug_fault.hpp"
#include "pg_extension/debug_wait.hpp"
#include "pg_extension/pg_guard.hpp"
#include "pg_extension/pg_value.hpp"
#include "pg_extension/query_stats_pg.hpp"
#include "vigil/error.hpp"

extern "C" {
#include "catalog/dependency.h"
#include "catalog/index.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_collate.h"
#include "parser/parse_expr.h"
#include "parser/parse_node.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "utils/inval.h"
}

namespace vigil::pg {
// Bound parameters in SPI's form; the arrays live in the current (SPI) memory context.
struct SpiParams {
  int count = 0;
  Oid* types = nullptr;
  Datum* values = nullptr;
  char* nulls = nullptr;
};

namespace {

Oid param_type(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInteger:
      return INT8OID;
    case ValueKind::kReal:
      return FLOAT8OID;
    case ValueKind::kBoolean:
      return BOOLOID;
    case ValueKind::kBlob:
      return BYTEAOID;
    case ValueKind::kNumeric:
      return NUMERICOID;
    case ValueKind::kJson:
      return JSONBOID;
    case ValueKind::kTimestamp:
      return TIMESTAMPTZOID;
    default:
      return TEXTOID;
  }
}

SpiParams make_params(const Params& params) {
  SpiParams p;
  p.count = static_cast<int>(params.size());
  if (p.count == 0) return p;
  const int n = p.count;
  pg_call([&p, n] {
    p.types = static_cast<Oid*>(palloc(sizeof(Oid) * n));
    p.values = static_cast<Datum*>(palloc(sizeof(Datum) * n));
    p.nulls = static_cast<char*>(palloc(n));
  });
  for (int i = 0; i < n; ++i) {
    const Value& v = params[static_cast<std::size_t>(i)];
    // A NULL parameter is typed text: catalog queries compare it with text/name columns.
    p.types[i] = param_type(v);
    bool isnull = false;
    p.values[i] = value_to_datum(v, p.types[i], &isnull);
    p.nulls[i] = isnull ? 'n' : ' ';
  }
  return p;
}

// Rows of a statement that has run to completion into a tuplestore (which spills to a
// temporary file past work_mem, so memory stays bounded).  Running the statement in one go,
// rather than fetching from a portal, lets PostgreSQL use a parallel plan, as it does for the
// same query typed in psql.
struct StoreReceiver {
  DestReceiver pub;  // must be first
  Tuplestorestate* store;
  TupleDesc desc;         // the result's, copied when the executor starts
  MemoryContext context;  // where the copy and the rows live
};

bool store_receive(TupleTableSlot* slot, DestReceiver* self) {
  auto* r = reinterpret_cast<StoreReceiver*>(self);
  const MemoryContext old = MemoryContextSwitchTo(r->context);
  tuplestore_puttupleslot(r->store, slot);
  MemoryContextSwitchTo(old);
  return true;
}

void store_startup(DestReceiver* self, int, TupleDesc typeinfo) {
  auto* r = reinterpret_cast<StoreReceiver*>(self);
  const MemoryContext old = MemoryContextSwitchTo(r->context);
  if (r->desc == nullptr) r->desc = CreateTupleDescCopy(typeinfo);
  MemoryContextSwitchTo(old);
}

void store_shutdown(DestReceiver*) {}
void store_destroy(DestReceiver*) {}

class StoreCursor final : public Cursor {
 public:
  StoreCursor(Tuplestorestate* store, TupleDesc desc) : store_(store), desc_(desc) {
    if (desc_ != nullptr) {
      TupleDesc d = desc_;
      slot_ = pg_call([d] { return MakeSingleTupleTableSlot(d, &TTSOpsMinimalTuple); });
    }
  }

  ~StoreCursor() override {
    // While an error unwinds, abort processing releases the memory and temporary files.
    if (std::uncaught_exceptions() > 0) return;
    try {
      Tuplestorestate* store = store_;
      TupleTableSlot* slot = slot_;
      pg_call([store, slot] {
        if (slot != nullptr) ExecDropSingleTupleTableSlot(slot);
        tuplestore_end(store);
      });
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }

  StoreCursor(const StoreCursor&) = delete;
  StoreCursor& operator=(const StoreCursor&) = delete;

  bool next() override {
    if (slot_ == nullptr) return false;
    Tuplestorestate* store = store_;
    TupleTableSlot* slot = slot_;
    return pg_call([store, slot] { return tuplestore_gettupleslot(store, true, false, slot); });
  }

  std::size_t column_count() const override {
    return desc_ == nullptr ? 0 : static_cast<std::size_t>(desc_->natts);
  }

  // The current row is deformed once, on the first get(), rather than once per column: a scan
  // that reads every column (a checksum) stays linear in the number of columns.
  Value get(std::size_t i) const override {
    const Raw r = raw(i);
    return datum_to_value(r.datum, r.isnull, TupleDescAttr(desc_, i)->atttypid);
  }

  ValueRef get_ref(std::size_t i, Value& storage) const override {
    const Raw r = raw(i);
    return datum_to_ref(r.datum, r.isnull, TupleDescAttr(desc_, i)->atttypid, storage);
  }

 private:
  struct Raw {
    Datum datum;
    bool isnull;
  };

  Raw raw(std::size_t i) const {
    if (slot_ == nullptr || i >= column_count()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    TupleTableSlot* slot = slot_;
    const int attno = static_cast<int>(i) + 1;
    return pg_call([slot, attno] {
      Raw r{};
      r.datum = slot_getattr(slot, attno, &r.isnull);
      return r;
    });
  }

  Tuplestorestate* store_;
  TupleDesc desc_;
  TupleTableSlot* slot_ = nullptr;
};

}  // namespace

namespace {

// Rows straight from the table access method: the slot's values are read in place (no copy
// into an SPI tuple table, no executor).  The scan, slot and relation are released when the
// cursor ends; when an error unwinds, PostgreSQL's abort processing releases them.
class HeapScanCursor final : public Cursor {
 public:
  HeapScanCursor(Relation relation, TableScanDesc scan, TupleTableSlot* slot,
                 std::vector<int> attnums, std::vector<Oid> types)
      : relation_(relation),
        scan_(scan),
        slot_(slot),
        attnums_(std::move(attnums)),
        types_(std::move(types)) {
    for (const int a : attnums_) last_attnum_ = std::max(last_attnum_, a);
    for (const Oid t : types_) readers_.push_back(datum_reader(t));
  }

  ~HeapScanCursor() override {
    if (std::uncaught_exceptions() > 0) return;
    try {
      Relation relation = relation_;
      TableScanDesc scan = scan_;
      TupleTableSlot* slot = slot_;
      pg_call([relation, scan, slot] {
        ExecDropSingleTupleTableSlot(slot);
        table_endscan(scan);
        table_close(relation, AccessShareLock);
      });
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
  HeapScanCursor(const HeapScanCursor&) = delete;
  HeapScanCursor& operator=(const HeapScanCursor&) = delete;

  bool next() override {
    if (done_) return false;
    TableScanDesc scan = scan_;
    TupleTableSlot* slot = slot_;
    const int last = last_attnum_;
    const bool found = pg_call([scan, slot, last] {
      if (!table_scan_getnextslot(scan, ForwardScanDirection, slot)) return false;
      slot_getsomeattrs(slot, last);
      return true;
    });
    if (!found) done_ = true;
    return found;
  }

  std::size_t column_count() const override { return attnums_.size(); }

  Value get(std::size_t i) const override {
    if (done_ || i >= attnums_.size()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    const int a = attnums_[i] - 1;
    return datum_to_value(slot_->tts_values[a], slot_->tts_isnull[a], types_[i]);
  }

  ValueRef get_ref(std::size_t i, Value& storage) const override {
    if (done_ || i >= attnums_.size()) {
      throw Error(ErrorCode::kInternal, "column index out of range");
    }
    const int a = attnums_[i] - 1;
    return datum_to_ref(slot_->tts_values[a], slot_->tts_isnull[a], readers_[i], types_[i],
                        storage);
  }

  void get_refs(ValueRef* out, Value* storage) const override {
    if (done_) throw Error(ErrorCode::kInternal, "column index out of range");
    const Datum* values = slot_->tts_values;
    const bool* nulls = slot_->tts_isnull;
    for (std::size_t i = 0; i < attnums_.size(); ++i) {
      const int a = attnums_[i] - 1;
      if (nulls[a]) {
        out[i].kind = ValueKind::kNull;
      } else if (!datum_in_place(values[a], readers_[i], out[i])) {
        out[i] = datum_to_ref(values[a], false, readers_[i], types_[i], storage[i]);
      }
    }
  }

 private:
  Relation relation_;
  TableScanDesc scan_;
  TupleTableSlot* slot_;
  std::vector<int> attnums_;
  std::vector<Oid> types_;
  std::vector<DatumReader> readers_;
  int last_attnum_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Cursor> SpiSession::scan_table(const std::string& schema, const std::string& name,
                                               const std::vector<std::string>& columns) {
  const char* schema_name = schema.c_str();
  const char* relation_name = name.c_str();
  // Only where `SELECT ... FROM ONLY table` would read exactly the heap's rows: an ordinary
  // table (not partitioned; an inheritance parent's own heap is its own rows), readable as a
  // whole by the current user, without row security, not another session's temporary table.
  // Anything else takes the query path, which also raises PostgreSQL's own errors.
  const Oid relid = pg_call([schema_name, relation_name] {
    const Oid nsp = get_namespace_oid(schema_name, true);
    if (!OidIsValid(nsp)) return InvalidOid;
    const Oid id = get_relname_relid(relation_name, nsp);
    if (!OidIsValid(id) || get_rel_relkind(id) != RELKIND_RELATION ||
        pg_class_aclcheck(id, GetUserId(), ACL_SELECT) != ACLCHECK_OK ||
        check_enable_rls(id, InvalidOid, true) == RLS_ENABLED || !ActiveSnapshotSet()) {
      return InvalidOid;
    }
    return id;
  });
  if (!OidIsValid(relid)) return nullptr;
  const Relation relation = pg_call([relid] { return table_open(relid, AccessShareLock); });
  std::vector<int> attnums;
  std::vector<Oid> types;
  const TupleDesc desc = RelationGetDescr(relation);
  bool usable = !RELATION_IS_OTHER_TEMP(relation);
  for (const std::string& column : columns) {
    int found = 0;
    for (int k = 0; k < desc->natts && found == 0; ++k) {
      const Form_pg_attribute att = TupleDescAttr(desc, k);
      if (!att->attisdropped && column == NameStr(att->attname)) found = k + 1;
    }
    if (found == 0) usable = false;
    attnums.push_back(found);
    types.push_back(found == 0 ? InvalidOid : TupleDescAttr(desc, found - 1)->atttypid);
  }
  if (!usable) {
    pg_call([relation] { table_close(relation, AccessShareLock); });
    return nullptr;
  }
  struct Opened {
    TableScanDesc scan;
    TupleTableSlot* slot;
  };
  const Opened opened = pg_call([relation] {
    return Opened{table_beginscan(relation, GetActiveSnapshot(), 0, nullptr),
                  table_slot_create(relation, nullptr)};
  });
  return std::make_unique<HeapScanCursor>(relation, opened.scan, opened.slot, std::move(attnums),
                                          std::move(types));
}

namespace {

// What every vigil C function is declared with (pg_extension/sql/*.sql).
constexpr const char* kPinnedSearchPath = "pg_catalog, pg_temp";

// The caller's search_path, or NULL when the function does not run pinned.  PostgreSQL applies
// a function's SET clause at a new GUC nesting level, saving the caller's value on the
// variable's stack (fmgr_security_definer: NewGUCNestLevel(), then the SET with
// GUC_ACTION_SAVE); when the function starts, that entry is search_path's newest and belongs to
// the current level.  A function reached through a declaration without the clause has no such
// entry (or an older one, of an enclosing function): then the current value is the caller's.
// The result points into PostgreSQL's GUC storage: copy it before anything runs.
const char* pinned_callers_search_path() {
  if (namespace_search_path == nullptr ||
      std::strcmp(namespace_search_path, kPinnedSearchPath) != 0) {
    return nullptr;
  }
  static config_generic* search_path = nullptr;
  if (search_path == nullptr) {
    config_generic** vars = get_guc_variables();
    const int n = GetNumConfigOptions();
    for (int i = 0; i < n && search_path == nullptr; ++i) {
      if (std::strcmp(vars[i]->name, "search_path") == 0) search_path = vars[i];
    }
    if (search_path == nullptr) return nullptr;
  }
  // The current nesting level: a new level is numbered one above it.
  const int level = NewGUCNestLevel();
  AtEOXact_GUC(true, level);
  const GucStack* top = search_path->stack;
  if (top == nullptr || top->nest_level != level - 1 || top->state != GUC_SAVE) return nullptr;
  return top->prior.val.stringval;
}

}  // namespace

SpiSession::SpiSession(bool read_only) : read_only_(read_only) {
  const char* callers = pg_call([] { return pinned_callers_search_path(); });
  if (callers != nullptr) callers_search_path_ = callers;
  const int rc = pg_call([] { return SPI_connect(); });
  if (rc != SPI_OK_CONNECT) throw Error(ErrorCode::kInternal, "SPI_connect failed");
  connected_ = true;
}

namespace {

// --- Stored code (docs/reliability.md, "Trust model for stored code") ------------------------

// The OID of the table schema.name; 42P01 when it is gone.
Oid stored_code_relid(const char* schema, const char* name) {
  const Oid nsp = get_namespace_oid(schema, false);
  const Oid relid = get_relname_relid(name, nsp);
  if (!OidIsValid(relid)) {
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                    errmsg("relation \"%s.%s\" does not exist", schema, name)));
  }
  return relid;
}

Oid relation_owner(Oid relid) {
  const Relation rel = table_open(relid, AccessShareLock);
  const Oid owner = rel->rd_rel->relowner;
  table_close(rel, NoLock);
  return owner;
}

// Raises unless `text` is one boolean expression over the table that calls no volatile function
// and `added_by` (nullptr: the current user, adding the rule) is a member of the table's owner
// role; when evaluating (added_by set), also unless the current user may read the whole table
// (SELECT, no row security applies to them: the condition runs as the owner, who may see more).
// The expression is parsed by PostgreSQL's own grammar (a PL/pgSQL expression: one target, no
// FROM, nothing else) and analysed as a CHECK constraint of the table is (transformExpr with
// EXPR_KIND_CHECK_CONSTRAINT over the table's range table entry), which refuses subqueries,
// aggregates, window and set-returning functions and parameters.
void check_condition(const char* schema, const char* name, const char* text, const char* added_by) {
  CHECK_FOR_INTERRUPTS();
  const Oid relid = stored_code_relid(schema, name);
  const Oid owner = relation_owner(relid);
  const Oid caller = GetUserId();
  if (added_by == nullptr) {
    if (!has_privs_of_role(caller, owner)) {
      ereport(ERROR,
              (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
               errmsg("must be owner of table %s to add a rule to it", name),
               errhint("A rule runs as the table's owner: only the owner (or a member of the "
                       "owner's role) may add one, as only the owner may add a CHECK "
                       "constraint.")));
    }
  } else {
    const Oid adder = get_role_oid(added_by, true);
    if (!OidIsValid(adder) || !has_privs_of_role(adder, owner)) {
      ereport(ERROR,
              (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
               errmsg("rule was added by role \"%s\", which is not a member of the owner role "
                      "of table %s",
                      added_by, name),
               errhint("Drop the rule, or add it again as the table's owner.")));
    }
    if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED) {
      ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                      errmsg("rules of table %s are evaluated only by roles to which its row-level "
                             "security does not apply",
                             name),
                      errhint("A rule runs as the table's owner; check as the owner, or as a role "
                              "with BYPASSRLS.")));
    }
  }

  List* parsed = raw_parser(text, RAW_PARSE_PLPGSQL_EXPR);
  auto* raw = list_length(parsed) == 1 ? linitial_node(RawStmt, parsed) : nullptr;
  auto* select = raw != nullptr && IsA(raw->stmt, SelectStmt)
                     ? reinterpret_cast<SelectStmt*>(raw->stmt)
                     : nullptr;
  const bool one_expression = select != nullptr && list_length(select->targetList) == 1 &&
                              select->distinctClause == NIL && select->intoClause == nullptr &&
                              select->fromClause == NIL && select->whereClause == nullptr &&
                              select->groupClause == NIL && select->havingClause == nullptr &&
                              select->windowClause == NIL && select->valuesLists == NIL &&
                              select->sortClause == NIL && select->limitOffset == nullptr &&
                              select->limitCount == nullptr && select->lockingClause == NIL &&
                              select->withClause == nullptr && select->op == SETOP_NONE;
  ResTarget* target = one_expression ? linitial_node(ResTarget, select->targetList) : nullptr;
  if (target == nullptr || target->name != nullptr || target->indirection != NIL) {
    ereport(ERROR,
            (errcode(ERRCODE_SYNTAX_ERROR), errmsg("a rule condition must be one expression"),
             errhint("Write one boolean expression over the table's columns, as in a "
                     "CHECK constraint.")));
  }
  CHECK_FOR_INTERRUPTS();
  const Relation rel = table_open(relid, AccessShareLock);
  ParseState* pstate = make_parsestate(nullptr);
  pstate->p_sourcetext = text;
  ParseNamespaceItem* item =
      addRangeTableEntryForRelation(pstate, rel, AccessShareLock, nullptr, false, true);
  addNSItemToQuery(pstate, item, true, true, true);
  Node* expr = transformExpr(pstate, target->val, EXPR_KIND_CHECK_CONSTRAINT);
  expr = coerce_to_boolean(pstate, expr, "rule condition");
  assign_expr_collations(pstate, expr);
  if (contain_volatile_functions(expr)) {
    ereport(ERROR, (errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
                    errmsg("a rule condition must not call a volatile function"),
                    errhint("A condition only reads the row: its functions and operators must be "
                            "IMMUTABLE or STABLE.")));
  }
  free_parsestate(pstate);
  table_close(rel, NoLock);
}

// Runs `run` as the owner of the table schema.name under SECURITY_RESTRICTED_OPERATION, with
// jit off, at a GUC nesting level of its own; the caller's identity, security context and
// settings come back after it, also when it raises (as ANALYZE and REINDEX run index
// expressions since CVE-2022-1552).
template <typename F>
auto run_as_owner(const char* schema, const char* name, F& run) -> decltype(run()) {
  const Oid owner = relation_owner(stored_code_relid(schema, name));
  Oid saved_user = InvalidOid;
  int saved_context = 0;
  GetUserIdAndSecContext(&saved_user, &saved_context);
  SetUserIdAndSecContext(
      owner, saved_context | SECURITY_RESTRICTED_OPERATION | SECURITY_LOCAL_USERID_CHANGE);
  const int level = NewGUCNestLevel();
  decltype(run()) result{};
  PG_TRY();
  {
    (void)set_config_option("jit", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
                            false);
    result = run();
  }
  PG_FINALLY();
  {
    AtEOXact_GUC(false, level);
    SetUserIdAndSecContext(saved_user, saved_context);
  }
  PG_END_TRY();
  return result;
}

}  // namespace

void SpiSession::check_stored_condition(const TableRef& table, const std::string& condition,
                                        const std::string& /*statement*/,
                                        const std::string* added_by) {
  const char* schema = table.schema.c_str();
  const char* name = table.name.c_str();
  const char* text = condition.c_str();
  const char* adder = added_by != nullptr ? added_by->c_str() : nullptr;
  const CallerNames names(*this);  // its names resolve as they will when it runs
  savepoint();
  try {
    with_callers_path([schema, name, text, adder] {
      check_condition(schema, name, text, adder);
      return 0;
    });
  } catch (...) {
    rollback_to();
    throw;
  }
  release();
}

// The caller must be able to read the whole table (table SELECT, or SELECT on every column):
// a rule runs as the owner, so it must not be the way to learn about rows of a table the
// caller may not read.  PostgreSQL's own message, as the check's scan used to raise it.
void SpiSession::check_may_evaluate(const TableRef& table) {
  const char* schema = table.schema.c_str();
  const char* name = table.name.c_str();
  pg_call([schema, name] {
    const Oid relid = stored_code_relid(schema, name);
    const Oid caller = GetUserId();
    if (pg_class_aclcheck(relid, caller, ACL_SELECT) != ACLCHECK_OK &&
        pg_attribute_aclcheck_all(relid, caller, ACL_SELECT, ACLMASK_ALL) != ACLCHECK_OK) {
      aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, const_cast<char*>(name));
    }
  });
}

// Statements of StoredCode run as the table's owner, restricted (run_as_owner).
template <typename F>
auto SpiSession::as_caller(F&& run) -> decltype(run()) {
  const TableRef* table = stored_code_table();
  if (table == nullptr) return with_callers_path(run);
  const char* schema = table->schema.c_str();
  const char* name = table->name.c_str();
  return with_callers_path([schema, name, &run] { return run_as_owner(schema, name, run); });
}

// The bracket of fmgr_security_definer: a GUC nesting level whose end puts the pinned value
// back.  On an error the level is left to the (sub)transaction abort that must follow, as
// PostgreSQL does for a function's SET clause.
template <typename F>
auto SpiSession::with_callers_path(F&& run) -> decltype(run()) {
  if (!caller_names() || callers_search_path_.empty()) return pg_call(run);
  const char* path = callers_search_path_.c_str();
  struct Outcome {
    decltype(run()) result;
    char* path_after;  // palloc'd: search_path when the statement ended, if it changed it
  };
  const Outcome outcome = pg_call([path, &run] {
    const int level = NewGUCNestLevel();
    (void)set_config_option("search_path", path, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
                            0, false);
    Outcome o{run(), nullptr};
    if (namespace_search_path != nullptr && std::strcmp(namespace_search_path, path) != 0) {
      o.path_after = pstrdup(namespace_search_path);
    }
    AtEOXact_GUC(true, level);
    return o;
  });
  if (outcome.path_after != nullptr) {
    callers_search_path_ = outcome.path_after;
    pg_call([&outcome] { pfree(outcome.path_after); });
  }
  return outcome.result;
}

SpiSession::~SpiSession() {
  if (!connected_ || std::uncaught_exceptions() > 0) return;  // abort processing cleans up
  try {
    finish();
  } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor must not throw
  }
}

void SpiSession::finish() {
  if (!connected_) return;
  connected_ = false;
  pg_call([] { SPI_finish(); });
}

namespace {

// Plans of the parameterised statements (the core's catalog queries, run with different
// names), kept for the backend's life: planning them again on every call cost more than
// running them.  PostgreSQL's plan cache revalidates a kept plan when the objects it uses
// change.  Statements without parameters (the checks' scans, whose text names the table)
// are planned each time.  Bounded: past kMaxPlans, every plan is freed and the cache starts
// again.  `generic` (catalog queries, vigil's own writes): one generic plan for all values.
// Otherwise the plan cache decides, and for catalog lookups it keeps choosing a custom plan,
// planned afresh on every call (the generic plan's estimate is the higher one): a third of
// the CPU time of a migration run went to planning them.
constexpr std::size_t kMaxPlans = 128;

std::unordered_map<std::string, SPIPlanPtr>& plan_cache() {
  static std::unordered_map<std::string, SPIPlanPtr> cache;
  return cache;
}

}  // namespace

// (The plan of a statement under CallerNames is made with the caller's search_path, and kept
// apart: a plan made with one search_path is analysed again when used with another.)
SPIPlanPtr SpiSession::cached_plan(const std::string& text, const SpiParams& p, bool generic) {
  std::string key = text;
  if (caller_names() && !callers_search_path_.empty())
    key +=
        "\x1f"
        "caller";
  key += generic ? "\x1f"
                   "generic"
                 : "\x1f"
                   "custom";
  for (int i = 0; i < p.count; ++i) key += "\x1f" + std::to_string(p.types[i]);
  auto& cache = plan_cache();
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kMaxPlans) {
    for (auto& entry : cache) {
      SPIPlanPtr old = entry.second;
      pg_call([old] { SPI_freeplan(old); });
    }
    cache.clear();
  }
  const char* cstr = text.c_str();
  const int options = CURSOR_OPT_PARALLEL_OK | (generic ? CURSOR_OPT_GENERIC_PLAN : 0);
  SPIPlanPtr plan = as_caller([cstr, p, options] {
    SPIPlanPtr prepared = SPI_prepare_cursor(cstr, p.count, p.types, options);
    if (prepared == nullptr) {
      elog(ERROR, "SPI_prepare_cursor failed: %s", SPI_result_code_string(SPI_result));
    }
    if (SPI_keepplan(prepared) != 0) elog(ERROR, "SPI_keepplan failed");
    return prepared;
  });
  cache.emplace(std::move(key), plan);
  return plan;
}

std::unique_ptr<Cursor> SpiSession::query(std::string_view sql, const Params& params) {
  return run_query(sql, params, false);
}

std::unique_ptr<Cursor> SpiSession::catalog_query(std::string_view sql, const Params& params) {
  return run_query(sql, params, true);
}

std::unique_ptr<Cursor> SpiSession::run_query(std::string_view sql, const Params& params,
                                              bool generic) {
  maybe_inject_fault(statements_++);
  const std::string text(sql);
  const SpiParams p = make_params(params);
  const char* cstr = text.c_str();
  const bool read_only = read_only_;
  SPIPlanPtr plan = p.count > 0 ? cached_plan(text, p, generic) : nullptr;
  struct Result {
    Tuplestorestate* store;
    TupleDesc desc;
    int rc;
  };
  const Result result = as_caller([cstr, p, plan, read_only] {
    auto* receiver = static_cast<StoreReceiver*>(palloc0(sizeof(StoreReceiver)));
    receiver->pub.receiveSlot = store_receive;
    receiver->pub.rStartup = store_startup;
    receiver->pub.rShutdown = store_shutdown;
    receiver->pub.rDestroy = store_destroy;
    receiver->pub.mydest = DestTuplestore;
    receiver->context = CurrentMemoryContext;
    receiver->store = tuplestore_begin_heap(false, false, work_mem);
    SPIExecuteOptions options;
    memset(&options, 0, sizeof options);
    options.read_only = read_only;
    options.dest = &receiver->pub;
    int rc;
    if (plan != nullptr) {
      ParamListInfo list = makeParamList(p.count);
      for (int i = 0; i < p.count; ++i) {
        list->params[i].value = p.values[i];
        list->params[i].isnull = p.nulls[i] == 'n';
        list->params[i].pflags = PARAM_FLAG_CONST;
        list->params[i].ptype = p.types[i];
      }
      options.params = list;
      rc = SPI_execute_plan_extended(plan, &options);
    } else {
      rc = SPI_execute_extended(cstr, &options);
    }
    return Result{receiver->store, receiver->desc, rc};
  });
  if (result.rc < 0) throw Error(ErrorCode::kInternal, SPI_result_code_string(result.rc));
  return std::make_unique<StoreCursor>(result.store, result.desc);
}

void SpiSession::exec(std::string_view sql, const Params& params) {
  maybe_inject_fault(statements_++);
  const std::string text(sql);
  const SpiParams p = make_params(params);
  const char* cstr = text.c_str();
  const bool read_only = read_only_;
  // A statement with bound values is vigil's own (ledger writes, settings): its plan is kept,
  // generic.
  SPIPlanPtr plan = p.count > 0 ? cached_plan(text, p, true) : nullptr;
  const int rc = as_caller([cstr, p, read_only, plan] {
    if (plan != nullptr) return SPI_execute_plan(plan, p.values, p.nulls, read_only, 0);
    return SPI_execute_with_args(cstr, p.count, p.types, p.values, p.nulls, read_only, 0);
  });
  if (rc == SPI_ERROR_TRANSACTION) {
    throw Error(ErrorCode::kFeatureNotSupported,
                "transaction control statements cannot run inside a vigil function");
  }
  if (rc < 0) throw Error(ErrorCode::kInternal, SPI_result_code_string(rc));
}

void SpiSession::savepoint() {
  Level level{CurrentMemoryContext, CurrentResourceOwner, callers_search_path_};
  pg_call([] { BeginInternalSubTransaction(nullptr); });
  MemoryContextSwitchTo(level.context);
  levels_.push_back(level);
}

void SpiSession::release() {
  if (levels_.empty()) throw Error(ErrorCode::kInternal, "release without savepoint");
  Level level = levels_.back();
  levels_.pop_back();
  pg_call([] { ReleaseCurrentSubTransaction(); });
  MemoryContextSwitchTo(level.context);
  CurrentResourceOwner = level.owner;
}

void SpiSession::rollback_to() {
  if (levels_.empty()) throw Error(ErrorCode::kInternal, "rollback without savepoint");
  Level level = levels_.back();
  levels_.pop_back();
  pg_call([] { RollbackAndReleaseCurrentSubTransaction(); });
  MemoryContextSwitchTo(level.context);
  CurrentResourceOwner = level.owner;
  callers_search_path_ = level.callers_search_path;
}

void SpiSession::check_interrupts() {
  pg_call([] { CHECK_FOR_INTERRUPTS(); });
}

void SpiSession::wait_point(WaitPoint point) {
  if (!wait_point_requested(point)) return;
  pg_call([] { wait_at_point(); });
}

const Dialect& SpiSession::dialect() const {
  return postgres_dialect();
}

QueryStatsStore* SpiSession::query_stats() {
  return query_stats_store();
}

std::string SpiSession::error_sqlstate(const std::exception& e) const {
  if (const auto* pg = dynamic_cast<const PgError*>(&e)) {
    if (pg->data() != nullptr) return unpack_sql_state(pg->data()->sqlerrcode);
  }
  return Session::error_sqlstate(e);
}

// PostgreSQL's own grammar, without analysis: names need not exist yet.  The parse runs in a
// subtransaction, so a syntax error is rolled back like any other caught error.
std::string SpiSession::syntax_error(std::string_view statement) {
  const std::string text(statement);
  const char* cstr = text.c_str();
  savepoint();
  try {
    pg_call([cstr] { raw_parser(cstr, RAW_PARSE_DEFAULT); });
  } catch (const PgError& e) {
    std::string message = e.what();
    rollback_to();
    return message;
  }
  release();
  return {};
}

namespace {

// Relations whose relcache entry was invalidated since tracking (re)started.  PostgreSQL
// invalidates a relation's cache entry whenever its definition changes (columns, defaults,
// constraints, indexes, foreign keys) -- in this backend at each CommandCounterIncrement, at
// subtransaction abort, and when other backends' changes arrive -- so the list covers every
// change; it may contain relations that did not change.  A fixed array: the callback runs
// inside invalidation processing and must neither allocate nor raise.
constexpr int kMaxChanged = 8192;
Oid g_changed[kMaxChanged];
int g_changed_count = 0;
bool g_changed_overflow = false;
bool g_callback_registered = false;

void on_relcache_invalidation(Datum, Oid relid) {
  if (relid == InvalidOid || g_changed_count >= kMaxChanged) {
    g_changed_overflow = true;
    return;
  }
  if (g_changed_count > 0 && g_changed[g_changed_count - 1] == relid) return;
  g_changed[g_changed_count++] = relid;
}

// User tables (as PostgresDialect::list_tables_sql defines them) and their indexes, by OID,
// with the table's schema and name.  user_relation() below applies the same filter to one OID
// through the system caches.
#define VIGIL_USER_TABLE_FILTER                                                                  \
  "  AND r.relkind IN ('r', 'p', 'i', 'I') AND c.relkind IN ('r', 'p') AND NOT c.relispartition" \
  "  AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])"                           \
  "  AND n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast|temp_|toast_temp_)'"                      \
  "  AND (SELECT pg_catalog.count(*) FROM pg_catalog.pg_depend d"                                \
  "       WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid"          \
  "         AND d.objid = c.oid AND d.objsubid = 0 AND d.deptype = 'e') = 0"
constexpr const char* kAllRelationsSql =
    "SELECT r.oid::int8, n.nspname::text, c.relname::text"
    " FROM pg_catalog.pg_class r"
    " LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = r.oid"
    " JOIN pg_catalog.pg_class c ON c.oid = COALESCE(i.indrelid, r.oid)"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE true" VIGIL_USER_TABLE_FILTER;
#undef VIGIL_USER_TABLE_FILTER

// What kAllRelationsSql says of one relation, looked up in the system caches (no query: this
// runs after every migration step): whether it is a user table or an index of one, and that
// table's schema and name (palloc'd).
struct UserRelation {
  bool found;
  char* schema;
  char* name;
};

UserRelation user_relation(Oid relid) {
  UserRelation out{false, nullptr, nullptr};
  const char kind = get_rel_relkind(relid);
  Oid table = relid;
  if (kind == RELKIND_INDEX || kind == RELKIND_PARTITIONED_INDEX) {
    table = IndexGetRelation(relid, true);
  } else if (kind != RELKIND_RELATION && kind != RELKIND_PARTITIONED_TABLE) {
    return out;
  }
  if (!OidIsValid(table)) return out;
  const char table_kind = get_rel_relkind(table);
  if (table_kind != RELKIND_RELATION && table_kind != RELKIND_PARTITIONED_TABLE) return out;
  if (get_rel_relispartition(table)) return out;
  char* schema = get_namespace_name(get_rel_namespace(table));
  if (schema == nullptr || strcmp(schema, "pg_catalog") == 0 ||
      strcmp(schema, "information_schema") == 0 || strncmp(schema, "pg_toast", 8) == 0 ||
      strncmp(schema, "pg_temp_", 8) == 0) {
    return out;
  }
  if (OidIsValid(getExtensionOfObject(RelationRelationId, table))) return out;
  char* name = get_rel_name(table);
  if (name == nullptr) return out;
  out.found = true;
  out.schema = schema;
  out.name = name;
  return out;
}

}  // namespace

void SpiSession::seed_relations() {
  relations_.clear();
  auto c = query(kAllRelationsSql);
  while (c->next()) {
    relations_[static_cast<Oid>(c->get(0).to_integer())] = {c->get(1).to_text(),
                                                            c->get(2).to_text()};
  }
}

std::optional<std::vector<TableRef>> SpiSession::schema_changes() {
  if (!g_callback_registered) {
    pg_call([] { CacheRegisterRelcacheCallback(on_relcache_invalidation, static_cast<Datum>(0)); });
    g_callback_registered = true;
  }
  // Makes this backend process the invalidations of the statements run so far.
  pg_call([] { CommandCounterIncrement(); });
  if (!tracking_ || g_changed_overflow) {
    g_changed_count = 0;
    g_changed_overflow = false;
    tracking_ = true;
    seed_relations();
    return std::nullopt;
  }
  std::vector<Oid> changed(g_changed, g_changed + g_changed_count);
  g_changed_count = 0;
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  std::vector<TableRef> out;
  // The lookups below invalidate nothing; later calls only see the migration's own changes.
  for (Oid oid : changed) {
    const UserRelation now = pg_call([oid] { return user_relation(oid); });
    auto before = relations_.find(oid);
    if (before != relations_.end()) out.push_back(before->second);  // renamed, dropped, altered
    if (now.found) {
      TableRef ref{now.schema, now.name};
      out.push_back(ref);
      relations_[oid] = std::move(ref);
    } else if (before != relations_.end()) {
      relations_.erase(before);
    }
  }
  return out;
}

}  // namespace vigil::pg
