// Every built-in profile loads, and its peak figures match hand arithmetic from the
// datasheet numbers its comments cite.
#include <gtest/gtest.h>

#include "hwnas/hw/device.h"
#include "hwnas/hw/op_support.h"
#include "hwnas/ir/builder.h"
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

// The reason the primary of `d` rejects the last node of g ("" when it accepts it).
std::string rejects(const Device& d, const ir::Graph& g, DType t = DType::i8) {
  std::string why;
  accepts(d.processors[d.primary], g, g.size() - 1, t, &why);
  return why;
}

ir::Graph one_conv(ir::Shape in, int out_channels, int kernel_h, int kernel_w, int stride, int dilation = 1,
                   bool depthwise = false) {
  ir::GraphBuilder b("g");
  const int x = b.input(in);
  ir::ConvOptions o;
  o.kernel_w = kernel_w;
  o.dilation = dilation;
  o.padding = ir::Padding::Valid;
  return b.finish(
      {depthwise ? b.depthwise(x, kernel_h, stride, o, "c") : b.conv(x, out_channels, kernel_h, stride, o, "c")});
}

template <typename F>
ir::Graph on_input(ir::Shape in, F&& op) {
  ir::GraphBuilder b("g");
  const int x = b.input(in);
  return b.finish({op(b, x)});
}

