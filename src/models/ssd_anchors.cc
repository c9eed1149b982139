#include "hwnas/models/ssd_anchors.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "hwnas/core/error.h"

namespace hwnas::models {
namespace {

bool named(const ir::Node& n, std::string_view name) {
  return n.name == name ||
         (n.name.size() > name.size() && n.name.ends_with(name) && n.name[n.name.size() - name.size() - 1] == '.');
}

std::string where(const ir::Graph& g) { return "detector '" + g.name() + "'"; }

}  // namespace

void check_anchor_options(const AnchorOptions& o) {
  if (!(o.min_scale > 0)) fail("anchor options", "min_scale must be positive, got {}", o.min_scale);
  if (!(o.max_scale >= o.min_scale))
    fail("anchor options", "max_scale ({}) must be at least min_scale ({})", o.max_scale, o.min_scale);
  if (!(o.lowest_scale > 0)) fail("anchor options", "lowest_scale must be positive, got {}", o.lowest_scale);
}

DetectorOutputs detector_outputs(const ir::Graph& g) {
  DetectorOutputs d;
  for (int id : g.outputs()) {
    if (named(g.node(id), "boxes")) d.boxes = id;
    if (named(g.node(id), "scores")) d.scores = id;
  }
  if (d.boxes < 0 || d.scores < 0)
    fail(where(g),
         "a detector has outputs named \"boxes\" [1, anchors, 4] and \"scores\" [1, anchors, classes + 1]; this "
         "graph has {} output(s) and {}",
         g.outputs().size(), d.boxes < 0 ? "no \"boxes\"" : "no \"scores\"");
  const ir::Shape& b = g.node(d.boxes).shape;
  const ir::Shape& s = g.node(d.scores).shape;
  if (b.rank() != 3 || b[2] != 4) fail(where(g), "output \"boxes\" is {}; expected [1, anchors, 4]", b.str());
  if (s.rank() != 3 || s[2] < 2)
    fail(where(g), "output \"scores\" is {}; expected [1, anchors, classes + 1] with at least one class", s.str());
  if (b[1] != s[1]) fail(where(g), "\"boxes\" has {} anchors but \"scores\" {}; they must match", b[1], s[1]);
  d.classes = static_cast<int>(s[2]) - 1;
  return d;
}

bool is_detector(const ir::Graph& g) {
  try {
    detector_outputs(g);
    return true;
  } catch (const Error&) {
    return false;
  }
}

void check_detector_fit(const ir::Graph& g, int dataset_classes, std::string_view dataset) {
  const std::string where = "detector '" + g.name() + "' on " + std::string(dataset);
  const DetectorOutputs d = detector_outputs(g);
  if (d.classes != dataset_classes)
    fail(where,
         "its \"scores\" output is {} wide but the dataset has {} classes: a detector's scores are the dataset's "
         "classes + 1 (background first), so it needs [1, anchors, {}]; build the model with classes {}",
         d.classes + 1, dataset_classes, dataset_classes + 1, dataset_classes + 1);
  const std::vector<int> in = g.inputs();
  if (in.size() != 1 || g.node(in[0]).shape.rank() != 4 || g.node(in[0]).shape.c() != 3)
    fail(where, "a detector takes one [1, H, W, 3] RGB image; this graph's inputs do not fit");
  anchor_layout(g);  // its heads can be read (Error naming the node otherwise)
}

std::vector<FeatureMapLayout> anchor_layout(const ir::Graph& g) {
  const DetectorOutputs d = detector_outputs(g);
  const ir::Node& concat = g.node(d.boxes);
  std::vector<int> heads = {d.boxes};  // a detector with one map may skip the concat
  if (concat.op == ir::OpKind::Concat) heads = concat.inputs;
  std::vector<FeatureMapLayout> maps;
  int64_t total = 0;
  for (int id : heads) {
    const ir::Node& reshape = g.node(id);
    if (reshape.op != ir::OpKind::Reshape || reshape.inputs.empty())
      fail(where(g), "{} feeds \"boxes\"; a box head ends in a reshape to [1, -1, 4] of a convolution", g.describe(id));
    const int conv_id = reshape.inputs[0];
    const ir::Node& conv = g.node(conv_id);
    if (conv.op != ir::OpKind::Conv2D || conv.shape.rank() != 4 || conv.shape.c() % 4 != 0)
      fail(where(g), "{} feeds the box head {}; expected a convolution to anchors * 4 channels", g.describe(conv_id),
           g.describe(id));
    maps.push_back(
        {static_cast<int>(conv.shape.h()), static_cast<int>(conv.shape.w()), static_cast<int>(conv.shape.c() / 4)});
    total += conv.shape.h() * conv.shape.w() * (conv.shape.c() / 4);
  }
  if (total != g.node(d.boxes).shape[1])
    fail(where(g), "its box heads have {} anchors in all but \"boxes\" has {}", total, g.node(d.boxes).shape[1]);
  return maps;
}

std::vector<Anchor> ssd_anchors(std::span<const FeatureMapLayout> maps, const AnchorOptions& o) {
  check_anchor_options(o);
  const size_t n = maps.size();
  // create_ssd_anchors: scales linear over the maps, then 1.0 as the last one's neighbour.
  std::vector<double> scale(n + 1, 1.0);
  for (size_t k = 0; k < n; ++k)
    scale[k] = n == 1 ? o.min_scale : o.min_scale + (o.max_scale - o.min_scale) * static_cast<double>(k) / (n - 1.0);
  std::vector<Anchor> out;
  for (size_t k = 0; k < n; ++k) {
    const FeatureMapLayout& m = maps[k];
    if (m.anchors < 1 || m.anchors > 6 || m.height < 1 || m.width < 1)
      fail("ssd anchors", "feature map {} is {}x{} with {} anchors per location; SSD's generator gives 1 to 6", k,
           m.height, m.width, m.anchors);
    struct Spec {
      double scale, ratio;
    };
    std::vector<Spec> specs;
    if (k == 0 && o.reduce_boxes_in_lowest_layer && m.anchors == 3) {
      specs = {{o.lowest_scale, 1.0}, {scale[0], 2.0}, {scale[0], 0.5}};
    } else {
      specs = {{scale[k], 1.0}, {scale[k], 2.0},       {scale[k], 0.5},
               {scale[k], 3.0}, {scale[k], 1.0 / 3.0}, {std::sqrt(scale[k] * scale[k + 1]), 1.0}};
      specs.resize(static_cast<size_t>(m.anchors));
    }
    for (int y = 0; y < m.height; ++y)
      for (int x = 0; x < m.width; ++x)
        for (const Spec& s : specs)
          out.push_back({.cy = static_cast<float>((y + 0.5) / m.height),
                         .cx = static_cast<float>((x + 0.5) / m.width),
                         .h = static_cast<float>(s.scale / std::sqrt(s.ratio)),
                         .w = static_cast<float>(s.scale * std::sqrt(s.ratio))});
  }
  return out;
}

std::array<float, 4> encode_box(const Anchor& b, const Anchor& a) {
  return {kBoxCoderScales[0] * (b.cy - a.cy) / a.h, kBoxCoderScales[1] * (b.cx - a.cx) / a.w,
          kBoxCoderScales[2] * std::log(b.h / a.h), kBoxCoderScales[3] * std::log(b.w / a.w)};
}

Anchor decode_box(std::span<const float, 4> t, const Anchor& a) {
  return {.cy = t[0] / kBoxCoderScales[0] * a.h + a.cy,
          .cx = t[1] / kBoxCoderScales[1] * a.w + a.cx,
          .h = std::exp(t[2] / kBoxCoderScales[2]) * a.h,
          .w = std::exp(t[3] / kBoxCoderScales[3]) * a.w};
}

std::vector<std::array<float, 4>> decode_boxes(std::span<const float> raw, std::span<const Anchor> anchors, int height,
                                               int width) {
  if (raw.size() != anchors.size() * 4)
    fail("decode_boxes", "{} anchors need {} box codes, got {}", anchors.size(), anchors.size() * 4, raw.size());
  const float fh = static_cast<float>(height), fw = static_cast<float>(width);
  std::vector<std::array<float, 4>> out(anchors.size());
  for (size_t a = 0; a < anchors.size(); ++a) {
    const Anchor b = decode_box(std::span<const float, 4>(raw.subspan(a * 4, 4)), anchors[a]);
    const float x0 = std::clamp((b.cx - b.w / 2) * fw, 0.0f, fw), x1 = std::clamp((b.cx + b.w / 2) * fw, 0.0f, fw);
    const float y0 = std::clamp((b.cy - b.h / 2) * fh, 0.0f, fh), y1 = std::clamp((b.cy + b.h / 2) * fh, 0.0f, fh);
    out[a] = {x0, y0, x1 - x0, y1 - y0};
  }
  return out;
}

}  // namespace hwnas::models
