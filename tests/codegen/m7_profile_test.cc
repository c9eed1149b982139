// The Cortex-M7 profiles of hwnas's generated code (devices/cortex-m7-f746.yaml and its H7A3 and
// H743 siblings) against what that code costs: the roofline with a profile's fitted rates and
// per-output cycles predicts the M7 cycles that the issue model estimates from the QEMU trace of
// the generated C (codegen::run_on_cortex_m7), on networks outside the fit (bench/run_m7_fit.sh
// sampled dscnn with seed 1): dscnn-mlperf, two networks sampled with another seed, and small
// ones of the size a 5 ms budget allows. Skips only when the toolchain is not installed.
#include <gtest/gtest.h>

#include "codegen_testing.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/core/rng.h"
#include "hwnas/cost/roofline.h"
#include "hwnas/hw/device.h"
#include "hwnas/models/registry.h"
#include "hwnas/target/resolver.h"
#include "testing.h"

namespace hwnas::codegen {
namespace {

double estimated_cycles(const mcu::Toolchain& tc, const ir::Graph& g, uint64_t seed) {
  const quant::QuantizedModel m = testing::quantized(g, seed);
  const auto dir = hwnas::testing::temp_dir();
  return run_on_cortex_m7(tc, generate_c(m, {}), testing::random_int8_inputs(m, 1, seed), dir).total_cycles;
}

TEST(CodegenM7Profile, PredictsTheGeneratedCodesCyclesOutsideTheFit) {
  const auto tc = mcu::Toolchain::find_if_present();
  if (!tc) GTEST_SKIP() << "arm-none-eabi-gcc or qemu-system-arm is not installed";
  const auto space = target::resolve_space("dscnn");
  std::vector<std::pair<std::string, ir::Graph>> nets = {
      {"dscnn-mlperf", models::builtin_model("dscnn-mlperf")},
      {"small", space->decode(space->parse("mfcc=10,frames=25,first.kernel=3x3,first.stride=2x1,first.channels=16,"
                                           "depth=2,block1.channels=16,block1.kernel=3,block2.channels=24,"
                                           "block2.kernel=3"))},
      {"narrow deep", space->decode(space->parse("mfcc=13,frames=49,first.kernel=10x4,first.stride=2x2,"
                                                 "first.channels=8,depth=6,block1.channels=8,block1.kernel=3,"
                                                 "block2.channels=16,block2.kernel=5,block3.channels=8,"
                                                 "block3.kernel=3,block4.channels=24,block4.kernel=3,"
                                                 "block5.channels=16,block5.kernel=5,block6.channels=8,"
                                                 "block6.kernel=3"))}};
  Rng rng(2024);  // not the fit's seed
  for (int k = 0; k < 2; ++k) {
    const auto a = space->sample(rng);
    nets.emplace_back(space->to_string(a), space->decode(a));
  }
  for (const char* device : {"cortex-m7-f746", "cortex-m7-h7a3", "cortex-m7"}) {
    const hw::Device d = hw::load_device(device);
    EXPECT_EQ(d.engine, "hwnas codegen (hwnas deploy)") << device;
  }
  const hw::Device f746 = hw::load_device("cortex-m7-f746");
  const double clock = f746.processors[f746.primary].clock_hz;
  for (size_t i = 0; i < nets.size(); ++i) {
    const auto& [name, g] = nets[i];
    const double estimated = estimated_cycles(*tc, g, 11 + i);
    const double predicted = cost::RooflineModel(f746).predict(g, ir::DType::i8).total_ms * 1e-3 * clock;
    std::cout << name << ": " << estimated << " cycles estimated, " << predicted << " predicted by cortex-m7-f746\n";
    // The fit's held-out error was at most 5.9% (bench/run_m7_fit.sh); 12% leaves room for
    // shapes the samples did not cover.
    EXPECT_NEAR(predicted / estimated, 1.0, 0.12) << name;
  }
}

}  // namespace
}  // namespace hwnas::codegen
