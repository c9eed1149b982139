#pragma once
// eval::ProxyMetric: a zero-cost proxy of the untrained network as a metric (train/proxies.h,
// computed by the registered eval::ProxyScorer). Cheap by default: a few forward/backward
// passes on one batch, no training.
//
//   metrics:
//     score: {proxy: synflow}                                               # data-free
//     nw:    {proxy: naswot, dataset: "fashion-mnist:/usr/share/datasets/fashion-mnist", batch: 64, seed: 0}
//     rank:  {proxy: ensemble, dataset: ..., reference: 32}
//
// `ensemble` ranks against a fixed reference set: `reference` archs drawn from the space with
// `seed`, scored once on first use; the value is the mean, over ensemble_members(), of the
// share of reference archs the arch beats (ties count half), in [0, 1]. That orders any two
// archs as their mean rank among the reference set would (proxy_scores.h's ensemble).
//
//   auto m = std::make_unique<eval::ProxyMetric>("score", eval::CostClass::Cheap, "synflow", options, space);
//   m->evaluate(arch, arch_str);
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hwnas/eval/metric.h"
#include "hwnas/eval/proxy_scorer.h"

namespace hwnas::eval {

class ProxyMetric : public Metric {
 public:
  // Makes the scorer (make_proxy_scorer) at once, so a missing plugin or a bad dataset is an
  // Error while the experiment is read, not in the first trial.
  ProxyMetric(std::string name, CostClass cost, std::string proxy, ProxyOptions options, int reference,
              std::shared_ptr<const space::SearchSpace> space);

  std::string source() const override;
  std::string fingerprint() const override;
  double evaluate(const space::Arch& arch, const std::string& arch_str) const override;

 private:
  std::string proxy_;
  ProxyOptions options_;
  int reference_;
  std::shared_ptr<const space::SearchSpace> space_;
  mutable std::mutex mutex_;  // the scorer is not thread-safe, and libtorch's thread pool is process-wide
  std::unique_ptr<ProxyScorer> scorer_;
  mutable std::vector<std::vector<double>> reference_scores_;  // per member, per reference arch
};

// {proxy: NAME, dataset: K:PATH, batch: N, seed: S, threads: T, reference: R, cost: ...} at `path`.
std::unique_ptr<Metric> make_proxy_metric(const std::string& name, const YAML::Node& node, const std::string& path,
                                          const MetricContext& ctx);

}  // namespace hwnas::eval
