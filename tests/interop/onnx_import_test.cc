// ONNX import: every operator form and family that the exporter writes reads back as the same
// graph (stats) computing the same outputs; hand-built files for the errors. Files that hwnas
// did not write (PyTorch's exporter on torchvision models) are tested in tests/cli/onnx_import.py.
#include "hwnas/interop/onnx_import.h"

#include <onnx/onnx_pb.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/interop/onnx_export.h"
#include "hwnas/ir/stats.h"
#include "interop_testing.h"
#include "testing.h"

namespace hwnas::interop {
namespace {

using ::testing::HasSubstr;

class RoundTrip : public ::testing::TestWithParam<testing::Case> {};

TEST_P(RoundTrip, ExportThenImportComputesTheSame) {
  const auto& [name, g] = GetParam();
  const runtime::Weights w = runtime::init_weights(g, {.seed = 3, .random_bn_stats = true});
  const OnnxModel file = export_onnx(g, w, {.fold_batchnorm = false});
  const ImportedOnnx m = import_onnx_bytes(file.bytes, name + ".onnx");
  const ir::Stats a = ir::compute_stats(g), b = ir::compute_stats(m.graph);
  EXPECT_EQ(b.macs, a.macs);
  EXPECT_EQ(b.params, a.params);
  std::vector<runtime::Tensor> in;
  for (int id : g.inputs()) in.push_back(runtime::testing::random_tensor(g.node(id).shape, 5 + id, -4.0f, 4.0f));
  const auto want = runtime::testing::run_on("reference", g, w, in, {.fold_batchnorm = false});
  const auto got = runtime::testing::run_on("reference", m.graph, m.weights, in, {.fold_batchnorm = false});
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].shape, want[i].shape);
    EXPECT_LE(runtime::max_relative_error(got[i].data, want[i].data), 1e-5) << "output " << i;
  }
}

std::vector<testing::Case> all_cases() {
  auto cases = testing::operator_cases();
  for (auto& c : testing::family_cases()) cases.push_back(std::move(c));
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Forms, RoundTrip, ::testing::ValuesIn(all_cases()),
                         [](const auto& p) { return testing::test_name(p.param.name); });

// A one-node model around `node`, with a [1,4,8,8] float input "x".
onnx::ModelProto model_with(const onnx::NodeProto& node, int opset = 13) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(opset);
  auto* g = m.mutable_graph();
  *g->add_node() = node;
  auto* in = g->add_input();
  in->set_name("x");
  auto* t = in->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  for (int d : {1, 4, 8, 8}) t->mutable_shape()->add_dim()->set_dim_value(d);
  g->add_output()->set_name(node.output(0));
  return m;
}

onnx::NodeProto node(const std::string& op, std::vector<std::string> inputs, const std::string& name = "n1") {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (auto& i : inputs) n.add_input(i);
  n.add_output("y");
  return n;
}

