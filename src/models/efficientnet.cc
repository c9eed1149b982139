#include "hwnas/models/efficientnet.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/mbconv.h"

namespace hwnas::models {

namespace {

// B0, paper Table 1; each stage's input is the previous stage's output (the stem's 32 first).
struct Stage {
  int expand, kernel, stride, out_channels, layers;
};
constexpr std::array<Stage, 7> kB0 = {{{1, 3, 1, 16, 1},
                                       {6, 3, 2, 24, 2},
                                       {6, 5, 2, 40, 2},
                                       {6, 3, 2, 80, 3},
                                       {6, 5, 1, 112, 3},
                                       {6, 5, 2, 192, 4},
                                       {6, 3, 1, 320, 1}}};

struct Coefficients {
  double width, depth;
  int resolution;
};
// Paper section 4 / torchvision's efficientnet_b0..b7.
constexpr std::array<Coefficients, 8> kVariants = {{{1.0, 1.0, 224},
                                                    {1.0, 1.1, 240},
                                                    {1.1, 1.2, 260},
                                                    {1.2, 1.4, 300},
                                                    {1.4, 1.8, 380},
                                                    {1.6, 2.2, 456},
                                                    {1.8, 2.6, 528},
                                                    {2.0, 3.1, 600}}};
constexpr int kFirstTfEpsilonVariant = 5;  // torchvision: eps=1e-3 from B5 on

}  // namespace

EfficientNetOptions efficientnet_variant(int b) {
  if (b < 0 || b >= static_cast<int>(kVariants.size()))
    fail("efficientnet_variant", "no EfficientNet-B{}; the variants are B0 to B7", b);
  const Coefficients& c = kVariants[b];
  EfficientNetOptions o;
  o.width = c.width;
  o.depth = c.depth;
  o.resolution = c.resolution;
  o.name = fmt::format("efficientnet-b{}", b);
  o.bn_epsilon = b >= kFirstTfEpsilonVariant ? 1e-3f : 1e-5f;
  return o;
}

ir::Graph efficientnet(const EfficientNetOptions& o) {
  check_image_options(o.name, o.resolution, o.classes);
  if (!(o.width > 0) || !(o.depth > 0))
    fail(o.name, "width and depth coefficients must be positive, got {} and {}", o.width, o.depth);
  const auto channels = [&](int c) { return make_divisible(c * o.width); };
  const NormAct silu{ir::OpKind::Swish, o.bn_epsilon};

  ir::GraphBuilder b(o.name);
  int x = b.input({1, o.resolution, o.resolution, 3});
  {
    auto scope = b.scope("features.0");
    x = conv_bn_act(b, x, channels(32), 3, 2, silu);
  }
  for (size_t s = 0; s < kB0.size(); ++s) {
    const Stage& st = kB0[s];
    const int layers = static_cast<int>(std::ceil(st.layers * o.depth));
    for (int i = 0; i < layers; ++i) {
      auto scope = b.scope(fmt::format("features.{}.{}", s + 1, i));
      x = mbconv(b, x,
                 {.expand_ratio = st.expand,
                  .kernel = st.kernel,
                  .stride = i == 0 ? st.stride : 1,
                  .out_channels = channels(st.out_channels),
                  .act = ir::OpKind::Swish,
                  // squeeze from the block's input channels (not the expanded ones)
                  .se_squeeze = std::max(1, b.channels(x) / 4),
                  .bn_epsilon = o.bn_epsilon})
              .out;
    }
  }
  {
    auto scope = b.scope(fmt::format("features.{}", kB0.size() + 1));
    x = conv_bn_act(b, x, 4 * b.channels(x), 1, 1, silu);  // 1280 for B0
  }
  const int logits = b.fc(b.global_avg_pool(x, "pool"), o.classes, true, "classifier");
  return b.finish({logits});
}

}  // namespace hwnas::models
