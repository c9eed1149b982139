#pragma once
// search::Strategy: the exploration algorithm, behind an ask/tell interface (like Optuna's).
// A strategy proposes architectures and learns from their results; it never evaluates
// anything itself, never sees budgets or hardware limits (those are middleware around it:
// constraints.h), and is deterministic given its seed and the sequence of tell() calls.
// That is what makes resume exact: a strategy rebuilt with the same seed and told the stored
// trials in order proposes what the interrupted run would have proposed next.
//
//   auto s = search::make_strategy(config, space, objectives);
//   while (auto arch = s->ask()) {
//     search::Trial t = evaluate(*arch);
//     s->tell(t);
//   }
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hwnas/space/search_space.h"

namespace hwnas::search {

struct Objective {
  std::string metric;
  bool maximize = true;
};

// Infeasible: broke a hard constraint. Pruned: a multi-fidelity search stopped it at a lower
// fidelity (its metrics are from `epochs` < the full budget), so it never counts as a result.
enum class TrialStatus { Ok, Failed, Infeasible, Pruned };
std::string_view trial_status_name(TrialStatus s);

struct Trial {
  int64_t id = -1;
  space::Arch arch;
  std::string arch_str;                   // canonical string
  std::map<std::string, double> metrics;  // by metric name
  TrialStatus status = TrialStatus::Ok;
  std::string error;   // for Failed: what went wrong
  double seconds = 0;  // wall time of the evaluation
  double penalty = 0;  // soft-constraint penalty, >= 0 (0 = none)
  int epochs = 0;      // the fidelity its metrics were evaluated at (0: single-fidelity search)
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::string name() const = 0;
  // The next architecture to evaluate, or nullopt when the strategy has nothing left
  // (e.g. grid search exhausted the space).
  virtual std::optional<space::Arch> ask() = 0;
  // The result of an architecture that ask() returned (in the order they were asked).
  virtual void tell(const Trial& trial) = 0;
};

}  // namespace hwnas::search