// Vela 3.6.1 SUPPORTED_OPS.md, each constraint at its limit and one past it, on both Ethos-U
// profiles (Vela's operator constraints do not depend on the configuration).
TEST(BuiltinDevices, EthosUFollowsVelasPublishedConstraints) {
  for (const char* name : {"ethos-u55-128", "ethos-u65-512"}) {
    SCOPED_TRACE(name);
    const Device d = load_device(name);
    EXPECT_EQ(d.partition, Partition::PerOperator);
    // CONV_2D: "Stride values for both width and height must be between 1 and 4".
    EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 4)), "");
    EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 5)), "stride 5 not in [1, 2, 3, 4] (Vela 3.6.1 CONV_2D)");
    // "Dilated kernel height must be in the range [1, 64]".
    EXPECT_EQ(rejects(d, one_conv({1, 80, 80, 8}, 8, 64, 1, 1)), "");
    EXPECT_EQ(rejects(d, one_conv({1, 80, 80, 8}, 8, 65, 1, 1)),
              "kernel height 65 over 64 (must be in [1, 64]) (Vela 3.6.1 CONV_2D)");
    EXPECT_EQ(rejects(d, one_conv({1, 80, 80, 8}, 8, 33, 1, 1, 2)),  // (33 - 1) x 2 + 1 = 65
              "dilated kernel height 65 over 64 (must be in [1, 64]) (Vela 3.6.1 CONV_2D)");
    // "Product of dilated kernel width and height must be in the range [1, 4096]": 64 x 64 = 4096.
    EXPECT_EQ(rejects(d, one_conv({1, 80, 80, 8}, 8, 64, 64, 1)), "");
    EXPECT_EQ(rejects(d, one_conv({1, 80, 80, 8}, 8, 64, 65, 1)),
              "kernel 64x65 has 4160 elements, over 4096 (width x height must be in [1, 4096]) (Vela 3.6.1 CONV_2D)");
    // DEPTHWISE_CONV_2D: strides 1..3.
    EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 3, 1, true)), "");
    EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 4, 1, true)),
              "stride 4 not in [1, 2, 3] (Vela 3.6.1 DEPTHWISE_CONV_2D)");
    // AVERAGE_POOL_2D: "Kernel filter values for both width and height must be in the range [1, 8]".
    EXPECT_EQ(rejects(d, on_input({1, 16, 16, 8}, [](auto& b, int x) { return b.avg_pool(x, 8, 1); })), "");
    EXPECT_EQ(rejects(d, on_input({1, 16, 16, 8}, [](auto& b, int x) { return b.avg_pool(x, 9, 1); })),
              "kernel 9 over 8 (height and width must be in [1, 8]) (Vela 3.6.1 AVERAGE_POOL_2D)");
    // MAX_POOL_2D: "Kernel filter height must be in the range [1, 256]"; strides 1..3.
    EXPECT_EQ(rejects(d, on_input({1, 256, 256, 1}, [](auto& b, int x) { return b.max_pool(x, 256, 1); })), "");
    EXPECT_EQ(rejects(d, on_input({1, 257, 257, 1}, [](auto& b, int x) { return b.max_pool(x, 257, 1); })),
              "kernel height 257 over 256 (must be in [1, 256]) (Vela 3.6.1 MAX_POOL_2D)");
    EXPECT_EQ(rejects(d, on_input({1, 16, 16, 8}, [](auto& b, int x) { return b.max_pool(x, 2, 4); })),
              "stride 4 not in [1, 2, 3] (Vela 3.6.1 MAX_POOL_2D)");
    // MEAN with keep_dims: "Product of height and width must be no greater than 4096".
    EXPECT_EQ(rejects(d, on_input({1, 64, 64, 8}, [](auto& b, int x) { return b.global_avg_pool(x); })), "");
    EXPECT_EQ(rejects(d, on_input({1, 64, 65, 8}, [](auto& b, int x) { return b.global_avg_pool(x); })),
              "input 64x65 averages 4160 elements, over 4096 (height x width must be at most 4096) (Vela 3.6.1 MEAN)");
    // Generic: "Tensor dimensions must be in the range [1, 65535]".
    EXPECT_EQ(rejects(d, on_input({1, 1, 65535, 1}, [](auto& b, int x) { return b.relu(x); })), "");
    EXPECT_EQ(rejects(d, on_input({1, 1, 65536, 1}, [](auto& b, int x) { return b.relu(x); })),
              "an input dimension of 65536 over 65535 (dimensions must be in [1, 65535]) (Vela 3.6.1 RELU)");
    // RESIZE: 2x/4x/8x upscales; 3x is not.
    const auto up = [](int f) {
      return [f](auto& b, int x) { return b.resize(x, 4 * f, 4 * f, ir::ResizeMode::Nearest); };
    };
    EXPECT_EQ(rejects(d, on_input({1, 4, 4, 8}, up(8))), "");
    EXPECT_NE(rejects(d, on_input({1, 4, 4, 8}, up(3))).find("is not a 2x/4x/8x upscale"), std::string::npos);
    // HARD_SWISH is a Vela operator (int8); f32 is no Ethos-U type.
    EXPECT_EQ(rejects(d, on_input({1, 8, 8, 8}, [](auto& b, int x) { return b.hardswish(x); })), "");
    EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 1), DType::f32),
              "f32 not supported (only int8) (Vela 3.6.1 CONV_2D)");
    EXPECT_GE(d.fallback.processor, 0);
  }
  // Peaks from Vela's configurations: 500e6 Hz x 128 MACs/cycle = 64 GMAC/s; AXI 8 B x 500 MHz =
  // 4 GB/s SRAM, x 0.125 = 0.5 GB/s flash for the weights. 1e9 x 512 = 512 GMAC/s; 16 B x 1 GHz =
  // 16 GB/s SRAM, x 0.234375 = 3.75 GB/s DRAM.
  const Device u55 = load_device("ethos-u55-128"), u65 = load_device("ethos-u65-512");
  EXPECT_DOUBLE_EQ(peak(u55, OpClass::Conv, DType::i8), 64e9);
  EXPECT_DOUBLE_EQ(u55.processors[u55.primary].bandwidth_bytes_per_s, 8 * 500e6);
  EXPECT_DOUBLE_EQ(u55.processors[u55.primary].weights_bandwidth_bytes_per_s, 8 * 0.125 * 500e6);
  EXPECT_DOUBLE_EQ(peak(u65, OpClass::Conv, DType::i8), 512e9);
  EXPECT_DOUBLE_EQ(u65.processors[u65.primary].bandwidth_bytes_per_s, 16 * 1e9);
  EXPECT_DOUBLE_EQ(u65.processors[u65.primary].weights_bandwidth_bytes_per_s, 16 * 0.234375 * 1e9);
  // Depthwise at 1/8 of the conv rate (Vela's depthwise cycle estimate).
  EXPECT_DOUBLE_EQ(peak(u55, OpClass::Depthwise, DType::i8) * 8, peak(u55, OpClass::Conv, DType::i8));
  EXPECT_DOUBLE_EQ(peak(u65, OpClass::Depthwise, DType::i8) * 8, peak(u65, OpClass::Conv, DType::i8));
}

