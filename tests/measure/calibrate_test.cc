#include "hwnas/measure/calibrate.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace hwnas::measure {
namespace {

using ir::DType;

// A quick calibration (short budgets: the figures are rough, the structure is what is tested).
TEST(CalibrateHost, MeasuresEveryRateAndSaysHow) {
  std::vector<Probe> probes;
  const hw::Device d = calibrate_host({.threads = 1, .budget_s = 0.02, .pin = false}, &probes);
  const hw::Processor& cpu = d.processors[d.primary];
  EXPECT_EQ(d.name, "host");
  EXPECT_GT(cpu.clock_hz, 1e8);
  // 2 overhead probes, 6 classes x 2 dtypes, 1 bandwidth probe.
  ASSERT_EQ(probes.size(), 15u);
  for (const Probe& p : probes) {
    EXPECT_GT(p.m.timing.summary.runs, 0) << p.name;
    EXPECT_EQ(p.m.backend.substr(0, 7), "xnnpack") << p.name;
    EXPECT_EQ(p.m.fallback_nodes, 0) << p.name;
  }
  for (hw::OpClass c : {hw::OpClass::Conv, hw::OpClass::Depthwise, hw::OpClass::FullyConnected,
                        hw::OpClass::Elementwise, hw::OpClass::Pool, hw::OpClass::Data})
    for (DType t : {DType::f32, DType::i8}) EXPECT_GT(cpu.rate(c, t), 0) << hw::op_class_name(c);
  // Any x86-64 core with xnnpack does a 116 M-MAC conv at over 1 GMAC/s (a 2010 core without
  // AVX: 4 f32 MACs/cycle x 2 GHz x 1/8 efficiency), and far below 2 x 16 FMA/cycle x 6 GHz.
  const double conv = cpu.clock_hz * cpu.rate(hw::OpClass::Conv, DType::f32);
  EXPECT_GT(conv, 1e9);
  EXPECT_LT(conv, 2 * 16 * 6e9);
  // Memory bandwidth of one core: between 1 GB/s and 200 GB/s.
  EXPECT_GT(cpu.bandwidth_bytes_per_s, 1e9);
  EXPECT_LT(cpu.bandwidth_bytes_per_s, 200e9);
  // A kernel launch costs well under a millisecond.
  EXPECT_LT(cpu.op_overhead_s, 1e-3);
  EXPECT_NE(d.calibration.find("measured by `hwnas device calibrate`"), std::string::npos);
  EXPECT_NE(d.calibration.find("runs, CV"), std::string::npos);
  // It writes and reads back as a profile.
  EXPECT_EQ(hw::to_yaml(hw::parse_device(hw::to_yaml(d), "host.yaml")), hw::to_yaml(d));
}

TEST(CalibrateHost, RejectsBadOptions) {
  EXPECT_HWNAS_ERROR(calibrate_host({.threads = 0}), "--threads must be at least 1");
  EXPECT_HWNAS_ERROR(calibrate_host({.budget_s = 0}), "budget per probe must be positive");
}

}  // namespace
}  // namespace hwnas::measure