std::string import_error(const onnx::ModelProto& m) {
  try {
    import_onnx_bytes(m.SerializeAsString(), "m.onnx");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(OnnxImport, UnsupportedOperatorNamesNodeOpOpsetAndTheSupportedList) {
  const std::string e = import_error(model_with(node("LSTM", {"x"}, "rnn"), 17));
  EXPECT_THAT(e, HasSubstr("m.onnx: node 'rnn' (LSTM, opset 17): operator LSTM is not supported"));
  EXPECT_THAT(e, HasSubstr("Conv, Gemm"));
}

TEST(OnnxImport, ClipOtherThanReluRangesIsRefused) {
  onnx::NodeProto n = node("Clip", {"x"});
  auto* lo = n.add_attribute();
  lo->set_name("min");
  lo->set_f(-1.0f);
  lo->set_type(onnx::AttributeProto::FLOAT);
  EXPECT_THAT(import_error(model_with(n, 10)), HasSubstr("clips to [-1, inf]"));
}

TEST(OnnxImport, ChannelShuffleReshapeIsRefusedByName) {
  onnx::ModelProto m = model_with(node("Reshape", {"x", "shape"}));
  auto* s = m.mutable_graph()->add_initializer();
  s->set_name("shape");
  s->set_data_type(onnx::TensorProto::INT64);
  s->add_dims(5);
  for (int64_t d : {1, 2, 2, 8, 8}) s->add_int64_data(d);
  EXPECT_THAT(import_error(m), HasSubstr("channel shuffle"));
}

TEST(OnnxImport, ExternalDataIsRefusedWithTheFix) {
  onnx::NodeProto n = node("Conv", {"x", "w"});
  onnx::ModelProto m = model_with(n);
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int d : {4, 4, 1, 1}) w->add_dims(d);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_THAT(import_error(m), HasSubstr("initializer 'w': keeps its data in an external file"));
}

TEST(OnnxImport, SymbolicBatchBecomesOneAndOtherSymbolicDimsAreRefused) {
  onnx::ModelProto m = model_with(node("Relu", {"x"}));
  auto* dims = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
  dims->mutable_dim(0)->set_dim_param("batch");
  const ImportedOnnx ok = import_onnx_bytes(m.SerializeAsString(), "m.onnx");
  EXPECT_EQ(ok.graph.node(0).shape, (ir::Shape{1, 8, 8, 4}));
  EXPECT_THAT(ok.notes.at(0), HasSubstr("symbolic batch dimension set to 1"));
  dims->mutable_dim(2)->set_dim_param("height");
  EXPECT_THAT(import_error(m), HasSubstr("dimension 2 is 'height'; export the model with a fixed input size"));
}

TEST(OnnxImport, DamagedFilesNameTheFile) {
  const onnx::ModelProto m = model_with(node("Relu", {"x"}));
  const std::string bytes = m.SerializeAsString();
  for (size_t cut : {size_t{0}, size_t{3}, bytes.size() / 2, bytes.size() - 1}) {
    try {
      import_onnx_bytes(bytes.substr(0, cut), "m.onnx");
      ADD_FAILURE() << "a file cut at " << cut << " of " << bytes.size() << " bytes imported";
    } catch (const Error& e) {
      EXPECT_THAT(e.what(), HasSubstr("m.onnx")) << "cut at " << cut;
    }
  }
}

TEST(OnnxImport, UndefinedInputsAreNamed) {
  EXPECT_THAT(import_error(model_with(node("Add", {"x", "ghost"}))), HasSubstr("reads 'ghost', which no earlier node"));
}

// tf2onnx keeps a Keras model's NHWC input and transposes it to NCHW before the first conv:
// the input is then NHWC as the file says, and the graph computes what its NCHW twin does.
TEST(OnnxImport, TensorflowStyleNhwcInputIsReadAsNhwc) {
  onnx::ModelProto m = model_with(node("Transpose", {"x"}, "to_nchw"));  // x: [1,4,8,8] read as N,H,W,C
  auto* perm = m.mutable_graph()->mutable_node(0)->add_attribute();
  perm->set_name("perm");
  perm->set_type(onnx::AttributeProto::INTS);
  for (int p : {0, 3, 1, 2}) perm->add_ints(p);
  m.mutable_graph()->mutable_node(0)->set_output(0, "t");
  onnx::NodeProto relu = node("Relu", {"t"}, "relu");
  *m.mutable_graph()->add_node() = relu;
  m.mutable_graph()->mutable_output(0)->set_name("y");
  const ImportedOnnx got = import_onnx_bytes(m.SerializeAsString(), "tf.onnx");
  EXPECT_EQ(got.graph.node(got.graph.inputs()[0]).shape, (ir::Shape{1, 4, 8, 8}));  // N=1, H=4, W=8, C=8
  EXPECT_EQ(got.graph.node(got.graph.outputs()[0]).op, ir::OpKind::Relu);
  EXPECT_THAT(got.notes.at(0), HasSubstr("input 'x' is NHWC"));
}

// Inputs found by fuzz/onnx_import_fuzzer.cc: a node without outputs was named by its first
// output (a null protobuf element: UBSan), a flatten kept a reference to its input's shape
// across the graph's growth (heap-use-after-free: ASan), and folded shape arithmetic
// overflowed (UBSan).
TEST(OnnxImport, FuzzFindingsAreErrorsOrImports) {
  onnx::NodeProto no_output = node("Relu", {"x"});
  no_output.clear_name();
  no_output.clear_output();
  onnx::ModelProto m = model_with(node("Relu", {"x"}));
  *m.mutable_graph()->add_node() = no_output;
  EXPECT_THAT(import_error(m), HasSubstr("node 'unnamed' (Relu, opset 13): has no output"));

  // Shape arithmetic whose dimensions overflow 64 bits (signed overflow: UBSan).
  onnx::ModelProto big = model_with(node("Relu", {"x"}));
  auto* c = big.mutable_graph()->add_initializer();
  c->set_name("c");
  c->set_data_type(onnx::TensorProto::INT64);
  c->add_dims(2);
  c->add_int64_data(1);
  c->add_int64_data(2);
  auto* shape = big.mutable_graph()->add_initializer();
  shape->set_name("shape");
  shape->set_data_type(onnx::TensorProto::INT64);
  shape->add_dims(3);
  for (int64_t d : {int64_t{7020063984489332735}, int64_t{2}, int64_t{-1}}) shape->add_int64_data(d);
  onnx::NodeProto reshape = node("Reshape", {"c", "shape"}, "r");
  reshape.set_output(0, "r_out");
  *big.mutable_graph()->add_node() = reshape;
  EXPECT_THAT(import_error(big), HasSubstr("overflow 64-bit integers"));

  // A float beyond 2^63 concatenated into integer shape values (float-cast-overflow: UBSan).
  onnx::ModelProto mixed = model_with(node("Relu", {"x"}));
  auto* ints = mixed.mutable_graph()->add_initializer();
  ints->set_name("ints");
  ints->set_data_type(onnx::TensorProto::INT64);
  ints->add_dims(1);
  ints->add_int64_data(3);
  auto* huge = mixed.mutable_graph()->add_initializer();
  huge->set_name("huge");
  huge->set_data_type(onnx::TensorProto::FLOAT);
  huge->add_dims(1);
  huge->add_float_data(9.3e18f);
  onnx::NodeProto cat = node("Concat", {"ints", "huge"}, "cat");
  cat.set_output(0, "cat_out");
  *mixed.mutable_graph()->add_node() = cat;
  EXPECT_THAT(import_error(mixed), HasSubstr("does not fit a 64-bit integer"));

  // [1,4,8,8] flattened: the NCHW and NHWC element orders differ, so as a graph output it is refused.
  EXPECT_THAT(import_error(model_with(node("Flatten", {"x"}))),
              HasSubstr("graph output 'y': flattens a feature map (NCHW order) that hwnas holds NHWC"));
}

}  // namespace
}  // namespace hwnas::interop
