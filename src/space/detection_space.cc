#include "hwnas/space/detection_space.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/mbconv.h"
#include "hwnas/models/ssdlite.h"
#include "labels.h"

namespace hwnas::space {
namespace {

using models::make_divisible;

// MobileNetV2's fixed widths (torchvision): stem, block0, the last 1x1 conv.
constexpr int kStem = 32, kBlock0 = 16, kLast = 1280;
constexpr float kBackboneBnEpsilon = 1e-5f;  // as models::mobilenetv2_backbone, so the two count alike

void check_options(const DetectionSpaceOptions& o) {
  const std::string& n = o.name;
  if (o.stages.empty() || o.depths.empty() || o.kernels.empty() || o.expands.empty() || o.resolutions.empty() ||
      o.widths.empty() || o.first_map_strides.empty() || o.extras.empty() || o.extra_channels.empty() ||
      o.anchors.empty())
    fail(n, "every list of choices needs at least one entry");
  if (o.classes < 1)
    fail(n, "classes must be positive (the dataset's classes, background not counted), got {}", o.classes);
  int stride = 2;  // after the stem
  bool passes_16 = false;
  for (const DetectionStage& s : o.stages) {
    if (s.stride != 1 && s.stride != 2) fail(n, "stage strides must be 1 or 2, got {}", s.stride);
    if (s.channels < 1) fail(n, "stage channels must be positive, got {}", s.channels);
    if (s.stride == 2 && stride == 16) passes_16 = true;
    stride *= s.stride;
  }
  if (stride != 32 || !passes_16)
    fail(n,
         "the backbone must reach stride 32 through a stride-2 stage at stride 16 (it reaches {}); the heads "
         "read the maps at strides 8/16 and 32",
         stride);
  for (int f : o.first_map_strides)
    if (f != 8 && f != 16) fail(n, "first map strides must be 8 or 16, got {}", f);
  for (int d : o.depths)
    if (d < 1) fail(n, "depths must be at least 1, got {}", d);
  for (int e : o.expands)
    if (e < 1) fail(n, "expand ratios must be whole numbers >= 1, got {}", e);
  for (int c : o.extra_channels)
    if (c < 2 || c % 2) fail(n, "extra layer widths must be even and >= 2 (the 1x1 conv halves them), got {}", c);
  for (int x : o.extras)
    if (x < 0) fail(n, "the number of extra layers must be >= 0, got {}", x);
  for (int a : o.anchors)
    if (a < 1) fail(n, "anchors per location must be positive, got {}", a);
}

std::vector<Decision> detection_decisions(const DetectionSpaceOptions& o) {
  check_options(o);
  const int max_depth = *std::max_element(o.depths.begin(), o.depths.end());
  const int max_extras = *std::max_element(o.extras.begin(), o.extras.end());
  std::vector<Decision> d = {{"resolution", number_labels(o.resolutions)}, {"width", number_labels(o.widths)}};
  for (size_t s = 0; s < o.stages.size(); ++s) {
    d.push_back({fmt::format("stage{}.depth", s + 1), number_labels(o.depths)});
    for (int b = 0; b < max_depth; ++b) {
      d.push_back({fmt::format("stage{}.block{}.kernel", s + 1, b + 1), number_labels(o.kernels)});
      d.push_back({fmt::format("stage{}.block{}.expand", s + 1, b + 1), number_labels(o.expands)});
    }
  }
  d.push_back({"maps.first_stride", number_labels(o.first_map_strides)});
  d.push_back({"extras", number_labels(o.extras)});
  for (int i = 0; i < max_extras; ++i)
    d.push_back({fmt::format("extra{}.channels", i + 1), number_labels(o.extra_channels)});
  d.push_back({"anchors.first", number_labels(o.anchors)});
  d.push_back({"anchors.rest", number_labels(o.anchors)});
  return d;
}

// The compact string's parts: a letter and a comma-separated list, '-' between parts.
struct Part {
  std::vector<std::string_view> items;
  std::vector<size_t> positions;
  size_t pos = 0;  // of the letter
};

}  // namespace

DetectionSpace::DetectionSpace(DetectionSpaceOptions o)
    : SearchSpace(o.name, detection_decisions(o)), o_(std::move(o)) {
  max_depth_ = *std::max_element(o_.depths.begin(), o_.depths.end());
  max_extras_ = *std::max_element(o_.extras.begin(), o_.extras.end());
  for (int s = 0; s < static_cast<int>(o_.stages.size()); ++s)
    for (int b = 0; b < max_depth_; ++b) {
      gate(kernel_decision(s, b), depth_decision(s), b);
      gate(expand_decision(s, b), depth_decision(s), b);
    }
  for (int i = 0; i < max_extras_; ++i) gate(extra_channels_decision(i), extras_decision(), i);
}

std::string DetectionSpace::to_string(const Arch& a) const {
  check(a);
  std::string d, k, e, c;
  for (int s = 0; s < static_cast<int>(o_.stages.size()); ++s) {
    d.append(d.empty() ? "" : ",").append(label(a, depth_decision(s)));
    for (int b = 0; b < int_value(a, depth_decision(s)); ++b) {
      k.append(k.empty() ? "" : ",").append(label(a, kernel_decision(s, b)));
      e.append(e.empty() ? "" : ",").append(label(a, expand_decision(s, b)));
    }
  }
  for (int i = 0; i < int_value(a, extras_decision()); ++i)
    c.append(c.empty() ? "" : ",").append(label(a, extra_channels_decision(i)));
  return fmt::format("r{}-w{}-d{}-k{}-e{}-f{}-x{}-c{}-a{},{}", label(a, 0), label(a, 1), d, k, e,
                     label(a, first_stride_decision()), label(a, extras_decision()), c,
                     label(a, anchors_first_decision()), label(a, anchors_rest_decision()));
}

Arch DetectionSpace::parse(std::string_view s) const {
  if (s.find('=') != std::string_view::npos) return SearchSpace::parse(s);
  size_t pos = 0;
  auto part = [&](char letter, std::string_view what) {
    if (pos >= s.size() || s[pos] != letter)
      fail_at(pos, fmt::format("expected '{}' followed by the {} (form r320-w1.0-d2,...-k3,...-e6,...-f16-x4-"
                               "c512,...-a3,6), got '{}'",
                               letter, what, pos < s.size() ? s.substr(pos) : ""));
    Part p;
    p.pos = pos;
    size_t end = s.find('-', pos);
    if (end == std::string_view::npos) end = s.size();
    // An empty list ("c" with no extra layers) has no items.
    for (size_t i = pos + 1; i < end || (i == end && end > pos + 1);) {
      size_t comma = s.find(',', i);
      if (comma == std::string_view::npos || comma > end) comma = end;
      p.items.push_back(s.substr(i, comma - i));
      p.positions.push_back(i);
      i = comma + 1;
    }
    pos = end + 1;
    return p;
  };
  auto expect_count = [&](const Part& p, size_t n, std::string_view what) {
    if (p.items.size() != n) fail_at(p.pos, fmt::format("expected {} {}, got {}", n, what, p.items.size()));
  };
  auto one = [&](char letter, std::string_view what, int d, Arch& a) {
    const Part p = part(letter, what);
    expect_count(p, 1, what);
    a.choice[d] = choice_at(d, p.items[0], p.positions[0]);
  };
  Arch a{std::vector<int>(num_decisions(), 0)};
  one('r', "resolution", 0, a);
  one('w', "width multiplier", 1, a);
  const int stages = static_cast<int>(o_.stages.size());
  const Part d = part('d', "depth of each stage");
  expect_count(d, stages, "depths (one per stage)");
  size_t blocks = 0;
  for (int st = 0; st < stages; ++st) {
    a.choice[depth_decision(st)] = choice_at(depth_decision(st), d.items[st], d.positions[st]);
    blocks += int_value(a, depth_decision(st));
  }
  const Part k = part('k', "kernel of each block");
  expect_count(k, blocks, "kernels (one per block of the depths)");
  const Part e = part('e', "expand ratio of each block");
  expect_count(e, blocks, "expand ratios (one per block of the depths)");
  size_t i = 0;
  for (int st = 0; st < stages; ++st)
    for (int b = 0; b < int_value(a, depth_decision(st)); ++b, ++i) {
      a.choice[kernel_decision(st, b)] = choice_at(kernel_decision(st, b), k.items[i], k.positions[i]);
      a.choice[expand_decision(st, b)] = choice_at(expand_decision(st, b), e.items[i], e.positions[i]);
    }
  one('f', "stride of the first feature map", first_stride_decision(), a);
  one('x', "number of extra layers", extras_decision(), a);
  const Part c = part('c', "channels of each extra layer");
  const int extras = int_value(a, extras_decision());
  expect_count(c, extras, "extra layer widths (one per extra layer)");
  for (int x = 0; x < extras; ++x)
    a.choice[extra_channels_decision(x)] = choice_at(extra_channels_decision(x), c.items[x], c.positions[x]);
  const Part an = part('a', "anchors per location (first map, other maps)");
  expect_count(an, 2, "anchor counts (first map, other maps)");
  a.choice[anchors_first_decision()] = choice_at(anchors_first_decision(), an.items[0], an.positions[0]);
  a.choice[anchors_rest_decision()] = choice_at(anchors_rest_decision(), an.items[1], an.positions[1]);
  if (pos < s.size()) fail_at(pos, fmt::format("unexpected text after the anchors: '{}'", s.substr(pos)));
  return a;
}

ir::Graph DetectionSpace::decode(const Arch& a) const {
  check(a);
  const int r = int_value(a, 0);
  const double w = value(a, 1);
  const int first_stride = int_value(a, first_stride_decision());
  ir::GraphBuilder b(name() + ":" + to_string(a));
  int x = b.input({1, r, r, 3});
  const models::NormAct stem_act{o_.stem_act, kBackboneBnEpsilon};
  {
    auto scope = b.scope("stem");
    x = models::conv_bn_act(b, x, make_divisible(kStem * w), 3, 2, stem_act);
  }
  {
    auto scope = b.scope("block0");
    x = models::mbconv(b, x,
                       {.expand_ratio = 1,
                        .kernel = 3,
                        .stride = 1,
                        .out_channels = make_divisible(kBlock0 * w),
                        .act = o_.stem_act,
                        .bn_epsilon = kBackboneBnEpsilon})
            .out;
  }
  std::vector<int> maps;
  int stride = 2;
  for (int s = 0; s < static_cast<int>(o_.stages.size()); ++s) {
    const DetectionStage& st = o_.stages[s];
    for (int blk = 0; blk < int_value(a, depth_decision(s)); ++blk) {
      auto scope = b.scope(fmt::format("stage{}.block{}", s + 1, blk + 1));
      const int expand = int_value(a, expand_decision(s, blk));
      const int mid = b.channels(x) * expand;
      const models::MbConvNodes n = models::mbconv(b, x,
                                                   {.expand_ratio = expand,
                                                    .kernel = int_value(a, kernel_decision(s, blk)),
                                                    .stride = blk == 0 ? st.stride : 1,
                                                    .out_channels = make_divisible(st.channels * w),
                                                    .act = st.act,
                                                    .se_squeeze = st.se ? make_divisible(mid / 4.0) : 0,
                                                    .bn_epsilon = kBackboneBnEpsilon});
      // SSDLite reads the map where it is largest before a stride-2 block: that block's
      // expansion output (its input when it does not expand).
      if (blk == 0 && st.stride == 2 && stride >= first_stride && stride < 32)
        maps.push_back(n.expand >= 0 ? n.expand : x);
      x = n.out;
    }
    stride *= st.stride;
  }
  {
    auto scope = b.scope("last");
    maps.push_back(models::conv_bn_act(b, x, make_divisible(kLast * std::max(1.0, w)), 1, 1, stem_act));
  }
  for (int i = 0; i < int_value(a, extras_decision()); ++i) {
    auto scope = b.scope(fmt::format("extra.{}", i));
    maps.push_back(models::ssdlite_extra_layer(b, maps.back(), int_value(a, extra_channels_decision(i))));
  }
  std::vector<int> anchors(maps.size(), int_value(a, anchors_rest_decision()));
  anchors[0] = int_value(a, anchors_first_decision());
  const auto [boxes, scores] = models::ssdlite_predictors(b, maps, anchors, o_.classes + 1);
  return b.finish({boxes, scores});
}

SearchSpace::Substitution DetectionSpace::without_op(ir::OpKind op, const std::function<bool(ir::OpKind)>& runs) const {
  DetectionSpaceOptions o = o_;
  std::vector<std::string> where;
  std::string change;
  if (op == ir::OpKind::HardSwish || op == ir::OpKind::Swish) {
    const ir::OpKind to = runs(ir::OpKind::Relu6) ? ir::OpKind::Relu6 : runs(ir::OpKind::Relu) ? ir::OpKind::Relu : op;
    if (to == op) return {};
    auto swap = [&](ir::OpKind& act, std::string name) {
      if (act != op) return;
      act = to;
      where.push_back(std::move(name));
    };
    swap(o.stem_act, "stem, block0 and last");
    for (size_t s = 0; s < o.stages.size(); ++s) swap(o.stages[s].act, fmt::format("stage{}", s + 1));
    change = fmt::format("{} -> {} in {} (MobileNetV2's activations)", ir::op_name(op), ir::op_name(to),
                         fmt::join(where, ", "));
  } else if (op == ir::OpKind::Sigmoid || op == ir::OpKind::Mul) {
    for (size_t s = 0; s < o.stages.size(); ++s)
      if (o.stages[s].se) {
        o.stages[s].se = false;
        where.push_back(fmt::format("stage{}", s + 1));
      }
    change = fmt::format("squeeze-excite (its sigmoid gate and mul) off in {} (MobileNetV2 has none)",
                         fmt::join(where, ", "));
  }
  if (where.empty()) return {};
  auto changed = std::make_unique<DetectionSpace>(*this);  // keeps restrictions and name
  changed->o_ = std::move(o);
  return {std::move(changed), std::move(change)};
}

}  // namespace hwnas::space
