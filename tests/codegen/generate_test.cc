// The generated C, compiled with the host's cc -O2, equals quant::run_int8 byte for byte on
// random int8 inputs: for every op quant has an int8 kernel for (each case below is a small
// graph that exercises one family with its variants: padding, strides, dilation, groups,
// multipliers, broadcasting, in-place buffers), and for small graphs of each model family.
#include "hwnas/codegen/generate.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "codegen_testing.h"
#include "hwnas/codegen/runner.h"
#include "hwnas/models/nb201.h"
#include "hwnas/models/registry.h"
#include "testing.h"

namespace hwnas::codegen {
namespace {

using ir::OpKind;

int input(ir::Graph& g, const ir::Shape& s) {
  ir::Attrs a;
  a.shape = s;
  return g.add(OpKind::Input, {}, a, "x");
}

ir::Attrs conv(int out, int k, int stride = 1, ir::Padding pad = ir::Padding::Same) {
  ir::Attrs a;
  a.out_channels = out;
  a.kernel_h = a.kernel_w = k;
  a.stride_h = a.stride_w = stride;
  a.padding = pad;
  return a;
}

struct Case {
  std::string name;
  std::function<ir::Graph()> graph;
  quant::QuantizeOptions options = {};
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"conv_same_stride2_bias_relu6",
       [] {
         ir::Graph g("conv");
         int x = input(g, {1, 9, 7, 3});
         ir::Attrs a = conv(8, 3, 2);
         a.bias = true;
         x = g.add(OpKind::Conv2D, {x}, a, "conv");
         g.set_outputs({g.add(OpKind::Relu6, {x}, {}, "relu6")});
         return g;
       }},
      {"conv_dilated_grouped_asymmetric_kernel",
       [] {
         ir::Graph g("conv");
         int x = input(g, {1, 10, 9, 4});
         ir::Attrs a = conv(6, 3, 1, ir::Padding::Valid);
         a.kernel_w = 2;
         a.dilation_h = 2;
         a.groups = 2;
         x = g.add(OpKind::Conv2D, {x}, a, "conv");
         x = g.add(OpKind::BatchNorm, {x}, {}, "bn");
         ir::Attrs b = conv(5, 4, 2, ir::Padding::Same);  // 4x4 same: uneven padding
         x = g.add(OpKind::Conv2D, {g.add(OpKind::Relu, {x}, {}, "relu")}, b, "conv2");
         g.set_outputs({x});
         return g;
       }},
      {"pointwise_in_place_chain",
       [] {
         ir::Graph g("pw");
         int x = input(g, {1, 5, 4, 12});
         for (int k = 0; k < 3; ++k) {
           x = g.add(OpKind::Conv2D, {x}, conv(12, 1), "pw" + std::to_string(k));
           x = g.add(OpKind::BatchNorm, {x}, {}, "bn" + std::to_string(k));
           x = g.add(OpKind::Relu, {x}, {}, "relu" + std::to_string(k));
         }
         g.set_outputs({g.add(OpKind::Conv2D, {x}, conv(7, 1), "pw_out")});
         return g;
       }},
      {"depthwise_in_place_and_strided_multiplier",
       [] {
         ir::Graph g("dw");
         int x = input(g, {1, 9, 8, 6});
         ir::Attrs d = conv(0, 3);
         d.out_channels = 0;
         x = g.add(OpKind::DepthwiseConv2D, {x}, d, "dw3");
         x = g.add(OpKind::BatchNorm, {x}, {}, "bn");
         x = g.add(OpKind::Relu6, {x}, {}, "relu6");
         ir::Attrs d5 = conv(0, 5, 2);
         d5.out_channels = 0;
         d5.multiplier = 2;
         d5.bias = true;
         g.set_outputs({g.add(OpKind::DepthwiseConv2D, {x}, d5, "dw5")});
         return g;
       }},
      {"fully_connected_per_tensor",
       [] {
         ir::Graph g("fc");
         int x = input(g, {1, 3, 3, 5});
         x = g.add(OpKind::Flatten, {x}, {}, "flatten");
         ir::Attrs f;
         f.out_channels = 9;
         f.bias = true;
         x = g.add(OpKind::FullyConnected, {x}, f, "fc");
         f.out_channels = 4;
         g.set_outputs({g.add(OpKind::FullyConnected, {g.add(OpKind::Relu, {x}, {}, "relu")}, f, "fc2")});
         return g;
       },
       {.per_channel_fc = false}},
      {"standalone_and_table_activations",
       [] {
         ir::Graph g("act");
         int x = input(g, {1, 4, 4, 8});
         x = g.add(OpKind::Conv2D, {x}, conv(8, 3), "conv");
         for (OpKind op : {OpKind::Relu, OpKind::Sigmoid, OpKind::Relu6, OpKind::Swish, OpKind::HardSwish,
                           OpKind::HardSigmoid})
           x = g.add(op, {x}, {}, std::string(ir::op_name(op)));
         g.set_outputs({x});
         return g;
       },
       {.fuse_activations = false}},
      {"add_mul_broadcast_unfolded_batch_norm",
       [] {
         ir::Graph g("add");
         const int x = input(g, {1, 6, 5, 8});
         const int a = g.add(OpKind::Conv2D, {x}, conv(8, 3), "a");
         const int b = g.add(OpKind::Conv2D, {x}, conv(8, 1), "b");
         const int c = g.add(OpKind::DepthwiseConv2D, {x}, conv(0, 3), "c");
         int s = g.add(OpKind::Add, {a, b, c}, {}, "add3");
         s = g.add(OpKind::BatchNorm, {s}, {}, "bn_after_add");  // cannot fold: a 1x1 depthwise
         const int gap = g.add(OpKind::GlobalAvgPool, {s}, {}, "gap");
         const int se = g.add(OpKind::Sigmoid, {gap}, {}, "gate");
         const int m = g.add(OpKind::Mul, {s, se}, {}, "mul");
         g.set_outputs({g.add(OpKind::Add, {m, a}, {}, "residual")});
         return g;
       }},
      {"pools",
       [] {
         ir::Graph g("pools");
         int x = input(g, {1, 9, 9, 5});
         ir::Attrs p = conv(0, 3, 1, ir::Padding::Same);
         p.out_channels = 0;
         x = g.add(OpKind::AvgPool, {x}, p, "avg_same");
         p.count_include_pad = true;
         p.stride_h = 2;
         x = g.add(OpKind::AvgPool, {x}, p, "avg_include_pad");
         ir::Attrs mp = conv(0, 2, 2, ir::Padding::Valid);
         mp.out_channels = 0;
         x = g.add(OpKind::MaxPool, {x}, mp, "max");
         g.set_outputs({g.add(OpKind::GlobalAvgPool, {x}, {}, "gap")});
         return g;
       }},
      {"concat_pad_zero",
       [] {
         ir::Graph g("concat");
         const int x = input(g, {1, 5, 4, 3});
         const int a = g.add(OpKind::Conv2D, {x}, conv(4, 3), "a");
         const int b = g.add(OpKind::Conv2D, {x}, conv(2, 1), "b");
         int c = g.add(OpKind::Concat, {a, x, b}, {}, "concat");
         ir::Attrs p;
         p.pad_top = 1;
         p.pad_left = 2;
         p.pad_bottom = 0;
         p.pad_right = 1;
         p.value = 0.25f;
         c = g.add(OpKind::Pad, {c}, p, "pad");
         const int z = g.add(OpKind::Zero, {c}, {}, "zero");
         g.set_outputs({g.add(OpKind::Add, {c, z}, {}, "add")});
         return g;
       }},
  };
  return all;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class OpCases : public ::testing::TestWithParam<Case> {};

TEST_P(OpCases, HostBuildEqualsRunInt8) {
  const Case& c = GetParam();
  const quant::QuantizedModel m = testing::quantized(c.graph(), 5, c.options);
  const GeneratedModel gen = generate_c(m, {.prefix = "net"});
  const auto inputs = testing::random_int8_inputs(m, 8, 11);
  const auto expected = testing::reference_outputs(m, inputs);
  EXPECT_EQ(run_on_host(gen, inputs, hwnas::testing::temp_dir()), expected);
  // The in-place kernels are exercised where the case means them to be.
  const auto in_place = [&](std::string_view node) {
    for (const GeneratedOp& op : gen.ops)
      if (op.name == node) return op.in_place;
    ADD_FAILURE() << "no op " << node;
    return false;
  };
  if (c.name == "pointwise_in_place_chain") {
    EXPECT_TRUE(in_place("pw1") && in_place("pw2"));
    EXPECT_FALSE(in_place("pw_out"));  // 12 -> 7 channels
  }
  if (c.name == "depthwise_in_place_and_strided_multiplier") {
    EXPECT_TRUE(in_place("dw3"));
    EXPECT_FALSE(in_place("dw5"));
    // dw5's padded channel as int16: rows (5 - 1) * 2 + 5 = 13, columns (4 - 1) * 2 + 5 = 11:
    // 2 x 143 = 286 -> 288.
    EXPECT_EQ(gen.arena.scratch_bytes, 288);
  }
  if (c.name == "add_mul_broadcast_unfolded_batch_norm") {
    EXPECT_TRUE(in_place("bn_after_add"));
    EXPECT_TRUE(in_place("mul"));
  }
}

INSTANTIATE_TEST_SUITE_P(Codegen, OpCases, ::testing::ValuesIn(cases()),
                         [](const auto& p) { return p.param.name; });

struct Family {
  std::string name;
  std::function<ir::Graph()> graph;
};

void PrintTo(const Family& f, std::ostream* os) { *os << f.name; }

class FamilyCases : public ::testing::TestWithParam<Family> {};

TEST_P(FamilyCases, HostBuildEqualsRunInt8) {
  const quant::QuantizedModel m = testing::quantized(GetParam().graph(), 21);
  const GeneratedModel gen = generate_c(m, {.prefix = "m"});
  const auto inputs = testing::random_int8_inputs(m, 6, 3);
  EXPECT_EQ(run_on_host(gen, inputs, hwnas::testing::temp_dir()), testing::reference_outputs(m, inputs));
}

INSTANTIATE_TEST_SUITE_P(
    Codegen, FamilyCases,
    ::testing::Values(Family{"dscnn_mlperf", [] { return models::builtin_model("dscnn-mlperf"); }},
                      Family{"mobilenetv2_0_35_at_32px",
                             [] { return models::builtin_model("mobilenetv2-0.35", {.resolution = 32}); }},
                      Family{"nb201_every_edge_op",
                             [] {
                               return models::nb201(models::parse_nb201("|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|"
                                                                        "skip_connect~0|none~1|nor_conv_3x3~2|"),
                                                    {.classes = 5, .resolution = 16, .channels = 8,
                                                     .cells_per_stage = 1});
                             }}),
    [](const auto& p) { return p.param.name; });

TEST(Codegen, ErrorsNameTheNodeAndTheFix) {
  ir::Graph g("soft");
  const int x = input(g, {1, 4});
  ir::Attrs f;
  f.out_channels = 3;
  g.set_outputs({g.add(OpKind::Softmax, {g.add(OpKind::FullyConnected, {x}, f, "fc")}, {}, "probs")});
  quant::QuantizedModel m;
  m.graph = g;
  m.nodes.resize(g.size());
  EXPECT_HWNAS_ERROR(generate_c(m), "probs");
  EXPECT_HWNAS_ERROR(generate_c(m), "cannot emit softmax");
  EXPECT_HWNAS_ERROR(generate_c(m, {.prefix = "2model"}), "not a C identifier");
}

TEST(Codegen, SourceUsesOnlyStdintAndArmAcle) {
  const quant::QuantizedModel m = testing::quantized(models::builtin_model("dscnn-mlperf"), 1);
  const GeneratedModel gen = generate_c(m, {.prefix = "kws"});
  std::vector<std::string> includes;
  for (const std::string* text : {&gen.source, &gen.header}) {
    size_t pos = 0;
    while ((pos = text->find("#include", pos)) != std::string::npos) {
      includes.push_back(text->substr(pos, text->find('\n', pos) - pos));
      ++pos;
    }
  }
  EXPECT_THAT(includes, ::testing::UnorderedElementsAre("#include <stdint.h>", "#include <stdint.h>",
                                                        "#include <arm_acle.h>", "#include \"kws.h\""));
  EXPECT_THAT(gen.source, ::testing::HasSubstr("section(\".arena\")"));
  EXPECT_THAT(gen.header, ::testing::HasSubstr("int kws_invoke(const int8_t* input, int8_t* output);"));
  EXPECT_EQ(gen.input_bytes, 49 * 10);
  EXPECT_EQ(gen.output_bytes, 12);
}

}  // namespace
}  // namespace hwnas::codegen
