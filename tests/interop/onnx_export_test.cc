// ONNX export: the node list of hand-built graphs, the NCHW mapping of shapes and weights,
// checker and strict shape inference on every operator form, and the errors.
#include "hwnas/interop/onnx_export.h"

#include <onnx/onnx_pb.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/core/files.h"
#include "hwnas/interop/nchw.h"
#include "hwnas/ir/builder.h"
#include "interop_testing.h"
#include "testing.h"

namespace hwnas::interop {
namespace {

using ::testing::ElementsAre;

onnx::ModelProto parse(const OnnxModel& m) {
  onnx::ModelProto p;
  EXPECT_TRUE(p.ParseFromString(m.bytes));
  return p;
}

std::vector<std::string> op_types(const onnx::ModelProto& m) {
  std::vector<std::string> ops;
  for (const auto& n : m.graph().node()) ops.push_back(n.op_type());
  return ops;
}

const onnx::NodeProto& node_named(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& n : m.graph().node())
    if (n.name() == name) return n;
  throw std::runtime_error("no ONNX node " + name);
}

const onnx::TensorProto& initializer(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& t : m.graph().initializer())
    if (t.name() == name) return t;
  throw std::runtime_error("no initializer " + name);
}

std::vector<float> floats(const onnx::TensorProto& t) {
  std::vector<float> v(t.raw_data().size() / sizeof(float));
  std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  return v;
}

const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

std::vector<int64_t> dims(const onnx::ValueInfoProto& v) {
  std::vector<int64_t> d;
  for (const auto& x : v.type().tensor_type().shape().dim()) d.push_back(x.dim_value());
  return d;
}

// input [1,8,8,3] -> conv 3x3 (pad 1) -> BN -> relu6 -> GAP -> flatten -> FC 10 -> softmax
ir::Graph tiny_classifier() {
  ir::GraphBuilder b("tiny");
  int x = b.input({1, 8, 8, 3}, "image");
  x = b.relu6(b.batch_norm(b.conv(x, 4, 3, 1, {}, "conv"), 1e-3f, "bn"), "act");
  x = b.fc(b.flatten(b.global_avg_pool(x, "gap"), "flat"), 10, true, "fc");
  return b.finish({b.softmax(x, -1, "prob")});
}

TEST(OnnxExport, TinyClassifierNodeList) {
  const ir::Graph g = tiny_classifier();
  const OnnxModel m = export_onnx(g, runtime::init_weights(g, {.seed = 1}));
  const onnx::ModelProto p = parse(m);
  // BatchNorm folded into the conv, whose result takes the BN's name.
  EXPECT_THAT(op_types(p), ElementsAre("Conv", "Clip", "GlobalAveragePool", "Flatten", "Gemm", "Softmax"));
  EXPECT_EQ(node_named(p, "conv").output(0), "bn");
  EXPECT_EQ(p.opset_import(0).version(), 14);
  EXPECT_EQ(p.graph().input(0).name(), "image");
  EXPECT_THAT(dims(p.graph().input(0)), ElementsAre(1, 3, 8, 8));  // NCHW
  EXPECT_THAT(dims(p.graph().output(0)), ElementsAre(1, 10));
  EXPECT_THAT(attr(node_named(p, "conv"), "pads")->ints(), ElementsAre(1, 1, 1, 1));
  EXPECT_THAT(initializer(p, "conv.weight").dims(), ElementsAre(4, 3, 3, 3));
  EXPECT_THAT(initializer(p, "conv.bias").dims(), ElementsAre(4));  // the folded BN's shift
  EXPECT_EQ(attr(node_named(p, "prob"), "axis")->i(), 1);
  // Weights: conv 4*3*3*3 = 108, its bias 4, FC 10*4 + 10 = 50, Clip's bounds 2 -> 164.
  EXPECT_EQ(m.weight_values, 164);
  EXPECT_EQ(m.nodes, 6);
  ASSERT_EQ(m.outputs.size(), 1u);
  EXPECT_EQ(m.outputs[0].second, (ir::Shape{1, 10}));
}

TEST(OnnxExport, BatchNormKeptWhenNotFolding) {
  const ir::Graph g = tiny_classifier();
  const runtime::Weights w = runtime::init_weights(g, {.seed = 1, .random_bn_stats = true});
  const onnx::ModelProto p = parse(export_onnx(g, w, {.fold_batchnorm = false}));
  EXPECT_THAT(op_types(p),
              ElementsAre("Conv", "BatchNormalization", "Clip", "GlobalAveragePool", "Flatten", "Gemm", "Softmax"));
  EXPECT_FLOAT_EQ(attr(node_named(p, "bn"), "epsilon")->f(), 1e-3f);
  EXPECT_EQ(floats(initializer(p, "bn.var")), w.at("bn", "var").data);
}

TEST(OnnxExport, FullyConnectedAfterSpatialMapPermutesColumns) {
  // FC on [1, H=2, W=1, C=2]: the file flattens NCHW, so column order (c0h0, c0h1, c1h0, c1h1)
  // takes the NHWC kernel's columns 0, 2, 1, 3.
  ir::GraphBuilder b("fc");
  const ir::Graph g = b.finish({b.fc(b.input({1, 2, 1, 2}), 1, false, "fc")});
  runtime::Weights w = runtime::init_weights(g);
  w.nodes["fc"]["kernel"].data = {10, 11, 12, 13};
  const onnx::ModelProto p = parse(export_onnx(g, w));
  EXPECT_THAT(op_types(p), ElementsAre("Flatten", "Gemm"));
  EXPECT_THAT(floats(initializer(p, "fc.weight")), ElementsAre(10, 12, 11, 13));
}

