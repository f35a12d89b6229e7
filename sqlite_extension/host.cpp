// sqlite_extension/host.cpp
//
// Registration of the registry's functions.  Scalar functions use sqlite3_create_function_v2
// with one registration per accepted argument count; table-valued functions are eponymous-only
// virtual tables (see vtab.cpp).  Functions that change data are SQLITE_DIRECTONLY, so neither
// a trigger nor a view of a hostile schema can call them; read-only ones are INNOCUOUS.
#include "sqlite_extension/host.hpp"

#include <new>
#include <nlohmann/json.hpp>

#include "checksum/canonical.hpp"
#include "sqlite_extension/sqlite_session.hpp"
#include "sqlite_extension/vtab.hpp"
#include "vigil/error.hpp"
#include "vigil/functions.hpp"

namespace vigil::sqlite {

ErrorResult current_error() noexcept {
  // Copying the message needs memory too: when that fails, the result is SQLITE_NOMEM with no
  // message (an empty std::string allocates nothing), never std::terminate (tests/faults).
  try {
    try {
      throw;
    } catch (const Error& e) {
      return {sqlite_result_code(e.code()), e.what()};
    } catch (const std::bad_alloc&) {
      return {SQLITE_NOMEM, std::string()};
    } catch (const std::exception& e) {
      return {SQLITE_ERROR, std::string("internal error: ") + e.what()};
    } catch (...) {
      return {SQLITE_ERROR, "internal error: unknown exception"};
    }
  } catch (...) {
    return {SQLITE_NOMEM, std::string()};
  }
}

void set_result(sqlite3_context* ctx, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      sqlite3_result_null(ctx);
      break;
    case ValueKind::kInteger:
    case ValueKind::kBoolean:
      sqlite3_result_int64(ctx, v.as_integer());
      break;
    case ValueKind::kReal:
      sqlite3_result_double(ctx, v.as_real());
      break;
    case ValueKind::kBlob:
      sqlite3_result_blob64(ctx, v.bytes().data(), v.bytes().size(), SQLITE_TRANSIENT);
      break;
    default:
      sqlite3_result_text64(ctx, v.bytes().data(), v.bytes().size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
  }
}

namespace {

void scalar_entry(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  const auto* spec = static_cast<const FunctionSpec*>(sqlite3_user_data(ctx));
  try {
    std::vector<Value> values = convert_args(*spec, argc, argv);
    SqliteSession session(sqlite3_context_db_handle(ctx));
    const Args args(spec->args, std::move(values));
    set_result(ctx, spec->scalar(session, args));
  } catch (...) {
    const ErrorResult err = current_error();
    if (err.code == SQLITE_NOMEM) {
      sqlite3_result_error_nomem(ctx);
    } else {
      sqlite3_result_error(ctx, err.message.c_str(), -1);
      sqlite3_result_error_code(ctx, err.code);
    }
  }
}

// The scalar form of a table function (FunctionSpec::sqlite_scalar_json): its rows as a JSON
// array of objects keyed by column name.
void table_as_json_entry(sqlite3_context* ctx, int argc, sqlite3_value** argv) noexcept {
  const auto* spec = static_cast<const FunctionSpec*>(sqlite3_user_data(ctx));
  try {
    std::vector<Value> values = convert_args(*spec, argc, argv);
    SqliteSession session(sqlite3_context_db_handle(ctx));
    const Args args(spec->args, std::move(values));
    std::unique_ptr<RowSource> source = spec->table(session, args);
    // The text is written directly, one scalar value at a time: a tree of nlohmann::json
    // arrays and objects allocates memory in its destructor (nlohmann/json#4653), which would
    // turn an out-of-memory error into std::terminate (tests/faults).  Scalars are formatted by
    // nlohmann::json itself, so the text is the same as its dump() of the whole array.
    std::string text = "[";
    Row row;
    bool first_row = true;
    while (source->next(row)) {
      text += first_row ? "{" : ",{";
      first_row = false;
      for (std::size_t i = 0; i < spec->columns.size(); ++i) {
        const Value& v = i < row.size() ? row[i] : Value();
        if (i > 0) text += ',';
        text += nlohmann::ordered_json(spec->columns[i].name).dump();
        text += ':';
        switch (v.kind()) {
          case ValueKind::kNull:
            text += "null";
            break;
          case ValueKind::kInteger:
            text += nlohmann::ordered_json(v.as_integer()).dump();
            break;
          case ValueKind::kBoolean:
            text += v.as_boolean() ? "true" : "false";
            break;
          case ValueKind::kReal:
            text += nlohmann::ordered_json(v.as_real()).dump();
            break;
          case ValueKind::kJson:  // vigil's own JSON, already compact
            text += v.bytes();
            break;
          default:
            text += nlohmann::ordered_json(v.to_text()).dump();
            break;
        }
      }
      text += '}';
    }
    text += ']';
    sqlite3_result_text64(ctx, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  } catch (...) {
    const ErrorResult err = current_error();
    if (err.code == SQLITE_NOMEM) {
      sqlite3_result_error_nomem(ctx);
    } else {
      sqlite3_result_error(ctx, err.message.c_str(), -1);
      sqlite3_result_error_code(ctx, err.code);
    }
  }
}

// vigil_sort_key(type_class, value): the memcmp-ordered sort key of a value's canonical form
// (canonical_sort_key), by which vigil_checksum_segments orders and bounds keys whose stored
// forms do not sort canonically (ISO 'T' and ' ' timestamps, numbers stored as text, ...).
// Internal to the segment queries: not in the registry, not part of the SQL contract.
void sort_key_entry(sqlite3_context* ctx, int, sqlite3_value** argv) {
  try {
    const sqlite3_int64 code = sqlite3_value_int64(argv[0]);
    if (code < 0 || code > static_cast<sqlite3_int64>(TypeClass::kOther)) {
      sqlite3_result_error(ctx, "vigil_sort_key: unknown type class", -1);
      return;
    }
    sqlite3_value* v = argv[1];
    Value value;
    switch (sqlite3_value_type(v)) {
      case SQLITE_INTEGER:
        value = Value::integer(sqlite3_value_int64(v));
        break;
      case SQLITE_FLOAT:
        value = Value::real(sqlite3_value_double(v));
        break;
      case SQLITE_TEXT:
        value = Value::text(std::string(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                                        static_cast<std::size_t>(sqlite3_value_bytes(v))));
        break;
      case SQLITE_BLOB: {
        const void* data = sqlite3_value_blob(v);
        const auto n = static_cast<std::size_t>(sqlite3_value_bytes(v));
        value =
            Value::blob(n == 0 ? std::string() : std::string(static_cast<const char*>(data), n));
        break;
      }
      default:
        break;
    }
    const std::string key = canonical_sort_key(static_cast<TypeClass>(code), value);
    sqlite3_result_blob64(ctx, key.data(), key.size(), SQLITE_TRANSIENT);
  } catch (...) {
    const ErrorResult err = current_error();
    if (err.code == SQLITE_NOMEM) {
      sqlite3_result_error_nomem(ctx);
    } else {
      sqlite3_result_error(ctx, err.message.c_str(), -1);
      sqlite3_result_error_code(ctx, err.code);
    }
  }
}

}  // namespace

int register_all(sqlite3* db, char** err) {
  if (const int rc = sqlite3_create_function_v2(
          db, "vigil_sort_key", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
          sort_key_entry, nullptr, nullptr, nullptr);
      rc != SQLITE_OK) {
    if (err != nullptr) *err = sqlite3_mprintf("vigil: cannot register vigil_sort_key");
    return rc;
  }
  for (const FunctionSpec& spec : function_registry()) {
    int rc = SQLITE_OK;
    if (spec.is_table()) {
      rc = register_table_function(db, spec);
      if (spec.sqlite_scalar_json) {
        const int flags = SQLITE_UTF8 | (spec.writes ? SQLITE_DIRECTONLY : SQLITE_INNOCUOUS);
        for (std::size_t n = spec.required_args(); n <= spec.args.size() && rc == SQLITE_OK; ++n) {
          rc = sqlite3_create_function_v2(db, spec.name.c_str(), static_cast<int>(n), flags,
                                          const_cast<FunctionSpec*>(&spec), table_as_json_entry,
                                          nullptr, nullptr, nullptr);
        }
      }
    } else {
      int flags =
          SQLITE_UTF8 | (spec.writes || spec.direct_only ? SQLITE_DIRECTONLY : SQLITE_INNOCUOUS);
      if (!spec.needs_session && spec.args.empty()) flags |= SQLITE_DETERMINISTIC;
      for (std::size_t n = spec.required_args(); n <= spec.args.size() && rc == SQLITE_OK; ++n) {
        rc = sqlite3_create_function_v2(db, spec.name.c_str(), static_cast<int>(n), flags,
                                        const_cast<FunctionSpec*>(&spec), scalar_entry, nullptr,
                                        nullptr, nullptr);
      }
    }
    if (rc != SQLITE_OK) {
      if (err != nullptr) {
        *err =
            sqlite3_mprintf("vigil: cannot register %s: %s", spec.name.c_str(), sqlite3_errmsg(db));
      }
      return rc;
    }
  }
  return SQLITE_OK;
}

}  // namespace vigil::sqlite
