// common/schema/functions.cpp
//
// SQL functions of the schema group:
//   vigil_version() → text
//       The extension's version, the same in both engines.
//   vigil_schema([table_name]) → table(table_name, object_type, name, definition,
//                                      engine_definition)
//       The canonical schema model as rows (see canonical.hpp and docs/schema.md), of every
//       user table or of the one named.
//   vigil_schema_fingerprint([table_name]) → text
//       XXH3-128 hex digest of vigil_schema()'s (table_name, object_type, name, definition):
//       equivalent schemas give the same fingerprint in SQLite and PostgreSQL.
// A table_name that names no table raises kUndefinedTable (42P01); NULL means "all tables".
#include "vigil/functions.hpp"

#include "schema/canonical.hpp"
#include "schema/introspect.hpp"

namespace vigil {
namespace {

SchemaModel model_for(Session& session, const Args& args) {
  if (!args.has(0)) return introspect_schema(session);
  SchemaModel model;
  model.tables.push_back(introspect_table(session, args.text(0)));
  return model;
}

}  // namespace

void register_schema_functions(std::vector<FunctionSpec>& out) {
  {
    // vigil_functions() → table(name, kind, arguments, writes): the registry itself, so that
    // tools (and the standby test) can tell the functions that change data from the others.
    FunctionSpec f;
    f.name = "vigil_functions";
    f.columns = {{"name", ValueKind::kText},
                 {"kind", ValueKind::kText},
                 {"arguments", ValueKind::kText},
                 {"writes", ValueKind::kBoolean}};
    f.needs_session = false;
    f.table = [](Session&, const Args&) -> std::unique_ptr<RowSource> {
      std::vector<Row> rows;
      for (const FunctionSpec& spec : function_registry()) {
        std::string arguments;
        for (const ArgSpec& a : spec.args) {
          if (!arguments.empty()) arguments += ", ";
          arguments += std::string(a.optional ? "[" : "") + a.name + " " + value_kind_name(a.type) +
                       (a.optional ? "]" : "");
        }
        rows.push_back({Value::text(spec.name), Value::text(spec.is_table() ? "table" : "scalar"),
                        Value::text(arguments), Value::boolean(spec.writes)});
      }
      return std::make_unique<VectorRowSource>(std::move(rows));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_version";
    f.result = ValueKind::kText;
    f.needs_session = false;
    f.scalar = [](Session&, const Args&) { return Value::text(kVersion); };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_schema";
    f.args = {{"table_name", ValueKind::kText, true}};
    f.columns = {{"table_name", ValueKind::kText},
                 {"object_type", ValueKind::kText},
                 {"name", ValueKind::kText},
                 {"definition", ValueKind::kText},
                 {"engine_definition", ValueKind::kText}};
    f.table = [](Session& session, const Args& args) -> std::unique_ptr<RowSource> {
      const auto rows = canonical_schema_rows(model_for(session, args), session.dialect());
      std::vector<Row> result;
      result.reserve(rows.size());
      for (const auto& r : rows) {
        result.push_back(
            {Value::text(r.table_name), Value::text(r.object_type), Value::text(r.name),
             Value::text(r.definition),
             r.engine_definition.empty() ? Value::null() : Value::text(r.engine_definition)});
      }
      return std::make_unique<VectorRowSource>(std::move(result));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_schema_fingerprint";
    f.args = {{"table_name", ValueKind::kText, true}};
    f.result = ValueKind::kText;
    f.scalar = [](Session& session, const Args& args) {
      return Value::text(
          schema_fingerprint(canonical_schema_rows(model_for(session, args), session.dialect())));
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
