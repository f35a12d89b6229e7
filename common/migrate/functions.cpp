// common/migrate/functions.cpp
//
// SQL functions of the migration group (docs/migrations.md is the reference, with examples).
//
//   vigil_migration_add(version, name, up_sql [, down_sql [, options_json]]) → text
//       Registers a migration in vigil_migrations: 'added', 'updated' (a migration not yet
//       applied got new text or options; an applied one a new name, down_sql or options) or
//       'unchanged' (the same migration again, up to line endings and trailing whitespace).
//       options_json: {"transactional": bool, "requires": [versions], "lock_timeout_ms": n,
//       "retries": n}.  Refused, with nothing registered: a NULL or empty version or name, a
//       version with whitespace or one equal as a number to a registered one (22023, 42710),
//       up_sql/down_sql with no statement, an unterminated string or comment, unbalanced
//       parentheses, a statement the engine cannot parse (42601), transaction control
//       (BEGIN/COMMIT/...), an unknown option (22023), an unknown required version (42704), a
//       cycle of requirements, and a changed up_sql for an applied migration (55000).
//       Statements that cannot run inside a transaction (CREATE INDEX CONCURRENTLY, VACUUM,
//       ...) make the migration `manual`.
//   vigil_migrate([target_version [, steps]]) → table(version, name, status, duration_ms,
//                                                    detail)
//       Applies the migrations not yet applied, in order (requirements first, then by version,
//       numerically), up to target_version and at most `steps` of them; one row per migration
//       tried: status 'applied', 'failed' (detail: the error; nothing of it remains, later ones
//       do not run) or 'manual' (the run stops there; detail says what to do).
//   vigil_rollback(target_version) → table(version, name, status, duration_ms, detail)
//       Runs the down_sql of the applied migrations above target_version, newest first, each
//       atomically.  Before anything runs, a migration without down_sql, a down_sql that
//       cannot run in a transaction, or an applied migration that stays and requires one that
//       would go stops it with an error (55000).
//       SQLite also has both as scalar functions (SELECT vigil_migrate();) that return the same
//       rows as a JSON array: SQLite drops a table or an index only when no other statement
//       reads, and only a scalar call waits for the write lock (busy timeout).
//   vigil_migration_status() → table(version, name, state, checksum_ok, applied_at,
//                                    applied_by, duration_ms, error, fingerprint, drift,
//                                    manual_sql)
//       One row per registered migration, in application order.  state: pending, applied,
//       failed, rolled_back, manual.  drift is set on the row of the latest step: whether the
//       schema fingerprint now differs from the one recorded after it.
//   vigil_migration_baseline(version) → bigint
//       Records every registered migration at or below `version` as applied without running
//       it; returns how many.
//   vigil_migration_mark_applied(version) → bigint
//       Records one migration (typically a manual one the client ran) as applied; returns 1.
//   vigil_migrations_export() → json  /  vigil_migrations_import(json) → bigint
//       The registered migrations (text, options, checksums) as JSON, and registering them in
//       another database of either engine (all or nothing; returns how many were added or
//       updated).
//   vigil_migration_assert([target_version]) → bigint
//       For deploy scripts: raises 55000 when a migration up to target_version is pending,
//       failed, manual, rolled back or changed, or when the schema drifted; otherwise returns
//       the number of applied migrations.
#include "vigil/functions.hpp"

#include "migrate/migrator.hpp"

