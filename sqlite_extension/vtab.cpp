// sqlite_extension/vtab.cpp
#include "sqlite_extension/vtab.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <string>

#include "sqlite_extension/host.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "vigil/error.hpp"

namespace vigil::sqlite {
namespace {

struct Table {
  sqlite3_vtab base;  // must be first
  const FunctionSpec* spec;
  sqlite3* db;
};

struct TableCursor {
  sqlite3_vtab_cursor base;  // must be first
  std::unique_ptr<SqliteSession> session;
  std::unique_ptr<RowSource> source;
  std::vector<Value> args;
  Row row;
  bool eof = true;
  sqlite3_int64 rowid = 0;
};

const FunctionSpec& spec_of(sqlite3_vtab* vtab) {
  return *reinterpret_cast<Table*>(vtab)->spec;
}

int fail(sqlite3_vtab* vtab) noexcept {
  const ErrorResult err = current_error();
  sqlite3_free(vtab->zErrMsg);
  // Out of memory: no message of ours, SQLite says "out of memory" itself.
  vtab->zErrMsg = err.code == SQLITE_NOMEM ? nullptr : sqlite3_mprintf("%s", err.message.c_str());
  return err.code;
}

int x_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out,
              char** err) noexcept {
  const auto* spec = static_cast<const FunctionSpec*>(aux);
  try {
    std::string ddl = "CREATE TABLE x(";
    for (std::size_t i = 0; i < spec->columns.size(); ++i) {
      ddl += fmt::format("{}\"{}\"", i ? ", " : "", spec->columns[i].name);
    }
    // Arguments are HIDDEN columns named arg_<name>, so they never clash with a result column.
    for (const auto& a : spec->args) ddl += fmt::format(", \"arg_{}\" HIDDEN", a.name);
    ddl += ")";
    int rc = sqlite3_declare_vtab(db, ddl.c_str());
    if (rc != SQLITE_OK) return rc;
    sqlite3_vtab_config(
        db, spec->writes || spec->direct_only ? SQLITE_VTAB_DIRECTONLY : SQLITE_VTAB_INNOCUOUS);
    auto* table = static_cast<Table*>(sqlite3_malloc(sizeof(Table)));
    if (table == nullptr) return SQLITE_NOMEM;
    *table = Table{{}, spec, db};
    *out = &table->base;
    return SQLITE_OK;
  } catch (...) {
    const ErrorResult e = current_error();
    *err = sqlite3_mprintf("%s", e.message.c_str());
    return e.code;
  }
}

int x_disconnect(sqlite3_vtab* vtab) noexcept {
  sqlite3_free(vtab);
  return SQLITE_OK;
}

// Each usable equality constraint on an argument column hands that argument to xFilter.
// idxNum is the bitmask of the arguments present, in argument order.
int x_best_index(sqlite3_vtab* vtab, sqlite3_index_info* info) noexcept {
  const FunctionSpec& spec = spec_of(vtab);
  const int ncols = static_cast<int>(spec.columns.size());
  const int nargs = static_cast<int>(spec.args.size());
  int slot_of_arg[32];
  for (int& s : slot_of_arg) s = -1;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (c.iColumn < ncols) continue;
    const int arg = c.iColumn - ncols;
    if (arg >= nargs || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    // An argument that is not yet usable: this plan cannot be run, ask for another order.
    if (!c.usable) return SQLITE_CONSTRAINT;
    slot_of_arg[arg] = i;
  }
  int mask = 0;
  int next = 1;
  for (int arg = 0; arg < nargs && arg < 32; ++arg) {
    if (slot_of_arg[arg] < 0) continue;
    mask |= 1 << arg;
    info->aConstraintUsage[slot_of_arg[arg]].argvIndex = next++;
    info->aConstraintUsage[slot_of_arg[arg]].omit = 1;
  }
  info->idxNum = mask;
  info->estimatedCost = 1000.0 / static_cast<double>(next);
  info->estimatedRows = 100;
  return SQLITE_OK;
}

int x_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) noexcept {
  auto* cursor = new (std::nothrow) TableCursor();
  if (cursor == nullptr) return SQLITE_NOMEM;
  *out = &cursor->base;
  return SQLITE_OK;
}

int x_close(sqlite3_vtab_cursor* cur) noexcept {
  delete reinterpret_cast<TableCursor*>(cur);
  return SQLITE_OK;
}

int advance(TableCursor* cursor) {
  cursor->eof = !cursor->source->next(cursor->row);
  if (!cursor->eof) ++cursor->rowid;
  return SQLITE_OK;
}

