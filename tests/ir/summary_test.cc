// ir::summarize and summary_json on a small classifier whose figures are worked out by hand.
#include "hwnas/ir/summary.h"

#include <gtest/gtest.h>

#include "hwnas/ir/builder.h"

namespace hwnas::ir {
namespace {

using nlohmann::json;

// input [1,8,8,3] -> conv 3x3 16 (pad 1) -> bn -> relu -> global pool -> fc 10.
Graph tiny() {
  GraphBuilder b("tiny");
  int x = b.input({1, 8, 8, 3});
  x = b.relu(b.batch_norm(b.conv(x, 16, 3, 1, {}, "conv"), 1e-5f, "bn"), "relu");
  x = b.fc(b.global_avg_pool(x, "pool"), 10, true, "logits");
  return b.finish({x});
}

TEST(Summary, TotalsAndLayersByHand) {
  const ModelSummary s = summarize(tiny());
  EXPECT_EQ(s.name, "tiny");
  // conv: 3*3*3*16 = 432 weights, 8*8*432 = 27648 MACs; bn: 2*16 = 32 params;
  // fc: 16*10 = 160 MACs, 160 + 10 = 170 params.
  EXPECT_EQ(s.macs, 27648 + 160);
  EXPECT_EQ(s.params, 432 + 32 + 170);
  // Deployable: BN folds into the conv as a 16-element bias.
  // f32: (432 + 16 + 160 + 10) * 4 = 2472; int8: 432 + 160 + (16 + 10) * 4 = 696.
  EXPECT_EQ(s.weight_bytes_f32, 2472);
  EXPECT_EQ(s.weight_bytes_int8, 696);
  // Only nodes with MACs or params, in graph order.
  ASSERT_EQ(s.layers.size(), 3u);
  EXPECT_EQ(s.layers[0].name, "conv");
  EXPECT_EQ(s.layers[0].op, OpKind::Conv2D);
  EXPECT_EQ(s.layers[0].shape, (Shape{1, 8, 8, 16}));
  EXPECT_EQ(s.layers[0].macs, 27648);
  EXPECT_EQ(s.layers[1].name, "bn");
  EXPECT_EQ(s.layers[1].macs, 0);
  EXPECT_EQ(s.layers[1].params, 32);
  EXPECT_EQ(s.layers[2].name, "logits");
  EXPECT_EQ(s.layers[2].node, 5);
  // The largest tensor is 8*8*16 = 1024 elements; conv, bn and relu tie and the first wins.
  EXPECT_EQ(s.largest_activation.name, "conv");
  EXPECT_EQ(s.largest_activation_elems, 1024);
  ASSERT_EQ(s.inputs.size(), 1u);
  EXPECT_EQ(s.inputs[0].shape, (Shape{1, 8, 8, 3}));
  ASSERT_EQ(s.outputs.size(), 1u);
  EXPECT_EQ(s.outputs[0].name, "logits");
}

TEST(Summary, AllLayersListsEveryNode) {
  const ModelSummary s = summarize(tiny(), /*all_layers=*/true);
  ASSERT_EQ(s.layers.size(), 6u);
  EXPECT_EQ(s.layers[0].name, "input");
  EXPECT_EQ(s.layers[4].name, "pool");
  EXPECT_EQ(s.layers[4].shape, (Shape{1, 1, 1, 16}));
}

TEST(Summary, JsonHasIntegerTotalsAndFlatLayerRecords) {
  const json j = summary_json(summarize(tiny()));
  ASSERT_TRUE(j["params"].is_number_integer());
  ASSERT_TRUE(j["macs"].is_number_integer());
  EXPECT_EQ(j["params"], 634);
  EXPECT_EQ(j["macs"], 27808);
  EXPECT_EQ(j["name"], "tiny");
  EXPECT_EQ(j["weight_bytes"], (json{{"f32", 2472}, {"int8", 696}}));
  EXPECT_EQ(j["input"], json::parse(R"([{"name": "input", "shape": [1, 8, 8, 3], "dtype": "f32"}])"));
  EXPECT_EQ(j["outputs"][0]["shape"], json::parse("[1, 10]"));
  EXPECT_EQ(j["largest_activation"]["bytes"], (json{{"f32", 4096}, {"int8", 1024}}));
  EXPECT_NE(j["source"].get<std::string>().find("not measured"), std::string::npos);
  ASSERT_EQ(j["layers"].size(), 3u);
  EXPECT_EQ(j["layers"][0],
            json::parse(R"({"name": "conv", "op": "conv2d", "shape": [1, 8, 8, 16], "macs": 27648, "params": 432})"));
  // Each layer is a flat record of the same keys: one row per layer in a data frame.
  for (const json& l : j["layers"]) EXPECT_EQ(l.size(), 5u);
}

}  // namespace
}  // namespace hwnas::ir
