#include "hwnas/measure/calibrate.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"

namespace hwnas::measure {
namespace {

using ir::DType;

constexpr int kChain = 20;  // tiny ops in the long chain of the overhead probe

// The core's clock in Hz, or 0 when the system does not say.
double read_clock_hz() {
  std::ifstream max_freq("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");  // kHz
  double khz = 0;
  if (max_freq >> khz && khz > 0) return khz * 1e3;
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("cpu MHz", 0) == 0) {
      std::istringstream in(line.substr(line.find(':') + 1));
      double mhz = 0;
      if (in >> mhz && mhz > 0) return mhz * 1e6;
    }
  return 0;
}

class Prober {
 public:
  explicit Prober(const CalibrateOptions& o) : o_(o) {}

  // Times g at `dtype`; the median in seconds.
  Probe run(std::string name, std::string what, const ir::Graph& g, DType dtype, double work, std::string unit) {
    measure::MeasureOptions mo;
    mo.backend = "xnnpack";
    mo.threads = o_.threads;
    mo.dtype = dtype;
    mo.seed = o_.seed;
    mo.pin = o_.pin;
    mo.timing.budget_s = o_.budget_s;
    mo.timing.warmup_runs = 2;
    mo.timing.min_runs = 5;
    Probe p{std::move(name), std::move(what), work, std::move(unit), 0, measure::measure_model(g, mo)};
    if (p.m.fallback_nodes > 0)
      fail("device calibrate: " + p.name,
           "xnnpack ran {} of its nodes on reference kernels ({}); the probe would "
           "not measure xnnpack",
           p.m.fallback_nodes, fmt::join(p.m.fallback_names, ", "));
    return p;
  }

 private:
  const CalibrateOptions& o_;
};

double seconds(const Probe& p) { return p.m.timing.summary.median * 1e-3; }

ir::Graph one_op(const std::string& name, ir::Shape in, const std::function<int(ir::GraphBuilder&, int)>& op) {
  ir::GraphBuilder b(name);
  const int x = b.input(in);
  return b.finish({op(b, x)});
}

ir::Graph add_chain(int n) {
  ir::GraphBuilder b(fmt::format("{} tiny adds", n));
  int x = b.input({1, 1, 1, 8});
  for (int i = 0; i < n; ++i) x = b.add({x, x});
  return b.finish({x});
}

}  // namespace

