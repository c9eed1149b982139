// Graph <-> JSON: exact round trips (graph equality, and identical text after a second trip)
// for a graph that uses every operator and attribute, and every kind of malformed file with
// the message a user would see. docs/graph-format.md is checked against the same truth: its
// example loads, and it documents every operator.
#include "hwnas/ir/serialize.h"

#include <algorithm>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "hwnas/core/error.h"
#include "hwnas/core/files.h"
#include "hwnas/ir/builder.h"
#include "hwnas/ir/stats.h"
#include "hwnas/models/nb201.h"
#include "hwnas/models/registry.h"
#include "hwnas/space/search_space.h"
#include "testing.h"

namespace hwnas::ir {
namespace {

using nlohmann::json;

// A graph exercising every operator, every attribute group, non-default values and dtypes.
Graph every_op_graph() {
  GraphBuilder b("every-op");
  const int x = b.input({1, 16, 16, 3});
  int c = b.conv(x, 8, 3, 2, {.bias = true}, "conv");  // explicit pads 1
  c = b.batch_norm(c, 1e-3f);
  c = b.relu6(c);
  const int g = b.conv(c, 8, 3, 1, {.groups = 2, .dilation = 2, .padding = Padding::Same, .kernel_w = 1}, "grouped");
  const int d = b.depthwise(b.hardswish(g), 5, 1, {.padding = Padding::Same}, "dw");
  Attrs m;
  m.kernel_h = m.kernel_w = 3;
  m.padding = Padding::Valid;
  m.multiplier = 2;
  const int d2 = b.node(OpKind::DepthwiseConv2D, {d}, m, "dw_x2");  // [1,6,6,16]
  const int sum = b.add({b.swish(d), b.relu(g)});
  const int se = b.mul(sum, b.hardsigmoid(b.sigmoid(b.global_avg_pool(sum))));
  const int cat = b.concat({se, b.zero(se)}, 3);  // [1,8,8,16]
  const int pooled = b.avg_pool(cat, 3, 1, 1, /*count_include_pad=*/true);
  const int mp = b.max_pool(pooled, 2, 2);                            // [1,4,4,16]
  const int padded = b.pad(mp, 1, 0, 1, 0, -1.5f);                    // [1,6,4,16]
  const int up = b.resize(padded, 6, 6, ResizeMode::Bilinear, true);  // [1,6,6,16]
  const int both = b.add({up, d2});
  const int r = b.reshape(both, {1, -1, 16});
  const int f = b.flatten(r);
  const int logits = b.fc(f, 10, /*bias=*/false, "logits");
  const int probs = b.softmax(logits, 1);
  Graph graph = b.finish({probs, logits});
  // A second input in int8, so that dtype is written and read.
  Attrs in;
  in.shape = Shape{1, 4};
  graph.add(OpKind::Input, {}, in, "aux", DType::i8);
  return graph;
}

void expect_exact_round_trip(const Graph& g) {
  const json j = to_json(g);
  const Graph back = graph_from_json(j, g.name());
  EXPECT_EQ(back, g) << g.name();
  EXPECT_EQ(to_json(back).dump(), j.dump()) << g.name();
  // And through text, as a file is read.
  EXPECT_EQ(graph_from_json(json::parse(j.dump(1)), g.name()), g) << g.name();
}

TEST(Serialize, EveryOperatorRoundTripsExactly) {
  const Graph g = every_op_graph();
  // The graph really does use every operator, so the round trip covers all of them.
  std::set<OpKind> used;
  for (const Node& n : g.nodes()) used.insert(n.op);
  EXPECT_EQ(used.size(), static_cast<size_t>(kNumOpKinds));
  expect_exact_round_trip(g);
}

TEST(Serialize, EveryBuiltinModelRoundTripsExactly) {
  const auto names = models::builtin_model_names();
  ASSERT_GE(names.size(), 10u);
  for (const std::string& name : names) expect_exact_round_trip(models::builtin_model(name));
  // Overrides change shapes throughout; the JSON must still carry them exactly.
  expect_exact_round_trip(models::builtin_model("mobilenetv2-0.35", {.resolution = 96, .classes = 2}));
}

TEST(Serialize, SpaceArchitecturesRoundTripExactly) {
  // NB201's best CIFAR-10 cell, the all-"none" cell (zero ops only) and the all-conv cell.
  for (const char* arch :
       {"|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|",
        "|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_1x1~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_3x3~2|"})
    expect_exact_round_trip(models::nb201(models::parse_nb201(arch)));
  // Random MBConv networks: several resolutions, widths, depths, kernels and expansions.
  const auto mbconv = space::make_space("mbconv");
  Rng rng(5);
  for (int i = 0; i < 4; ++i) expect_exact_round_trip(mbconv->decode(mbconv->sample(rng)));
}

TEST(Serialize, WritesOnlyTheAttributesAnOperatorUses) {
  const json j = to_json(every_op_graph());
  EXPECT_EQ(j["format"], "hwnas.graph");
  EXPECT_EQ(j["version"], 1);
  const json& conv = j["nodes"][1];
  EXPECT_EQ(conv["name"], "conv");
  EXPECT_EQ(conv["kernel"], json::array({3, 3}));
  EXPECT_EQ(conv["stride"], json::array({2, 2}));
  EXPECT_EQ(conv["padding"], "explicit");
  EXPECT_EQ(conv["pads"], json::array({1, 1, 1, 1}));
  EXPECT_EQ(conv["out_channels"], 8);
  EXPECT_EQ(conv["bias"], true);
  EXPECT_EQ(conv["shape"], json::array({1, 8, 8, 8}));
  EXPECT_FALSE(conv.contains("epsilon"));
  EXPECT_FALSE(conv.contains("dtype"));  // f32 is the default and is not written
  const json& relu = j["nodes"][3];
  EXPECT_EQ(relu["op"], "relu6");
  EXPECT_EQ(relu.size(), 4u);  // name, op, inputs, shape
  EXPECT_EQ(j["outputs"], json::array({"softmax", "logits"}));
}

TEST(Serialize, SaveAndLoadAFile) {
  const auto path = testing::temp_dir() / "g.json";
  const Graph g = every_op_graph();
  save_graph(g, path);
  EXPECT_EQ(load_graph(path), g);
}

// The file reads like a layer list: a node per line, keys in the documented order (name, op,
// inputs, attributes, shape), floats as the shortest decimal that reads back (1e-05).
TEST(Serialize, TheFileHasANodePerLineInTheDocumentedKeyOrder) {
  GraphBuilder b("layers");
  const int x = b.input({1, 8, 8, 3});
  const int bn = b.batch_norm(b.conv(x, 4, 3, 1, {}, "conv"), 1e-5f, "bn");
  const auto path = testing::temp_dir() / "layers.json";
  save_graph(b.finish({bn}), path);
  const std::string text = read_file(path);
  EXPECT_NE(text.find("\n    {\"name\": \"input\", \"op\": \"input\", \"shape\": [1, 8, 8, 3]},\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\n    {\"name\": \"bn\", \"op\": \"batch_norm\", \"inputs\": [\"conv\"], \"epsilon\": 1e-05, "
                      "\"shape\": [1, 8, 8, 4]}\n  ],\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5 + 3 + 3) << text;  // header 5, nodes 3, footer 3
}

// A valid two-node graph, to be broken one way per test.
json small_graph() {
  return json::parse(R"({
    "format": "hwnas.graph", "version": 1, "name": "small",
    "nodes": [
      {"name": "input", "op": "input", "shape": [1, 8, 8, 16]},
      {"name": "conv", "op": "conv2d", "inputs": ["input"], "kernel": [3, 3], "stride": [1, 1],
       "padding": "same", "out_channels": 4, "shape": [1, 8, 8, 4]}
    ],
    "outputs": ["conv"]})");
}

TEST(Serialize, TheSmallGraphIsValidAndAttributesMayBeOmitted) {
  const Graph g = graph_from_json(small_graph());
  EXPECT_EQ(g.node(1).shape, (Shape{1, 8, 8, 4}));
  json j = small_graph();
  for (const char* key : {"stride", "padding", "shape"}) j["nodes"][1].erase(key);  // defaults: 1, valid
  EXPECT_EQ(graph_from_json(j).node(1).shape, (Shape{1, 6, 6, 4}));
}

TEST(SerializeErrors, NotJson) {
  const auto path = testing::temp_dir() / "broken.json";
  write_file_atomic(path, "{\"nodes\": [");
  EXPECT_HWNAS_ERROR(load_graph(path), "broken.json: not valid JSON");
  EXPECT_HWNAS_ERROR(graph_from_json(json::array(), "m.json"),
                     "m.json: expected a JSON object with 'nodes' and 'outputs'");
  EXPECT_HWNAS_ERROR(load_graph(testing::temp_dir() / "absent.json"), "absent.json");
}

TEST(SerializeErrors, MissingNodesOrOutputs) {
  json j = small_graph();
  j.erase("nodes");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: missing the list 'nodes'");
  j = small_graph();
  j["nodes"] = "conv";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: missing the list 'nodes'");
  j = small_graph();
  j.erase("outputs");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: missing the list 'outputs'");
  j = small_graph();
  j["nodes"][1].erase("out_channels");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[1] 'conv': missing key 'out_channels'");
  j = small_graph();
  j["nodes"][0].erase("name");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[0]: missing key 'name'");
}

TEST(SerializeErrors, WrongFormatOrVersion) {
  json j = small_graph();
  j["format"] = "onnx";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: format: expected \"hwnas.graph\", got \"onnx\"");
  j = small_graph();
  j["version"] = 2;
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: version: this hwnas reads version 1, got 2");
}

TEST(SerializeErrors, UnknownOperatorListsTheKnownOnes) {
  json j = small_graph();
  j["nodes"][1]["op"] = "conv3d";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[1] 'conv'.op: unknown operator 'conv3d' (known: input, conv2d, depthwise_conv2d, "
                     "fully_connected, batch_norm,");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "resize, zero)");
}

TEST(SerializeErrors, UnknownAttributeKeyListsTheExpectedOnes) {
  json j = small_graph();
  j["nodes"][1]["kernal"] = json::array({3, 3});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[1] 'conv': key 'kernal' is not an attribute of conv2d (expected one of: bias, "
                     "dilation, dtype, groups, inputs, kernel, name, op, out_channels, padding, pads, shape, stride)");
  j = small_graph();
  j["nodes"][1]["units"] = 4;  // fully_connected's name for out_channels
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "key 'units' is not an attribute of conv2d");
  j = small_graph();
  j["nodes"][1]["op"] = "relu";  // relu takes no kernel
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "key 'kernel' is not an attribute of relu (expected one of: dtype, inputs, name, op, shape)");
}

