#include "hwnas/hw/device.h"

#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "testing.h"

namespace hwnas::hw {
namespace {

using ir::DType;

// A minimal valid profile; tests edit one line at a time to provoke each error.
constexpr const char* kMinimal = R"(name: tiny
kind: mcu
processors:
  cpu:
    clock_mhz: 100
    per_cycle:
      conv: {int8: 2, f32: 1}
      depthwise: 1
      fc: 1
      elementwise: 1
      pool: 1
      data: 1
    bandwidth_gb_s: 0.4
    active_power_mw: 50
memory:
  sram_kib: 256
  flash_kib: 1024
power:
  idle_mw: 5
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in the profile");
  return text.replace(at, from.size(), to);
}

TEST(ParseDevice, ReadsUnitsIntoSiFigures) {
  const Device d = parse_device(kMinimal, "tiny.yaml");
  EXPECT_EQ(d.name, "tiny");
  EXPECT_EQ(d.kind, "mcu");
  ASSERT_EQ(d.processors.size(), 1u);
  const Processor& p = d.processors[0];
  EXPECT_DOUBLE_EQ(p.clock_hz, 100e6);
  EXPECT_DOUBLE_EQ(p.bandwidth_bytes_per_s, 0.4e9);
  EXPECT_EQ(d.memory.sram_bytes, 256 * 1024);
  EXPECT_EQ(d.memory.flash_bytes, 1024 * 1024);
  EXPECT_EQ(d.fallback.processor, -1);
  EXPECT_DOUBLE_EQ(p.rate(OpClass::Conv, DType::i8), 2);
  EXPECT_DOUBLE_EQ(p.rate(OpClass::Conv, DType::f32), 1);
  // A scalar rate is the f32 rate, and a missing dtype falls back to it.
  EXPECT_DOUBLE_EQ(p.rate(OpClass::Depthwise, DType::i8), 1);
  EXPECT_FALSE(p.ops.has_value());
  EXPECT_DOUBLE_EQ(p.op_overhead_s, 0);
}

TEST(ParseDevice, NameDefaultsToTheFileStem) {
  const Device d = parse_device(replace(kMinimal, "name: tiny\n", ""), "dir/board.yaml");
  EXPECT_EQ(d.name, "board");
}

TEST(ParseDevice, ErrorsNameFileLineKeyAndFix) {
  // The example of the brief: a word where a number belongs, located to its line (7).
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "{int8: 2, f32: 1}", "fast"), "x.yaml"),
                     "x.yaml:7: processors.cpu.per_cycle.conv: expected a number (MACs per cycle), got 'fast'");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "bandwidth_gb_s: 0.4", "bandwith_gb_s: 0.4"), "x.yaml"),
                     "x.yaml:13: processors.cpu.bandwith_gb_s: unknown key (did you mean 'bandwidth_gb_s'?)");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "clock_mhz: 100", "clock_mhz: 0"), "x.yaml"),
                     "processors.cpu.clock_mhz: expected a positive number (MHz), got 0");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "    clock_mhz: 100\n", ""), "x.yaml"),
                     "processors.cpu: missing 'clock_mhz' (MHz)");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "      data: 1\n", ""), "x.yaml"),
                     "missing 'data' (elements per cycle)");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "      data: 1", "      dta: 1"), "x.yaml"),
                     "per_cycle.dta: unknown key (did you mean 'data'?)");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "int8: 2", "int9: 2"), "x.yaml"),
                     "per_cycle.conv.int9: unknown dtype 'int9'");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "idle_mw: 5", "idle_mw: -5"), "x.yaml"),
                     "power.idle_mw: expected a non-negative number (mW), got -5");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "kind: mcu", "kind: gpu"), "x.yaml"), "unknown kind 'gpu'");
  EXPECT_HWNAS_ERROR(parse_device("name: [a\n", "x.yaml"), "x.yaml:");
  EXPECT_HWNAS_ERROR(parse_device("- a\n", "x.yaml"), "expected a map of settings");
  EXPECT_HWNAS_ERROR(parse_device("name: x\n", "x.yaml"), "missing 'processors'");
  EXPECT_HWNAS_ERROR(parse_device(kMinimal + std::string("primary: gpu\n"), "x.yaml"),
                     "primary: no processor 'gpu'; the processors are: cpu");
}

