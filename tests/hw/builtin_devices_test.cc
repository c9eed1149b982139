// Every built-in profile loads, and its peak figures match hand arithmetic from the
// datasheet numbers its comments cite.
#include <gtest/gtest.h>

#include "hwnas/hw/device.h"
#include "hwnas/hw/op_support.h"
#include "testing.h"

namespace hwnas::hw {
namespace {

using ir::DType;

double peak(const Device& d, OpClass c, DType t) {
  const Processor& p = d.processors[d.primary];
  return p.clock_hz * p.rate(c, t);
}

TEST(BuiltinDevices, TheSixOfTheIssueExistAndLoad) {
  const auto names = builtin_device_names();
  for (const char* n : {"host", "cortex-m7", "cortex-m7-f746", "pixel3-cpu", "raspi4", "npu-generic"}) {
    SCOPED_TRACE(n);
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end());
    const Device d = load_device(n);
    EXPECT_EQ(d.name, n);
    EXPECT_FALSE(d.description.empty());
    EXPECT_FALSE(d.calibration.empty());
    EXPECT_GT(d.power.idle_mw, 0);  // power figures on every device
    EXPECT_GT(d.power.energy_pj_per_byte, 0);
    for (const Processor& p : d.processors) EXPECT_GT(p.active_power_mw, 0) << p.name;
  }
}

TEST(BuiltinDevices, CortexM7PeaksFromTheDatasheet) {
  const Device d = load_device("cortex-m7");
  EXPECT_EQ(d.default_dtype, DType::i8);
  // 480e6 Hz x 0.84 MACs/cycle = 0.4032 GMAC/s int8 conv: the rate of hwnas's generated code,
  // fitted to its QEMU-traced cycles (tests/codegen/m7_profile_test.cc checks it on networks
  // outside the fit); x 1 (VFMA) = 0.48 GMAC/s f32.
  EXPECT_DOUBLE_EQ(peak(d, OpClass::Conv, DType::i8), 480e6 * 0.84);
  EXPECT_EQ(d.engine, "hwnas codegen (hwnas deploy)");
  EXPECT_DOUBLE_EQ(d.processors[0].output_cycles(OpClass::Conv, DType::i8), 24.4);
  EXPECT_DOUBLE_EQ(peak(d, OpClass::Conv, DType::f32), 0.48e9);
  EXPECT_LT(peak(d, OpClass::Depthwise, DType::i8), peak(d, OpClass::Conv, DType::i8));
  // 512 KiB = 524,288 bytes of SRAM; 2 MiB = 2,097,152 bytes of flash.
  EXPECT_EQ(d.memory.sram_bytes, 524288);
  EXPECT_EQ(d.memory.flash_bytes, 2097152);
  // 64-bit AXI at 240 MHz: 8 x 240e6 = 1.92e9 B/s.
  EXPECT_DOUBLE_EQ(d.processors[0].bandwidth_bytes_per_s, 1.92e9);
  EXPECT_GT(d.memory.runtime_flash_bytes, 0);
  EXPECT_GT(d.memory.runtime_sram_bytes, 0);
}

TEST(BuiltinDevices, CortexM7F746PeaksFromTheDatasheet) {
  // 320 KiB = 327,680 B; 1 MiB = 1,048,576 B, for the generated code's profile and Plumerai's.
  for (const char* name : {"cortex-m7-f746", "cortex-m7-f746-plumerai"}) {
    const Device d = load_device(name);
    EXPECT_EQ(d.memory.sram_bytes, 327680) << name;
    EXPECT_EQ(d.memory.flash_bytes, 1048576) << name;
    EXPECT_DOUBLE_EQ(d.processors[0].clock_hz, 216e6) << name;
  }
  // 216e6 Hz x 0.95 MACs/cycle (fitted to Plumerai's MLPerf Tiny v1.1 result on this board) =
  // 0.2052 GMAC/s.
  EXPECT_DOUBLE_EQ(peak(load_device("cortex-m7-f746-plumerai"), OpClass::Conv, DType::i8), 216e6 * 0.95);
}

TEST(BuiltinDevices, CortexM7H7a3PeaksFromTheDatasheetAndTheMlperfEnergyRun) {
  const Device d = load_device("cortex-m7-h7a3-xcubeai");
  EXPECT_EQ(d.default_dtype, DType::i8);
  // 280e6 Hz x 1.1 MACs/cycle (fitted to X-CUBE-AI 9.0's MLPerf Tiny v1.2 result) = 0.308 GMAC/s.
  EXPECT_DOUBLE_EQ(peak(d, OpClass::Conv, DType::i8), 280e6 * 1.1);
  // 1 MiB of AXI SRAM = 1,048,576 B; 2 MiB flash; 64-bit AXI at 280 MHz: 8 x 280e6 = 2.24e9 B/s.
  EXPECT_EQ(d.memory.sram_bytes, 1048576);
  EXPECT_EQ(d.memory.flash_bytes, 2097152);
  EXPECT_DOUBLE_EQ(d.processors[0].bandwidth_bytes_per_s, 2.24e9);
  // The energy run of the same submission: 121.9 mW, rounded to 122.
  EXPECT_DOUBLE_EQ(d.processors[0].active_power_mw, 122);
}

TEST(BuiltinDevices, PhoneAndBoardPeaks) {
  // Pixel 3 big core: 2.8e9 Hz x 5 f32 MACs/cycle = 14 GMAC/s (60% of 8 FMA/cycle NEON peak).
  EXPECT_DOUBLE_EQ(peak(load_device("pixel3-cpu"), OpClass::Conv, DType::f32), 14e9);
  // Raspberry Pi 4: 1.5e9 Hz x 4 = 6 GMAC/s f32.
  EXPECT_DOUBLE_EQ(peak(load_device("raspi4"), OpClass::Conv, DType::f32), 6e9);
  // Host defaults: 3e9 x 10 = 30 GMAC/s f32 conv, below the 3e9 x 16 FMA peak of AVX2.
  const Device host = load_device("host");
  EXPECT_DOUBLE_EQ(peak(host, OpClass::Conv, DType::f32), 30e9);
  EXPECT_LT(peak(host, OpClass::Conv, DType::f32), 3e9 * 16);
  EXPECT_NE(host.calibration.find("hwnas device calibrate"), std::string::npos);
}

TEST(BuiltinDevices, NpuHasItsOperatorSetAndACpuFallback) {
  const Device d = load_device("npu-generic");
  ASSERT_EQ(d.processors.size(), 2u);
  const Processor& npu = d.processors[d.primary];
  EXPECT_EQ(npu.name, "npu");
  // 1e9 Hz x 512 MACs/cycle = 512 GMAC/s int8 (1.02 TOPS counting a MAC as two operations).
  EXPECT_DOUBLE_EQ(peak(d, OpClass::Conv, DType::i8), 512e9);
  ASSERT_TRUE(npu.ops.has_value());
  ASSERT_GE(d.fallback.processor, 0);
  EXPECT_EQ(d.processors[d.fallback.processor].name, "cpu");
  EXPECT_FALSE(d.processors[d.fallback.processor].ops.has_value());
  EXPECT_GT(d.fallback.transfer_bytes_per_s, 0);
  for (auto op :
       {ir::OpKind::HardSwish, ir::OpKind::HardSigmoid, ir::OpKind::Sigmoid, ir::OpKind::Swish, ir::OpKind::Mul})
    EXPECT_FALSE(runs_op(npu, op)) << ir::op_name(op);
  for (auto op :
       {ir::OpKind::Conv2D, ir::OpKind::DepthwiseConv2D, ir::OpKind::Add, ir::OpKind::AvgPool, ir::OpKind::MaxPool,
        ir::OpKind::GlobalAvgPool, ir::OpKind::Concat, ir::OpKind::Reshape, ir::OpKind::Relu, ir::OpKind::Relu6})
    EXPECT_TRUE(runs_op(npu, op)) << ir::op_name(op);
}

}  // namespace
}  // namespace hwnas::hw