TEST(SerializeErrors, WrongTypes) {
  const auto with = [](const char* key, json value) {
    json j = small_graph();
    j["nodes"][1][key] = std::move(value);
    return j;
  };
  EXPECT_HWNAS_ERROR(graph_from_json(with("kernel", 3), "m.json"),
                     "m.json: nodes[1] 'conv'.kernel: expected a list of 2 integers, got 3");
  EXPECT_HWNAS_ERROR(graph_from_json(with("kernel", json::array({3, 3, 3}))),
                     "expected a list of 2 integers, got [3,3,3]");
  EXPECT_HWNAS_ERROR(graph_from_json(with("stride", json::array({1.5, 1}))),
                     ".stride: expected a list of 2 integers, got [1.5,1]");
  EXPECT_HWNAS_ERROR(graph_from_json(with("out_channels", "4")), ".out_channels: expected an integer, got \"4\"");
  EXPECT_HWNAS_ERROR(graph_from_json(with("bias", 1)), ".bias: expected true or false, got 1");
  EXPECT_HWNAS_ERROR(graph_from_json(with("padding", 0)), ".padding: expected a string, got 0");
  EXPECT_HWNAS_ERROR(graph_from_json(with("inputs", "input")), ".inputs: expected a list of node names");
  EXPECT_HWNAS_ERROR(graph_from_json(with("inputs", json::array({0}))), ".inputs: expected node names, got 0");
  EXPECT_HWNAS_ERROR(graph_from_json(with("dtype", "int4")), ".dtype: unknown dtype 'int4'");
  json j = small_graph();
  j["nodes"][0]["shape"] = json::array({1, 2, 3, 4, 5});
  EXPECT_HWNAS_ERROR(graph_from_json(j), "nodes[0] 'input'.shape: expected a list of 1 to 4 integers, got [1,2,3,4,5]");
  j = small_graph();
  j["nodes"][1] = "conv";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[1]: expected an object, got \"conv\"");
  j = small_graph();
  j["outputs"] = json::array({1});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: outputs: expected node names, got 1");
}