// Coral: the operator table, the single cut, and "4 TOPS (int8), 2 TOPS per watt".
TEST(BuiltinDevices, EdgeTpuFollowsCoralsPublishedRules) {
  const Device d = load_device("edgetpu");
  EXPECT_EQ(d.partition, Partition::SingleCut);
  EXPECT_EQ(d.processors[d.primary].name, "edgetpu");
  EXPECT_EQ(rejects(d, on_input({1, 8, 8, 8}, [](auto& b, int x) { return b.hardswish(x); })),
            "hardswish is not in edgetpu's operator set");
  for (auto op : {ir::OpKind::Conv2D, ir::OpKind::DepthwiseConv2D, ir::OpKind::FullyConnected, ir::OpKind::Add,
                  ir::OpKind::Mul, ir::OpKind::Sigmoid, ir::OpKind::GlobalAvgPool, ir::OpKind::Concat})
    EXPECT_TRUE(runs_op(d.processors[d.primary], op)) << ir::op_name(op);
  // "Softmax: Supports only 1-D input tensor with a max of 16,000 elements".
  EXPECT_EQ(rejects(d, on_input({1, 16000}, [](auto& b, int x) { return b.softmax(x); })), "");
  EXPECT_EQ(rejects(d, on_input({1, 16001}, [](auto& b, int x) { return b.softmax(x); })),
            "an input dimension of 16001 over 16000 (dimensions must be in [1, 16000]) (Coral Edge TPU Softmax)");
  // "AveragePool2d: No fused activation function": a relu after a pool is its own (supported) op.
  EXPECT_TRUE(find_support(d.processors[d.primary],
                           on_input({1, 8, 8, 8}, [](auto& b, int x) { return b.avg_pool(x, 2, 2); }), 1, DType::i8,
                           nullptr)
                  ->fused_activations.empty());
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 1), DType::f32),
            "f32 not supported (only int8) (Coral Edge TPU Conv2d)");
  // 4 TOPS = 2e12 MAC/s; 2 TOPS per watt: 4 TOPS / 2 W.
  const double macs = peak(d, OpClass::Conv, DType::i8);
  EXPECT_DOUBLE_EQ(macs, 2e12);
  EXPECT_DOUBLE_EQ(2 * macs / 1e12 / (d.processors[d.primary].active_power_mw / 1e3), 2.0);
  // PCIe Gen2 x1: 5 GT/s with 8b/10b coding = 500 MB/s.
  EXPECT_DOUBLE_EQ(d.fallback.transfer_bytes_per_s, 5e9 * 8 / 10 / 8);
}

// nncase 0.x's KPU rules (fake_kpu_conv2d.cpp), each at its limit and one past it.
TEST(BuiltinDevices, K210FollowsNncasesKpuRules) {
  const Device d = load_device("k210");
  EXPECT_EQ(d.partition, Partition::PerOperator);
  const std::string rule = " (nncase K210 KPU conv2d)";
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 1)), "");
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 1, 1, 2)), "");
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 5, 5, 1)), "kernel 5 not in [1, 3]" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 1, 1)), "kernel 3x1 is not square" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 1, 2)),
            "dilated kernel 5 over 3 (height and width must be in [1, 3])" + rule);  // dilation 1 only
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 3)), "stride 3 not in [1, 2]" + rule);
  // is_supported_in_shape: H in [4, 256], W in [4, 512], C <= 1024; is_supported_out_shape: C <= 1024.
  EXPECT_EQ(rejects(d, one_conv({1, 256, 512, 1024}, 1024, 1, 1, 1)), "");
  EXPECT_EQ(rejects(d, one_conv({1, 4, 4, 8}, 8, 1, 1, 1)), "");
  EXPECT_EQ(rejects(d, one_conv({1, 257, 16, 8}, 8, 1, 1, 1)), "input height 257 not in [4, 256]" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 3, 16, 8}, 8, 1, 1, 1)), "input height 3 not in [4, 256]" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 16, 513, 8}, 8, 1, 1, 1)), "input width 513 not in [4, 512]" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 16, 16, 1025}, 8, 1, 1, 1)), "1025 input channels over the limit of 1024" + rule);
  EXPECT_EQ(rejects(d, one_conv({1, 16, 16, 8}, 1025, 1, 1, 1)), "1025 output channels over the limit of 1024" + rule);
  // A depthwise stride 2 leaves a CPU strided_slice.
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 1, 1, true)), "");
  EXPECT_EQ(rejects(d, one_conv({1, 32, 32, 8}, 8, 3, 3, 2, 1, true)),
            "stride 2 not in [1] (nncase K210 KPU depthwise conv2d)");
  EXPECT_EQ(rejects(d, on_input({1, 8, 8, 8},
                                [](auto& b, int x) {
                                  return b.add({x, x});
                                })),
            "add is not in kpu's operator set");
  // 0.25 TOPS = 1.25e11 MAC/s at 400 MHz.
  EXPECT_DOUBLE_EQ(peak(d, OpClass::Conv, DType::i8), 1.25e11);
}

}  // namespace
}  // namespace hwnas::hw
