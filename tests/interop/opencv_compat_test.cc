// The OpenCV 4.6 rewrite keeps what the model computes (backends_test runs it in OpenCV);
// here: the node-level form of the two rewrites.
#include "hwnas/interop/opencv_compat.h"

#include <onnx/onnx_pb.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "hwnas/interop/onnx_export.h"
#include "hwnas/ir/builder.h"
#include "testing.h"

namespace hwnas::interop {
namespace {

TEST(OpencvCompat, ClipBoundsBecomeAttributesAndIncludedPaddingAPad) {
  ir::GraphBuilder b("compat");
  const int x = b.input({1, 6, 6, 2});
  const ir::Graph g =
      b.finish({b.relu6(x, "r6"), b.avg_pool(x, 3, 1, 1, true, "avg_incl"), b.avg_pool(x, 3, 1, 1, false, "avg_excl")});
  onnx::ModelProto p;
  ASSERT_TRUE(p.ParseFromString(opencv46_compatible(export_onnx(g, {}).bytes)));
  std::vector<std::string> ops;
  for (const auto& n : p.graph().node()) ops.push_back(n.op_type());
  EXPECT_THAT(ops, ::testing::ElementsAre("Clip", "Pad", "AveragePool", "AveragePool"));
  const onnx::NodeProto& clip = p.graph().node(0);
  EXPECT_EQ(clip.input_size(), 1);
  ASSERT_EQ(clip.attribute_size(), 2);
  EXPECT_EQ(clip.attribute(0).name(), "min");
  EXPECT_EQ(clip.attribute(0).f(), 0.0f);
  EXPECT_EQ(clip.attribute(1).f(), 6.0f);
  // Pad feeds the pool that counted its padding; the pool itself no longer pads.
  EXPECT_EQ(p.graph().node(2).input(0), p.graph().node(1).output(0));
  for (const auto& a : p.graph().node(2).attribute()) EXPECT_NE(a.name(), "pads");
  // A pool that excludes padding is left as it was.
  bool has_pads = false;
  for (const auto& a : p.graph().node(3).attribute()) has_pads = has_pads || a.name() == "pads";
  EXPECT_TRUE(has_pads);
}

TEST(OpencvCompat, RejectsWhatIsNotAModel) {
  EXPECT_HWNAS_ERROR(opencv46_compatible("junk"), "not a serialized ONNX model");
}

}  // namespace
}  // namespace hwnas::interop
