#pragma once
// The `mbconv` space: Once-for-All's MobileNetV3 space (Cai et al., ICLR 2020), built on
// MBConv blocks (space/blocks.h). Skeleton, as OFA's OFAMobileNetV3:
//   stem      3x3 conv, stride 2, 16*w channels, BN, hardswish
//   block0    MBConv expand 1, 3x3, 16*w channels, ReLU (identity shortcut)
//   stage1..5 channels 24, 40, 80, 112, 160 (times w), first-block strides 2, 2, 2, 1, 2;
//             activation ReLU, ReLU, hardswish, hardswish, hardswish;
//             squeeze-excite     no,   yes,  no,        yes,       yes   (OFA's se_stages)
//   head      1x1 conv to 960*w + BN + hardswish, global average pool, 1x1 conv to 1280*w
//             (no BN) + hardswish, FC to the classes.
// Channels are make_divisible(c * w, 8). Squeeze-excite and hardswish appear as their own
// nodes (mul, hardsigmoid, hardswish) so an operator audit sees them.
//
// Decisions (in order): resolution {160, 176, 192, 208, 224}, width {1.0, 1.2}, then per stage
// stage<s>.depth {2, 3, 4} and per block stage<s>.block<b>.kernel {3, 5, 7} and
// stage<s>.block<b>.expand {3, 4, 6}; blocks beyond the depth are inactive.
// size = 5 * 2 * (9^2 + 9^3 + 9^4)^5 = 10 * 7371^5 ~ 2.2e20 (OFA's "2 x 10^19" times the
// 10 resolution/width combinations).
//
// Canonical string, OFA-style, kernels and expands of the active blocks in order:
//   r224-w1.0-d2,3,4,2,3-k3,5,7,3,3,5,5,7,3,3,3,5,7,5-e3,4,6,3,3,4,4,6,3,3,3,4,6,4
// parse() also accepts the generic "resolution=224,width=1.0,stage1.depth=2,..." form.
//
//   space::MbConvSpace space;                         // OFA's space, 1000 classes
//   ir::Graph g = space.decode(space.parse("r160-w1.0-d2,2,2,2,2-k3,...-e3,..."));
#include <memory>
#include <vector>

#include "hwnas/ir/op.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

struct MbConvStage {
  int channels = 24;
  int stride = 1;
  bool se = false;
  ir::OpKind act = ir::OpKind::Relu;
};

struct MbConvSpaceOptions {
  std::vector<int> resolutions = {160, 176, 192, 208, 224};
  std::vector<double> widths = {1.0, 1.2};
  std::vector<int> depths = {2, 3, 4};
  std::vector<int> kernels = {3, 5, 7};
  std::vector<int> expands = {3, 4, 6};
  std::vector<MbConvStage> stages = {{24, 2, false, ir::OpKind::Relu},
                                     {40, 2, true, ir::OpKind::Relu},
                                     {80, 2, false, ir::OpKind::HardSwish},
                                     {112, 1, true, ir::OpKind::HardSwish},
                                     {160, 2, true, ir::OpKind::HardSwish}};
  int classes = 1000;
  ir::OpKind stem_act = ir::OpKind::HardSwish;  // after the stem conv
  ir::OpKind head_act = ir::OpKind::HardSwish;  // after the head's two convs
};

class MbConvSpace : public SearchSpace {
 public:
  explicit MbConvSpace(MbConvSpaceOptions o = {});

  std::string to_string(const Arch& a) const override;
  Arch parse(std::string_view s) const override;
  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<MbConvSpace>(*this); }
  // hardswish -> relu6 (or relu) everywhere; hardsigmoid or mul -> squeeze-excite off.
  Substitution without_op(ir::OpKind op, const std::function<bool(ir::OpKind)>& runs) const override;
  const MbConvSpaceOptions& options() const { return o_; }

  // Decision indices, for readers of an Arch.
  int depth_decision(int stage) const { return 2 + stage * (1 + 2 * max_depth_); }
  int kernel_decision(int stage, int block) const { return depth_decision(stage) + 1 + 2 * block; }
  int expand_decision(int stage, int block) const { return kernel_decision(stage, block) + 1; }

 private:
  MbConvSpaceOptions o_;
  int max_depth_ = 0;
};

}  // namespace hwnas::space
