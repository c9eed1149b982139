#pragma once
// A search space restricted to what a device runs natively: the "space filters its decisions
// by the device" half of the operator audit.
//
//   target::RestrictedSpace r = target::restrict_space(*space::make_space("mbconv"), npu, ir::DType::i8);
//   r.space->name();           // "mbconv@npu-generic"
//   r.substitutions;           // {"hardswish -> relu6 in stem, head, stage3, ...", "squeeze-excite ... off ..."}
//   r.removed;                 // {{"stage1.block1.kernel", {"7"}, "depthwise_conv2d k7 s1: kernel 7 not in [3, 5]"}, ...}
//   r.remaining;               // fallbacks no choice avoids (fixed structure), e.g. a 10x4 stem
//
// How: (1) operators the primary processor cannot run in any form are offered to the space's
// without_op() hook (fixed-structure substitutions); (2) each decision drops the choices that
// make a node fall back which another choice keeps native (same node name, e.g. a 7x7
// depthwise); (3) then the choices that add nodes of a kind that falls back where another
// choice has no fallback of that kind at all (a squeeze-excite switch; not a deeper stage
// whose blocks fall back at any depth, nor a variant of a family that falls back throughout). Each step decodes a few
// architectures per choice, sampled from the space restricted so far. (4) A check decodes
// `check_samples` samples of the result and lists what still falls back in `remaining`.
// Causes only: a node that falls back because it comes after a single cut
// (hw::Partition::SingleCut), or is folded or fused into one that does, is not a fallback
// here, so the choices that make the cut go and those merely after it stay.
#include <memory>
#include <string>
#include <vector>

#include "hwnas/hw/device.h"
#include "hwnas/space/search_space.h"

namespace hwnas::target {

struct RemovedChoices {
  std::string decision;
  std::vector<std::string> labels;
  std::string reason;  // "depthwise_conv2d k7 s1: kernel 7 not in [3, 5]"
};

struct RestrictedSpace {
  std::unique_ptr<space::SearchSpace> space;  // named "<space>@<device>"
  std::vector<std::string> substitutions;
  std::vector<RemovedChoices> removed;
  std::vector<std::string> remaining;  // "conv2d k10x4 s2: kernel 10x4 not in [1, 3, 5]" (in n of the checked samples)
  double size_before = 0, size_after = 0;
  int checked = 0;  // samples decoded by the final check
};

struct RestrictOptions {
  int bases_per_decision = 4;  // architectures per decision on which each choice is tried
  int check_samples = 200;
  uint64_t seed = 1;
};

RestrictedSpace restrict_space(const space::SearchSpace& s, const hw::Device& d, ir::DType dtype,
                               const RestrictOptions& o = {});

}  // namespace hwnas::target
