#include "hwnas/exp/constraints.h"

#include <fmt/format.h>

#include "hwnas/core/csv.h"

namespace hwnas::exp {

double Constraint::excess(double value) const {
  const double over = is_max ? value - limit : limit - value;
  return over > 0 ? over : 0;
}

std::string Constraint::describe() const {
  return fmt::format("{} {} {} ({})", metric, is_max ? "<=" : ">=", core::format_number(limit),
                     hard() ? "hard" : fmt::format("soft, weight {}", core::format_number(soft_weight)));
}

Verdict check_constraints(const std::vector<Constraint>& constraints, const std::map<std::string, double>& metrics) {
  Verdict v;
  for (const auto& c : constraints) {
    const auto it = metrics.find(c.metric);
    if (it == metrics.end()) continue;
    const double over = c.excess(it->second);
    if (over == 0) continue;
    if (c.hard()) {
      if (v.feasible)
        v.violation = fmt::format("{} = {} is {} the hard {} {}", c.metric, core::format_number(it->second),
                                  c.is_max ? "above" : "below", c.is_max ? "max" : "min", core::format_number(c.limit));
      v.feasible = false;
    } else {
      v.penalty += c.soft_weight * over;
    }
  }
  return v;
}

}  // namespace hwnas::exp
