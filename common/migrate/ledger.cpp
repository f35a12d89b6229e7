// common/migrate/ledger.cpp: the migration ledger's tables and the SQL that reads and writes
// them (ledger.hpp).
#include "migrate/ledger.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "vigil/error.hpp"

namespace vigil::migrate {
namespace {

using nlohmann::json;

constexpr const char* kRowColumns =
    "version, name, transactional, requires, lock_timeout_ms, retries, state, "
    "manual_sql IS NOT NULL, checksum, checksum_algorithm, applied_checksum, "
    "down_sql IS NOT NULL, apply_seq";

constexpr const char* kDefinitionColumns =
    "version, name, up_sql, down_sql, transactional, requires, lock_timeout_ms, retries, "
    "manual_sql, checksum, checksum_algorithm";

std::optional<std::int64_t> opt_int(const Value& v) {
  if (v.is_null()) return std::nullopt;
  return v.to_integer();
}

std::optional<std::string> opt_text(const Value& v) {
  if (v.is_null()) return std::nullopt;
  return v.to_text();
}

Value opt_value(const std::optional<std::string>& s) {
  return s ? Value::text(*s) : Value::null();
}

Value opt_value(const std::optional<std::int64_t>& n) {
  return n ? Value::integer(*n) : Value::null();
}

Value opt_value(const std::optional<double>& d) {
  return d ? Value::real(*d) : Value::null();
}

MigrationRow read_row(const Cursor& c) {
  MigrationRow r;
  r.version = c.get(0).to_text();
  r.name = c.get(1).to_text();
  if (!c.get(2).is_null()) r.options.transactional = c.get(2).to_bool();
  r.options.requires_versions = parse_versions_json(c.get(3).to_text());
  r.options.lock_timeout_ms = opt_int(c.get(4));
  r.options.retries = opt_int(c.get(5));
  r.state = c.get(6).to_text();
  r.manual = c.get(7).to_bool();
  r.checksum = c.get(8).to_text();
  r.checksum_algorithm = c.get(9).to_integer();
  r.applied_checksum = opt_text(c.get(10));
  r.has_down = c.get(11).to_bool();
  r.apply_seq = opt_int(c.get(12));
  return r;
}

MigrationDefinition read_definition(const Cursor& c) {
  MigrationDefinition d;
  d.version = c.get(0).to_text();
  d.name = c.get(1).to_text();
  d.up_sql = c.get(2).to_text();
  d.down_sql = opt_text(c.get(3));
  if (!c.get(4).is_null()) d.options.transactional = c.get(4).to_bool();
  d.options.requires_versions = parse_versions_json(c.get(5).to_text());
  d.options.lock_timeout_ms = opt_int(c.get(6));
  d.options.retries = opt_int(c.get(7));
  d.manual_sql = opt_text(c.get(8));
  d.checksum = c.get(9).to_text();
  d.checksum_algorithm = c.get(10).to_integer();
  return d;
}

std::int64_t option_integer(const json& v, const char* key, std::int64_t max) {
  if (!v.is_number_integer()) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("option \"{}\" must be an integer, not {}", key, v.type_name()));
  }
  const auto n = v.get<std::int64_t>();
  if (n < 0 || n > max) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("option \"{}\" must be between 0 and {}, not {}", key, max, n));
  }
  return n;
}

}  // namespace

json parse_json_input(const std::string& text, const char* what) {
  try {
    return json::parse(text, [what](int depth, json::parse_event_t, json&) {
      if (depth >= kMaxJsonDepth) {  // depth counts from 0
        throw Error(
            ErrorCode::kInvalidParameter,
            fmt::format("{} is nested too deeply (more than {} levels)", what, kMaxJsonDepth));
      }
      return true;
    });
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("{} is not valid JSON: {}", what, json_error_text(e)));
  }
}

std::string json_error_text(const std::exception& e) {
  // nlohmann's messages start with "[json.exception.parse_error.101] ".
  std::string text = e.what();
  if (!text.empty() && text[0] == '[') {
    const auto end = text.find("] ");
    if (end != std::string::npos) text.erase(0, end + 2);
  }
  return text;
}

