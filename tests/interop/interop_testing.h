#pragma once
// Graphs and comparisons shared by the interop tests: one small graph per operator form whose
// NCHW mapping could go wrong (asymmetric pads, groups, multipliers, FC after a spatial map,
// axes, reshapes across layouts, resize modes), one model per family, and the error of a
// backend against the reference oracle on seeded weights and inputs.
#include <string>
#include <vector>

#include "hwnas/interop/backends.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/nb201.h"
#include "hwnas/models/registry.h"
#include "hwnas/runtime/tensor.h"
#include "hwnas/space/model_ref.h"
#include "runtime/runtime_testing.h"

namespace hwnas::interop::testing {

struct Case {
  std::string name;
  ir::Graph graph;
};

// Non-square 7x6 maps with 4 channels, so that a swapped H/W or a missed transpose shows.
inline std::vector<Case> operator_cases() {
  std::vector<Case> cases;
  auto add = [&](std::string name, auto body) {
    ir::GraphBuilder b(name);
    const int x = b.input({1, 7, 6, 4});
    cases.push_back({name, b.finish(body(b, x))});
  };
  using V = std::vector<int>;
  using ir::OpKind;
  add("conv_same_stride2_bias", [](ir::GraphBuilder& b, int x) {  // SAME: pads 1/1 rows, 0/1 cols... asymmetric
    return V{b.conv(x, 5, 3, 2, {.bias = true, .padding = ir::Padding::Same})};
  });
  add("conv_groups_dilation",
      [](ir::GraphBuilder& b, int x) { return V{b.conv(x, 6, 3, 1, {.groups = 2, .dilation = 2})}; });
  add("conv_nonsquare_kernel_stride", [](ir::GraphBuilder& b, int x) {
    return V{b.conv(x, 3, 3, 2, {.padding = ir::Padding::Valid, .stride_w = 1, .kernel_w = 1})};
  });
  add("depthwise_multiplier2", [](ir::GraphBuilder& b, int x) {
    ir::Attrs a;
    a.kernel_h = a.kernel_w = 3;
    a.padding = ir::Padding::Same;
    a.multiplier = 2;
    a.bias = true;
    return V{b.node(OpKind::DepthwiseConv2D, {x}, a, "dw")};
  });
  add("fc_after_spatial_map", [](ir::GraphBuilder& b, int x) { return V{b.fc(x, 5)}; });
  add("flatten_fc_softmax", [](ir::GraphBuilder& b, int x) { return V{b.softmax(b.fc(b.flatten(x), 7, false))}; });
  add("batch_norm_standalone", [](ir::GraphBuilder& b, int x) {
    const int f = b.flatten(b.global_avg_pool(x));
    return V{b.batch_norm(b.relu(x)), b.batch_norm(f, 1e-3f, "bn2d")};
  });
  add("activations", [](ir::GraphBuilder& b, int x) {
    return V{b.relu(x), b.relu6(x), b.hardswish(x), b.hardsigmoid(x), b.sigmoid(x), b.swish(x)};
  });
  add("add_three_and_broadcast", [](ir::GraphBuilder& b, int x) {
    return V{b.add({x, b.relu(x), b.sigmoid(x)}), b.add({x, b.global_avg_pool(x)}, "add_bcast")};
  });
  add("squeeze_excite_mul", [](ir::GraphBuilder& b, int x) { return V{b.mul(x, b.sigmoid(b.global_avg_pool(x)))}; });
  add("concat_channels_and_height", [](ir::GraphBuilder& b, int x) {
    const int y = b.relu(x);
    return V{b.concat({x, y}, -1, "cat_c"), b.concat({x, y, x}, 1, "cat_h")};
  });
  // 7x6 with kernel 3, stride 2, SAME: 4x3 out, pads (1,1) on rows and (0,1) on columns.
  ir::Attrs same;
  same.kernel_h = same.kernel_w = 3;
  same.stride_h = same.stride_w = 2;
  same.padding = ir::Padding::Same;
  add("avg_pool_pad_excluded", [](ir::GraphBuilder& b, int x) { return V{b.avg_pool(x, 3, 2, 1, false)}; });
  add("avg_pool_pad_included", [](ir::GraphBuilder& b, int x) { return V{b.avg_pool(x, 3, 1, 1, true)}; });
  add("avg_pool_same_asymmetric", [&](ir::GraphBuilder& b, int x) { return V{b.node(OpKind::AvgPool, {x}, same)}; });
  add("max_pool_same_asymmetric", [&](ir::GraphBuilder& b, int x) { return V{b.node(OpKind::MaxPool, {x}, same)}; });
  add("max_pool_pad1", [](ir::GraphBuilder& b, int x) { return V{b.max_pool(x, 3, 1, 1)}; });
  add("global_avg_pool", [](ir::GraphBuilder& b, int x) { return V{b.global_avg_pool(x)}; });
  add("reshapes", [](ir::GraphBuilder& b, int x) {
    return V{b.reshape(x, {1, -1, 2}, "to_rank3"), b.reshape(x, {1, 6, 7, 4}, "to_rank4"),
             b.reshape(b.global_avg_pool(x), {1, 4}, "pooled_to_rank2"),
             b.reshape(b.conv(x, 1, 1), {1, 6, 7, 1}, "c1")};
  });
  add("softmax_axes", [](ir::GraphBuilder& b, int x) { return V{b.softmax(x, -1, "sm_c"), b.softmax(x, 2, "sm_w")}; });
  add("pad", [](ir::GraphBuilder& b, int x) { return V{b.pad(x, 1, 2, 0, 3, 0.5f)}; });
  add("resize", [](ir::GraphBuilder& b, int x) {
    using M = ir::ResizeMode;
    return V{b.resize(x, 14, 12, M::Nearest, false, "nearest_x2"),
             b.resize(x, 10, 9, M::Nearest, false, "nearest_frac"),
             b.resize(x, 10, 9, M::Nearest, true, "nearest_corners"),
             b.resize(x, 10, 9, M::Bilinear, false, "bilinear"),
             b.resize(x, 10, 9, M::Bilinear, true, "bilinear_corners"),
             b.resize(x, 4, 3, M::Bilinear, false, "bilinear_down")};
  });
  add("zero", [](ir::GraphBuilder& b, int x) { return V{b.add({b.zero(x), b.relu(x)})}; });
  return cases;
}

// One model per family, at reduced resolution (every block type still present) so that the
// reference oracle stays fast; ssdlite's heads need 128.
inline std::vector<Case> family_cases() {
  std::vector<Case> cases;
  for (const auto& [name, resolution] : std::vector<std::pair<std::string, int>>{
           {"mobilenetv2-1.0", 64}, {"efficientnet-b0", 64}, {"dscnn-mlperf", 0}, {"ssdlite-mobilenetv2", 128}})
    cases.push_back({name, models::builtin_model(name, {.resolution = resolution})});
  // NB201: every operation (none, skip, 1x1 and 3x3 conv, avg pool) in two cells.
  cases.push_back(
      {"nb201_resnet_cell",
       space::load_model(
           "nb201:|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")});
  cases.push_back(
      {"nb201_none_cell",
       space::load_model("nb201:|none~0|+|nor_conv_1x1~0|none~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|")});
  cases.push_back(
      {"mbconv_arch",
       space::load_model("mbconv:r160-w1.0-d2,3,2,4,2-k3,5,7,3,5,7,3,5,7,3,5,7,3-e3,4,6,3,4,6,3,4,6,3,4,6,3")});
  return cases;
}

// max relative error (runtime::max_relative_error) of `backend` against the reference over all
// outputs. Random BatchNorm statistics make folding matter; inputs in [-8, 8) reach every
// piece of relu6 / hard_sigmoid / hard_swish.
inline double error_vs_reference(const std::string& backend, const ir::Graph& g, int threads = 1) {
  interop::register_backends();
  const runtime::Weights w = runtime::init_weights(g, {.seed = 21, .random_bn_stats = true});
  std::vector<runtime::Tensor> in;
  for (int id : g.inputs()) in.push_back(runtime::testing::random_tensor(g.node(id).shape, 3 + id, -8.0f, 8.0f));
  const auto ref = runtime::testing::run_on("reference", g, w, in, {.fold_batchnorm = false});
  const auto out = runtime::testing::run_on(backend, g, w, in, {.threads = threads});
  double err = 0;
  for (size_t i = 0; i < ref.size(); ++i) err = std::max(err, runtime::max_relative_error(out[i].data, ref[i].data));
  return err;
}

inline std::string test_name(std::string s) {
  for (char& c : s)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return s;
}

}  // namespace hwnas::interop::testing
