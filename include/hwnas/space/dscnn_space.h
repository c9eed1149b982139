#pragma once
// The `dscnn` space: DS-CNN keyword spotters (Hello Edge; the MLPerf Tiny KWS reference) sized
// for a Cortex-M7 with about 200 KB for weights and activations (int8). The skeleton is
// models::dscnn's: 49 MFCC frames, a 10x4 first conv with stride 2x2, depthwise-separable
// blocks at stride 1, global average pool, FC to 12 classes.
//
// Decisions (in order) and why these ranges:
//   mfcc            {10, 13, 20}   MFCC coefficients per frame (10 in MLPerf; 13 and 20 are
//                                  the other common front ends); changes the input width
//   first.channels  {32, 48, 64, 96, 128}
//   depth           {2, 3, 4, 5, 6}  number of DS blocks (MLPerf: 4); blocks beyond are inactive
//   block<i>.channels {32, 48, 64, 96, 128}   (MLPerf: 64; Hello Edge L: 276, beyond an M7)
//   block<i>.kernel   {3, 5}                  depthwise kernel
// The smallest network (32 channels, 2 blocks of k3, 10 MFCC) has 4,620 params and 0.49 M
// MACs; the largest (128 channels, 6 blocks of k5, 20 MFCC) 127,500 params and 30.7 M MACs:
// the space straddles the 200 KB and 5 ms budgets rather than lying inside them.
// size = 3 * 5 * (10^2 + 10^3 + 10^4 + 10^5 + 10^6) = 16,666,500.
//
//   space::DsCnnSpace space;
//   ir::Graph g = space.decode(space.parse("mfcc=10,first.channels=64,depth=2,block1.channels=64,"
//                                          "block1.kernel=3,block2.channels=64,block2.kernel=3"));
#include <memory>
#include <vector>

#include "hwnas/models/dscnn.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

struct DsCnnSpaceOptions {
  std::vector<int> mfcc = {10, 13, 20};
  std::vector<int> first_channels = {32, 48, 64, 96, 128};
  std::vector<int> depths = {2, 3, 4, 5, 6};
  std::vector<int> channels = {32, 48, 64, 96, 128};
  std::vector<int> kernels = {3, 5};
  int classes = 12;
};

class DsCnnSpace : public SearchSpace {
 public:
  explicit DsCnnSpace(DsCnnSpaceOptions o = {});

  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<DsCnnSpace>(*this); }

  // The models::dscnn options an architecture stands for.
  models::DsCnnOptions options(const Arch& a) const;

 private:
  DsCnnSpaceOptions o_;
};

}  // namespace hwnas::space
