#include "hwnas/search/predictor.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "hwnas/core/error.h"
#include "hwnas/search/params.h"

namespace hwnas::search {
namespace {

// Probabilists' Gauss-Hermite rule with 5 nodes: E[f(Z)] for Z ~ N(0, 1) is
// sum_i w_i f(z_i), exact for polynomials up to degree 9. Weights sum to 1.
constexpr double kNodes[5] = {-2.856970013872806, -1.355626179974266, 0.0, 1.355626179974266, 2.856970013872806};
constexpr double kWeights[5] = {0.011257411327721, 0.222075922005613, 0.533333333333333, 0.222075922005613,
                                0.011257411327721};
constexpr double kOptimism = 3.0;  // std devs: a candidate this lucky that still cannot improve is skipped

}  // namespace

PredictorSearch::PredictorSearch(const SearchProblem& problem, uint64_t seed,
                                 const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params p("predictor", params,
           {{"init", 10, 1, 1e6, "random archs before the surrogate is used"},
            {"pool", 20000, 10, 1e7, "candidates ranked per ask (the whole space when it is this small)"},
            {"trees", 20, 2, 1000, "trees of the random-forest surrogate"}});
  init_ = p.integer("init");
  pool_ = p.integer("pool");
  forest_options_.trees = p.integer("trees");
  models_.resize(objectives().size());
}

std::optional<PredictorSearch::Candidate> PredictorSearch::candidate(const space::Arch& a) {
  auto metrics = cheap(a);
  if (!metrics) return std::nullopt;
  if (is_cheap_.empty())
    for (const Objective& o : objectives()) is_cheap_.push_back(metrics->count(o.metric) > 0);
  Candidate c{a, Point(objectives().size(), 0.0)};
  for (size_t k = 0; k < objectives().size(); ++k) {
    if (!is_cheap_[k]) continue;
    auto it = metrics->find(objectives()[k].metric);
    if (it == metrics->end())
      fail("cheap metrics of " + space().to_string(a), "lack objective '{}' which other candidates have",
           objectives()[k].metric);
    c.known[k] = it->second;
  }
  return c;
}

const std::vector<PredictorSearch::Candidate>& PredictorSearch::candidates() {
  if (!whole_space_ && space().size() <= pool_) {
    whole_space_ = true;
    for (const space::Arch& a : space().enumerate(pool_))
      if (auto c = candidate(a)) pool_cache_.push_back(std::move(*c));
  }
  if (whole_space_) {
    std::erase_if(pool_cache_, [&](const Candidate& c) { return asked(c.arch); });
    return pool_cache_;
  }
  pool_cache_.clear();
  std::unordered_set<space::Arch, space::ArchHash> seen;
  auto add = [&](const space::Arch& a) {
    if (asked(a) || !seen.insert(a).second) return;
    if (auto c = candidate(a)) pool_cache_.push_back(std::move(*c));
  };
  for (int i = 0; i < pool_; ++i) add(space().sample(rng()));
  for (size_t i : pareto_trials(trials(), objectives()))
    for (const space::Arch& a : space().neighbours(trials()[i].arch)) add(a);
  return pool_cache_;
}

void PredictorSearch::fit() {
  stale_ = false;
  std::vector<space::Arch> x;
  std::vector<Point> points;
  for (const Trial& t : trials())
    if (t.status == TrialStatus::Ok) x.push_back(t.arch), points.push_back(point(t));
  if (x.empty()) return;
  for (size_t k = 0; k < objectives().size(); ++k) {
    if (is_cheap_[k]) continue;
    std::vector<double> y;
    for (const Point& p : points) y.push_back(p[k]);
    Rng fit_rng = rng().fork(trials().size() * 31 + k);
    models_[k].emplace(forest_options_);
    models_[k]->fit(space().decisions(), x, y, fit_rng);
  }
}

void PredictorSearch::belief(const Candidate& c, Point& mean, Point& stddev) const {
  mean = c.known;
  stddev.assign(mean.size(), 0.0);
  for (size_t k = 0; k < mean.size(); ++k)
    if (!is_cheap_[k]) std::tie(mean[k], stddev[k]) = models_[k]->predict(c.arch);
}

std::optional<space::Arch> PredictorSearch::propose() {
  size_t ok = 0;
  for (const Trial& t : trials()) ok += t.status == TrialStatus::Ok;
  if (asked_count() < static_cast<size_t>(init_) || ok == 0) {
    auto a = random_fresh();
    if (a && is_cheap_.empty()) candidate(*a);  // learns which objectives are cheap
    return a;
  }
  const std::vector<Candidate>& pool = candidates();
  if (pool.empty()) return std::nullopt;
  if (stale_) fit();

  const size_t m = objectives().size();
  std::vector<Point> means(pool.size()), sds(pool.size());
  for (size_t i = 0; i < pool.size(); ++i) belief(pool[i], means[i], sds[i]);

  // The front: unpenalised Ok trials, plus pending archs at their predicted means.
  std::vector<Point> front_pts;
  for (const Trial& t : trials())
    if (t.status == TrialStatus::Ok && t.penalty == 0) front_pts.push_back(point(t));
  for (const Candidate& c : pending_) {
    Point mean, sd;
    belief(c, mean, sd);
    front_pts.push_back(mean);
  }
  std::vector<Point> front;
  for (size_t i : pareto_front(front_pts, objectives())) front.push_back(front_pts[i]);

  // Reference point: 10% of the range beyond the worst value seen or predicted.
  Point worst = means[0], best = means[0];
  auto widen = [&](const Point& p) {
    for (size_t k = 0; k < m; ++k) {
      double sign = objectives()[k].maximize ? 1 : -1;
      if (sign * p[k] < sign * worst[k]) worst[k] = p[k];
      if (sign * p[k] > sign * best[k]) best[k] = p[k];
    }
  };
  for (const Point& p : front_pts) widen(p);
  for (const Point& p : means) widen(p);
  Point ref(m);
  for (size_t k = 0; k < m; ++k) {
    double span = std::max(std::abs(best[k] - worst[k]), 1e-9);
    ref[k] = worst[k] + (objectives()[k].maximize ? -0.1 : 0.1) * span;
  }
  const HypervolumeImprovement hvi(front, objectives(), ref);

  std::vector<size_t> expensive;
  for (size_t k = 0; k < m; ++k)
    if (!is_cheap_[k]) expensive.push_back(k);

  size_t best_index = 0, best_sd_index = 0;
  double best_ehvi = 0, best_sd = -1;
  Point y;
  for (size_t i = 0; i < pool.size(); ++i) {
    const Point& mean = means[i];
    const Point& sd = sds[i];
    double total_sd = 0;
    for (size_t k : expensive) total_sd += sd[k];
    if (total_sd > best_sd) best_sd = total_sd, best_sd_index = i;
    Point optimistic = mean;
    for (size_t k : expensive) optimistic[k] += (objectives()[k].maximize ? kOptimism : -kOptimism) * sd[k];
    bool hopeless = false;
    for (const Point& f : front) hopeless = hopeless || f == optimistic || dominates(f, optimistic, objectives());
    if (hopeless) continue;
    // E[HV(front + y) - HV(front)] over the tensor grid of quadrature nodes.
    double ehvi = 0;
    std::vector<int> node(expensive.size(), 0);
    while (true) {
      y = mean;
      double weight = 1;
      for (size_t j = 0; j < expensive.size(); ++j) {
        y[expensive[j]] += kNodes[node[j]] * sd[expensive[j]];
        weight *= kWeights[node[j]];
      }
      ehvi += weight * hvi(y);
      size_t j = 0;
      while (j < node.size() && ++node[j] == 5) node[j++] = 0;
      if (j == node.size()) break;
    }
    if (ehvi > best_ehvi) best_ehvi = ehvi, best_index = i;
  }
  const Candidate chosen = pool[best_ehvi > 0 ? best_index : best_sd_index];
  pending_.push_back(chosen);
  return chosen.arch;
}

void PredictorSearch::learn(const Trial& trial) {
  stale_ = true;
  std::erase_if(pending_, [&](const Candidate& c) { return c.arch == trial.arch; });
}

}  // namespace hwnas::search
