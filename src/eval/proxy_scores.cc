#include "hwnas/eval/proxy_scores.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/learn/rank_aggregation.h"

namespace hwnas::eval {

const std::vector<std::string>& ensemble_members() {
  static const std::vector<std::string> members = {"synflow", "naswot", "jacob_cov", "macs"};
  return members;
}

void check_proxy_names(const std::vector<std::string>& names, const ProxyScorer& scorer) {
  if (names.empty())
    fail("proxies", "none asked for; name one or more of {}, ensemble", fmt::join(scorer.names(), ", "));
  const std::vector<std::string> known = scorer.names();
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (n != "ensemble" && std::find(known.begin(), known.end(), n) == known.end())
      fail("proxy '" + n + "'", "is not a zero-cost proxy hwnas knows; use one of {}, ensemble",
           fmt::join(known, ", "));
    if (!seen.insert(n).second) fail("proxy '" + n + "'", "is named twice; name each proxy once");
  }
}

ProxyTable score_archs(const space::SearchSpace& space, const std::vector<space::Arch>& archs,
                       const std::vector<std::string>& names, ProxyScorer& scorer,
                       const std::function<void(size_t, size_t)>& progress) {
  check_proxy_names(names, scorer);
  // What to compute: the asked proxies and, for the ensemble, its members, each once.
  std::vector<std::string> needed;
  auto need = [&](const std::string& n) {
    if (n != "ensemble" && std::find(needed.begin(), needed.end(), n) == needed.end()) needed.push_back(n);
  };
  for (const std::string& n : names) {
    if (n == "ensemble")
      for (const std::string& m : ensemble_members()) need(m);
    need(n);
  }
  std::vector<std::vector<double>> cols(needed.size(), std::vector<double>(archs.size()));
  for (size_t i = 0; i < archs.size(); ++i) {
    const std::vector<double> v = scorer.score(space.decode(archs[i]), needed);
    for (size_t j = 0; j < needed.size(); ++j) cols[j][i] = v.at(j);
    if (progress) progress(i + 1, archs.size());
  }
  auto column = [&](const std::string& n) -> const std::vector<double>& {
    return cols[std::find(needed.begin(), needed.end(), n) - needed.begin()];
  };
  ProxyTable t{names, {}};
  for (const std::string& n : names) {
    if (n != "ensemble") {
      t.values.push_back(column(n));
      continue;
    }
    std::vector<std::vector<double>> members;
    for (const std::string& m : ensemble_members()) members.push_back(column(m));
    t.values.push_back(learn::mean_rank(members));
  }
  return t;
}

}  // namespace hwnas::eval
