// Every built-in model family, and NB201 cells covering all five NB201 operations, gives the
// same outputs on the xnnpack backend as on the reference oracle. Weights use random
// BatchNorm statistics so that xnnpack's folded BatchNorm is checked against the
// reference's unfolded one. Reduced input resolution keeps the reference run fast; every
// layer type and block of the family is still present.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/models/nb201.h"
#include "hwnas/models/registry.h"
#include "hwnas/runtime/quantize.h"
#include "hwnas/runtime/xnnpack_backend.h"
#include "runtime_testing.h"

namespace hwnas::runtime {
namespace {

// Tolerance on max|xnnpack - reference| / max|reference|. Single ops agree to ~1e-6
// (xnnpack_backend_test). Through a network, reassociated fp32 sums and folded BatchNorm
// differ by a few ulp per layer, and ReLU/Swish nets with He-scaled weights amplify them at
// most linearly with depth (~100 layers in efficientnet-b7). Observed: 2.6e-7 (dscnn) to
// 7.9e-6 (ssdlite-mobilenetv2). 1e-4 leaves >10x margin and is still orders below a wrong
// padding, layout or fold (errors O(1)).
constexpr double kNetworkTolerance = 1e-4;

double xnnpack_vs_reference(const ir::Graph& g, int threads = 1) {
  const Weights w = init_weights(g, {.seed = 21, .random_bn_stats = true});
  const auto in = testing::random_inputs(g, 3);
  const auto ref = testing::run_on("reference", g, w, in, {.fold_batchnorm = false});
  const auto out = testing::run_on("xnnpack", g, w, in, {.threads = threads});
  double err = 0;
  for (size_t i = 0; i < ref.size(); ++i) err = std::max(err, max_relative_error(out[i].data, ref[i].data));
  return err;
}

class BuiltinNumerics : public ::testing::TestWithParam<std::string> {};

TEST_P(BuiltinNumerics, XnnpackMatchesReference) {
  const std::string& name = GetParam();
  // DS-CNN has a fixed MFCC input; image models run at 64x64 (ssdlite's heads need 128).
  models::ModelOverrides ov;
  if (name.rfind("dscnn", 0) != 0) ov.resolution = name.rfind("ssdlite", 0) == 0 ? 128 : 64;
  const ir::Graph g = models::builtin_model(name, ov);
  const double err = xnnpack_vs_reference(g);
  EXPECT_LT(err, kNetworkTolerance) << name;
  RecordProperty("max_relative_error", fmt::format("{:.2e}", err));
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, BuiltinNumerics, ::testing::ValuesIn(models::builtin_model_names()),
                         [](const auto& param_info) {
                           std::string s = param_info.param;
                           for (char& c : s)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

TEST(Nb201Numerics, CellsWithEveryOperation) {
  // ResNet-like cell, and one with none (zero: falls back), 1x1 conv, avg pool and skip.
  for (const char* arch :
       {"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        "|none~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|"}) {
    const ir::Graph g = models::nb201(models::parse_nb201(arch));
    EXPECT_LT(xnnpack_vs_reference(g), kNetworkTolerance) << arch;
  }
}

TEST(Nb201Numerics, CellsWhoseNodesNoOutputReads) {
  // Only 'none' edges leave node 1 or 2, so the convs into them feed nothing: xnnpack must
  // skip them (XNNPACK aborted on the unallocated values) and still match the reference.
  for (const char* arch : {"|nor_conv_3x3~0|+|nor_conv_3x3~0|none~1|+|none~0|none~1|none~2|",
                           "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|",
                           "|avg_pool_3x3~0|+|nor_conv_1x1~0|none~1|+|none~0|none~1|nor_conv_3x3~2|"}) {
    const ir::Graph g = models::nb201(models::parse_nb201(arch));
    EXPECT_LT(xnnpack_vs_reference(g), kNetworkTolerance) << arch;
    const Weights w = init_weights(g, {.seed = 3});
    EXPECT_NO_THROW(testing::run_on("xnnpack", g, w, testing::random_inputs(g, 4), {.dtype = ir::DType::i8})) << arch;
  }
}

TEST(Nb201Numerics, TwoThreads) {
  const ir::Graph g = models::nb201(models::parse_nb201(
      "|nor_conv_3x3~0|+|nor_conv_1x1~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_3x3~2|"));
  EXPECT_LT(xnnpack_vs_reference(g, 2), kNetworkTolerance);
}

// int8 against the fp32 oracle, calibrated and evaluated on the same seeded input so the
// activation ranges are exact. Each quantized tensor carries a rounding error of up to half
// a step (range/510) and these add up layer by layer.
struct Int8Result {
  double error;
  std::string summary;
};

Int8Result int8_vs_reference(const ir::Graph& g) {
  const Weights w = init_weights(g, {.seed = 21, .random_bn_stats = true});
  const auto in = calibration_inputs(g, 5);
  const auto ref = testing::run_on("reference", g, w, in);
  auto model = make_backend("xnnpack")->prepare(g, w, {.dtype = ir::DType::i8, .calibration_seed = 5});
  const auto out = run(*model, in);
  return {max_relative_error(out[0].data, ref[0].data), model->summary()};
}

TEST(Int8Numerics, QuantizedNetworksStayCloseToFp32) {
  // Single int8 ops agree with fp32 to ~1% (xnnpack_backend_test); through a network with
  // random (untrained) weights the errors compound. Observed max error / output range:
  // dscnn-mlperf 2.2%, efficientnet-b0 1.7% (its swish and sigmoid run in f32 between int8
  // layers), mobilenetv2-1.0 7-16% across seeds (50+ int8 layers, linear bottlenecks with
  // wide ranges: MobileNetV2's known weak spot under per-tensor activation quantization).
  // Bounds at ~2x observed; a wrong scale, zero point or channel axis gives 50-100%+. The
  // lower bound proves the int8 path really ran (f32 agrees to 1e-5).
  const struct {
    const char* name;
    int resolution;
    double bound;
  } cases[] = {{"dscnn-mlperf", 0, 0.05}, {"efficientnet-b0", 64, 0.05}, {"mobilenetv2-1.0", 64, 0.30}};
  for (const auto& c : cases) {
    const Int8Result r = int8_vs_reference(models::builtin_model(c.name, {.resolution = c.resolution}));
    EXPECT_LT(r.error, c.bound) << c.name << ": " << r.summary;
    EXPECT_GT(r.error, 1e-4) << c.name << ": int8 should not match f32 to the last bits";
    EXPECT_THAT(r.summary, ::testing::HasSubstr("node(s) in int8")) << c.name;
    RecordProperty(std::string("int8_error_") + c.name, fmt::format("{:.2e}", r.error));
  }
}

}  // namespace
}  // namespace hwnas::runtime