TEST(ParseDevice, OperatorSetAndFallbackErrors) {
  const std::string with_ops = replace(kMinimal, "    active_power_mw: 50\n",
                                       "    active_power_mw: 50\n    ops:\n      - op: conv2d\n        kernels: [3]\n");
  EXPECT_EQ(parse_device(with_ops, "x.yaml").processors[0].ops->at(0).kernels, std::vector<int>{3});
  EXPECT_HWNAS_ERROR(parse_device(replace(with_ops, "op: conv2d", "op: conv2"), "x.yaml"),
                     "unknown operator 'conv2' (did you mean 'conv2d'?)");
  EXPECT_HWNAS_ERROR(parse_device(replace(with_ops, "kernels: [3]", "kernels: [0]"), "x.yaml"),
                     "ops[0].kernels[0]: expected a positive whole number, got 0");
  EXPECT_HWNAS_ERROR(parse_device(replace(with_ops, "kernels: [3]", "fused_activations: [add]"), "x.yaml"),
                     "'add' is not an activation");
  EXPECT_HWNAS_ERROR(parse_device(replace(with_ops, "kernels: [3]", "kernel: [3]"), "x.yaml"),
                     "ops[0].kernel: unknown key (did you mean 'kernels'?)");
  EXPECT_HWNAS_ERROR(parse_device(kMinimal + std::string("fallback: {processor: cpu, transfer_gb_s: 1}\n"), "x.yaml"),
                     "fallback.processor: 'cpu' is the primary processor");
}

TEST(ParseDevice, StructureErrors) {
  EXPECT_HWNAS_ERROR(parse_device(kMinimal + std::string("colour: red\n"), "x.yaml"),
                     "x.yaml:20: colour: unknown key; the keys here are: name, description");
  EXPECT_HWNAS_ERROR(parse_device("processors: {}\n", "x.yaml"), "processors: needs at least one processor");
  EXPECT_HWNAS_ERROR(parse_device("processors: [cpu]\n", "x.yaml"),
                     "processors: expected a map of key: value, got a list");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "{int8: 2, f32: 1}", "{}"), "x.yaml"),
                     "per_cycle.conv: expected a number or a map of dtype: rate, got an empty map");
  EXPECT_HWNAS_ERROR(parse_device(replace(kMinimal, "sram_kib: 256", "sram_kib: lots"), "x.yaml"),
                     "memory.sram_kib: expected a number (KiB), got 'lots'");
  const std::string two = replace(kMinimal, "memory:",
                                  "  cpu2:\n    clock_mhz: 50\n    per_cycle: {conv: 1, depthwise: 1, "
                                  "fc: 1, elementwise: 1, pool: 1, data: 1}\n    bandwidth_gb_s: 1\n"
                                  "    active_power_mw: 9\nmemory:");
  EXPECT_EQ(parse_device(two + "fallback: {processor: cpu2, transfer_gb_s: 0.5}\n", "x.yaml").fallback.processor, 1);
  EXPECT_HWNAS_ERROR(parse_device(two + "fallback: {processor: cpu2}\n", "x.yaml"),
                     "fallback: missing 'transfer_gb_s' (GB/s, 1e9 bytes per second)");
  EXPECT_HWNAS_ERROR(parse_device(two + "fallback: {processor: gpu, transfer_gb_s: 1}\n", "x.yaml"),
                     "fallback.processor: no processor 'gpu'; the processors are: cpu, cpu2");
  EXPECT_EQ(parse_device(two + "primary: cpu2\n", "x.yaml").primary, 1);
}

TEST(ParseDevice, RateWithoutF32FallbackIsAnError) {
  const Device d = parse_device(replace(kMinimal, "      depthwise: 1", "      depthwise: {int8: 1}"), "x.yaml");
  EXPECT_HWNAS_ERROR(d.processors[0].rate(OpClass::Depthwise, DType::f32), "has no f32 rate");
}

