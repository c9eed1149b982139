#pragma once
// Zero-cost proxies of a list of architectures, and the `ensemble` proxy, which ranks them by
// the mean of their ranks under kEnsembleMembers (learn/rank_aggregation.h). What `hwnas proxy`
// writes and bench/run_proxy_bench.sh judges.
//
//   auto scorer = eval::make_proxy_scorer({.dataset = ds});
//   eval::ProxyTable t = eval::score_archs(*nb201, archs, {"synflow", "ensemble"}, *scorer);
//   t.values[1][i];   // the ensemble's mean rank of arch i among `archs` (higher = better)
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "hwnas/eval/proxy_scorer.h"
#include "hwnas/space/search_space.h"

namespace hwnas::eval {

// The proxies the ensemble ranks by. Chosen on NB201 CIFAR-10 (bench/run_proxy_bench.sh):
// synflow and naswot carry most of the signal, jacob_cov and macs add what they miss.
const std::vector<std::string>& ensemble_members();

struct ProxyTable {
  std::vector<std::string> names;           // as asked, "ensemble" included
  std::vector<std::vector<double>> values;  // values[j][i]: proxy names[j] of arch i
};

// Checks `names` against the scorer's (and "ensemble"): Error listing them. Duplicates are an
// Error too (a CSV with two equal columns).
void check_proxy_names(const std::vector<std::string>& names, const ProxyScorer& scorer);

// Scores every arch (decoded by `space`) once with every proxy that `names` and the ensemble
// need; `progress(done, total)` after each arch.
ProxyTable score_archs(const space::SearchSpace& space, const std::vector<space::Arch>& archs,
                       const std::vector<std::string>& names, ProxyScorer& scorer,
                       const std::function<void(size_t, size_t)>& progress = {});

}  // namespace hwnas::eval
