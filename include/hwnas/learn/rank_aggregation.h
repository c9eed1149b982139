#pragma once
// Rank aggregation: one ordering of n items from several scores of each, by the mean of their
// ranks (Borda's count). What the `ensemble` zero-cost proxy is: each proxy ranks the
// architectures, the ensemble is their mean rank, which is blind to each proxy's scale (synflow
// spans 1e10..1e60, naswot a few hundred) and to monotone transforms of it.
//
//   // two proxies over three archs: ranks [1,2,3] and [2,1,3] -> mean [1.5, 1.5, 3]
//   learn::mean_rank({{0.1, 0.5, 0.9}, {20, 10, 30}});   // {1.5, 1.5, 3}
#include <vector>

namespace hwnas::learn {

// `columns[j][i]` is score j of item i (higher = better). Returns, per item, the mean over the
// columns of its 1-based average rank (ties share the mean rank, as average_ranks). NaN counts
// as the lowest score. Error when the columns are empty or differ in length.
std::vector<double> mean_rank(const std::vector<std::vector<double>>& columns);

}  // namespace hwnas::learn