// cycles_per_output: optional, per class and dtype, non-negative; the roofline adds it per value
// a kernel writes.
TEST(ParseDevice, CyclesPerOutput) {
  const std::string with = replace(kMinimal, "    bandwidth_gb_s: 0.4",
                                   "    cycles_per_output: {conv: {int8: 24}}\n    bandwidth_gb_s: 0.4");
  const Device d = parse_device(with, "x.yaml");
  EXPECT_DOUBLE_EQ(d.processors[0].output_cycles(OpClass::Conv, DType::i8), 24);
  EXPECT_DOUBLE_EQ(d.processors[0].output_cycles(OpClass::Conv, DType::f32), 0);
  EXPECT_DOUBLE_EQ(d.processors[0].output_cycles(OpClass::Pool, DType::i8), 0);
  EXPECT_HWNAS_ERROR(parse_device(replace(with, "int8: 24", "int8: -1"), "x.yaml"),
                     "processors.cpu.cycles_per_output.conv.int8: expected a non-negative number");
  EXPECT_HWNAS_ERROR(parse_device(replace(with, "{conv: {int8: 24}}", "{cnv: {int8: 24}}"), "x.yaml"),
                     "cycles_per_output.cnv: unknown key (did you mean 'conv'?)");
  EXPECT_HWNAS_ERROR(parse_device(replace(with, "{conv: {int8: 24}}", "{conv: 24}"), "x.yaml"),
                     "cycles_per_output.conv");
}

