#pragma once
// The host's roofline for a per-kernel profile: a peak MAC rate and the bandwidth of each
// memory level. A kernel of arithmetic intensity I = MACs / bytes moved can at best run at
// min(peak, I x bandwidth) MAC/s, so it is compute-bound when I >= the ridge point
// peak / bandwidth and memory-bound below it (Williams, Waterman & Patterson, "Roofline",
// CACM 2009). Kernels without MACs (pooling, element-wise) have I = 0: memory-bound.
//
// The bandwidth is that of the level the kernel's data fits in, as in the cache-aware
// roofline (Ilic, Pratas & Sousa, IEEE CAL 2014): the tensors of a mid-network layer live in
// L2 or L3, where this host streams several times faster than from DRAM, and a single DRAM
// roof would call every 1x1 convolution memory-bound while it runs at the compute peak.
//
//   measure::Roofline r = measure::measure_roofline({.backend = "xnnpack", .threads = 1});
//   r.source;                              // "measured on xnnpack f32, 1 thread: ..."
//   const measure::MemoryLevel& m = r.level_for(bytes);   // "L2", "L3" or "DRAM"
//   measure::bound(macs, bytes, r);        // Bound::Compute or Bound::Memory
//   measure::roof_ms(macs, bytes, r);      // the least time the roofline allows
//
// The figures come either from a device profile (device_roofline: one level) or from
// measure_roofline(): the best MAC rate of
// two convolutions (and of two depthwise convolutions), and per level (cache sizes from /sys/devices/system/cpu/cpu0/cache) the
// bandwidth of an element-wise add whose three tensors fill half of that level, each timed
// on the profile's backend and threads under the timing protocol.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/ir/op.h"

namespace hwnas::measure {

struct MemoryLevel {
  std::string name;       // "L2", "L3", "DRAM", "memory"
  int64_t max_bytes = 0;  // kernels moving up to this many bytes run at this level; 0: any
  double bytes_per_s = 0;
};

struct Roofline {
  double peak_macs_per_s = 0;
  // Depthwise convolutions have their own, far lower, peak (a MAC per weight per output, no
  // reuse across channels for a GEMM to exploit); 0: the same as peak_macs_per_s.
  double depthwise_peak_macs_per_s = 0;
  std::vector<MemoryLevel> levels;  // by max_bytes, ascending; the last has max_bytes 0
  std::string source;               // where the figures came from, printed beside them

  // A roofline with one bandwidth for every working set (a device profile's).
  static Roofline flat(double peak_macs_per_s, double bytes_per_s, std::string source);
  // The first level that holds `bytes`, else the last.
  const MemoryLevel& level_for(int64_t bytes) const;
  // The peak of a kernel whose first (anchor) operator is `anchor`.
  double peak_for(ir::OpKind anchor) const;
  double ridge(const MemoryLevel& level, ir::OpKind anchor = ir::OpKind::Conv2D) const {
    return peak_for(anchor) / level.bytes_per_s;
  }
};

enum class Bound : uint8_t { Compute, Memory };
std::string_view bound_name(Bound b);  // "compute-bound", "memory-bound"

// Error naming the figure when a rate is not positive, the levels are out of order or the
// last one is bounded.
void check_roofline(const Roofline& r);
Bound bound(int64_t macs, int64_t bytes, const Roofline& r, ir::OpKind anchor = ir::OpKind::Conv2D);
// max(macs / peak_for(anchor), bytes / bandwidth of level_for(bytes)), in ms.
double roof_ms(int64_t macs, int64_t bytes, const Roofline& r, ir::OpKind anchor = ir::OpKind::Conv2D);

struct RooflineOptions {
  std::string backend = "xnnpack";
  int threads = 1;
  ir::DType dtype = ir::DType::f32;  // of the convolutions (the bandwidth probes are f32)
  bool pin = true;
  double budget_s = 0.5;  // per probe
};

Roofline measure_roofline(const RooflineOptions& o);

// The roofline of a device profile: its primary processor's conv and depthwise MAC rates in
// `dtype` (clock x MACs per cycle) and its one bandwidth. The source names the profile, its
// file and calibration, followed by `why`.
Roofline device_roofline(const hw::Device& d, ir::DType dtype, const std::string& why = "");

// The roofline a profile uses (`hwnas profile --roofline`): "measure" -> nullopt
// (profile_model measures it); a device name or YAML file -> that profile's; "auto" -> the
// host profile once `hwnas device calibrate` has measured it, else nullopt (typical figures
// of another machine would misplace every ridge). An unknown device is an error.
std::optional<Roofline> choose_roofline(const std::string& choice, ir::DType dtype);

}  // namespace hwnas::measure