hw::Device calibrate_host(const CalibrateOptions& o, std::vector<Probe>* probes_out) {
  if (o.threads < 1) fail("device calibrate", "--threads must be at least 1, got {}", o.threads);
  if (o.budget_s <= 0) fail("device calibrate", "the time budget per probe must be positive, got {} s", o.budget_s);
  hw::Device d = hw::load_device("host");
  hw::Processor& cpu = d.processors[d.primary];
  if (const double hz = read_clock_hz(); hz > 0) cpu.clock_hz = hz;

  Prober prober(o);
  std::vector<Probe> probes;
  // Fixed costs first: one tiny add vs a chain of kChain + 1; the difference is kChain kernels.
  const Probe one = prober.run("invoke overhead", "1 add on [1,1,1,8]", add_chain(1), DType::f32, 0, "s");
  const Probe chain = prober.run("op overhead", fmt::format("{} adds on [1,1,1,8]", kChain + 1), add_chain(kChain + 1),
                                 DType::f32, 0, "s");
  const double op_s = std::max(0.0, (seconds(chain) - seconds(one)) / kChain);
  const double invoke_s = std::max(0.0, seconds(one) - op_s);
  probes.push_back(one);
  probes.back().rate = invoke_s;
  probes.push_back(chain);
  probes.back().rate = op_s;
  cpu.op_overhead_s = op_s;
  cpu.invoke_overhead_s = invoke_s;

  // A rate probe: work per second of the kernel (fixed costs taken off), and per cycle.
  const auto rate = [&](std::string name, std::string what, const ir::Graph& g, DType t, double work,
                        std::string unit) {
    Probe p = prober.run(std::move(name), std::move(what), g, t, work, std::move(unit));
    p.rate = work / std::max(seconds(p) - op_s - invoke_s, seconds(p) * 0.5);
    probes.push_back(p);
    return p.rate;
  };
  // conv 3x3, 64 -> 64 channels on 56x56: 56 x 56 x 64 x 64 x 9 = 115,605,504 MACs.
  const ir::Graph conv = one_op("conv", {1, 56, 56, 64}, [](ir::GraphBuilder& b, int x) { return b.conv(x, 64, 3); });
  // depthwise 3x3 on 112x112x64: 112 x 112 x 64 x 9 = 7,225,344 MACs.
  const ir::Graph dw =
      one_op("depthwise", {1, 112, 112, 64}, [](ir::GraphBuilder& b, int x) { return b.depthwise(x, 3); });
  // FC 2048 -> 1000: 2,048,000 MACs (weight streaming, as a classifier at batch 1).
  const ir::Graph fc = one_op("fc", {1, 1, 1, 2048}, [](ir::GraphBuilder& b, int x) { return b.fc(x, 1000); });
  const ir::Graph relu = one_op("relu", {1, 112, 112, 64}, [](ir::GraphBuilder& b, int x) { return b.relu(x); });
  const ir::Graph pool =
      one_op("pool", {1, 56, 56, 256}, [](ir::GraphBuilder& b, int x) { return b.global_avg_pool(x); });
  // Data movement: a pad (this XNNPACK has no concatenate) writes 58 x 58 x 64 elements.
  const ir::Graph pad = one_op("pad", {1, 56, 56, 64}, [](ir::GraphBuilder& b, int x) { return b.pad(x, 1, 1, 1, 1); });
  const std::pair<hw::OpClass, const ir::Graph*> classes[] = {
      {hw::OpClass::Conv, &conv},        {hw::OpClass::Depthwise, &dw}, {hw::OpClass::FullyConnected, &fc},
      {hw::OpClass::Elementwise, &relu}, {hw::OpClass::Pool, &pool},    {hw::OpClass::Data, &pad}};
  const double works[] = {115605504, 7225344, 2048000, 112.0 * 112 * 64, 56.0 * 56 * 256, 58.0 * 58 * 64};
  const char* whats[] = {"conv2d 3x3 64->64 on [1,56,56,64]", "depthwise 3x3 on [1,112,112,64]",
                         "fully_connected 2048->1000",        "relu on [1,112,112,64]",
                         "global_avg_pool on [1,56,56,256]",  "pad by 1 of [1,56,56,64]"};
  cpu.per_cycle.clear();
  for (size_t i = 0; i < std::size(classes); ++i) {
    const auto [cls, g] = classes[i];
    const bool macs = cls == hw::OpClass::Conv || cls == hw::OpClass::Depthwise || cls == hw::OpClass::FullyConnected;
    for (DType t : {DType::f32, DType::i8}) {
      const double r = rate(fmt::format("{} {}", hw::op_class_name(cls), ir::dtype_name(t)), whats[i], *g, t, works[i],
                            macs ? "MAC/s" : "elements/s");
      cpu.per_cycle[{cls, t}] = r / cpu.clock_hz;
    }
  }
  // Bandwidth: an f32 add of two [1,256,256,64] tensors reads 2 x 16 MiB and writes 16 MiB,
  // far beyond any cache: 3 x 4,194,304 x 4 = 50,331,648 bytes per run.
  const ir::Graph big_add = [] {
    ir::GraphBuilder b("bandwidth");
    const int x = b.input({1, 256, 256, 64}, "a");
    const int y = b.input({1, 256, 256, 64}, "b");
    return b.finish({b.add({x, y})});
  }();
  cpu.bandwidth_bytes_per_s =
      rate("bandwidth", "add of two [1,256,256,64] f32", big_add, DType::f32, 3.0 * 256 * 256 * 64 * 4, "bytes/s");

  std::vector<std::string> summary;
  for (const Probe& p : probes) {
    const auto& s = p.m.timing.summary;
    const std::string value =
        p.unit == "s" ? fmt::format("{:.2f} us", p.rate * 1e6) : fmt::format("{:.3g} {}", p.rate, p.unit);
    summary.push_back(fmt::format("{} {} ({} runs, CV {:.1f}%{})", p.name, value, s.runs, 100 * s.cv,
                                  p.m.timing.noisy ? ", noisy" : ""));
  }
  d.description =
      fmt::format("this machine, measured with xnnpack ({} thread{})", o.threads, o.threads == 1 ? "" : "s");
  d.calibration = fmt::format(
      "measured by `hwnas device calibrate` (xnnpack, {} thread{}, clock {:.0f} MHz, "
      "median of each probe): {}",
      o.threads, o.threads == 1 ? "" : "s", cpu.clock_hz / 1e6, fmt::join(summary, "; "));
  d.source = "measured on this machine";
  if (probes_out) *probes_out = std::move(probes);
  return d;
}

}  // namespace hwnas::measure
