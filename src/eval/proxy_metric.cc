#include "hwnas/eval/proxy_metric.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/eval/proxy_scores.h"
#include "hwnas/space/sample_distinct.h"

namespace hwnas::eval {

ProxyMetric::ProxyMetric(std::string name, CostClass cost, std::string proxy, ProxyOptions options, int reference,
                         std::shared_ptr<const space::SearchSpace> space)
    : Metric(std::move(name), cost),
      proxy_(std::move(proxy)),
      options_(std::move(options)),
      reference_(reference),
      space_(std::move(space)),
      scorer_(make_proxy_scorer(options_)) {
  check_proxy_names({proxy_}, *scorer_);
  const std::vector<std::string> asked = proxy_ == "ensemble" ? ensemble_members() : std::vector<std::string>{proxy_};
  for (const std::string& p : asked)
    if (scorer_->needs_data(p) && options_.dataset.empty())
      fail("proxy " + proxy_, "{} reads a batch of data: add 'dataset: <kind>:<path>' (e.g. fashion-mnist:DIR)", p);
  if (proxy_ == "ensemble" && reference_ < 2)
    fail("proxy ensemble", "needs a reference set of at least 2 archs (got {})", reference_);
}

std::string ProxyMetric::source() const {
  const std::string what = proxy_ == "ensemble" ? fmt::format("ensemble of {} against {} reference archs",
                                                              fmt::join(ensemble_members(), ", "), reference_)
                                                : proxy_;
  return fmt::format("zero-cost proxy {}, {}", what, scorer_->source());
}

std::string ProxyMetric::fingerprint() const {
  return fmt::format("proxy {} dataset {} batch {} seed {} reference {}", proxy_, options_.dataset, options_.batch,
                     options_.seed, proxy_ == "ensemble" ? reference_ : 0);
}

double ProxyMetric::evaluate(const space::Arch& arch, const std::string&) const {
  const ir::Graph g = space_->decode(arch);
  std::lock_guard lock(mutex_);
  if (proxy_ != "ensemble") return scorer_->score(g, {proxy_}).at(0);
  const std::vector<std::string>& members = ensemble_members();
  if (reference_scores_.empty()) {
    Rng rng(options_.seed);
    const auto ref = space::sample_distinct(*space_, static_cast<size_t>(reference_), rng);
    reference_scores_ = score_archs(*space_, ref, members, *scorer_).values;
  }
  const std::vector<double> v = scorer_->score(g, members);
  double sum = 0;
  for (size_t j = 0; j < members.size(); ++j) {
    double beaten = 0;
    for (double r : reference_scores_[j]) beaten += v[j] > r ? 1.0 : v[j] == r ? 0.5 : 0.0;
    sum += beaten / static_cast<double>(reference_scores_[j].size());
  }
  return sum / static_cast<double>(members.size());
}

std::unique_ptr<Metric> make_proxy_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx) {
  const YamlSource& src = *ctx.source;
  src.check_keys(node, path, {"proxy", "dataset", "batch", "seed", "threads", "reference", "cost"});
  const std::string proxy = src.get_string(node["proxy"], path + ".proxy");
  ProxyOptions o;
  if (node["dataset"]) {
    // "<kind>:<path>", the path relative to the experiment file.
    const std::string ref = src.get_string(node["dataset"], path + ".dataset");
    const size_t colon = ref.find(':');
    if (colon == std::string::npos || colon == 0)
      src.fail(node["dataset"], path + ".dataset",
               fmt::format("'{}' is not <kind>:<path> (e.g. fashion-mnist:/usr/share/datasets/fashion-mnist)", ref));
    o.dataset = ref.substr(0, colon + 1) + src.resolve_path(ref.substr(colon + 1), path + ".dataset").string();
  }
  auto positive = [&](const char* key, int fallback) {
    if (!node[key]) return fallback;
    const int v = src.get_int(node[key], path + "." + key);
    if (v < 1) src.fail(node[key], path + "." + key, fmt::format("must be at least 1 (got {})", v));
    return v;
  };
  o.batch = positive("batch", 64);
  o.threads = positive("threads", 1);
  const int reference = positive("reference", 32);
  if (node["seed"]) o.seed = static_cast<uint64_t>(src.get_int(node["seed"], path + ".seed"));
  const CostClass cost = parse_cost_class(node, path, src, CostClass::Cheap);
  try {
    return std::make_unique<ProxyMetric>(name, cost, proxy, o, reference, ctx.space);
  } catch (const Error& e) {
    throw e.within(src.where(node["proxy"], path + ".proxy"));
  }
}

}  // namespace hwnas::eval