// The partition rule, the weights port and the published range limits: read, checked with
// located errors, and written back by to_yaml().
TEST(ParseDevice, PartitionWeightsBandwidthAndLimits) {
  EXPECT_EQ(parse_device(kMinimal, "x.yaml").partition, Partition::PerOperator);  // the default
  EXPECT_EQ(parse_device(kMinimal + std::string("partition: single_cut\n"), "x.yaml").partition, Partition::SingleCut);
  EXPECT_EQ(parse_device(kMinimal + std::string("partition: per_operator\n"), "x.yaml").partition,
            Partition::PerOperator);
  EXPECT_HWNAS_ERROR(parse_device(kMinimal + std::string("partition: once\n"), "x.yaml"),
                     "x.yaml:20: partition: unknown partition 'once'; use per_operator");

  EXPECT_DOUBLE_EQ(parse_device(kMinimal, "x.yaml").processors[0].weights_bandwidth_bytes_per_s, 0);  // shares
  const std::string wb =
      replace(kMinimal, "    bandwidth_gb_s: 0.4\n", "    bandwidth_gb_s: 0.4\n    weights_bandwidth_gb_s: 0.05\n");
  EXPECT_DOUBLE_EQ(parse_device(wb, "x.yaml").processors[0].weights_bandwidth_bytes_per_s, 0.05e9);
  EXPECT_HWNAS_ERROR(parse_device(replace(wb, "0.05", "0"), "x.yaml"),
                     "processors.cpu.weights_bandwidth_gb_s: expected a positive number");
  const std::string cache =
      replace(kMinimal, "    bandwidth_gb_s: 0.4\n", "    bandwidth_gb_s: 0.4\n    weights_cache_kib: 8192\n"
                                                     "    streamed_weights_gb_s: 0.5\n");
  EXPECT_EQ(parse_device(cache, "x.yaml").processors[0].weights_cache_bytes, 8192 * 1024);
  EXPECT_DOUBLE_EQ(parse_device(cache, "x.yaml").processors[0].streamed_weights_bytes_per_s, 0.5e9);
  EXPECT_EQ(parse_device(to_yaml(parse_device(cache, "x.yaml")), "b.yaml").processors[0].weights_cache_bytes,
            8192 * 1024);
  EXPECT_HWNAS_ERROR(parse_device(replace(cache, "    streamed_weights_gb_s: 0.5\n", ""), "x.yaml"),
                     "processors.cpu: missing 'streamed_weights_gb_s'");

  const std::string limits = replace(
      kMinimal, "    active_power_mw: 50\n",
      "    active_power_mw: 50\n    ops:\n      - op: conv2d\n"
      "        max_kernel_height: 64\n        max_kernel_area: 4096\n"
      "        max_kernel: 8\n        square_kernels: true\n        max_dim: 65535\n        max_input_channels: 1024\n"
      "        input_height: [4, 256]\n        input_width: [4, 512]\n"
      "        rule: Vela CONV_2D\n      - op: resize\n        resize_scales: [2, 4]\n");
  const Device d = parse_device(limits, "x.yaml");
  const OpSupport& c = d.processors[0].ops->at(0);
  EXPECT_EQ(c.max_kernel_height, 64);
  EXPECT_EQ(c.max_kernel_area, 4096);
  EXPECT_EQ(c.max_kernel, 8);
  EXPECT_TRUE(c.square_kernels);
  EXPECT_EQ(c.max_dim, 65535);
  EXPECT_EQ(c.max_input_channels, 1024);
  EXPECT_EQ(c.input_height, (IntRange{4, 256}));
  EXPECT_EQ(c.input_width, (IntRange{4, 512}));
  EXPECT_EQ(c.rule, "Vela CONV_2D");
  EXPECT_EQ(d.processors[0].ops->at(1).resize_scales, (std::vector<int>{2, 4}));
  EXPECT_HWNAS_ERROR(parse_device(replace(limits, "max_kernel_height: 64", "max_kernel_height: 0"), "x.yaml"),
                     "ops[0].max_kernel_height: expected a positive whole number, got 0");
  EXPECT_HWNAS_ERROR(parse_device(replace(limits, "input_height: [4, 256]", "input_height: [256, 4]"), "x.yaml"),
                     "ops[0].input_height: expected [min, max] with min <= max");
  EXPECT_HWNAS_ERROR(parse_device(replace(limits, "input_width: [4, 512]", "input_width: [512]"), "x.yaml"),
                     "ops[0].input_width: expected [min, max]");
  EXPECT_HWNAS_ERROR(parse_device(replace(limits, "op: resize", "op: add"), "x.yaml"),
                     "ops[1].resize_scales: only a resize entry has resize_scales (this one is add)");
  EXPECT_HWNAS_ERROR(parse_device(replace(limits, "max_dim:", "max_dims:"), "x.yaml"),
                     "ops[0].max_dims: unknown key (did you mean 'max_dim'?)");

  // Written back and read again unchanged.
  const Device back = parse_device(to_yaml(parse_device(limits + "partition: single_cut\n", "x.yaml")), "b.yaml");
  EXPECT_EQ(back.partition, Partition::SingleCut);
  EXPECT_EQ(back.processors[0].ops->at(0).input_width, (IntRange{4, 512}));
  EXPECT_EQ(back.processors[0].ops->at(0).rule, "Vela CONV_2D");
  EXPECT_TRUE(back.processors[0].ops->at(0).square_kernels);
  EXPECT_EQ(back.processors[0].ops->at(1).resize_scales, (std::vector<int>{2, 4}));
  EXPECT_DOUBLE_EQ(
      parse_device(to_yaml(parse_device(wb, "x.yaml")), "b.yaml").processors[0].weights_bandwidth_bytes_per_s, 0.05e9);
}

TEST(ToYaml, RoundTripsEveryBuiltin) {
  for (const auto& name : builtin_device_names()) {
    SCOPED_TRACE(name);
    const Device d = load_device(name);
    const std::string y = to_yaml(d);
    const Device back = parse_device(y, "back.yaml");
    EXPECT_EQ(to_yaml(back), y);
    EXPECT_EQ(back.name, d.name);
    EXPECT_EQ(back.primary, d.primary);
    EXPECT_EQ(back.fallback.processor, d.fallback.processor);
    EXPECT_EQ(back.memory.sram_bytes, d.memory.sram_bytes);
    ASSERT_EQ(back.processors.size(), d.processors.size());
    for (size_t i = 0; i < d.processors.size(); ++i) {
      EXPECT_DOUBLE_EQ(back.processors[i].clock_hz, d.processors[i].clock_hz);
      EXPECT_EQ(back.processors[i].per_cycle, d.processors[i].per_cycle);
      EXPECT_EQ(back.processors[i].cycles_per_output, d.processors[i].cycles_per_output);
      EXPECT_EQ(back.engine, d.engine);
      EXPECT_EQ(back.processors[i].ops.has_value(), d.processors[i].ops.has_value());
      EXPECT_DOUBLE_EQ(back.processors[i].weights_bandwidth_bytes_per_s, d.processors[i].weights_bandwidth_bytes_per_s);
    }
    EXPECT_EQ(back.partition, d.partition);
  }
}

