#pragma once
// The `efficientnet` space: picking among EfficientNet-B0..B7 (Tan & Le 2019), for the
// "which existing model on this phone" job. One decision, "variant", with choices b0..b7;
// the string is just the variant ("b3"); decode is models::efficientnet.
//
//   space::EfficientNetSpace space;
//   ir::Graph b3 = space.decode(space.parse("b3"));
#include <memory>

#include "hwnas/space/search_space.h"

namespace hwnas::space {

class EfficientNetSpace : public SearchSpace {
 public:
  explicit EfficientNetSpace(int classes = 1000);

  std::string to_string(const Arch& a) const override { return label(a, 0); }
  Arch parse(std::string_view s) const override;
  ir::Graph decode(const Arch& a) const override;
  std::unique_ptr<SearchSpace> clone() const override { return std::make_unique<EfficientNetSpace>(*this); }

 private:
  int classes_;
};

}  // namespace hwnas::space
