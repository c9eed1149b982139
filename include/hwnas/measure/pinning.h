#pragma once
// CPU pinning for measurements: the calling thread (and every thread it starts afterwards,
// e.g. a backend's worker pool) is restricted to the first `cpus` CPUs it may run on, so the
// scheduler cannot migrate the benchmark mid-run. Where sched_setaffinity is not allowed
// (containers, restricted cgroups) the measurement goes on unpinned and says so.
//
//   measure::Pinning p = measure::pin_to_cpus(2);   // before backend->prepare()
//   p.pinned; p.cpus; p.note;   // "pinned to CPUs 0,1" / "not pinned: ..."
#include <string>
#include <vector>

namespace hwnas::measure {

struct Pinning {
  bool pinned = false;
  std::vector<int> cpus;  // the CPUs the thread is now restricted to (when pinned)
  std::string note;
};

Pinning pin_to_cpus(int cpus);

// pin_to_cpus() for a scope: the thread's previous affinity comes back when it ends, so that
// one measurement's pinning does not narrow the CPUs of the next (a 2-thread measurement
// after a 1-thread one would otherwise find a single CPU allowed). `pin` false: no pinning,
// and the note says so.
//
//   { measure::ScopedPin pin(2, true); auto model = backend->prepare(...); ... }  // affinity back
class ScopedPin {
 public:
  ScopedPin(int cpus, bool pin);
  ~ScopedPin();
  ScopedPin(const ScopedPin&) = delete;
  ScopedPin& operator=(const ScopedPin&) = delete;
  const Pinning& pinning() const { return pinning_; }

 private:
  std::vector<int> previous_;  // CPUs allowed before pinning; empty: nothing to restore
  Pinning pinning_;
};

// The CPUs the calling thread may run on now.
std::vector<int> allowed_cpus();

}  // namespace hwnas::measure
