#include "hwnas/space/dscnn_space.h"

#include <algorithm>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "labels.h"

namespace hwnas::space {
namespace {

constexpr int kMfcc = 0, kFirst = 1, kDepth = 2, kBlocks = 3;  // decision indices

std::vector<Decision> dscnn_decisions(const DsCnnSpaceOptions& o) {
  if (o.depths.empty()) fail("dscnn", "needs at least one depth");
  std::vector<Decision> d = {{"mfcc", number_labels(o.mfcc)},
                             {"first.channels", number_labels(o.first_channels)},
                             {"depth", number_labels(o.depths)}};
  const int max_depth = *std::max_element(o.depths.begin(), o.depths.end());
  for (int b = 1; b <= max_depth; ++b) {
    d.push_back({fmt::format("block{}.channels", b), number_labels(o.channels)});
    d.push_back({fmt::format("block{}.kernel", b), number_labels(o.kernels)});
  }
  return d;
}

}  // namespace

DsCnnSpace::DsCnnSpace(DsCnnSpaceOptions o) : SearchSpace("dscnn", dscnn_decisions(o)), o_(std::move(o)) {
  for (int d = kBlocks; d < num_decisions(); ++d) gate(d, kDepth, (d - kBlocks) / 2);
}

models::DsCnnOptions DsCnnSpace::options(const Arch& a) const {
  check(a);
  models::DsCnnOptions m;  // MLPerf's first layer, frames and stride
  m.input_w = int_value(a, kMfcc);
  m.first_channels = int_value(a, kFirst);
  m.blocks.resize(int_value(a, kDepth));
  for (size_t b = 0; b < m.blocks.size(); ++b) {
    m.blocks[b].channels = int_value(a, kBlocks + 2 * static_cast<int>(b));
    m.blocks[b].kernel = int_value(a, kBlocks + 2 * static_cast<int>(b) + 1);
  }
  m.classes = o_.classes;
  m.name = "dscnn:" + to_string(a);
  return m;
}

ir::Graph DsCnnSpace::decode(const Arch& a) const { return models::dscnn(options(a)); }

}  // namespace hwnas::space
