// pg_extension/debug_fault.cpp
//
// The vigil.debug_fault test fault point (debug_fault.hpp).
#include "pg_extension/debug_fault.hpp"

#include <new>
#include <stdexcept>

#include "pg_extension/pg_headers.hpp"

extern "C" {
// clang-format off
#include "utils/guc.h"
// clang-format on
}

namespace vigil::pg {
namespace {

enum FaultKind { kFaultOff, kFaultBadAlloc, kFaultException };

const struct config_enum_entry kFaultKinds[] = {{"off", kFaultOff, false},
                                                {"bad_alloc", kFaultBadAlloc, false},
                                                {"exception", kFaultException, false},
                                                {nullptr, 0, false}};

int fault_kind = kFaultOff;
int fault_after = 0;

}  // namespace

void define_debug_fault_settings() {
  DefineCustomEnumVariable(
      "vigil.debug_fault", "For tests: a C++ fault vigil raises inside its next call.",
      "bad_alloc throws std::bad_alloc, exception a std::runtime_error, before the statement "
      "vigil.debug_fault_after + 1 of each call.",
      &fault_kind, kFaultOff, kFaultKinds, PGC_SUSET, GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
  DefineCustomIntVariable("vigil.debug_fault_after",
                          "For tests: the statements a vigil call runs before vigil.debug_fault.",
                          nullptr, &fault_after, 0, 0, INT_MAX, PGC_SUSET, GUC_NOT_IN_SAMPLE,
                          nullptr, nullptr, nullptr);
}

void maybe_inject_fault(int statements_run) {
  if (fault_kind == kFaultOff || statements_run != fault_after) return;
  if (fault_kind == kFaultBadAlloc) throw std::bad_alloc();
  throw std::runtime_error("vigil.debug_fault: injected C++ exception");
}

}  // namespace vigil::pg