const OwnTable& migrations_table_spec() {
  static const OwnTable spec{
      "vigil_migrations",
      {
          {"version", ValueKind::kText, "PRIMARY KEY"},
          {"name", ValueKind::kText, "NOT NULL"},
          {"up_sql", ValueKind::kText, "NOT NULL"},
          {"down_sql", ValueKind::kText, ""},
          {"transactional", ValueKind::kBoolean, ""},
          {"requires", ValueKind::kJson, "NOT NULL"},
          {"lock_timeout_ms", ValueKind::kInteger, ""},
          {"retries", ValueKind::kInteger, ""},
          {"manual_sql", ValueKind::kJson, ""},
          {"checksum", ValueKind::kText, "NOT NULL"},
          {"checksum_algorithm", ValueKind::kInteger, "NOT NULL"},
          {"state", ValueKind::kText,
           "NOT NULL CHECK (state IN ('pending', 'applied', 'failed', 'rolled_back'))"},
          {"applied_checksum", ValueKind::kText, ""},
          {"applied_at", ValueKind::kTimestamp, ""},
          {"applied_by", ValueKind::kText, ""},
          {"duration_ms", ValueKind::kReal, ""},
          {"error", ValueKind::kText, ""},
          {"apply_seq", ValueKind::kInteger, ""},
          {"fingerprint", ValueKind::kText, ""},
          {"registered_at", ValueKind::kTimestamp, "NOT NULL"},
      },
      {}};
  return spec;
}

const OwnTable& events_table_spec() {
  static const OwnTable spec{
      "vigil_migration_events",
      {
          {"event_id", ValueKind::kInteger, "PRIMARY KEY"},
          {"version", ValueKind::kText, "NOT NULL"},
          {"action", ValueKind::kText,
           "NOT NULL CHECK (action IN ('apply', 'fail', 'rollback', 'baseline', 'mark'))"},
          {"direction", ValueKind::kText, ""},
          {"happened_at", ValueKind::kTimestamp, "NOT NULL"},
          {"performed_by", ValueKind::kText, ""},
          {"duration_ms", ValueKind::kReal, ""},
          {"error", ValueKind::kText, ""},
          {"fingerprint", ValueKind::kText, ""},
          {"checksum", ValueKind::kText, ""},
          {"attempts", ValueKind::kInteger, "NOT NULL"},
      },
      {}};
  return spec;
}

void release_json(json& tree) noexcept {
  if (tree.is_array()) {
    for (auto& child : tree) release_json(child);
    tree.get_ref<json::array_t&>().clear();
  } else if (tree.is_object()) {
    for (auto it = tree.begin(); it != tree.end(); ++it) release_json(it.value());
    tree.get_ref<json::object_t&>().clear();
  }
}

MigrationOptions parse_options(const std::string& text) {
  json j = parse_json_input(text, "options_json");
  if (!j.is_object()) {
    throw Error(ErrorCode::kInvalidParameter,
                fmt::format("options_json must be a JSON object, not {}", j.type_name()));
  }
  MigrationOptions o;
  for (const auto& [key, value] : j.items()) {
    if (key == "transactional") {
      if (!value.is_boolean()) {
        throw Error(ErrorCode::kInvalidParameter,
                    fmt::format("option \"transactional\" must be true or false, not {}",
                                value.type_name()));
      }
      o.transactional = value.get<bool>();
    } else if (key == "requires") {
      if (!value.is_array()) {
        throw Error(ErrorCode::kInvalidParameter,
                    fmt::format("option \"requires\" must be an array of versions, not {}",
                                value.type_name()));
      }
      for (const auto& v : value) {
        std::string version;
        if (v.is_string()) {
          version = v.get<std::string>();
        } else if (v.is_number_integer()) {
          version = v.dump();
        } else {
          throw Error(ErrorCode::kInvalidParameter,
                      fmt::format("option \"requires\" must list versions as strings, not {}",
                                  v.type_name()));
        }
        if (std::find(o.requires_versions.begin(), o.requires_versions.end(), version) ==
            o.requires_versions.end()) {
          o.requires_versions.push_back(version);
        }
      }
    } else if (key == "lock_timeout_ms") {
      o.lock_timeout_ms = option_integer(value, "lock_timeout_ms", 86400000);
    } else if (key == "retries") {
      o.retries = option_integer(value, "retries", 100);
    } else {
      throw Error(ErrorCode::kInvalidParameter, fmt::format("unknown option \"{}\"", key),
                  "The options are transactional, requires, lock_timeout_ms and retries.");
    }
  }
  release_json(j);
  return o;
}

std::string versions_json(const std::vector<std::string>& versions) {
  return json(versions).dump();
}

