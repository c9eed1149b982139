#pragma once
// Builds a strategy by name from the experiment's `strategy:` section.
//
//   search::SearchProblem p{.space = &space, .objectives = {{"accuracy", true}, {"latency_ms", false}},
//                           .budget = 300, .cheap = cheap_eval};
//   auto s = search::make_strategy({.name = "auto", .seed = 1}, p);
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/search/strategy.h"

namespace hwnas::search {

struct StrategyConfig {
  std::string name = "auto";  // auto, random, grid, evolution, nsga2, reinforce, local, predictor
  uint64_t seed = 0;
  std::map<std::string, double> params;  // strategy-specific, e.g. population, sample_size
};

// Cheap metrics of a candidate (cost models, a latency table standing in for one), already
// checked against the hard constraints on cheap metrics: nullopt means "infeasible, do not
// propose". Strategies may call it on as many candidates as they like.
using CheapEval = std::function<std::optional<std::map<std::string, double>>(const space::Arch&)>;
// How far a candidate is from the hard limits that CheapEval checks: 0 exactly when CheapEval
// accepts it, else the sum of each broken limit's excess relative to the limit, +inf when a
// cheap metric fails. It lets a strategy walk into a feasible region too small to sample.
using Infeasibility = std::function<double(const space::Arch&)>;

struct SearchProblem {
  const space::SearchSpace* space = nullptr;
  std::vector<Objective> objectives;
  int budget = 100;             // expensive trials the run may spend
  CheapEval cheap;              // may be empty: no cheap metrics
  Infeasibility infeasibility;  // may be empty: random sampling only
  // The metrics `cheap` gives, when known (strategy auto picks by them); empty: found by sampling.
  std::vector<std::string> cheap_metrics;
};

// Throws hwnas::Error naming the strategy or parameter when unknown or out of range.
std::unique_ptr<Strategy> make_strategy(const StrategyConfig& config, const SearchProblem& problem);
std::vector<std::string> strategy_names();

}  // namespace hwnas::search
