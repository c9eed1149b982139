#pragma once
// The `dscnn` space: DS-CNN keyword spotters (Hello Edge; the MLPerf Tiny KWS reference) from
// about 14 thousand MACs to 120 M, so that a Cortex-M7 budget (5 ms at 216 MHz is 1.08 M cycles,
// 0.27-0.54 M int8 MACs at 0.25-0.5 MAC/cycle; 200 KB for weights and activations) lies well
// inside it, as in MicroNets and MCUNet, which search the front end and the width of each layer
// together. The skeleton is models::dscnn's: a first conv over the MFCC map, depthwise-separable
// blocks at stride 1, global average pool, FC to 12 classes.
//
// Decisions (in order) and why these ranges:
//   mfcc            {10, 13, 20}   MFCC coefficients per frame: the input width (10 in MLPerf;
//                                  13 and 20 are the other common front ends)
//   frames          {25, 49}       MFCC frames of the 1 s clip: the input height (49: 30 ms
//                                  windows every 20 ms, MLPerf; 25: 40 ms every 40 ms, Hello Edge's
//                                  small front end, half the work in every layer). The dataset
//                                  computes the same frames: data::fit_front_end (open_dataset.h)
//   first.kernel    {10x4, 3x3, 5x5}   first conv, frames x coefficients (10x4: Hello Edge and
//                                  MLPerf; 3x3 and 5x5: the square stems of MicroNets/MCUNet-style
//                                  spaces, 4-13x fewer weights)
//   first.stride    {2x2, 2x1, 1x1}    first conv stride (2x2: MLPerf; 2x1: Hello Edge M and L keep
//                                  every coefficient; 1x1: full resolution, the large end)
//   first.channels  {8, 16, 24, 32, 48, 64, 96, 128}
//   depth           {1, ..., 6}    number of DS blocks (MLPerf: 4); blocks beyond are inactive
//   block<i>.channels {8, 16, 24, 32, 48, 64, 96, 128}   pointwise width (MLPerf: 64)
//   block<i>.kernel   {3, 5}                             depthwise kernel
// Per-block width and kernel, as MCUNet searches per block; 16 settings per block.
// size = 3 * 2 * 3 * 3 * 8 * (16 + 16^2 + ... + 16^6) = 432 * 17,895,696 = 7,730,940,672.
// Smallest network (10 MFCC, 25 frames, 3x3/2x2 conv of 8, one block of 8, k3): 364 params,
// 13,616 MACs; largest (20 MFCC, 49 frames, 10x4/1x1 conv of 128, 6 blocks of 128, k5): 127,500
// params, 120.2 M MACs. dscnn-mlperf is the point
//   mfcc=10,frames=49,first.kernel=10x4,first.stride=2x2,first.channels=64,depth=4,
//   block<i>.channels=64,block<i>.kernel=3 (i = 1..4).
//
// Strings of earlier versions of this space (before frames, first.kernel and first.stride were
// decisions) name none of those three; parse() reads them as the front end and first layer they
// stood for (49 frames, 10x4, 2x2), so an old string decodes to the same network; to_string()
// writes the full form.
//
//   space::DsCnnSpace space;
//   ir::Graph g = space.decode(space.parse("mfcc=10,frames=25,first.kernel=3x3,first.stride=2x2,"
//                                          "first.channels=16,depth=1,block1.channels=24,block1.kernel=3"));
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "hwnas/models/dscnn.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

struct DsCnnSpaceOptions {
  using HxW = std::pair<int, int>;  // frames x coefficients
  std::vector<int> mfcc = {10, 13, 20};
  std::vector<int> frames = {25, 49};
  std::vector<HxW> first_kernels = {{10, 4}, {3, 3}, {5, 5}};
  std::vector<HxW> first_strides = {{2, 2}, {2, 1}, {1, 1}};
  std::vector<int> first_channels = {8, 16, 24, 32, 48, 64, 96, 128};
  std::vector<int> depths = {1, 2, 3, 4, 5, 6};
  std::vector<int> channels = {8, 16, 24, 32, 48, 64, 96, 128};
  std::vector<int> kernels = {3, 5};
  int classes = 12;
};

class DsCnnSpace : public SearchSpace {
 public:
  explicit DsCnnSpace(DsCnnSpaceOptions o = {});

  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<DsCnnSpace>(*this); }
  // The generic form; a string of the earlier space (no frames, first.kernel, first.stride) as
  // the MLPerf front end and first layer it stood for.
  Arch parse(std::string_view s) const override;

  // The models::dscnn options an architecture stands for.
  models::DsCnnOptions options(const Arch& a) const;

 private:
  DsCnnSpaceOptions o_;
};

}  // namespace hwnas::space