std::vector<std::string> parse_versions_json(const std::string& text) {
  std::vector<std::string> out;
  try {
    const json j = json::parse(text);
    for (const auto& v : j) out.push_back(v.get<std::string>());
  } catch (const json::exception& e) {
    throw Error(
        ErrorCode::kDataException,
        fmt::format("vigil_migrations.requires is not a JSON array of versions: {}", e.what()));
  }
  return out;
}

std::string now_iso() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t secs = std::chrono::system_clock::to_time_t(now);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() %
      1000000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:06d}Z", buf, micros);
}

std::optional<Ledger> Ledger::open(Session& session, bool create) {
  const Dialect& d = session.dialect();
  std::string migrations = d.own_table(session, migrations_table_spec(), create);
  std::string events = d.own_table(session, events_table_spec(), create);
  if (migrations.empty() || events.empty()) return std::nullopt;
  if (create) {
    for (const auto& stmt : d.append_only_sql(events_table_spec().name)) session.exec(stmt);
  }
  return Ledger(session, std::move(migrations), std::move(events));
}

std::string Ledger::p(int n) const {
  return session_->dialect().param(n);
}

std::vector<MigrationRow> Ledger::rows() const {
  std::vector<MigrationRow> out;
  auto c = session_->query(fmt::format("SELECT {} FROM {}", kRowColumns, migrations_));
  while (c->next()) out.push_back(read_row(*c));
  return out;
}

std::vector<std::string> Ledger::versions() const {
  std::vector<std::string> out;
  auto c = session_->query(fmt::format("SELECT version FROM {}", migrations_));
  while (c->next()) out.push_back(c->get(0).to_text());
  return out;
}

std::optional<MigrationRow> Ledger::row(const std::string& version) const {
  auto c = session_->catalog_query(
      fmt::format("SELECT {} FROM {} WHERE version = {}", kRowColumns, migrations_, p(1)),
      {Value::text(version)});
  if (!c->next()) return std::nullopt;
  return read_row(*c);
}

std::optional<MigrationDefinition> Ledger::definition(const std::string& version) const {
  auto c = session_->catalog_query(
      fmt::format("SELECT {} FROM {} WHERE version = {}", kDefinitionColumns, migrations_, p(1)),
      {Value::text(version)});
  if (!c->next()) return std::nullopt;
  return read_definition(*c);
}

std::vector<MigrationDefinition> Ledger::definitions() const {
  std::vector<MigrationDefinition> out;
  auto c = session_->query(fmt::format("SELECT {} FROM {}", kDefinitionColumns, migrations_));
  while (c->next()) out.push_back(read_definition(*c));
  return out;
}

std::vector<MigrationDefinition> Ledger::definitions_in_state(bool applied) const {
  std::vector<MigrationDefinition> out;
  auto c = session_->catalog_query(fmt::format("SELECT {} FROM {} WHERE (state = 'applied') = {}",
                                               kDefinitionColumns, migrations_, p(1)),
                                   {Value::boolean(applied)});
  while (c->next()) out.push_back(read_definition(*c));
  return out;
}

// Bound values for one statement.  A NULL is written as the literal NULL rather than bound:
// PostgreSQL types a bound NULL as text, which a boolean or jsonb column refuses.
class Binder {
 public:
  explicit Binder(const Dialect& dialect) : dialect_(dialect) {}
  std::string operator()(Value v) {
    if (v.is_null()) return "NULL";
    params_.push_back(std::move(v));
    return dialect_.param(static_cast<int>(params_.size()));
  }
  const Params& params() const { return params_; }

 private:
  const Dialect& dialect_;
  Params params_;
};

void Ledger::insert(const MigrationDefinition& d, const std::string& registered_at) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "INSERT INTO {} (version, name, up_sql, down_sql, transactional, requires, "
      "lock_timeout_ms, retries, manual_sql, checksum, checksum_algorithm, state, "
      "registered_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
      migrations_, b(Value::text(d.version)), b(Value::text(d.name)), b(Value::text(d.up_sql)),
      b(opt_value(d.down_sql)),
      b(d.options.transactional ? Value::boolean(*d.options.transactional) : Value::null()),
      b(Value::json(versions_json(d.options.requires_versions))),
      b(opt_value(d.options.lock_timeout_ms)), b(opt_value(d.options.retries)),
      b(d.manual_sql ? Value::json(*d.manual_sql) : Value::null()), b(Value::text(d.checksum)),
      b(Value::integer(d.checksum_algorithm)), b(Value::text(kPending)),
      b(Value::timestamp(registered_at)));
  session_->exec(sql, b.params());
}

