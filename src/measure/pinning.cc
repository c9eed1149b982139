#include "hwnas/measure/pinning.h"

#include <sched.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace hwnas::measure {

Pinning pin_to_cpus(int cpus) {
  Pinning p;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
    p.note = fmt::format("not pinned: sched_getaffinity failed ({})", std::strerror(errno));
    return p;
  }
  cpu_set_t want;
  CPU_ZERO(&want);
  for (int c = 0; c < CPU_SETSIZE && static_cast<int>(p.cpus.size()) < cpus; ++c)
    if (CPU_ISSET(c, &allowed)) {
      CPU_SET(c, &want);
      p.cpus.push_back(c);
    }
  if (static_cast<int>(p.cpus.size()) < cpus) {
    p.note = fmt::format("not pinned: {} threads asked for but only {} CPU(s) allowed", cpus, p.cpus.size());
    p.cpus.clear();
    return p;
  }
  if (sched_setaffinity(0, sizeof want, &want) != 0) {
    p.note = fmt::format("not pinned: sched_setaffinity failed ({})", std::strerror(errno));
    p.cpus.clear();
    return p;
  }
  p.pinned = true;
  p.note = fmt::format("pinned to CPU{} {}", p.cpus.size() > 1 ? "s" : "", fmt::join(p.cpus, ","));
  return p;
}

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  return cpus;
}

ScopedPin::ScopedPin(int cpus, bool pin) {
  if (!pin) {
    pinning_.note = "not pinned (pinning off)";
    return;
  }
  previous_ = allowed_cpus();
  pinning_ = pin_to_cpus(cpus);
  if (!pinning_.pinned) previous_.clear();
}

ScopedPin::~ScopedPin() {
  if (previous_.empty()) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : previous_) CPU_SET(c, &set);
  sched_setaffinity(0, sizeof set, &set);  // widening back to what was allowed cannot be refused
}

}  // namespace hwnas::measure
