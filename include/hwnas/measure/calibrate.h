#pragma once
// Host calibration: measures this machine with the xnnpack backend (measure::measure_model,
// under the timing protocol) and returns a `host` hw::Device whose figures are the rates it
// achieved: MAC/s of a large conv, a depthwise conv and an FC (f32 and int8), element rates of
// an activation, a pool and a pad, memory bandwidth from a large add, and the fixed costs
// of one kernel and of one invoke() from chains of tiny ops. `hwnas device calibrate` writes
// the result as YAML.
//
//   measure::CalibrateOptions o; o.threads = 1;
//   std::vector<measure::Probe> probes;
//   hw::Device host = measure::calibrate_host(o, &probes);
//   host.calibration;   // "measured by hwnas device calibrate (xnnpack, 1 thread): conv f32 ..."
//   for (auto& p : probes) fmt::print("{}: {:.3g} {}\n", p.name, p.rate, p.unit);
#include <string>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/measure/measure_model.h"

namespace hwnas::measure {

struct CalibrateOptions {
  int threads = 1;
  double budget_s = 1.0;  // timing budget per probe (the protocol stops earlier once confident)
  bool pin = true;
  uint64_t seed = 1;
};

// One measured probe.
struct Probe {
  std::string name;   // "conv f32", "bandwidth", "op overhead"
  std::string graph;  // what ran: "conv2d 3x3 64->64 on [1,56,56,64]"
  double work = 0;    // MACs, elements or bytes per run (0 for overheads)
  std::string unit;   // of `rate`: "MAC/s", "elements/s", "bytes/s", "s"
  double rate = 0;    // work / time (overheads: the time itself)
  measure::Measurement m;
};

// The base profile is the built-in `host` (operator set, memory, power); the measured figures
// replace its rates, bandwidth and overheads. per_cycle = achieved rate / clock_hz, with the
// clock read from /sys (cpuinfo_max_freq) or /proc/cpuinfo, else the base profile's.
hw::Device calibrate_host(const CalibrateOptions& o, std::vector<Probe>* probes = nullptr);

}  // namespace hwnas::measure