TEST(LoadDevice, UnknownNameListsBuiltinsWithSuggestion) {
  EXPECT_HWNAS_ERROR(load_device("cortex-m8"), "no such device (did you mean 'cortex-m7'?)");
  EXPECT_HWNAS_ERROR(load_device("no/such/file.yaml"), "no/such/file.yaml");
}

TEST(LoadDevice, ReadsAFileAndHonoursTheEnvironment) {
  const auto dir = testing::temp_dir();
  write_file_atomic(dir / "board.yaml", kMinimal);
  EXPECT_EQ(load_device((dir / "board.yaml").string()).source, (dir / "board.yaml").string());
  setenv("HWNAS_DEVICES_DIR", dir.c_str(), 1);
  EXPECT_EQ(builtin_device_names(), std::vector<std::string>{"board"});
  EXPECT_EQ(load_device("board").source, "built-in devices/board.yaml");
  unsetenv("HWNAS_DEVICES_DIR");
}

TEST(OpClass, MapsOperators) {
  EXPECT_EQ(op_class(ir::OpKind::Conv2D), OpClass::Conv);
  EXPECT_EQ(op_class(ir::OpKind::DepthwiseConv2D), OpClass::Depthwise);
  EXPECT_EQ(op_class(ir::OpKind::FullyConnected), OpClass::FullyConnected);
  EXPECT_EQ(op_class(ir::OpKind::HardSwish), OpClass::Elementwise);
  EXPECT_EQ(op_class(ir::OpKind::GlobalAvgPool), OpClass::Pool);
  EXPECT_EQ(op_class(ir::OpKind::Concat), OpClass::Data);
  EXPECT_EQ(op_class_name(OpClass::FullyConnected), "fc");
}

// Every operator's class as it was before op_class read the operator table (ir/op_traits.h).
TEST(OpClass, EveryOperatorAsBeforeTheTable) {
  using K = ir::OpKind;
  const std::pair<K, OpClass> expected[] = {{K::Input, OpClass::Data},
                                            {K::Conv2D, OpClass::Conv},
                                            {K::DepthwiseConv2D, OpClass::Depthwise},
                                            {K::FullyConnected, OpClass::FullyConnected},
                                            {K::BatchNorm, OpClass::Elementwise},
                                            {K::Relu, OpClass::Elementwise},
                                            {K::Relu6, OpClass::Elementwise},
                                            {K::HardSwish, OpClass::Elementwise},
                                            {K::HardSigmoid, OpClass::Elementwise},
                                            {K::Sigmoid, OpClass::Elementwise},
                                            {K::Swish, OpClass::Elementwise},
                                            {K::Add, OpClass::Elementwise},
                                            {K::Mul, OpClass::Elementwise},
                                            {K::Concat, OpClass::Data},
                                            {K::AvgPool, OpClass::Pool},
                                            {K::MaxPool, OpClass::Pool},
                                            {K::GlobalAvgPool, OpClass::Pool},
                                            {K::Reshape, OpClass::Data},
                                            {K::Flatten, OpClass::Data},
                                            {K::Softmax, OpClass::Elementwise},
                                            {K::Pad, OpClass::Data},
                                            {K::Resize, OpClass::Data},
                                            {K::Zero, OpClass::Data}};
  ASSERT_EQ(std::size(expected), static_cast<size_t>(ir::kNumOpKinds));
  for (const auto& [op, c] : expected) EXPECT_EQ(op_class(op), c) << ir::op_name(op);
}

}  // namespace
}  // namespace hwnas::hw
