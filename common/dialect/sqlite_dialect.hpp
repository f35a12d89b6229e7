// common/dialect/sqlite_dialect.hpp
//
// SQLite's catalog queries (PRAGMA table-valued functions, dbstat) and DDL parsing.  SQL text
// only: the SQLite host supplies the connection.
#pragma once

#include "vigil/dialect.hpp"

namespace vigil {

class SqliteDialect final : public Dialect {
 public:
  std::string_view engine() const override { return "sqlite"; }
  std::string_view default_schema() const override { return "main"; }
  bool is_temp_schema(std::string_view schema) const override { return schema == "temp"; }
  std::string param(int n) const override;
  std::string list_tables_sql() const override;
  std::string find_table_sql() const override;
  std::string columns_sql() const override;
  std::string foreign_keys_sql() const override;
  std::string indexes_sql() const override;
  void complete_table(Session& session, Table& table) const override;
  std::string table_stats_sql() const override;
  std::string own_table(Session& session, const OwnTable& table, bool create) const override;
  std::string begin_write_sql() const override;
  std::string commit_sql() const override;
  std::string migration_lock_sql(const std::string& ledger) const override;
  std::string migration_lock_hint() const override;
  std::string lock_timeout_get_sql() const override;
  std::string lock_timeout_set_sql() const override;
  std::string sleep_sql() const override;
  std::string current_user_sql() const override;
  std::string foreign_keys_enabled_sql() const override;
  std::string foreign_keys_set_sql(bool on) const override;
  std::string foreign_key_violations_sql() const override;
  std::string foreign_key_children_sql() const override;
  std::string migration_error_advice(const std::string& error) const override;
  std::vector<std::string> append_only_sql(const std::string& table) const override;
};

const SqliteDialect& sqlite_dialect();

}  // namespace vigil
