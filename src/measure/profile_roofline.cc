#include "hwnas/measure/profile_roofline.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "hwnas/measure/measure_model.h"

namespace hwnas::measure {

std::string_view bound_name(Bound b) { return b == Bound::Compute ? "compute-bound" : "memory-bound"; }

Roofline Roofline::flat(double peak_macs_per_s, double bytes_per_s, std::string source) {
  return {.peak_macs_per_s = peak_macs_per_s,
          .levels = {{.name = "memory", .max_bytes = 0, .bytes_per_s = bytes_per_s}},
          .source = std::move(source)};
}

const MemoryLevel& Roofline::level_for(int64_t bytes) const {
  for (const MemoryLevel& l : levels)
    if (l.max_bytes == 0 || bytes <= l.max_bytes) return l;
  return levels.back();
}

double Roofline::peak_for(ir::OpKind anchor) const {
  return anchor == ir::OpKind::DepthwiseConv2D && depthwise_peak_macs_per_s > 0 ? depthwise_peak_macs_per_s
                                                                                : peak_macs_per_s;
}

void check_roofline(const Roofline& r) {
  const std::string where = "roofline (" + r.source + ")";
  if (!(r.peak_macs_per_s > 0) || !std::isfinite(r.peak_macs_per_s))
    fail(where, "the peak MAC rate must be a positive number, got {}", r.peak_macs_per_s);
  if (!(r.depthwise_peak_macs_per_s >= 0) || !std::isfinite(r.depthwise_peak_macs_per_s))
    fail(where, "the depthwise peak MAC rate must be positive (or 0: same as the peak), got {}",
         r.depthwise_peak_macs_per_s);
  if (r.levels.empty()) fail(where, "has no memory bandwidth; give at least one level");
  for (size_t i = 0; i < r.levels.size(); ++i) {
    const MemoryLevel& l = r.levels[i];
    if (!(l.bytes_per_s > 0) || !std::isfinite(l.bytes_per_s))
      fail(where, "the memory bandwidth of {} must be a positive number, got {}", l.name, l.bytes_per_s);
    const bool last = i + 1 == r.levels.size();
    if (last != (l.max_bytes == 0))
      fail(where, "level {} has max_bytes {}; only the last level (and it must) is unbounded (0)", l.name, l.max_bytes);
    if (i > 0 && !last && l.max_bytes <= r.levels[i - 1].max_bytes)
      fail(where, "levels must grow: {} holds {} bytes, not more than {}", l.name, l.max_bytes, r.levels[i - 1].name);
  }
}

Bound bound(int64_t macs, int64_t bytes, const Roofline& r, ir::OpKind anchor) {
  // macs / bytes >= ridge, written without dividing by a byte count that may be 0.
  const double ridge = r.ridge(r.level_for(bytes), anchor);
  return macs > 0 && static_cast<double>(macs) >= ridge * static_cast<double>(bytes) ? Bound::Compute : Bound::Memory;
}

double roof_ms(int64_t macs, int64_t bytes, const Roofline& r, ir::OpKind anchor) {
  return 1e3 * std::max(static_cast<double>(macs) / r.peak_for(anchor),
                        static_cast<double>(bytes) / r.level_for(bytes).bytes_per_s);
}

namespace {

struct Probe {
  double per_s;  // MACs or bytes per second
  std::string what;
  bool noisy;
};

Probe time_probe(const ir::Graph& g, double work, const RooflineOptions& o, ir::DType dtype, std::string what) {
  MeasureOptions mo;
  mo.backend = o.backend;
  mo.threads = o.threads;
  mo.dtype = dtype;
  mo.pin = o.pin;
  mo.timing.budget_s = o.budget_s;
  const Measurement m = measure_model(g, mo);
  return {work / (m.timing.summary.median * 1e-3), std::move(what), m.timing.noisy};
}

// A stride-1 convolution of the middle of an ImageNet network (a 28x28 or 14x14 map, data in
// L2): XNNPACK's GEMM and depthwise kernels run near their peaks there.
Probe conv_probe(bool depthwise, int kernel, int size, int channels, const RooflineOptions& o) {
  ir::GraphBuilder b("roofline.conv");
  const int x = b.input({1, size, size, channels});
  const ir::Graph g = b.finish({depthwise ? b.depthwise(x, kernel) : b.conv(x, channels, kernel)});
  return time_probe(g, static_cast<double>(ir::compute_stats(g).macs), o, o.dtype,
                    fmt::format("{}x{} {} {}x{}x{}", kernel, kernel, depthwise ? "depthwise" : "conv", size, size,
                                channels));
}

const Probe& faster(const Probe& a, const Probe& b) { return a.per_s >= b.per_s ? a : b; }

// out = a + b with three f32 tensors of `tensor_bytes` each: 3 x tensor_bytes streamed.
Probe add_probe(int64_t tensor_bytes, const RooflineOptions& o) {
  const int64_t rows = std::max<int64_t>(1, tensor_bytes / (4 * 16));
  ir::GraphBuilder b("roofline.add");
  const int x = b.input({1, 1, rows, 16}, "a");
  const int y = b.input({1, 1, rows, 16}, "b");
  const ir::Graph g = b.finish({b.add({x, y})});
  return time_probe(g, 3.0 * static_cast<double>(rows * 16 * 4), o, ir::DType::f32, "");
}

struct Cache {
  int level = 0;
  int64_t bytes = 0;  // usable by the threads of a run
};

// Data or unified caches of level >= 2 of CPU 0, from sysfs; empty when unreadable.
std::vector<Cache> host_caches(int threads) {
  std::vector<Cache> caches;
  const std::filesystem::path dir = "/sys/devices/system/cpu/cpu0/cache";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto read = [&](const char* f) {
      std::ifstream in(e.path() / f);
      std::string s;
      std::getline(in, s);
      return s;
    };
    const std::string type = read("type"), size = read("size"), shared = read("shared_cpu_list");
    int level = 0;
    int64_t kib = 0;
    if (type == "Instruction" || std::sscanf(read("level").c_str(), "%d", &level) != 1 || level < 2) continue;
    char unit = 'K';
    if (std::sscanf(size.c_str(), "%ld%c", &kib, &unit) < 1) continue;
    if (unit == 'M') kib *= 1024;
    // A private cache (one CPU listed) serves each thread of a multi-threaded run with its own.
    const bool private_cache = shared.find_first_of(",-") == std::string::npos;
    caches.push_back({level, kib * 1024 * (private_cache ? threads : 1)});
  }
  std::ranges::sort(caches, {}, &Cache::level);
  return caches;
}

}  // namespace

