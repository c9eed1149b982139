#pragma once
// The `ssdlite-mbconv` detection space: SSDLite heads (Sandler et al. 2018, section 6.2; the
// pieces of models/ssdlite.h) on a MobileNetV2-skeleton MBConv backbone whose depth, kernels and
// expansion ratios are searched, as are the input resolution, the width, which feature maps
// the heads read, the extra layers' widths and the anchors per location.
//
// Skeleton (MobileNetV2's, Table 2 of the paper; channels make_divisible(c * w, 8)):
//   stem      3x3 conv stride 2 to 32*w, BN, act
//   block0    MBConv expand 1, 3x3, 16*w
//   stage1..6 channels 24, 32, 64, 96, 160, 320 (x w), first-block strides 2, 2, 2, 1, 2, 1
//   last      1x1 conv to 1280*max(1, w), BN, act                       (stride 32)
//   maps      with first stride 16 (SSDLite's): the expansion output of the first block of the
//             stage that goes from stride 16 to 32 (MobileNetV2's block 13), and `last`; with
//             first stride 8 also the expansion of the first block going from 8 to 16, before them
//   extras    `extras` SSDLite extra layers (1x1 to C/2, 3x3 depthwise stride 2, 1x1 to C)
//   heads     per map a box and a class predictor (models::ssdlite_predictors): outputs "boxes"
//             [1, A, 4] and "scores" [1, A, classes + 1] (index 0 is the background), with
//             A = sum over maps of H * W * anchors (anchors.first on the first map, anchors.rest
//             on the others, as SSD's 3 and 6)
//
// Decisions, in order: resolution, width, per stage stage<s>.depth and per block
// stage<s>.block<b>.kernel, stage<s>.block<b>.expand (blocks beyond the depth are inactive),
// maps.first_stride {8, 16}, extras (number of extra layers), extra<i>.channels (inactive beyond
// `extras`), anchors.first, anchors.rest.
//
// Canonical string: the mbconv form, then the detection part:
//   r320-w1.0-d2,3,4,3,3,1-k3,...-e6,...-f16-x4-c512,256,256,128-a3,6
// (f: first map stride, x: extra layers, c: their channels, a: anchors first, rest). parse()
// also accepts the generic "resolution=320,width=1.0,..." form. With the defaults, the string
// above with every kernel 3 and every expand 6 is models::ssdlite() (SSDLite-MobileNetV2) with
// classes + 1 = 91.
//
//   space::DetectionSpace space({.classes = 5});
//   ir::Graph g = space.decode(space.sample(rng));    // outputs boxes, scores
#include <memory>
#include <string>
#include <vector>

#include "hwnas/ir/op.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

struct DetectionStage {
  int channels = 24;
  int stride = 1;
  bool se = false;  // squeeze-excite in every block (torchvision's form: act, sigmoid gate, mul)
  ir::OpKind act = ir::OpKind::Relu6;
};

struct DetectionSpaceOptions {
  std::string name = "ssdlite-mbconv";
  int classes = 90;  // the dataset's classes; the scores have one more column (background)
  std::vector<int> resolutions = {192, 224, 256, 288, 320};
  std::vector<double> widths = {0.75, 1.0};
  std::vector<int> depths = {1, 2, 3, 4};
  std::vector<int> kernels = {3, 5, 7};
  std::vector<int> expands = {3, 4, 6};
  std::vector<DetectionStage> stages = {{24, 2}, {32, 2}, {64, 2}, {96, 1}, {160, 2}, {320, 1}};
  ir::OpKind stem_act = ir::OpKind::Relu6;  // stem, block0 and the last 1x1 conv
  std::vector<int> first_map_strides = {8, 16};
  std::vector<int> extras = {2, 3, 4};                // number of extra layers
  std::vector<int> extra_channels = {128, 256, 512};  // each extra layer's width (even)
  std::vector<int> anchors = {3, 4, 6};               // per location (first map, other maps)
};

class DetectionSpace : public SearchSpace {
 public:
  // Throws hwnas::Error for options that cannot build (no stages, a stride other than 1 or 2,
  // a backbone that never reaches stride 32, first map strides other than 8 and 16, an odd or
  // non-positive extra width, non-positive anchors or classes).
  explicit DetectionSpace(DetectionSpaceOptions o = {});

  std::string to_string(const Arch& a) const override;
  Arch parse(std::string_view s) const override;
  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<DetectionSpace>(*this); }
  // hardswish/swish -> relu6 (or relu); sigmoid or mul (squeeze-excite's gate) -> squeeze-excite off.
  Substitution without_op(ir::OpKind op, const std::function<bool(ir::OpKind)>& runs) const override;
  const DetectionSpaceOptions& options() const { return o_; }

  int depth_decision(int stage) const { return 2 + stage * (1 + 2 * max_depth_); }
  int kernel_decision(int stage, int block) const { return depth_decision(stage) + 1 + 2 * block; }
  int expand_decision(int stage, int block) const { return kernel_decision(stage, block) + 1; }
  int first_stride_decision() const { return depth_decision(static_cast<int>(o_.stages.size())); }
  int extras_decision() const { return first_stride_decision() + 1; }
  int extra_channels_decision(int layer) const { return extras_decision() + 1 + layer; }
  int anchors_first_decision() const { return extras_decision() + 1 + max_extras_; }
  int anchors_rest_decision() const { return anchors_first_decision() + 1; }

 private:
  DetectionSpaceOptions o_;
  int max_depth_ = 0, max_extras_ = 0;
};

}  // namespace hwnas::space
