// pg_extension/debug_wait.cpp
//
// The vigil.debug_wait_point test wait point (debug_wait.hpp).
#include "pg_extension/debug_wait.hpp"

#include "pg_extension/pg_headers.hpp"

extern "C" {
// clang-format off
#include "miscadmin.h"
#include "pgstat.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/wait_event.h"
// clang-format on
}

namespace vigil::pg {
namespace {

constexpr int kOff = 0;
constexpr std::size_t kPointCount = sizeof kWaitPoints / sizeof kWaitPoints[0];

// "off", then each WaitPoint as its name (value: its index + 1), then the terminator.
config_enum_entry wait_point_entries[kPointCount + 2];
int wait_point = kOff;

int setting_value(WaitPoint point) {
  return static_cast<int>(point) + 1;
}

}  // namespace

void define_debug_wait_settings() {
  wait_point_entries[0] = {"off", kOff, false};
  for (std::size_t i = 0; i < kPointCount; ++i) {
    wait_point_entries[i + 1] = {wait_point_name(kWaitPoints[i]), setting_value(kWaitPoints[i]),
                                 false};
  }
  wait_point_entries[kPointCount + 1] = {nullptr, 0, false};
  DefineCustomEnumVariable(
      "vigil.debug_wait_point",
      "For tests: a point of vigil's loops where the next call waits until it is cancelled.",
      "While it waits, pg_stat_activity shows wait_event 'Extension'.", &wait_point, kOff,
      wait_point_entries, PGC_SUSET, GUC_NOT_IN_SAMPLE, nullptr, nullptr, nullptr);
}

bool wait_point_requested(WaitPoint point) {
  return wait_point != kOff && wait_point == setting_value(point);
}

void wait_at_point() {
  // Ends only by an ERROR out of CHECK_FOR_INTERRUPTS (cancel, statement_timeout, terminate) or
  // by postmaster death.  The timeout only makes the loop look at the interrupt flags again
  // now and then (a signal sets the latch anyway); it decides nothing.
  for (;;) {
    ResetLatch(MyLatch);
    CHECK_FOR_INTERRUPTS();
    (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 1000L,
                    PG_WAIT_EXTENSION);
  }
}

}  // namespace vigil::pg