TEST(OnnxExport, ReshapeOfAFeatureMapGoesThroughNhwc) {
  // SSD's head: [1,2,3,4] -> [1,-1,2] must keep NHWC element order: Transpose first.
  ir::GraphBuilder b("r");
  const ir::Graph g = b.finish({b.reshape(b.input({1, 2, 3, 4}), {1, -1, 2}, "r")});
  const onnx::ModelProto p = parse(export_onnx(g, {}));
  EXPECT_THAT(op_types(p), ElementsAre("Transpose", "Reshape"));
  EXPECT_THAT(attr(p.graph().node(0), "perm")->ints(), ElementsAre(0, 2, 3, 1));
  EXPECT_THAT(dims(p.graph().output(0)), ElementsAre(1, 12, 2));
}

TEST(OnnxExport, ActivationsAndResizeAttributes) {
  ir::GraphBuilder b("act");
  const int x = b.input({1, 4, 4, 2});
  const ir::Graph g =
      b.finish({b.hardsigmoid(x, "hs"), b.swish(x, "sw"), b.resize(x, 8, 8, ir::ResizeMode::Nearest, false, "up")});
  const onnx::ModelProto p = parse(export_onnx(g, {}));
  // relu6(x+3)/6 = clip(x/6 + 0.5): alpha 1/6 and no explicit beta (ONNX's default is 0.5;
  // OpenCV 4.6 mis-fuses a HardSigmoid that states it).
  const onnx::NodeProto& hs = node_named(p, "hs");
  EXPECT_FLOAT_EQ(attr(hs, "alpha")->f(), 1.0f / 6.0f);
  EXPECT_EQ(attr(hs, "beta"), nullptr);
  EXPECT_EQ(node_named(p, "sw").op_type(), "Mul");  // x * Sigmoid(x)
  EXPECT_EQ(node_named(p, "sw.sigmoid").op_type(), "Sigmoid");
  const onnx::NodeProto& up = node_named(p, "up");
  EXPECT_EQ(attr(up, "coordinate_transformation_mode")->s(), "asymmetric");
  EXPECT_EQ(attr(up, "nearest_mode")->s(), "floor");
}

class EveryOperator : public ::testing::TestWithParam<testing::Case> {};

TEST_P(EveryOperator, PassesCheckerWithNchwShapes) {
  const ir::Graph& g = GetParam().graph;
  const OnnxModel m = export_onnx(g, runtime::init_weights(g));  // throws if the checker fails
  ASSERT_EQ(m.outputs.size(), g.outputs().size());
  for (size_t i = 0; i < m.outputs.size(); ++i) EXPECT_EQ(m.outputs[i].second, to_nchw(g.node(g.outputs()[i]).shape));
}

INSTANTIATE_TEST_SUITE_P(Interop, EveryOperator, ::testing::ValuesIn(testing::operator_cases()),
                         [](const auto& param_info) { return testing::test_name(param_info.param.name); });

TEST(OnnxExport, SameSeedSameBytes) {
  const ir::Graph g = models::builtin_model("dscnn-mlperf");
  EXPECT_EQ(export_onnx(g, runtime::init_weights(g, {.seed = 4})).bytes,
            export_onnx(g, runtime::init_weights(g, {.seed = 4})).bytes);
}

TEST(OnnxExport, CheckerCatchesAWrongDeclaredShape) {
  const ir::Graph g = tiny_classifier();
  onnx::ModelProto p = parse(export_onnx(g, runtime::init_weights(g)));
  p.mutable_graph()
      ->mutable_output(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(1)
      ->set_dim_value(11);
  EXPECT_HWNAS_ERROR(check_onnx(p.SerializeAsString(), "edited.onnx"), "edited.onnx: fails the ONNX checker");
  EXPECT_HWNAS_ERROR(check_onnx("not a model", "junk.onnx"), "junk.onnx: is not a serialized ONNX model");
}

TEST(OnnxExport, WeightsThatDoNotMatchTheGraph) {
  const ir::Graph g = tiny_classifier();
  runtime::Weights w = runtime::init_weights(g);
  w.nodes.erase("fc");
  EXPECT_HWNAS_ERROR(export_onnx(g, w), "fc");
}

TEST(OnnxExport, BatchNormOverTheLastAxisOfRank3) {
  ir::GraphBuilder b("bn3");
  const ir::Graph g = b.finish({b.batch_norm(b.relu(b.input({1, 5, 4})), 1e-5f, "bn")});
  EXPECT_HWNAS_ERROR(export_onnx(g, runtime::init_weights(g), {.fold_batchnorm = false}),
                     "node 'bn' (batch_norm): batch_norm over the last axis");
}

TEST(OnnxExport, WritesTheFileOrSaysWhyNot) {
  const ir::Graph g = tiny_classifier();
  const OnnxModel m = export_onnx(g, runtime::init_weights(g));
  EXPECT_HWNAS_ERROR(write_onnx("/nonexistent-dir/m.onnx", m), "/nonexistent-dir/m.onnx: cannot write");
  const auto dir = hwnas::testing::temp_dir();
  write_onnx(dir / "m.onnx", m);
  EXPECT_EQ(read_file(dir / "m.onnx"), m.bytes);
  check_onnx(read_file(dir / "m.onnx"), "m.onnx");  // the file on disk passes the checker
}

}  // namespace
}  // namespace hwnas::interop
