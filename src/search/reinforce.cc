#include "hwnas/search/reinforce.h"

#include <algorithm>
#include <cmath>

#include "hwnas/core/error.h"
#include "hwnas/search/params.h"

namespace hwnas::search {
namespace {

constexpr int kTargetSamples = 200;  // random archs whose median cheap LAT is the default T
constexpr int kTargetTrials = 20;    // Ok trials whose median LAT is T when LAT is expensive
constexpr int kPolicyTries = 100;    // policy samples tried before falling back to random

}  // namespace

Reinforce::Reinforce(const SearchProblem& problem, uint64_t seed, const std::map<std::string, double>& params)
    : StrategyBase(problem, seed) {
  Params p("reinforce", params,
           {{"target", 0, 1e-12, 1e300, "T of the MnasNet reward, in the units of the latency objective"},
            {"w", -0.07, -10, 0, "exponent of the soft reward"},
            {"hard", 0, 0, 1, "1: w = 0 at or below T and -1 above (MnasNet's hard constraint)"},
            {"lr", 0.2, 1e-6, 100, "policy-gradient step"},
            {"baseline_decay", 0.9, 0, 0.9999, "moving-average factor of the reward baseline"}});
  w_ = p.number("w");
  hard_ = p.flag("hard");
  lr_ = p.number("lr");
  decay_ = p.number("baseline_decay");
  for (int k = 0; k < static_cast<int>(objectives().size()); ++k) {
    if (objectives()[k].maximize && acc_ < 0) acc_ = k;
    if (!objectives()[k].maximize && lat_ < 0) lat_ = k;
  }
  if (p.given("target")) {
    target_ = p.number("target");
  } else if (lat_ >= 0 && problem.cheap) {
    std::vector<double> lats;
    Rng sampler = rng().fork(1);
    const std::string& metric = objectives()[lat_].metric;
    for (int i = 0; i < kTargetSamples; ++i)
      if (auto c = cheap(space().sample(sampler)); c && c->count(metric)) lats.push_back(c->at(metric));
    target_ = sample_median(lats);
  }
  for (const space::Decision& d : space().decisions()) logits_.emplace_back(d.choices.size(), 0.0);
}

std::optional<double> Reinforce::sample_median(const std::vector<double>& values) const {
  if (values.empty()) return std::nullopt;
  std::vector<double> v = values;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

std::vector<double> Reinforce::probabilities(int d) const {
  const std::vector<double>& z = logits_[d];
  double top = *std::max_element(z.begin(), z.end()), sum = 0;
  std::vector<double> p(z.size());
  for (size_t c = 0; c < z.size(); ++c) sum += p[c] = std::exp(z[c] - top);
  for (double& x : p) x /= sum;
  return p;
}

double Reinforce::reward(const Trial& trial) const {
  if (trial.status != TrialStatus::Ok) return 0;
  Point p = point(trial);
  if (acc_ < 0) return -p[lat_] - trial.penalty;
  double r = p[acc_];
  if (lat_ >= 0 && target_) {
    double ratio = p[lat_] / *target_;
    double w = hard_ ? (ratio <= 1 ? 0.0 : -1.0) : w_;
    if (ratio > 0) r *= std::pow(ratio, w);
  }
  return r - trial.penalty;
}

std::optional<space::Arch> Reinforce::propose() {
  for (int t = 0; t < kPolicyTries; ++t) {
    space::Arch a;
    for (int d = 0; d < space().num_decisions(); ++d) {
      std::vector<double> p = probabilities(d);
      double u = rng().uniform(), acc = 0;
      int c = 0;
      while (c + 1 < static_cast<int>(p.size()) && (acc += p[c]) <= u) ++c;
      a.choice.push_back(c);
    }
    a = space().canonical(a);
    if (is_fresh(a)) return a;
  }
  return random_fresh();  // the policy has converged onto asked archs: keep exploring
}

void Reinforce::learn(const Trial& trial) {
  if (!target_ && lat_ >= 0) {  // T from the first Ok trials when LAT is expensive
    if (trial.status == TrialStatus::Ok) early_lat_.push_back(point(trial)[lat_]);
    if (static_cast<int>(early_lat_.size()) >= kTargetTrials) target_ = sample_median(early_lat_);
    return;  // rewards before T is known would not be comparable with later ones
  }
  const double r = reward(trial);
  if (!baseline_) {
    baseline_ = r;
    return;
  }
  const double advantage = r - *baseline_;
  scale_ = scale_ == 0 ? std::abs(advantage) : decay_ * scale_ + (1 - decay_) * std::abs(advantage);
  *baseline_ = decay_ * *baseline_ + (1 - decay_) * r;
  if (scale_ <= 0) return;
  const double step = lr_ * advantage / scale_;
  for (int d = 0; d < space().num_decisions(); ++d) {
    if (!space().active(trial.arch, d)) continue;  // its choice did not shape the network
    std::vector<double> p = probabilities(d);
    for (size_t c = 0; c < p.size(); ++c)
      logits_[d][c] += step * ((static_cast<int>(c) == trial.arch.choice[d] ? 1.0 : 0.0) - p[c]);
  }
}

}  // namespace hwnas::search
