#include "hwnas/ir/graph.h"

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/shape_inference.h"
#include "testing.h"

namespace hwnas::ir {
namespace {

TEST(Graph, ConvShapesFollowPaddingModes) {
  GraphBuilder b("t");
  const int x = b.input({1, 224, 224, 3});
  EXPECT_EQ(b.shape(b.conv(x, 32, 3, 2)), (Shape{1, 112, 112, 32}));                             // torch pad 1
  EXPECT_EQ(b.shape(b.conv(x, 8, 3, 2, {.padding = Padding::Valid})), (Shape{1, 111, 111, 8}));  // (224-3)/2+1
  EXPECT_EQ(b.shape(b.conv(x, 8, 5, 3, {.padding = Padding::Same})), (Shape{1, 75, 75, 8}));     // ceil(224/3)
  EXPECT_EQ(b.shape(b.conv(x, 8, 3, 1, {.dilation = 2})), (Shape{1, 224, 224, 8}));              // pad 2
  EXPECT_EQ(b.shape(b.depthwise(x, 7, 2)), (Shape{1, 112, 112, 3}));
  EXPECT_EQ(b.shape(b.conv(x, 64, 10, 2, {.padding = Padding::Same, .kernel_w = 4})), (Shape{1, 112, 112, 64}));
}

TEST(Graph, SamePaddingPutsTheOddPixelLast) {
  Attrs a;
  a.kernel_h = a.kernel_w = 3;
  a.stride_h = a.stride_w = 2;
  a.padding = Padding::Same;
  // TF: out = 112, needed = (112-1)*2 + 3 - 224 = 1 -> top 0, bottom 1.
  EXPECT_EQ(resolve_pads(a, 224, 224), (Pads{0, 0, 1, 1}));
  a.stride_h = a.stride_w = 1;
  EXPECT_EQ(resolve_pads(a, 10, 10), (Pads{1, 1, 1, 1}));
}

TEST(Graph, LiveNodesAreThoseAnOutputDependsOn) {
  // x -> a -> zero(a) -> out = add(zero, b), b = relu(x); and c = relu(x) that nobody reads.
  // The zero node takes only a's shape, so a is dead; c is dead; x, b, zero, out are live.
  Graph g("t");
  Attrs in;
  in.shape = {1, 4, 4, 2};
  const int x = g.add(OpKind::Input, {}, in, "x");
  const int a = g.add(OpKind::Relu6, {x}, {}, "a");
  const int zero = g.add(OpKind::Zero, {a}, {}, "zero");
  const int b = g.add(OpKind::Relu, {x}, {}, "b");
  const int c = g.add(OpKind::Relu, {x}, {}, "c");
  const int out = g.add(OpKind::Add, {zero, b}, {}, "out");
  g.set_outputs({out});
  const std::vector<bool> live = g.live();
  EXPECT_TRUE(live[x] && live[zero] && live[b] && live[out]);
  EXPECT_FALSE(live[a]);
  EXPECT_FALSE(live[c]);
}

TEST(Graph, BroadcastConcatPoolAndReshape) {
  GraphBuilder b("t");
  const int x = b.input({1, 8, 8, 16});
  const int s = b.global_avg_pool(x);
  EXPECT_EQ(b.shape(s), (Shape{1, 1, 1, 16}));
  EXPECT_EQ(b.shape(b.mul(x, s)), (Shape{1, 8, 8, 16}));
  EXPECT_EQ(b.shape(b.concat({x, x, x})), (Shape{1, 8, 8, 48}));
  EXPECT_EQ(b.shape(b.avg_pool(x, 3, 1, 1)), (Shape{1, 8, 8, 16}));
  EXPECT_EQ(b.shape(b.max_pool(x, 2, 2)), (Shape{1, 4, 4, 16}));
  EXPECT_EQ(b.shape(b.reshape(x, {1, -1, 16})), (Shape{1, 64, 16}));
  EXPECT_EQ(b.shape(b.flatten(x)), (Shape{1, 1024}));
  EXPECT_EQ(b.shape(b.fc(x, 10)), (Shape{1, 10}));
  EXPECT_EQ(b.shape(b.pad(x, 1, 2, 3, 4)), (Shape{1, 12, 14, 16}));
  EXPECT_EQ(b.shape(b.resize(x, 16, 16, ResizeMode::Bilinear)), (Shape{1, 16, 16, 16}));
}

TEST(Graph, ShapeErrorsNameTheNodeAndTheMismatch) {
  GraphBuilder b("t");
  const int x = b.input({1, 8, 8, 16});
  const int y = b.conv(x, 32, 1, 1, {}, "proj");
  EXPECT_HWNAS_ERROR(b.add({x, y}, "merge"),
                     "node 'merge' (add): input shapes [1,8,8,16] and [1,8,8,32] do not broadcast");
  EXPECT_HWNAS_ERROR(b.conv(x, 32, 3, 1, {.groups = 3}, "g"), "node 'g' (conv2d): groups=3 must divide");
  EXPECT_HWNAS_ERROR(b.conv(x, 8, 11, 1, {.padding = Padding::Valid}, "big"),
                     "height of 8 (padded: 8) is smaller than the kernel extent 11");
  EXPECT_HWNAS_ERROR(b.reshape(x, {1, 7, -1}, "r"), "cannot reshape [1,8,8,16] (1024 elements) to [1,7,-1]");
  EXPECT_HWNAS_ERROR(b.concat({x, y}, 1, "cat"), "does not match [1,8,8,16] outside axis 1");
  EXPECT_HWNAS_ERROR(b.conv(b.flatten(x), 8, 1, 1, {}, "c2"), "expects an NHWC input of rank 4, got [1,1024]");
  Graph g("dup");
  Attrs in;
  in.shape = {1, 2};
  g.add(OpKind::Input, {}, in, "x");
  EXPECT_HWNAS_ERROR(g.add(OpKind::Relu, {0}, {}, "x"), "the name is already used");
  EXPECT_HWNAS_ERROR(g.add(OpKind::Relu, {5}, {}, "y"), "does not come before it");
}

TEST(Graph, ScopesNameNodesAndKeepThemUnique) {
  GraphBuilder b("t");
  int x = b.input({1, 4, 4, 2});
  {
    auto s = b.scope("stage1");
    auto s2 = b.scope("block0");
    x = b.relu(b.conv(x, 4, 3));
    x = b.relu(x);
  }
  const Graph g = b.finish({x});
  EXPECT_EQ(g.node(1).name, "stage1.block0.conv");
  EXPECT_EQ(g.node(2).name, "stage1.block0.relu");
  EXPECT_EQ(g.node(3).name, "stage1.block0.relu_2");
  EXPECT_EQ(g.outputs(), std::vector<int>{3});
}

TEST(Graph, UnusedAttributesAreCanonical) {
  Graph g1, g2;
  Attrs a, b;
  a.shape = b.shape = {1, 4};
  g1.add(OpKind::Input, {}, a, "x");
  g2.add(OpKind::Input, {}, b, "x");
  Attrs r1, r2;
  r2.kernel_h = 7;  // relu has no kernel: must not make the graphs differ
  g1.add(OpKind::Relu, {0}, r1, "r");
  g2.add(OpKind::Relu, {0}, r2, "r");
  EXPECT_EQ(g1, g2);
}

}  // namespace
}  // namespace hwnas::ir
