// sqlite_extension/monotonic_clock.hpp
//
// The clock of SQLite's query statistics: two readings per statement run, so it must be cheap.
// On x86-64 with an invariant TSC (constant rate, never stops) it reads the time-stamp counter
// (rdtsc), calibrated once per process against CLOCK_MONOTONIC over 2 ms (each end of the
// interval a counter reading bracketed by two clock readings); on AArch64 the
// virtual counter, whose frequency the CPU reports; elsewhere CLOCK_MONOTONIC.  All are
// monotonic with sub-microsecond resolution (SQLite's own profile time has 1 ms).
#pragma once

#include <time.h>

#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

namespace vigil::sqlite {

class MonotonicClock {
 public:
  MonotonicClock() {
    calibrate();
    ms_per_tick_ = ns_per_tick_ / 1e6;
  }

  // A reading in ticks; ticks_to_ns() converts a difference of two readings.
  std::uint64_t now() const noexcept {
#if defined(__x86_64__)
    if (use_counter_) return __rdtsc();
#elif defined(__aarch64__)
    std::uint64_t v;
    asm volatile("mrs %0, cntvct_el0" : "=r"(v));
    return v;
#endif
    return monotonic_ns();
  }

  double ticks_to_ns(std::uint64_t ticks) const noexcept {
    return static_cast<double>(ticks) * ns_per_tick_;
  }

  // The same in milliseconds: one multiplication (the factor is computed once, at calibration).
  double ticks_to_ms(std::uint64_t ticks) const noexcept {
    return static_cast<double>(ticks) * ms_per_tick_;
  }

  const char* source() const noexcept {
    return source_;
  }

 private:
  static std::uint64_t monotonic_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL +
           static_cast<std::uint64_t>(ts.tv_nsec);
  }

#if defined(__x86_64__)
  // A counter reading and the CLOCK_MONOTONIC time it was taken at: the counter is read between
  // two clock readings, and of five tries the one with the closest readings is kept, so that
  // being preempted at the wrong moment cannot skew the calibration.
  static void reading_pair(std::uint64_t& ns, std::uint64_t& ticks) noexcept {
    std::uint64_t closest = ~0ULL;
    for (int i = 0; i < 5; ++i) {
      const std::uint64_t before = monotonic_ns();
      const std::uint64_t t = __rdtsc();
      const std::uint64_t after = monotonic_ns();
      if (after - before < closest) {
        closest = after - before;
        ns = before + (after - before) / 2;
        ticks = t;
      }
    }
  }
#endif

  void calibrate() noexcept {
#if defined(__x86_64__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    const bool invariant = __get_cpuid(0x80000007U, &a, &b, &c, &d) != 0 && (d & (1U << 8U)) != 0;
    if (invariant) {
      std::uint64_t ns0 = 0, t0 = 0, ns1 = 0, t1 = 0;
      reading_pair(ns0, t0);
      while (monotonic_ns() - ns0 < 2000000) {
      }
      reading_pair(ns1, t1);
      if (t1 > t0 && ns1 > ns0) {
        ns_per_tick_ = static_cast<double>(ns1 - ns0) / static_cast<double>(t1 - t0);
        use_counter_ = true;
        source_ = "tsc";
      }
    }
#elif defined(__aarch64__)
    std::uint64_t freq;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    ns_per_tick_ = 1e9 / static_cast<double>(freq);
    source_ = "cntvct";
#endif
  }

  bool use_counter_ = false;
  double ns_per_tick_ = 1.0;
  double ms_per_tick_ = 1e-6;
  const char* source_ = "clock_gettime";
};

// The process's clock, calibrated on first use.
inline const MonotonicClock& monotonic_clock() {
  static const MonotonicClock clock;
  return clock;
}

}  // namespace vigil::sqlite
