// pg_extension/pg_session.hpp
//
// vigil::Session over SPI.  A query runs to completion into a tuplestore (a DestReceiver of
// SPI_execute_extended) that spills to a temporary file past work_mem, so memory stays bounded
// and PostgreSQL may use a parallel plan; the cursor then reads the tuplestore.  The plans of
// parameterised statements are kept.  Savepoints are internal subtransactions (as PL/pgSQL's
// exception blocks).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "pg_extension/pg_headers.hpp"
#include "vigil/session.hpp"

namespace vigil::pg {

struct SpiParams;

class SpiSession final : public Session {
 public:
  // Connects to SPI.  `read_only`: the caller is a STABLE function (SPI read-only mode).
  explicit SpiSession(bool read_only);
  ~SpiSession() override;
  SpiSession(const SpiSession&) = delete;
  SpiSession& operator=(const SpiSession&) = delete;

  std::unique_ptr<Cursor> query(std::string_view sql, const Params& params) override;
  std::unique_ptr<Cursor> catalog_query(std::string_view sql, const Params& params) override;
  // A heap scan in the statement's snapshot, without the executor's per-row copies, for plain
  // tables the current user may read whole and that have no row security or children.
  std::unique_ptr<Cursor> scan_table(const std::string& schema, const std::string& name,
                                     const std::vector<std::string>& columns) override;
  void exec(std::string_view sql, const Params& params) override;
  using Session::exec;
  using Session::query;

  void savepoint() override;
  void release() override;
  void rollback_to() override;
  void check_interrupts() override;
  void wait_point(WaitPoint point) override;
  const Dialect& dialect() const override;
  QueryStatsStore* query_stats() override;
  std::string error_sqlstate(const std::exception& e) const override;
  std::string syntax_error(std::string_view statement) override;
  std::optional<std::vector<TableRef>> schema_changes() override;
  void check_stored_condition(const TableRef& table, const std::string& condition,
                              const std::string& statement, const std::string* added_by) override;
  void check_may_evaluate(const TableRef& table) override;

  // Disconnects from SPI; the memory context current before the constructor is current again.
  void finish();

 private:
  // query() and catalog_query(): `generic` keeps one plan for every parameter value.
  std::unique_ptr<Cursor> run_query(std::string_view sql, const Params& params, bool generic);
  struct Level {
    MemoryContext context;
    ResourceOwner owner;
    std::string callers_search_path;  // as before the savepoint: a rollback undoes a SET
  };
  void seed_relations();

  // The caller's search_path, when the function runs pinned (its SET search_path clause):
  // statements started under CallerNames run with it.  Empty when the function is not pinned
  // (the current search_path is then the caller's own).
  std::string callers_search_path_;
  // Runs `run` (plain data only, as pg_call) with the caller's search_path when the statement
  // is the caller's; a statement that changes search_path (a migration's SET) changes the
  // caller's search_path for the statements after it.
  template <typename F>
  auto as_caller(F&& run) -> decltype(run());
  // as_caller without the StoredCode bracket.
  template <typename F>
  auto with_callers_path(F&& run) -> decltype(run());
  SPIPlanPtr cached_plan(const std::string& text, const SpiParams& p, bool generic);

  bool read_only_;
  bool connected_ = false;
  int statements_ = 0;  // run by this call so far (the vigil.debug_fault test fault point)
  std::vector<Level> levels_;
  // schema_changes(): every user table and index seen, by OID, with its table's name then.
  bool tracking_ = false;
  std::unordered_map<Oid, TableRef> relations_;
};

}  // namespace vigil::pg
