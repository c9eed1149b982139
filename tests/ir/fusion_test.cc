// ir::fusable_activation: which relu/relu6 an int8 deployment fuses into its layer, the rule
// quant applies and plan's memory estimate mirrors.
#include "hwnas/ir/fusion.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"

namespace hwnas::ir {
namespace {

TEST(Fusion, ARelu6AfterAFoldedBatchNormFusesIntoTheConv) {
  GraphBuilder b("conv_bn_relu6");
  const int x = b.input({1, 4, 4, 3});
  const int c = b.conv(x, 8, 3, 1);
  const int n = b.batch_norm(c);
  const int r = b.relu6(n);
  const Graph g = b.finish({b.global_avg_pool(r)});
  const auto consumers = g.consumers();
  EXPECT_EQ(fusable_activation(g, consumers, c), r);
  // With the batch_norm left unfolded, the conv's reader is the batch_norm: nothing fuses.
  EXPECT_EQ(fusable_activation(g, consumers, c, /*batch_norms_folded=*/false), -1);
  EXPECT_EQ(fusable_activation(g, consumers, r), -1);  // not a layer
}

TEST(Fusion, NothingFusesIntoALayerWithTwoReadersOrAGraphOutput) {
  GraphBuilder b("branches");
  const int x = b.input({1, 4, 4, 8});
  const int c1 = b.conv(x, 8, 1, 1);
  const int r1 = b.relu(c1);
  const int s = b.add({c1, r1});         // c1 has two readers
  const int c2 = b.depthwise(s, 3, 1);   // a graph output itself
  const int c3 = b.fc(b.flatten(s), 4);  // read by a sigmoid, which never fuses
  const Graph g = b.finish({c2, b.relu(c2), b.sigmoid(c3)});
  const auto consumers = g.consumers();
  EXPECT_EQ(fusable_activation(g, consumers, c1), -1);
  EXPECT_EQ(fusable_activation(g, consumers, c2), -1);
  EXPECT_EQ(fusable_activation(g, consumers, c3), -1);
}

TEST(Fusion, ABatchNormDoesNotFoldIntoALayerThatIsAGraphOutput) {
  GraphBuilder b("out");
  const int x = b.input({1, 4, 4, 3});
  const int c = b.conv(x, 8, 1, 1);
  const int n = b.batch_norm(c);
  const Graph g = b.finish({c, n});
  EXPECT_EQ(fold_target(g, g.consumers(), n), -1);
}

}  // namespace
}  // namespace hwnas::ir
