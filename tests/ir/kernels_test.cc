// ir::split_kernels and ir::extract on hand-built graphs whose kernels are worked out by hand
// from the rules in kernels.h, and on every built-in model (coverage: each non-input node in
// exactly one kernel).
#include "hwnas/ir/kernels.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::ir {
namespace {

// XNNPACK-like rules: relu/relu6 become the output clamp of a conv.
FusionRules clamp_rules() {
  FusionRules r = FusionRules::batchnorm_only();
  r.add(OpKind::Conv2D, OpKind::Relu6);
  r.add(OpKind::Conv2D, OpKind::Relu);
  return r;
}

TEST(SplitKernels, ConvBatchNormRelu6IsOneKernel) {
  GraphBuilder b("cbr");
  const int x = b.input({1, 8, 8, 3});
  const int c = b.conv(x, 16, 3, 1, {}, "conv");
  const int n = b.batch_norm(c, 1e-5f, "bn");
  const int r = b.relu6(n, "act");
  const int p = b.global_avg_pool(r, "pool");
  const Graph g = b.finish({p});

  const auto ks = split_kernels(g, clamp_rules());
  ASSERT_EQ(ks.size(), 2u);
  EXPECT_EQ(ks[0].nodes, (std::vector<int>{c, n, r}));
  EXPECT_EQ(ks[0].name, "conv");
  EXPECT_EQ(ks[0].type, "conv2d+batch_norm+relu6");
  EXPECT_EQ(ks[1].nodes, (std::vector<int>{p}));
  EXPECT_EQ(ks[1].type, "global_avg_pool");

  // Without the clamp pair only the batch_norm folds.
  const auto bn_only = split_kernels(g, FusionRules::batchnorm_only());
  ASSERT_EQ(bn_only.size(), 3u);
  EXPECT_EQ(bn_only[0].type, "conv2d+batch_norm");
  EXPECT_EQ(bn_only[1].type, "relu6");
  EXPECT_EQ(bn_only[1].name, "act");
}

TEST(SplitKernels, ActivationIsNotFusedWhenItsProducerHasAnotherReader) {
  // conv -> relu and conv -> add(relu, conv): the conv's output must be written out for the
  // add, so the relu cannot be its clamp.
  GraphBuilder b("two_readers");
  const int x = b.input({1, 8, 8, 4});
  const int c = b.conv(x, 4, 1, 1, {}, "conv");
  const int r = b.relu(c, "relu");
  const int a = b.add({r, c}, "add");
  const Graph g = b.finish({a});
  const auto ks = split_kernels(g, clamp_rules());
  ASSERT_EQ(ks.size(), 3u);
  EXPECT_EQ(ks[0].nodes, (std::vector<int>{c}));
  EXPECT_EQ(ks[1].nodes, (std::vector<int>{r}));
  EXPECT_EQ(ks[2].nodes, (std::vector<int>{a}));
}

TEST(SplitKernels, BatchNormIsNotFoldedWhenTheConvHasAnotherReader) {
  GraphBuilder b("bn_apart");
  const int x = b.input({1, 8, 8, 4});
  const int c = b.conv(x, 4, 1, 1, {}, "conv");
  const int n = b.batch_norm(c, 1e-5f, "bn");
  const int a = b.add({n, c}, "add");
  const auto ks = split_kernels(b.finish({a}), FusionRules::batchnorm_only());
  ASSERT_EQ(ks.size(), 3u);
  EXPECT_EQ(ks[1].type, "batch_norm");
}

TEST(SplitKernels, GraphOutputIsNotFusedIntoItsReader) {
  // The conv is an output of the graph: its unclamped values are needed, so the relu stays apart.
  GraphBuilder b("out");
  const int x = b.input({1, 4, 4, 2});
  const int c = b.conv(x, 2, 1);
  const int r = b.relu(c);
  const auto ks = split_kernels(b.finish({c, r}), clamp_rules());
  ASSERT_EQ(ks.size(), 2u);
}

TEST(SplitKernels, ProducerKindIsTheKernelsAnchorAndConsumerMayReadAnotherKernel) {
  // (add, relu) fuses; (conv2d, add) fuses. conv1 -> add(conv1, conv0) -> relu:
  // the add joins conv1's kernel (its tail conv1 has one reader); then the relu's producer is
  // that kernel's anchor, a conv2d, and (conv2d, relu) is not a rule, so the relu stays apart.
  FusionRules rules;
  rules.add(OpKind::Add, OpKind::Relu);
  rules.add(OpKind::Conv2D, OpKind::Add);
  GraphBuilder b("anchor");
  const int x = b.input({1, 4, 4, 2});
  const int c0 = b.conv(x, 2, 1, 1, {}, "c0");
  const int c1 = b.conv(x, 2, 1, 1, {}, "c1");
  const int a = b.add({c1, c0}, "add");
  const int r = b.relu(a, "relu");
  const auto ks = split_kernels(b.finish({r}), rules);
  ASSERT_EQ(ks.size(), 3u);
  // c0's tail is read only by the add too, but the add is checked against its first input first.
  EXPECT_EQ(ks[0].nodes, (std::vector<int>{c0}));
  EXPECT_EQ(ks[1].nodes, (std::vector<int>{c1, a}));
  EXPECT_EQ(ks[1].type, "conv2d+add");
  EXPECT_EQ(ks[2].nodes, (std::vector<int>{r}));
}

TEST(Extract, OutsideTensorsBecomeInputsWithTheirShapesAndNamesAreKept) {
  // A residual block: x [1,8,8,16] -> expand 1x1 (32) -> bn -> relu6 -> project 1x1 (16) -> bn
  // -> add(x, project) -> pool. The piece {project, bn, add} reads relu6 ([1,8,8,32]) and x.
  GraphBuilder b("res");
  const int x = b.input({1, 8, 8, 16}, "image");
  const int stem = b.relu(b.conv(x, 16, 3, 1, {}, "stem"), "stem_act");
  const int e = b.relu6(b.batch_norm(b.conv(stem, 32, 1, 1, {}, "expand"), 1e-5f, "expand_bn"), "expand_act");
  const int p = b.batch_norm(b.conv(e, 16, 1, 1, {}, "project"), 1e-5f, "project_bn");
  const int a = b.add({stem, p}, "residual");
  const int pool = b.global_avg_pool(a, "pool");
  const Graph g = b.finish({pool});

  const int project = *g.find("project");
  const Graph piece = extract(g, {project, p, a});
  ASSERT_EQ(piece.size(), 5);  // two inputs + three nodes
  const auto ins = piece.inputs();
  ASSERT_EQ(ins.size(), 2u);
  // Inputs in order of first use: project reads expand_act, then residual reads stem_act.
  EXPECT_EQ(piece.node(ins[0]).name, "expand_act");
  EXPECT_EQ(piece.node(ins[0]).shape, (Shape{1, 8, 8, 32}));
  EXPECT_EQ(piece.node(ins[1]).name, "stem_act");
  EXPECT_EQ(piece.node(ins[1]).shape, (Shape{1, 8, 8, 16}));
  EXPECT_EQ(testing::node(piece, "project").attrs, g.node(project).attrs);
  EXPECT_EQ(testing::node(piece, "residual").shape, (Shape{1, 8, 8, 16}));
  // Only the residual add is read outside the piece (by pool).
  ASSERT_EQ(piece.outputs().size(), 1u);
  EXPECT_EQ(piece.node(piece.outputs()[0]).name, "residual");
}

TEST(Extract, OutputsAreTheNodesReadOutsideAndTheGraphOutputs) {
  // {conv, relu} where the conv is also read by the add outside: both are outputs.
  GraphBuilder b("two_out");
  const int x = b.input({1, 4, 4, 2});
  const int c = b.conv(x, 2, 1, 1, {}, "conv");
  const int r = b.relu(c, "relu");
  const int a = b.add({r, c}, "add");
  const int s = b.sigmoid(a, "sig");
  const Graph g = b.finish({a, s});
  const Graph piece = extract(g, {c, r});
  ASSERT_EQ(piece.outputs().size(), 2u);
  EXPECT_EQ(piece.node(piece.outputs()[0]).name, "conv");
  EXPECT_EQ(piece.node(piece.outputs()[1]).name, "relu");
  // {add}: a graph output and read by sig -> one output; {sig}: the last node.
  const Graph add_only = extract(g, {a});
  ASSERT_EQ(add_only.outputs().size(), 1u);
  EXPECT_EQ(add_only.node(add_only.outputs()[0]).name, "add");
  EXPECT_EQ(add_only.inputs().size(), 2u);
}

TEST(Extract, RejectsEmptyUnorderedAndUnknownNodes) {
  GraphBuilder b("g");
  const int x = b.input({1, 4, 4, 2});
  const int c = b.conv(x, 2, 1);
  const int r = b.relu(c);
  const Graph g = b.finish({r});
  EXPECT_HWNAS_ERROR(extract(g, {}), "no nodes given");
  EXPECT_HWNAS_ERROR(extract(g, {r, c}), "graph order");
  EXPECT_HWNAS_ERROR(extract(g, {c, c}), "distinct");
  EXPECT_HWNAS_ERROR(extract(g, {c, 99}), "node id 99 is not in the graph");
}

TEST(SplitKernels, EveryBuiltinModelIsCoveredOnceAndEachKernelExtracts) {
  FusionRules rules = clamp_rules();
  rules.add(OpKind::DepthwiseConv2D, OpKind::Relu6);
  rules.add(OpKind::DepthwiseConv2D, OpKind::Relu);
  ASSERT_GE(models::builtin_model_names().size(), 10u);
  for (const std::string& name : models::builtin_model_names()) {
    SCOPED_TRACE(name);
    const Graph g = models::builtin_model(name);
    const auto ks = split_kernels(g, rules);
    std::vector<int> count(g.size(), 0);
    for (const Kernel& k : ks) {
      EXPECT_EQ(k.name, g.node(k.nodes.front()).name);
      for (int id : k.nodes) ++count[id];
    }
    for (int id = 0; id < g.size(); ++id)
      EXPECT_EQ(count[id], g.node(id).op == OpKind::Input ? 0 : 1) << g.describe(id);
    // Each kernel stands alone: its extracted graph's last node has the shape it has in g.
    for (const Kernel& k : ks) {
      const Graph piece = extract(g, k.nodes);
      EXPECT_EQ(piece.node(piece.size() - 1).shape, g.node(k.nodes.back()).shape);
    }
  }
}

}  // namespace
}  // namespace hwnas::ir
