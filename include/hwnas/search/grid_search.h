#pragma once
// Grid (exhaustive) search: every canonical architecture once, in the order of
// SearchSpace::enumerate() (lexicographic in the choice indices, the last decision varying
// fastest), skipping what the cheap metrics call infeasible. Walks the indices like an
// odometer, so it starts at once even in spaces too large to enumerate. No parameters.
//
//   search::GridSearch s(problem, 0);
//   while (auto a = s.ask()) s.tell(evaluate(*a));   // all of NB201's 15,625 cells
#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class GridSearch : public StrategyBase {
 public:
  GridSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "grid"; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial&) override {}

 private:
  bool advance();  // next index tuple; false after the last one

  space::Arch next_;
  bool done_ = false;
};

}  // namespace hwnas::search
