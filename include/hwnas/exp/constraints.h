#pragma once
// exp::Constraint: a hard limit or a soft penalty on one metric, from the experiment file's
// `constraints:` list. Hard: a trial beyond the limit is Infeasible (and, when the metric is
// cheap, the candidate never costs a trial: exp/constrained_strategy.h). Soft (`soft: w`): the
// trial stays feasible and pays penalty w * (amount beyond the limit, in the metric's unit).
//
//   constraints: [{metric: latency_ms, max: 20.0}, {metric: flash_kib, max: 512, soft: 0.1}]
//
//   exp::Verdict v = exp::check_constraints(constraints, trial.metrics);
//   if (!v.feasible) ...v.violation...   // "latency_ms = 25.3 is above the hard max 20"
#include <map>
#include <string>
#include <vector>

namespace hwnas::exp {

struct Constraint {
  std::string metric;
  bool is_max = true;  // true: value <= limit; false: value >= limit
  double limit = 0;
  double soft_weight = 0;  // 0: hard; > 0: soft, penalty per unit beyond the limit

  bool hard() const { return soft_weight == 0; }
  double excess(double value) const;  // how far beyond the limit (0 when within)
  std::string describe() const;       // "latency_ms <= 20 (hard)"
};

struct Verdict {
  bool feasible = true;   // no hard limit broken
  double penalty = 0;     // sum of soft penalties
  std::string violation;  // the first hard limit broken, for the trial's error
};

// Checks only the constraints whose metric is in `metrics` (the others cannot be judged yet).
Verdict check_constraints(const std::vector<Constraint>& constraints, const std::map<std::string, double>& metrics);

}  // namespace hwnas::exp
