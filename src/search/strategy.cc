// Names of trial statuses, as stored and printed.
#include "hwnas/search/strategy.h"

namespace hwnas::search {

std::string_view trial_status_name(TrialStatus s) {
  switch (s) {
    case TrialStatus::Ok:
      return "ok";
    case TrialStatus::Failed:
      return "failed";
    case TrialStatus::Infeasible:
      return "infeasible";
    case TrialStatus::Pruned:
      return "pruned";
  }
  return "unknown";
}

}  // namespace hwnas::search