int x_filter(sqlite3_vtab_cursor* cur, int idx_num, const char*, int argc,
             sqlite3_value** argv) noexcept {
  auto* cursor = reinterpret_cast<TableCursor*>(cur);
  const FunctionSpec& spec = spec_of(cur->pVtab);
  try {
    cursor->source.reset();
    cursor->args.assign(spec.args.size(), Value::null());
    int used = 0;
    for (std::size_t arg = 0; arg < spec.args.size() && arg < 32; ++arg) {
      if ((idx_num & (1 << arg)) == 0 || used >= argc) continue;
      cursor->args[arg] = convert_arg(spec, arg, argv[used++]);
    }
    cursor->session = std::make_unique<SqliteSession>(reinterpret_cast<Table*>(cur->pVtab)->db);
    const Args args(spec.args, cursor->args);
    cursor->source = spec.table(*cursor->session, args);
    cursor->rowid = 0;
    return advance(cursor);
  } catch (...) {
    cursor->eof = true;
    return fail(cur->pVtab);
  }
}

int x_next(sqlite3_vtab_cursor* cur) noexcept {
  auto* cursor = reinterpret_cast<TableCursor*>(cur);
  try {
    return advance(cursor);
  } catch (...) {
    cursor->eof = true;
    return fail(cur->pVtab);
  }
}

int x_eof(sqlite3_vtab_cursor* cur) noexcept {
  return reinterpret_cast<TableCursor*>(cur)->eof ? 1 : 0;
}

int x_column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int i) noexcept {
  auto* cursor = reinterpret_cast<TableCursor*>(cur);
  const FunctionSpec& spec = spec_of(cur->pVtab);
  const auto col = static_cast<std::size_t>(i);
  if (col < spec.columns.size()) {
    if (col < cursor->row.size()) set_result(ctx, cursor->row[col]);
  } else if (col - spec.columns.size() < cursor->args.size()) {
    set_result(ctx, cursor->args[col - spec.columns.size()]);
  }
  return SQLITE_OK;
}

int x_rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) noexcept {
  *rowid = reinterpret_cast<TableCursor*>(cur)->rowid;
  return SQLITE_OK;
}

sqlite3_module make_module() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only: `CREATE VIRTUAL TABLE ... USING vigil_x` is refused
  m.xConnect = x_connect;
  m.xBestIndex = x_best_index;
  m.xDisconnect = x_disconnect;
  m.xDestroy = x_disconnect;
  m.xOpen = x_open;
  m.xClose = x_close;
  m.xFilter = x_filter;
  m.xNext = x_next;
  m.xEof = x_eof;
  m.xColumn = x_column;
  m.xRowid = x_rowid;
  return m;
}

const sqlite3_module kModule = make_module();

}  // namespace

Value convert_arg(const FunctionSpec& spec, std::size_t index, sqlite3_value* value) {
  const ArgSpec& arg = spec.args.at(index);
  const int type = sqlite3_value_type(value);
  if (type == SQLITE_NULL) return Value::null();
  auto mismatch = [&](const char* got) {
    return Error(ErrorCode::kDatatypeMismatch,
                 fmt::format("{}: argument \"{}\" must be {}, not {}", spec.name, arg.name,
                             value_kind_name(arg.type), got));
  };
  static const char* const kTypeNames[] = {"", "integer", "real", "text", "blob", "null"};
  switch (arg.type) {
    case ValueKind::kInteger:
    case ValueKind::kBoolean: {
      std::int64_t v;
      if (type == SQLITE_INTEGER) {
        v = sqlite3_value_int64(value);
      } else if (type == SQLITE_FLOAT &&
                 std::floor(sqlite3_value_double(value)) == sqlite3_value_double(value)) {
        v = static_cast<std::int64_t>(sqlite3_value_double(value));
      } else {
        throw mismatch(kTypeNames[type]);
      }
      return arg.type == ValueKind::kBoolean ? Value::boolean(v != 0) : Value::integer(v);
    }
    case ValueKind::kReal:
      if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) throw mismatch(kTypeNames[type]);
      return Value::real(sqlite3_value_double(value));
    default: {
      // A JSON document may come as a blob of UTF-8 (the shell's readfile() returns one).
      const bool json_blob = arg.type == ValueKind::kJson && type == SQLITE_BLOB;
      if (type != SQLITE_TEXT && !json_blob) throw mismatch(kTypeNames[type]);
      if (json_blob) {
        const auto* b = static_cast<const char*>(sqlite3_value_blob(value));
        const auto n = static_cast<std::size_t>(sqlite3_value_bytes(value));
        return Value::json(b == nullptr ? std::string() : std::string(b, n));
      }
      const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(value));
      std::string s(p, static_cast<std::size_t>(sqlite3_value_bytes(value)));
      return arg.type == ValueKind::kJson ? Value::json(std::move(s)) : Value::text(std::move(s));
    }
  }
}

std::vector<Value> convert_args(const FunctionSpec& spec, int argc, sqlite3_value** argv) {
  std::vector<Value> out(spec.args.size(), Value::null());
  for (int i = 0; i < argc && static_cast<std::size_t>(i) < spec.args.size(); ++i) {
    out[static_cast<std::size_t>(i)] = convert_arg(spec, static_cast<std::size_t>(i), argv[i]);
  }
  return out;
}

int register_table_function(sqlite3* db, const FunctionSpec& spec) {
  return sqlite3_create_module_v2(db, spec.name.c_str(), &kModule, const_cast<FunctionSpec*>(&spec),
                                  nullptr);
}

}  // namespace vigil::sqlite
