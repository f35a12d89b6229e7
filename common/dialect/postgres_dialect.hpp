// common/dialect/postgres_dialect.hpp
//
// PostgreSQL's catalog queries (pg_catalog, fully qualified).  SQL text only: the PostgreSQL
// host runs them through SPI.
#pragma once

#include "vigil/dialect.hpp"

namespace vigil {

class PostgresDialect final : public Dialect {
 public:
  std::string_view engine() const override { return "postgresql"; }
  std::string_view default_schema() const override { return "public"; }
  bool is_temp_schema(std::string_view schema) const override {
    return schema.substr(0, 8) == "pg_temp_";
  }
  std::string param(int n) const override;
  std::string list_tables_sql() const override;
  std::string find_table_sql() const override;
  std::string find_table_any_case_sql() const override;
  std::string table_at_sql() const override;
  std::string columns_sql() const override;
  std::string foreign_keys_sql() const override;
  std::string indexes_sql() const override;
  void complete_table(Session& session, Table& table, bool may_have_checks) const override;
  std::string table_stats_sql() const override;
  std::string own_table(Session& session, const OwnTable& table, bool create) const override;
  std::string unindexed_source(const TableRef& table, const std::string& kind) const override;
  std::string table_source(const TableRef& table, const std::string& kind) const override;
  std::vector<LocatorColumn> row_locator(const Table& table) const override;
  bool primary_key_may_be_null(const Table&) const override { return false; }
  AntiJoin anti_join(const std::string& child_from, const std::string& parent_from,
                     const std::string& join, const std::string& parent_column) const override;
  std::string storage_class_sql(const Table& table,
                                const std::string& quoted_column) const override;
  // PostgreSQL 15 does not fold IS NULL on NOT NULL columns.
  std::string null_test_sql(const std::string& quoted_column) const override {
    return quoted_column + " IS NULL";
  }
  bool enforces_valid_unique_indexes() const override { return true; }
  std::string sequence_state_sql(const TableRef& table) const override;
  PhysicalPlan physical_plan(Session& session, const std::vector<TableRef>& tables,
                             bool full) const override;

  // common/dialect/postgres_monitoring.cpp
  std::string_view engine_title() const override;
  Value read_setting(Session& session, const std::string& name) const override;
  void prepare_settings(Session& session) const override;
  std::string now_sql() const override;
  std::vector<HealthProbe> health_probes() const override;
  std::string notify_sql() const override;
  bool check_scheduler(Session& session) const override;
  std::string schedule_sql() const override;
  std::string unschedule_sql() const override;
  std::string function_prefix(Session& session) const override;
  std::vector<StaleTable> stale_tables(Session& session) const override;
  std::string unused_indexes_sql() const override;
  std::vector<EngineAdvice> engine_advice(Session& session) const override;
  std::string create_index_sql(const TableRef& table, const std::string& index,
                               const std::vector<std::string>& columns) const override;
  std::string byte_ordered(const Column& column, const std::string& quoted) const override;
  std::string typed_param(int n, const Column& column) const override;
  KeyOrder key_order(Session& session, const Table& table, const Column& column) const override;
  std::string file_backup_unavailable() const override;
  std::string quick_check_sql() const override;
  std::string begin_write_sql() const override;
  std::string commit_sql() const override;
  std::string migration_lock_sql(const std::string& ledger) const override;
  std::string migration_lock_hint() const override;
  std::string lock_timeout_get_sql() const override;
  std::string lock_timeout_set_sql() const override;
  std::string sleep_sql() const override;
  std::string current_user_sql() const override;
  std::string rule_added_by_sql() const override { return "added_by"; }
  std::string foreign_keys_enabled_sql() const override;
  std::string foreign_keys_set_sql(bool on) const override;
  std::string foreign_key_violations_sql() const override;
  std::string foreign_key_children_sql() const override;
  std::string migration_error_advice(const std::string& error) const override;
  std::string locator_match_sql(const LocatorColumn& locator, int n) const override;
  bool locator_is_stable() const override;
  std::string lock_row_suffix() const override;
  std::string repair_lock_sql() const override;
  std::string lock_table_sql(const TableRef& table) const override;
  std::string advance_sequence_sql() const override;
  std::string reindex_sql(const TableRef& table, const std::string& index) const override;
  std::string insert_overriding_clause() const override;
  std::string next_batch_sql(const std::string& quarantine) const override;
  bool quarantine_records_source() const override { return true; }
  std::string unvouched_rows_sql(const std::string& quarantine) const override;
  std::string rows_hidden_sql() const override;
  std::vector<std::string> append_only_sql(const std::string& table) const override;
};

const PostgresDialect& postgres_dialect();

}  // namespace vigil
