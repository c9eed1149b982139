#include "hwnas/exp/constrained_strategy.h"

#include <cmath>
#include <limits>

#include "hwnas/core/error.h"

namespace hwnas::exp {
namespace {

// Evaluates the cheap metrics in order; stops at the first that throws (error returned).
std::string eval_cheap(const std::vector<std::shared_ptr<const eval::Metric>>& metrics, const space::Arch& arch,
                       const std::string& arch_str, std::map<std::string, double>& out) {
  for (const auto& m : metrics) {
    try {
      out[m->name()] = m->evaluate(arch, arch_str);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  return {};
}

}  // namespace

search::CheapEval make_cheap_eval(std::shared_ptr<const space::SearchSpace> space,
                                  std::vector<std::shared_ptr<const eval::Metric>> cheap_metrics,
                                  std::vector<Constraint> constraints) {
  if (cheap_metrics.empty()) return {};
  return [space, cheap_metrics, constraints](const space::Arch& arch) -> std::optional<std::map<std::string, double>> {
    std::map<std::string, double> values;
    if (!eval_cheap(cheap_metrics, arch, space->to_string(arch), values).empty()) return std::nullopt;
    if (!check_constraints(constraints, values).feasible) return std::nullopt;
    return values;
  };
}

search::Infeasibility make_infeasibility(std::shared_ptr<const space::SearchSpace> space,
                                         const std::vector<std::shared_ptr<const eval::Metric>>& cheap_metrics,
                                         const std::vector<Constraint>& constraints) {
  std::vector<std::pair<std::shared_ptr<const eval::Metric>, Constraint>> limits;
  for (const Constraint& c : constraints)
    for (const auto& m : cheap_metrics)
      if (c.hard() && m->name() == c.metric) limits.emplace_back(m, c);
  if (limits.empty()) return {};
  return [space, limits](const space::Arch& arch) {
    const std::string arch_str = space->to_string(arch);
    double sum = 0;
    for (const auto& [metric, c] : limits) {
      double value = 0;
      try {
        value = metric->evaluate(arch, arch_str);
      } catch (const std::exception&) {
        return std::numeric_limits<double>::infinity();
      }
      sum += c.excess(value) / (c.limit != 0 ? std::abs(c.limit) : 1.0);
    }
    return sum;
  };
}

ConstrainedStrategy::ConstrainedStrategy(std::unique_ptr<search::Strategy> inner,
                                         std::shared_ptr<const space::SearchSpace> space,
                                         std::vector<std::shared_ptr<const eval::Metric>> cheap_metrics,
                                         std::vector<Constraint> constraints, int64_t max_consecutive_skips)
    : inner_(std::move(inner)),
      space_(std::move(space)),
      cheap_(std::move(cheap_metrics)),
      constraints_(std::move(constraints)),
      max_skips_(max_consecutive_skips) {}

std::optional<Candidate> ConstrainedStrategy::ask() {
  for (int64_t run = 0; run < max_skips_; ++run) {
    auto arch = inner_->ask();
    if (!arch) return std::nullopt;
    Candidate c{*arch, space_->to_string(*arch), {}, {}};
    c.cheap_error = eval_cheap(cheap_, c.arch, c.arch_str, c.cheap);
    if (!c.cheap_error.empty()) return c;  // becomes a Failed trial: the user must see it
    const Verdict v = check_constraints(constraints_, c.cheap);
    if (v.feasible) return c;
    search::Trial t;
    t.arch = c.arch;
    t.arch_str = c.arch_str;
    t.metrics = c.cheap;
    t.status = search::TrialStatus::Infeasible;
    t.error = v.violation;
    t.penalty = v.penalty;
    inner_->tell(t);
    ++skipped_;
  }
  gave_up_ = true;
  return std::nullopt;
}

}  // namespace hwnas::exp
