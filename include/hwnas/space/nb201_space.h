#pragma once
// The `nb201` space: NAS-Bench-201's cell space (Dong & Yang, ICLR 2020). Six decisions, one
// per cell edge in NB201's order, edge_1_0, edge_2_0, edge_2_1, edge_3_0, edge_3_1, edge_3_2
// ("edge_i_j" feeds node i from node j), each with the five ops none, skip_connect,
// nor_conv_1x1, nor_conv_3x3, avg_pool_3x3: 5^6 = 15,625 architectures. The string form is
// NB201's own, so archs match the benchmark's tables; decode is models::nb201.
//
//   space::Nb201Space space;                       // CIFAR-10 skeleton (10 classes, 32x32)
//   space::Arch a = space.parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|"
//                               "skip_connect~0|nor_conv_3x3~1|skip_connect~2|");
//   ir::Graph g = space.decode(a);
#include <memory>

#include "hwnas/models/nb201.h"
#include "hwnas/space/search_space.h"

namespace hwnas::space {

class Nb201Space : public SearchSpace {
 public:
  explicit Nb201Space(models::Nb201Options o = {});

  std::string to_string(const Arch& a) const override;
  Arch parse(std::string_view s) const override;
  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<Nb201Space>(*this); }

  models::Nb201Cell cell(const Arch& a) const;  // by label, so restricted spaces decode alike

 private:
  models::Nb201Options o_;
};

}  // namespace hwnas::space