// Values that overflowed the shape arithmetic (UBSan: signed overflow) or wrapped silently
// when read as int (kernel 4294967299 read as 3); fed through fuzz/graph_json_fuzzer.cc.
TEST(SerializeErrors, HugeIntegersAreErrors) {
  json j = small_graph();
  j["nodes"][0]["shape"] = json::array({9223372036854775807LL, 9223372036854775807LL, 2, 3});
  j["nodes"][1].erase("shape");
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[0] 'input'.shape: expected a list of 1 to 4 integers");
  j["nodes"][0]["shape"] = json::array({1, 2147483647, 2147483647, 2147483647});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "'input'.shape: [1,2147483647,2147483647,2147483647] has more than 2^40");
  j = small_graph();
  j["nodes"][1].erase("shape");
  j["nodes"][1]["kernel"] = json::array({4294967299LL, 3});
  EXPECT_HWNAS_ERROR(graph_from_json(j), "'conv'.kernel: expected a list of 2 integers, got [4294967299,3]");
  j["nodes"][1]["kernel"] = json::array({3, 3});
  j["nodes"][1]["out_channels"] = 4294967300LL;
  EXPECT_HWNAS_ERROR(graph_from_json(j), "'conv'.out_channels: expected an integer, got 4294967300");
  j["nodes"][1]["out_channels"] = 4;
  j["nodes"][1]["padding"] = "explicit";
  j["nodes"][1]["pads"] = json::array({2147483647, 2147483647, 2147483647, 2147483647});
  EXPECT_HWNAS_ERROR(graph_from_json(j), "the output shape [1,4294967300,4294967300,4] has more than 2^40 elements");
  j["nodes"][1]["pads"] = json::array({1, 1, 1, 1});
  EXPECT_EQ(graph_from_json(j).node(1).shape, (Shape{1, 8, 8, 4}));
}

