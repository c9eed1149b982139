#include "hwnas/search/local_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hwnas/search/params.h"

namespace hwnas::search {

LocalSearch::LocalSearch(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params p("local", params, {{"init", 10, 1, 1e6, "random archs before the first climb starts from the best"}});
  init_ = p.integer("init");
  draw_weights();
}

void LocalSearch::draw_weights() {
  // Uniform on the simplex: normalised exponential variates (a flat Dirichlet).
  weights_.assign(objectives().size(), 0);
  double sum = 0;
  for (double& w : weights_) sum += w = -std::log(1.0 - rng().uniform());
  for (double& w : weights_) w /= sum;
}

std::vector<double> LocalSearch::scores(const std::vector<size_t>& trial_indices) const {
  const size_t m = objectives().size();
  std::vector<double> lo(m, std::numeric_limits<double>::infinity()), hi(m, -lo[0]);
  auto costs = [&](const Trial& t) {
    Point p = point(t);
    for (size_t k = 0; k < m; ++k)
      if (objectives()[k].maximize) p[k] = -p[k];
    return p;
  };
  for (const Trial& t : trials()) {  // normalise over every Ok trial so far
    if (t.status != TrialStatus::Ok) continue;
    Point c = costs(t);
    for (size_t k = 0; k < m; ++k) lo[k] = std::min(lo[k], c[k]), hi[k] = std::max(hi[k], c[k]);
  }
  std::vector<double> s;
  for (size_t i : trial_indices) {
    const Trial& t = trials()[i];
    Point c = costs(t);
    double worst = 0;
    for (size_t k = 0; k < m; ++k)
      worst = std::max(worst, weights_[k] * (hi[k] > lo[k] ? (c[k] - lo[k]) / (hi[k] - lo[k]) : 0.0));
    s.push_back(-worst - t.penalty);
  }
  return s;
}

void LocalSearch::move_to(size_t trial_index) {
  current_ = trial_index;
  queue_.clear();
  std::vector<space::Arch> n = space().neighbours(trials()[trial_index].arch);
  rng().shuffle(n);
  for (space::Arch& a : n)
    if (is_fresh(a)) queue_.push_back(std::move(a));
}

std::optional<space::Arch> LocalSearch::propose() {
  if (static_cast<int>(asked_count()) < init_) return random_fresh();
  while (true) {
    while (!queue_.empty()) {
      space::Arch a = std::move(queue_.front());
      queue_.pop_front();
      if (is_fresh(a)) {
        pending_.insert(a);
        return a;
      }
    }
    if (!pending_.empty() || restart_) return random_fresh();  // waiting for results
    if (!current_) {                                           // start from the best trial so far
      std::vector<size_t> ok;
      for (size_t i = 0; i < trials().size(); ++i)
        if (trials()[i].status == TrialStatus::Ok) ok.push_back(i);
      if (ok.empty()) return random_fresh();
      std::vector<double> s = scores(ok);
      move_to(ok[std::max_element(s.begin(), s.end()) - s.begin()]);
      continue;
    }
    // Every neighbour of current_ is known: climb to the best one if it improves.
    std::vector<size_t> candidates = {*current_};
    for (const space::Arch& a : space().neighbours(trials()[*current_].arch))
      if (auto it = told_.find(a); it != told_.end() && trials()[it->second].status == TrialStatus::Ok)
        candidates.push_back(it->second);
    std::vector<double> s = scores(candidates);
    size_t best = std::max_element(s.begin(), s.end()) - s.begin();  // the first maximum: current_ on ties
    if (best != 0) {
      move_to(candidates[best]);
      continue;
    }
    // A local optimum: restart from a fresh random arch with new weights.
    current_.reset();
    draw_weights();
    restart_ = random_fresh();
    return restart_;
  }
}

void LocalSearch::learn(const Trial& trial) {
  const size_t index = trials().size() - 1;
  told_.emplace(trial.arch, index);
  if (restart_ && trial.arch == *restart_) {
    restart_.reset();
    if (trial.status == TrialStatus::Ok) move_to(index);
    return;
  }
  pending_.erase(trial.arch);  // random fillers were never pending: they do not block the climb
}

}  // namespace hwnas::search
