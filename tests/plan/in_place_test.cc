// plan::InPlaceRules: which nodes are aliases and which may run in place, for TFLM's rules and
// for hwnas's generated C (the sizes codegen plans with are checked in tests/codegen).
#include "hwnas/plan/in_place.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/plan/lifetimes.h"

namespace hwnas::plan {
namespace {

struct Block {
  ir::Graph g{"block"};
  int x = 0, dw = 0, dw_bn = 0, dw_relu = 0, pw = 0, pw_relu = 0, down = 0, wide = 0;
};

// input 8x8x16 -> depthwise 3x3 (padded) + bn + relu -> pointwise 16 + relu -> stride-2 depthwise
// -> pointwise 32.
Block block() {
  ir::GraphBuilder b("block");
  Block k;
  k.x = b.input({1, 8, 8, 16});
  k.dw = b.depthwise(k.x, 3, 1);
  k.dw_bn = b.batch_norm(k.dw);
  k.dw_relu = b.relu(k.dw_bn);
  k.pw = b.conv(k.dw_relu, 16, 1, 1);
  k.pw_relu = b.relu6(k.pw);
  k.down = b.depthwise(k.pw_relu, 3, 2);
  k.wide = b.conv(k.down, 32, 1, 1);
  k.g = b.finish({k.wide});
  return k;
}

TEST(InPlace, TflmRulesFoldBatchNormsAndRunActivationsInPlace) {
  const Block k = block();
  const auto consumers = k.g.consumers();
  const InPlaceRules r = InPlaceRules::tflm();
  EXPECT_TRUE(is_alias(k.g, consumers, k.dw_bn, r));
  EXPECT_FALSE(is_alias(k.g, consumers, k.dw_relu, r));
  EXPECT_TRUE(may_run_in_place(k.g, k.dw_relu, r));
  EXPECT_FALSE(may_run_in_place(k.g, k.dw, r));
  EXPECT_FALSE(may_run_in_place(k.g, k.pw, r));
}

TEST(InPlace, CodegenRulesFuseActivationsAndRunSameShapeConvsInPlace) {
  const Block k = block();
  const auto consumers = k.g.consumers();
  const InPlaceRules r = InPlaceRules::hwnas_codegen();
  EXPECT_TRUE(is_alias(k.g, consumers, k.dw_relu, r));  // through the folded batch_norm
  EXPECT_TRUE(is_alias(k.g, consumers, k.pw_relu, r));
  EXPECT_TRUE(may_run_in_place(k.g, k.dw, r));
  EXPECT_TRUE(may_run_in_place(k.g, k.pw, r));
  EXPECT_FALSE(may_run_in_place(k.g, k.down, r));  // stride 2: another shape
  EXPECT_FALSE(may_run_in_place(k.g, k.wide, r));  // 16 -> 32 channels
  // The whole block in int8: the input's 1,024 bytes hold dw, dw's activation, pw and its
  // activation; the stride-2 depthwise (256) and the wide pointwise (512) beside them.
  const TensorGraph tg = tensor_graph(k.g, ir::DType::i8, r);
  const Lifetimes lt = tensor_lifetimes(k.g, tg, graph_order(k.g));
  for (int id : {k.dw, k.dw_bn, k.dw_relu, k.pw, k.pw_relu}) EXPECT_EQ(lt.buffer_of[id], lt.buffer_of[k.x]);
  EXPECT_EQ(peak_live_bytes(lt), 1024 + 256);
}

}  // namespace
}  // namespace hwnas::plan
