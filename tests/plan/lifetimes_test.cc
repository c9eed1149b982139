// plan::tensor_graph / tensor_lifetimes: buffers, aliases and in-place rules against hand
// calculations. Shapes are chosen so that int8 bytes are easy to add up.
#include "hwnas/plan/lifetimes.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::plan {
namespace {

struct Chain {
  ir::Graph g;
  int x, c1, b1, r1, c2, f, fc;
};

// input 8x8x4 (256 B int8) -> conv 3x3 to 8 ch (512 B) -> bn (folded) -> relu (in place)
// -> conv 1x1 to 4 ch (256 B) -> flatten (alias) -> fc 10 (10 B).
Chain chain() {
  ir::GraphBuilder b("chain");
  Chain c;
  c.x = b.input({1, 8, 8, 4});
  c.c1 = b.conv(c.x, 8, 3);
  c.b1 = b.batch_norm(c.c1);
  c.r1 = b.relu(c.b1);
  c.c2 = b.conv(c.r1, 4, 1);
  c.f = b.flatten(c.c2);
  c.fc = b.fc(c.f, 10);
  c.g = b.finish({c.fc});
  return c;
}

TEST(Lifetimes, ChainWithFoldedBatchNormInPlaceReluAndFlattenAlias) {
  const Chain c = chain();
  const TensorGraph tg = tensor_graph(c.g, ir::DType::i8);
  EXPECT_TRUE(tg.nodes[c.b1].alias);   // folded into c1
  EXPECT_TRUE(tg.nodes[c.f].alias);    // flatten
  EXPECT_FALSE(tg.nodes[c.r1].alias);  // runs, but in place
  const Lifetimes lt = tensor_lifetimes(c.g, tg, graph_order(c.g));
  // Steps 0..6 = x c1 b1 r1 c2 f fc. Buffers:
  //   x        256 B, steps 0..1 (last read by c1)
  //   c1,b1,r1 512 B, steps 1..4 (relu writes over c1, its last reader; c2 reads it at 4)
  //   c2,f     256 B, steps 4..6 (fc reads the flatten at 6)
  //   fc        10 B, steps 6..6 (graph output: live to the last step)
  ASSERT_EQ(lt.buffers.size(), 4u);
  EXPECT_EQ(lt.buffer_of[c.c1], lt.buffer_of[c.r1]);
  EXPECT_EQ(lt.buffer_of[c.c2], lt.buffer_of[c.f]);
  const Buffer& act = lt.buffers[lt.buffer_of[c.r1]];
  EXPECT_EQ(act.bytes, 512);
  EXPECT_EQ(act.first, 1);
  EXPECT_EQ(act.last, 4);
  EXPECT_EQ(lt.buffers[lt.buffer_of[c.f]].last, 6);
  // Live bytes: 256, 256+512, 512, 512, 512+256, 256, 256+10.
  EXPECT_EQ(live_bytes_per_step(lt), (std::vector<int64_t>{256, 768, 512, 512, 768, 256, 266}));
  EXPECT_EQ(peak_live_bytes(lt), 768);
}

TEST(Lifetimes, SizesFollowTheDtype) {
  const Chain c = chain();
  const Lifetimes lt = tensor_lifetimes(c.g, tensor_graph(c.g, ir::DType::f32), graph_order(c.g));
  EXPECT_EQ(peak_live_bytes(lt), 768 * 4);  // every tensor 4 bytes per element
}

TEST(Lifetimes, WithoutInPlaceTheReluNeedsItsOwnBuffer) {
  const Chain c = chain();
  const Lifetimes lt =
      tensor_lifetimes(c.g, tensor_graph(c.g, ir::DType::i8, {.elementwise = false}), graph_order(c.g));
  // Step 3 (relu): c1's 512 B and the relu's 512 B are both live.
  EXPECT_NE(lt.buffer_of[c.c1], lt.buffer_of[c.r1]);
  EXPECT_EQ(peak_live_bytes(lt), 1024);
}

TEST(Lifetimes, NoInPlaceWhenTheInputIsReadLaterOrIsAnOutput) {
  ir::GraphBuilder b("residual");
  const int x = b.input({1, 4, 4, 8});  // 128 B
  const int r = b.relu(x);              // x is read again by the add: not in place
  const int a = b.add({x, r});          // both inputs die here: writes into x's buffer
  const int r2 = b.relu(a);             // a is a graph output: not in place
  const ir::Graph g = b.finish({a, r2});
  const Lifetimes lt = tensor_lifetimes(g, tensor_graph(g, ir::DType::i8), graph_order(g));
  EXPECT_NE(lt.buffer_of[r], lt.buffer_of[x]);
  EXPECT_EQ(lt.buffer_of[a], lt.buffer_of[x]);
  EXPECT_NE(lt.buffer_of[r2], lt.buffer_of[a]);
  // x/a: steps 0..3 (output), r: 1..2, r2: 3..3 -> live 128, 256, 256, 256.
  EXPECT_EQ(live_bytes_per_step(lt), (std::vector<int64_t>{128, 256, 256, 256}));
}

TEST(Lifetimes, BroadcastMulReusesTheFullSizeInput) {
  ir::GraphBuilder b("se");
  const int x = b.input({1, 4, 4, 8});  // 128 B
  const int p = b.global_avg_pool(x);   // 8 B
  const int s = b.sigmoid(p);           // in place into p
  const int m = b.mul(x, s);            // 128 B: in place into x, not into s (8 B)
  const ir::Graph g = b.finish({m});
  const Lifetimes lt = tensor_lifetimes(g, tensor_graph(g, ir::DType::i8), graph_order(g));
  EXPECT_EQ(lt.buffer_of[s], lt.buffer_of[p]);
  EXPECT_EQ(lt.buffer_of[m], lt.buffer_of[x]);
  // x: 0..3, p/s: 1..3 -> 128, 136, 136, 136.
  EXPECT_EQ(peak_live_bytes(lt), 136);
}

TEST(Lifetimes, InPlaceDepthwiseOnlyWhenAskedAndSizesMatch) {
  ir::GraphBuilder b("dw");
  const int x = b.input({1, 8, 8, 16});  // 1024 B
  const int d1 = b.depthwise(x, 3, 1);   // 1024 B: in place when asked
  const int d2 = b.depthwise(d1, 3, 2);  // 256 B: smaller, never in place
  const ir::Graph g = b.finish({d2});
  const auto lt_of = [&](bool dw) {
    return tensor_lifetimes(g, tensor_graph(g, ir::DType::i8, {.depthwise = dw}), graph_order(g));
  };
  EXPECT_EQ(peak_live_bytes(lt_of(false)), 2048);  // x + d1 at step 1
  const Lifetimes lt = lt_of(true);
  EXPECT_EQ(lt.buffer_of[d1], lt.buffer_of[x]);
  EXPECT_NE(lt.buffer_of[d2], lt.buffer_of[d1]);
  EXPECT_EQ(peak_live_bytes(lt), 1024 + 256);  // step 2: d1 and d2
}

TEST(Lifetimes, BadOrdersAreErrors) {
  const Chain c = chain();
  const TensorGraph tg = tensor_graph(c.g, ir::DType::i8);
  const std::vector<int> swapped = {0, 2, 1, 3, 4, 5, 6};
  EXPECT_HWNAS_ERROR(tensor_lifetimes(c.g, tg, swapped), "runs before its input");
  const std::vector<int> short_order = {0, 1, 2};
  EXPECT_HWNAS_ERROR(tensor_lifetimes(c.g, tg, short_order), "has 3 steps, the graph 'chain' has 7 nodes");
  const std::vector<int> repeated = {0, 1, 1, 3, 4, 5, 6};
  EXPECT_HWNAS_ERROR(tensor_lifetimes(c.g, tg, repeated), "out of range or repeated");
}

}  // namespace
}  // namespace hwnas::plan