TEST(SerializeErrors, InputThatNamesNoEarlierNode) {
  json j = small_graph();
  j["nodes"][1]["inputs"] = json::array({"conv"});  // itself: not earlier
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[1] 'conv'.inputs: no earlier node is named 'conv'");
  j["nodes"][1]["inputs"] = json::array({"image"});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "no earlier node is named 'image'");
}

TEST(SerializeErrors, ShapeMismatchInAConvNamesTheNode) {
  json j = small_graph();
  j["nodes"][1]["groups"] = 3;  // 16 input channels are not divisible by 3 groups
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[1] 'conv': groups=3 must divide");
  j = small_graph();
  j["nodes"][1]["padding"] = "valid";
  j["nodes"][1]["kernel"] = json::array({11, 11});  // bigger than the 8x8 input
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[1] 'conv': height of 8 (padded: 8) is smaller than the kernel extent 11");
}

TEST(SerializeErrors, WrittenShapeThatDisagrees) {
  json j = small_graph();
  j["nodes"][1]["shape"] = json::array({1, 8, 8, 16});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[1] 'conv'.shape: the file says [1,8,8,16] but the inputs give [1,8,8,4]");
}

TEST(SerializeErrors, BadPaddingOrResizeModeName) {
  json j = small_graph();
  j["nodes"][1]["padding"] = "sme";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"),
                     "m.json: nodes[1] 'conv'.padding: unknown padding 'sme' (expected valid, same or explicit)");
  j = to_json(every_op_graph());
  for (json& n : j["nodes"])
    if (n["op"] == "resize") n["mode"] = "cubic";
  EXPECT_HWNAS_ERROR(graph_from_json(j), "unknown resize mode 'cubic' (expected nearest or bilinear)");
}

TEST(SerializeErrors, DuplicateNames) {
  json j = small_graph();
  j["nodes"][1]["name"] = "input";
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: nodes[1] 'input': the name is already used by node 0");
}

TEST(SerializeErrors, UnknownOutput) {
  json j = small_graph();
  j["outputs"] = json::array({"conv", "logits"});
  EXPECT_HWNAS_ERROR(graph_from_json(j, "m.json"), "m.json: outputs: no node is named 'logits'");
}

// docs/graph-format.md describes this format; it must not drift from the code.
std::string graph_format_doc() { return read_file(testing::source_dir() / "docs" / "graph-format.md"); }

TEST(GraphFormatDoc, ItsExampleLoadsAndRoundTrips) {
  const std::string doc = graph_format_doc();
  const std::regex block("```json\n([\\s\\S]*?)```");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(doc, m, block)) << "docs/graph-format.md has no ```json example";
  const json j = json::parse(m[1].str());
  const Graph g = graph_from_json(j, "docs/graph-format.md");
  // The example shows exactly the keys the writer writes (values may differ only in how a
  // float is spelled: 1e-05 is written as the float's exact double).
  const json written = to_json(g);
  ASSERT_EQ(written["nodes"].size(), j["nodes"].size());
  for (size_t i = 0; i < j["nodes"].size(); ++i) {
    std::set<std::string> doc_keys, code_keys;
    for (const auto& [k, _] : j["nodes"][i].items()) doc_keys.insert(k);
    for (const auto& [k, _] : written["nodes"][i].items()) code_keys.insert(k);
    EXPECT_EQ(doc_keys, code_keys) << "nodes[" << i << "]";
  }
  EXPECT_EQ(graph_from_json(written), g);
  // The figures the page quotes: MACs 110592 + 36864 + 160, params 432 + 32 + 144 + 170.
  const Stats s = compute_stats(g);
  EXPECT_EQ(s.macs, 147616);
  EXPECT_EQ(s.params, 778);
}

TEST(GraphFormatDoc, DocumentsEveryOperatorAndItsKeys) {
  const std::string doc = graph_format_doc();
  for (std::string_view op : all_op_names())
    EXPECT_NE(doc.find("| `" + std::string(op) + "` |"), std::string::npos)
        << op << " is missing from the operator table";
  for (const char* key :
       {"kernel", "stride", "dilation", "padding", "pads", "out_channels", "units", "groups", "multiplier", "bias",
        "count_include_pad", "epsilon", "axis", "target", "size", "mode", "align_corners", "value", "dtype"})
    EXPECT_NE(doc.find("`" + std::string(key) + "`"), std::string::npos) << key << " is not documented";
}

}  // namespace
}  // namespace hwnas::ir