Roofline measure_roofline(const RooflineOptions& o) {
  const Probe c1 = conv_probe(false, 1, 28, 256, o), c3 = conv_probe(false, 3, 28, 128, o);
  const Probe d14 = conv_probe(true, 3, 14, 256, o), d28 = conv_probe(true, 3, 28, 128, o);
  const Probe& conv = faster(c1, c3);
  const Probe& dw = faster(d14, d28);
  bool noisy = conv.noisy || dw.noisy;

  Roofline r;
  r.peak_macs_per_s = conv.per_s;
  r.depthwise_peak_macs_per_s = dw.per_s;
  std::string levels;
  int64_t largest = 0;
  for (const Cache& c : host_caches(o.threads)) {
    // Half the cache for the probe's three tensors: the rest is for everything else.
    const Probe p = add_probe(c.bytes / 6, o);
    r.levels.push_back({.name = fmt::format("L{}", c.level), .max_bytes = c.bytes / 2, .bytes_per_s = p.per_s});
    levels += fmt::format("L{} {} KiB, ", c.level, c.bytes / 1024);
    noisy = noisy || p.noisy;
    largest = c.bytes;
  }
  // DRAM: three tensors of at least 32 MiB and of the last cache's size each.
  const Probe dram = add_probe(std::max<int64_t>(int64_t{32} << 20, largest), o);
  r.levels.push_back({.name = "DRAM", .max_bytes = 0, .bytes_per_s = dram.per_s});
  noisy = noisy || dram.noisy;
  r.source = fmt::format(
      "measured on {} {}, {} thread{}: peaks of a {} and a {}; bandwidth of f32 adds filling half of each cache ({}from "
      "sysfs) and beyond them{}",
      o.backend, ir::dtype_name(o.dtype), o.threads, o.threads > 1 ? "s" : "", conv.what, dw.what,
      levels.empty() ? "no cache sizes readable " : levels, levels.empty() ? "" : " (DRAM)",
      noisy ? "; NOISY: the machine was busy" : "");
  return r;
}

Roofline device_roofline(const hw::Device& d, ir::DType dtype, const std::string& why) {
  const hw::Processor& p = d.processors.at(d.primary);
  Roofline r =
      Roofline::flat(p.clock_hz * p.rate(hw::OpClass::Conv, dtype), p.bandwidth_bytes_per_s,
                     fmt::format("device profile '{}' ({}; calibration: {}){}", d.name, d.source, d.calibration, why));
  r.depthwise_peak_macs_per_s = p.clock_hz * p.rate(hw::OpClass::Depthwise, dtype);
  return r;
}

std::optional<Roofline> choose_roofline(const std::string& choice, ir::DType dtype) {
  if (choice == "measure") return std::nullopt;
  if (choice != "auto") return device_roofline(hw::load_device(choice), dtype);
  const auto names = hw::builtin_device_names();
  if (std::find(names.begin(), names.end(), "host") == names.end()) return std::nullopt;
  const hw::Device host = hw::load_device("host");
  if (host.calibration.starts_with("uncalibrated")) return std::nullopt;
  return device_roofline(host, dtype, ", calibrated");
}

}  // namespace hwnas::measure