void Ledger::update(const MigrationDefinition& d, bool reset_state) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "UPDATE {} SET name = {}, up_sql = {}, down_sql = {}, transactional = {}, requires = {}, "
      "lock_timeout_ms = {}, retries = {}, manual_sql = {}, checksum = {}, "
      "checksum_algorithm = {}{} WHERE version = {}",
      migrations_, b(Value::text(d.name)), b(Value::text(d.up_sql)), b(opt_value(d.down_sql)),
      b(d.options.transactional ? Value::boolean(*d.options.transactional) : Value::null()),
      b(Value::json(versions_json(d.options.requires_versions))),
      b(opt_value(d.options.lock_timeout_ms)), b(opt_value(d.options.retries)),
      b(d.manual_sql ? Value::json(*d.manual_sql) : Value::null()), b(Value::text(d.checksum)),
      b(Value::integer(d.checksum_algorithm)),
      reset_state ? ", state = 'pending', error = NULL" : "", b(Value::text(d.version)));
  session_->exec(sql, b.params());
}

std::int64_t Ledger::next_apply_seq() const {
  return session_
      ->scalar(fmt::format("SELECT COALESCE(max(apply_seq), 0) + 1 FROM {}", migrations_))
      .to_integer();
}

void Ledger::set_applied(const std::string& version, std::int64_t apply_seq, const std::string& at,
                         const std::optional<std::string>& by,
                         const std::optional<double>& duration_ms, const std::string& fingerprint,
                         const std::string& applied_checksum) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "UPDATE {} SET state = 'applied', applied_at = {}, applied_by = {}, duration_ms = {}, "
      "error = NULL, fingerprint = {}, applied_checksum = {}, apply_seq = {} WHERE version = {}",
      migrations_, b(Value::timestamp(at)), b(opt_value(by)), b(opt_value(duration_ms)),
      b(Value::text(fingerprint)), b(Value::text(applied_checksum)), b(Value::integer(apply_seq)),
      b(Value::text(version)));
  session_->exec(sql, b.params());
}

void Ledger::set_failed(const std::string& version, const std::string& error,
                        const std::optional<double>& duration_ms) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "UPDATE {} SET state = 'failed', error = {}, duration_ms = {}, "
      "applied_at = NULL, applied_by = NULL WHERE version = {}",
      migrations_, b(Value::text(error)), b(opt_value(duration_ms)), b(Value::text(version)));
  session_->exec(sql, b.params());
}

void Ledger::set_rollback_error(const std::string& version, const std::string& error) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format("UPDATE {} SET error = {} WHERE version = {}", migrations_,
                                      b(Value::text(error)), b(Value::text(version)));
  session_->exec(sql, b.params());
}

void Ledger::set_rolled_back(const std::string& version, const std::string& at,
                             const std::optional<std::string>& by, double duration_ms,
                             const std::string& fingerprint) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "UPDATE {} SET state = 'rolled_back', applied_at = {}, applied_by = {}, duration_ms = {}, "
      "error = NULL, fingerprint = {}, applied_checksum = NULL, apply_seq = NULL "
      "WHERE version = {}",
      migrations_, b(Value::timestamp(at)), b(opt_value(by)), b(Value::real(duration_ms)),
      b(Value::text(fingerprint)), b(Value::text(version)));
  session_->exec(sql, b.params());
}

void Ledger::append(const Event& e) const {
  Binder b(session_->dialect());
  const std::string sql = fmt::format(
      "INSERT INTO {} (version, action, direction, happened_at, performed_by, duration_ms, "
      "error, fingerprint, checksum, attempts) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {})",
      events_, b(Value::text(e.version)), b(Value::text(e.action)),
      b(e.direction.empty() ? Value::null() : Value::text(e.direction)),
      b(Value::timestamp(e.happened_at)), b(opt_value(e.performed_by)), b(opt_value(e.duration_ms)),
      b(opt_value(e.error)), b(opt_value(e.fingerprint)), b(opt_value(e.checksum)),
      b(Value::integer(e.attempts)));
  session_->exec(sql, b.params());
}

std::optional<std::pair<std::string, std::string>> Ledger::latest_fingerprint() const {
  auto c =
      session_->query(fmt::format("SELECT version, fingerprint FROM {} WHERE action <> 'fail' "
                                  "AND fingerprint IS NOT NULL ORDER BY event_id DESC LIMIT 1",
                                  events_));
  if (!c->next()) return std::nullopt;
  return std::make_pair(c->get(0).to_text(), c->get(1).to_text());
}

}  // namespace vigil::migrate

#include "vigil/no_host_headers.hpp"