namespace vigil {
namespace {

Value opt(const std::optional<std::string>& s) {
  return s ? Value::text(*s) : Value::null();
}

Value opt(const std::optional<double>& d) {
  return d ? Value::real(*d) : Value::null();
}

Value opt(const std::optional<bool>& b) {
  return b ? Value::boolean(*b) : Value::null();
}

std::optional<std::string> opt_text(const Args& args, std::size_t i) {
  return args.has(i) ? std::optional<std::string>(args.text(i)) : std::nullopt;
}

const std::vector<ColumnSpec> kStepColumns = {{"version", ValueKind::kText},
                                              {"name", ValueKind::kText},
                                              {"status", ValueKind::kText},
                                              {"duration_ms", ValueKind::kReal},
                                              {"detail", ValueKind::kText}};

std::unique_ptr<RowSource> step_rows(const std::vector<migrate::StepResult>& steps) {
  std::vector<Row> rows;
  rows.reserve(steps.size());
  for (const auto& s : steps) {
    rows.push_back({Value::text(s.version), Value::text(s.name), Value::text(s.status),
                    opt(s.duration_ms), opt(s.detail)});
  }
  return std::make_unique<VectorRowSource>(std::move(rows));
}

}  // namespace

void register_migrate_functions(std::vector<FunctionSpec>& out) {
  {
    FunctionSpec f;
    f.name = "vigil_migration_add";
    f.args = {{"version", ValueKind::kText, false},
              {"name", ValueKind::kText, false},
              {"up_sql", ValueKind::kText, false},
              {"down_sql", ValueKind::kText, true},
              {"options_json", ValueKind::kJson, true}};
    f.result = ValueKind::kText;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      return Value::text(migrate::add_migration(session, args.text(0), args.text(1), args.text(2),
                                                opt_text(args, 3), opt_text(args, 4)));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migrate";
    f.args = {{"target_version", ValueKind::kText, true}, {"steps", ValueKind::kInteger, true}};
    f.columns = kStepColumns;
    f.writes = true;
    f.sqlite_scalar_json = true;
    f.table = [](Session& session, const Args& args) {
      const std::optional<std::int64_t> steps =
          args.has(1) ? std::optional<std::int64_t>(args.integer(1)) : std::nullopt;
      return step_rows(migrate::migrate(session, opt_text(args, 0), steps));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_rollback";
    f.args = {{"target_version", ValueKind::kText, false}};
    f.columns = kStepColumns;
    f.writes = true;
    f.sqlite_scalar_json = true;
    f.table = [](Session& session, const Args& args) {
      return step_rows(migrate::rollback(session, args.text(0)));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migration_status";
    f.columns = {{"version", ValueKind::kText},         {"name", ValueKind::kText},
                 {"state", ValueKind::kText},           {"checksum_ok", ValueKind::kBoolean},
                 {"applied_at", ValueKind::kTimestamp}, {"applied_by", ValueKind::kText},
                 {"duration_ms", ValueKind::kReal},     {"error", ValueKind::kText},
                 {"fingerprint", ValueKind::kText},     {"drift", ValueKind::kBoolean},
                 {"manual_sql", ValueKind::kJson}};
    f.table = [](Session& session, const Args&) -> std::unique_ptr<RowSource> {
      std::vector<Row> rows;
      for (auto& s : migrate::status(session)) {
        rows.push_back({Value::text(s.version), Value::text(s.name), Value::text(s.state),
                        opt(s.checksum_ok),
                        s.applied_at ? Value::timestamp(*s.applied_at) : Value::null(),
                        opt(s.applied_by), opt(s.duration_ms), opt(s.error), opt(s.fingerprint),
                        opt(s.drift), s.manual_sql ? Value::json(*s.manual_sql) : Value::null()});
      }
      return std::make_unique<VectorRowSource>(std::move(rows));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migration_baseline";
    f.args = {{"version", ValueKind::kText, false}};
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      return Value::integer(migrate::baseline(session, args.text(0)));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migration_mark_applied";
    f.args = {{"version", ValueKind::kText, false}};
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      return Value::integer(migrate::mark_applied(session, args.text(0)));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migrations_export";
    f.result = ValueKind::kJson;
    f.scalar = [](Session& session, const Args&) {
      return Value::json(migrate::export_migrations(session));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migrations_import";
    f.args = {{"migrations", ValueKind::kJson, false}};
    f.result = ValueKind::kInteger;
    f.writes = true;
    f.scalar = [](Session& session, const Args& args) {
      return Value::integer(migrate::import_migrations(session, args.text(0)));
    };
    out.push_back(std::move(f));
  }
  {
    FunctionSpec f;
    f.name = "vigil_migration_assert";
    f.args = {{"target_version", ValueKind::kText, true}};
    f.result = ValueKind::kInteger;
    f.scalar = [](Session& session, const Args& args) {
      return Value::integer(migrate::assert_migrated(session, opt_text(args, 0)));
    };
    out.push_back(std::move(f));
  }
}

}  // namespace vigil

#include "vigil/no_host_headers.hpp"
