#pragma once
// Random search: uniform samples of the space, never the same architecture twice, and
// nullopt once every feasible architecture has been asked. The baseline of every benchmark
// (Li & Talwalkar 2019 found it a strong one). No parameters.
//
//   search::RandomSearch s(problem, /*seed=*/1);
//   while (auto a = s.ask()) s.tell(evaluate(*a));
#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class RandomSearch : public StrategyBase {
 public:
  RandomSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "random"; }

 protected:
  std::optional<space::Arch> propose() override { return random_fresh(); }
  void learn(const Trial&) override {}
};

}  // namespace hwnas::search
