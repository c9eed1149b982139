#include "hwnas/learn/rank_aggregation.h"

#include <cmath>
#include <limits>

#include "hwnas/core/error.h"
#include "hwnas/learn/rank_correlation.h"

namespace hwnas::learn {

std::vector<double> mean_rank(const std::vector<std::vector<double>>& columns) {
  if (columns.empty()) fail("mean_rank", "needs at least one column of scores");
  const size_t n = columns.front().size();
  std::vector<double> mean(n, 0.0);
  for (size_t j = 0; j < columns.size(); ++j) {
    if (columns[j].size() != n)
      fail("mean_rank", "column {} has {} scores, column 0 has {}: each column scores every item", j, columns[j].size(),
           n);
    // NaN (a proxy undefined on that network) ranks lowest, below -inf's ties only by tying.
    std::vector<double> c = columns[j];
    for (double& v : c)
      if (std::isnan(v)) v = -std::numeric_limits<double>::infinity();
    const std::vector<double> r = average_ranks(c);
    for (size_t i = 0; i < n; ++i) mean[i] += r[i] / static_cast<double>(columns.size());
  }
  return mean;
}

}  // namespace hwnas::learn
