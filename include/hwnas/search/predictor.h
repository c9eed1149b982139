#pragma once
// Predictor-guided search (Bayesian optimisation with a random-forest surrogate, XGBoost trees, in the
// spirit of SMAC, and of BANANAS / White et al. 2021 for NAS). After `init` random archs:
//   - objectives the cheap metrics give (SearchProblem::cheap: a latency table or a cost model)
//     are known exactly for every candidate, for free;
//   - each other (expensive) objective has an learn::XgbRegressor surrogate trained on the Ok trials, with
//     the features below (latency, a cheap metric, says much about accuracy).
//     Its belief about a candidate is the set of its trees' predictions (tree t of every
//     surrogate gives one sample point). That empirical belief may be bimodal, as NB201's is
//     (a cell is either untrainable, 10%, or 85-94%), where a normal belief with the trees'
//     mean and spread would promise accuracies no tree supports and chase them;
//   - candidates are only those the cheap metrics call feasible: the whole space when it has
//     at most `pool` archs (NB201: all 15,625), else `pool` fresh random samples plus every
//     neighbour of the front, drawn anew at each ask;
//   - most asks take the candidate most likely to improve the front: the largest share of
//     trees whose sample is not dominated by the front (unpenalised Ok trials plus the archs
//     asked but not told yet, at their predicted means, so a round of asks spreads out), ties
//     broken by the expected hypervolume improvement over the trees. Probability rather than
//     expected improvement, because HV improvement is measured in the objectives' units and
//     would chase the front's emptiest corner (NB201: untrainable, near-zero-latency cells) —
//     on NB201 x raspi4 this alone took the share of the true front found in 300 trials from
//     11% to 37% (bench/search);
//   - a share 1 / `extreme` of the asks instead push one expensive objective alone by Thompson
//     sampling: one tree is drawn and the candidate it predicts best is taken (ties: the
//     forest's mean). Constrained optima (best accuracy under a latency limit) are ends of the
//     feasible front that a search spreading along the front reaches late, and a climb from
//     the best trial stays in its basin where one tree's view also tries the others (on
//     NB201 x raspi4 the optimum within 150 trials in 16 of 20 seeds against 5; predictor.cc).
// Surrogate features: the one-hot choices, per group of decisions with the same choices the
// count of each choice (NB201: edges per op), and every cheap metric.
// When no candidate can improve the front, the one the surrogate is least sure about is taken.
// With one objective the front is the best value.
//
// Parameters: init (default 10), pool (default 20000), trees (default 20), extreme (default 1.5:
// two of every three guided asks are extreme steps; 2: every second; 0: never).
//
//   search::PredictorSearch s(problem, /*seed=*/1, {{"init", 20}});
#include <optional>
#include <unordered_set>
#include <vector>

#include "hwnas/learn/xgb_regressor.h"
#include "hwnas/search/strategy_base.h"

namespace hwnas::search {

class PredictorSearch : public StrategyBase {
 public:
  PredictorSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params = {});
  std::string name() const override { return "predictor"; }

 protected:
  std::optional<space::Arch> propose() override;
  void learn(const Trial& trial) override;

 private:
  struct Belief {
    std::vector<Point> samples;  // one point per tree: cheap values exact, expensive ones that tree's
    Point mean;                  // over trees
    Point optimistic;            // best value any tree predicts, per objective
    double spread = 0;           // sum of the expensive objectives' std over trees
  };
  struct Candidate {
    space::Arch arch;
    Point known;                  // cheap objective values (expensive slots unused)
    std::vector<double> numeric;  // every cheap metric, in cheap_names_ order: surrogate features
    Belief belief;                // valid when fit == fits_
    int fit = -1;
  };
  std::optional<Candidate> candidate(const space::Arch& a);
  double cheap_value(const std::map<std::string, double>& metrics, const std::string& name, const space::Arch& a) const;
  std::vector<Candidate>& candidates();  // fresh feasible candidates, in pool_cache_
  void fit();
  std::vector<float> features(const space::Arch& a, const std::vector<double>& numeric) const;
  // Beliefs of many candidates at once (one XGBoost prediction per surrogate).
  std::vector<Belief> beliefs(const std::vector<const Candidate*>& cs) const;
  void refresh(std::vector<Candidate>& cs) const;       // beliefs not of the current fit
  void summarise(Belief& b, const Point& known) const;  // mean, optimistic, spread of b.samples

  int init_, pool_;
  double extreme_;       // a share 1 / extreme_ of the guided asks are extreme steps
  int guided_asks_ = 0;  // asks that used the surrogates
  learn::XgbRegressor::Options model_options_;
  std::vector<bool> is_cheap_;                              // per objective, decided on the first candidate
  std::vector<std::string> cheap_names_;                    // every cheap metric, also a surrogate feature
  std::vector<std::vector<int>> choice_groups_;             // decisions with the same choices (2 or more)
  std::vector<std::optional<learn::XgbRegressor>> models_;  // per expensive objective
  bool stale_ = true;                                       // trials told since the last fit
  int fits_ = 0;                                            // surrogate version
  bool whole_space_ = false;                                // pool_cache_ holds the whole (unasked) space
  std::vector<Candidate> pool_cache_;
  std::vector<Candidate> pending_;  // asked, not told
};

}  // namespace hwnas::search
