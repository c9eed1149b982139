#include "hwnas/space/mbconv_space.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/ir/builder.h"
#include "hwnas/models/mbconv.h"
#include "hwnas/space/blocks.h"
#include "labels.h"

namespace hwnas::space {
namespace {

using models::make_divisible;

constexpr int kStem = 16, kFinalExpand = 960, kLastChannels = 1280;  // OFA's base widths

std::vector<Decision> mbconv_decisions(const MbConvSpaceOptions& o) {
  if (o.stages.empty() || o.depths.empty()) fail("mbconv", "needs at least one stage and one depth");
  const int max_depth = *std::max_element(o.depths.begin(), o.depths.end());
  std::vector<Decision> d = {{"resolution", number_labels(o.resolutions)}, {"width", number_labels(o.widths)}};
  for (size_t s = 0; s < o.stages.size(); ++s) {
    d.push_back({fmt::format("stage{}.depth", s + 1), number_labels(o.depths)});
    for (int b = 0; b < max_depth; ++b) {
      d.push_back({fmt::format("stage{}.block{}.kernel", s + 1, b + 1), number_labels(o.kernels)});
      d.push_back({fmt::format("stage{}.block{}.expand", s + 1, b + 1), number_labels(o.expands)});
    }
  }
  return d;
}

// One '-'-separated part of the compact string: a letter and a comma-separated list.
struct Part {
  std::vector<std::string_view> items;
  std::vector<size_t> positions;
  size_t pos = 0;  // of the letter
};

}  // namespace

MbConvSpace::MbConvSpace(MbConvSpaceOptions o) : SearchSpace("mbconv", mbconv_decisions(o)), o_(std::move(o)) {
  max_depth_ = *std::max_element(o_.depths.begin(), o_.depths.end());
  for (int s = 0; s < static_cast<int>(o_.stages.size()); ++s)
    for (int b = 0; b < max_depth_; ++b) {
      gate(kernel_decision(s, b), depth_decision(s), b);
      gate(expand_decision(s, b), depth_decision(s), b);
    }
}

std::string MbConvSpace::to_string(const Arch& a) const {
  check(a);
  const int stages = static_cast<int>(o_.stages.size());
  std::string d, k, e;
  for (int s = 0; s < stages; ++s) {
    d.append(d.empty() ? "" : ",").append(label(a, depth_decision(s)));
    for (int b = 0; b < int_value(a, depth_decision(s)); ++b) {
      k.append(k.empty() ? "" : ",").append(label(a, kernel_decision(s, b)));
      e.append(e.empty() ? "" : ",").append(label(a, expand_decision(s, b)));
    }
  }
  return fmt::format("r{}-w{}-d{}-k{}-e{}", label(a, 0), label(a, 1), d, k, e);
}

Arch MbConvSpace::parse(std::string_view s) const {
  if (s.find('=') != std::string_view::npos) return SearchSpace::parse(s);
  size_t pos = 0;
  auto part = [&](char letter, std::string_view what) {
    if (pos >= s.size() || s[pos] != letter)
      fail_at(pos, fmt::format("expected '{}' followed by the {} (form r224-w1.0-d2,3,...-k3,5,...-e3,4,...), "
                               "got '{}'",
                               letter, what, pos < s.size() ? s.substr(pos) : ""));
    Part p;
    p.pos = pos;
    size_t end = s.find('-', pos);
    if (end == std::string_view::npos) end = s.size();
    for (size_t i = pos + 1; i <= end;) {
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
  Arch a{std::vector<int>(num_decisions(), 0)};
  const Part r = part('r', "resolution");
  expect_count(r, 1, "resolution");
  a.choice[0] = choice_at(0, r.items[0], r.positions[0]);
  const Part w = part('w', "width multiplier");
  expect_count(w, 1, "width multiplier");
  a.choice[1] = choice_at(1, w.items[0], w.positions[0]);
  const Part d = part('d', "depth of each stage");
  const int stages = static_cast<int>(o_.stages.size());
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
  if (pos < s.size()) fail_at(pos, fmt::format("unexpected text after the expand ratios: '{}'", s.substr(pos)));
  size_t i = 0;
  for (int st = 0; st < stages; ++st)
    for (int b = 0; b < int_value(a, depth_decision(st)); ++b, ++i) {
      a.choice[kernel_decision(st, b)] = choice_at(kernel_decision(st, b), k.items[i], k.positions[i]);
      a.choice[expand_decision(st, b)] = choice_at(expand_decision(st, b), e.items[i], e.positions[i]);
    }
  return a;
}

ir::Graph MbConvSpace::decode(const Arch& a) const {
  check(a);
  const int r = int_value(a, 0);
  const double w = value(a, 1);
  ir::GraphBuilder b("mbconv:" + to_string(a));  // as load_model names it
  int x = b.input({1, r, r, 3});
  {
    auto scope = b.scope("stem");
    x = conv_bn_act(b, x, make_divisible(kStem * w), 3, 3, 2, 2, o_.stem_act);
  }
  {
    auto scope = b.scope("block0");
    x = mbconv_block(b, x, {.out_channels = make_divisible(kStem * w), .kernel = 3, .stride = 1, .expand = 1});
  }
  for (int s = 0; s < static_cast<int>(o_.stages.size()); ++s) {
    const MbConvStage& st = o_.stages[s];
    for (int blk = 0; blk < int_value(a, depth_decision(s)); ++blk) {
      auto scope = b.scope(fmt::format("stage{}.block{}", s + 1, blk + 1));
      x = mbconv_block(b, x,
                       {.out_channels = make_divisible(st.channels * w),
                        .kernel = int_value(a, kernel_decision(s, blk)),
                        .stride = blk == 0 ? st.stride : 1,
                        .expand = value(a, expand_decision(s, blk)),
                        .se = st.se,
                        .act = st.act});
    }
  }
  {
    auto scope = b.scope("head");
    x = conv_bn_act(b, x, make_divisible(kFinalExpand * w), 1, 1, 1, 1, o_.head_act);
    x = b.global_avg_pool(x);
    x = b.activation(o_.head_act, b.conv(x, make_divisible(kLastChannels * w), 1, 1, {}, "feature_mix"));
    x = b.fc(x, o_.classes, true, "classifier");
  }
  return b.finish({x});
}

SearchSpace::Substitution MbConvSpace::without_op(ir::OpKind op, const std::function<bool(ir::OpKind)>& runs) const {
  MbConvSpaceOptions o = o_;
  std::vector<std::string> where;
  std::string change;
  if (op == ir::OpKind::HardSwish) {
    const ir::OpKind to = runs(ir::OpKind::Relu6)  ? ir::OpKind::Relu6
                          : runs(ir::OpKind::Relu) ? ir::OpKind::Relu
                                                   : ir::OpKind::HardSwish;
    if (to == ir::OpKind::HardSwish) return {};
    auto swap = [&](ir::OpKind& act, std::string name) {
      if (act != ir::OpKind::HardSwish) return;
      act = to;
      where.push_back(std::move(name));
    };
    swap(o.stem_act, "stem");
    swap(o.head_act, "head");
    for (size_t s = 0; s < o.stages.size(); ++s) swap(o.stages[s].act, fmt::format("stage{}", s + 1));
    change = fmt::format("hardswish -> {} in {} (MobileNetV2-style activations, as ProxylessNAS's mobile space)",
                         ir::op_name(to), fmt::join(where, ", "));
  } else if (op == ir::OpKind::HardSigmoid || op == ir::OpKind::Mul) {
    for (size_t s = 0; s < o.stages.size(); ++s)
      if (o.stages[s].se) {
        o.stages[s].se = false;
        where.push_back(fmt::format("stage{}", s + 1));
      }
    change = fmt::format("squeeze-excite (its hardsigmoid gate and mul) off in {} (as MCUNet's spaces)",
                         fmt::join(where, ", "));
  }
  if (where.empty()) return {};
  auto changed = std::make_unique<MbConvSpace>(*this);  // keeps restrictions and name
  changed->o_ = std::move(o);
  return {std::move(changed), std::move(change)};
}

}  // namespace hwnas::space
