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

}  // namespace hwnas::measure
