#pragma once
// eval::ProxyScorer: the seam between eval, which knows experiments and metrics but no libtorch,
// and whatever computes zero-cost proxies (train/proxies.h, inside the interop plugin). Like
// runtime::register_backend for the plugin's backends: the program that can load the plugin
// (the hwnas CLI, apps/hwnas/proxy_scorer.cc) registers a factory at start-up, and the proxy
// metric (proxy_metric.h) and `hwnas proxy` make their scorer through it.
//
//   eval::register_proxy_scorer(&make_plugin_scorer);             // once, at start-up
//   auto scorer = eval::make_proxy_scorer({.dataset = "fashion-mnist:/usr/share/datasets/fashion-mnist"});
//   std::vector<double> v = scorer->score(graph, {"synflow", "naswot"});
//   scorer->source();   // "computed (zero-cost proxies, libtorch; data: ...)"
//
// Tests register a scorer of their own (a fake with known values).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hwnas/ir/graph.h"

namespace hwnas::eval {

struct ProxyOptions {
  std::string dataset;  // "<kind>:<path>" (data/open_dataset.h); empty: only data-free proxies
  int batch = 64;       // examples of the training split, drawn with `seed`
  uint64_t seed = 0;    // the batch and the networks' initial weights
  int threads = 0;      // intra-op threads; 0: the library's default
};

class ProxyScorer {
 public:
  virtual ~ProxyScorer() = default;
  // The proxies this scorer computes ("synflow", ..., "params", "macs"; not "ensemble").
  virtual std::vector<std::string> names() const = 0;
  virtual bool needs_data(const std::string& proxy) const = 0;
  // The proxies `proxies` of `g`, in that order. Not thread-safe: callers serialise.
  virtual std::vector<double> score(const ir::Graph& g, const std::vector<std::string>& proxies) = 0;
  // Where the figures come from (what computes them, on which data), printed next to them.
  virtual std::string source() const = 0;
};

using ProxyScorerFactory = std::unique_ptr<ProxyScorer> (*)(const ProxyOptions& options);

// Registering again replaces the factory; register at start-up (not thread-safe against make).
void register_proxy_scorer(ProxyScorerFactory factory);
// Error saying that proxies need the interop plugin (run through the hwnas CLI) when nothing
// registered a factory.
std::unique_ptr<ProxyScorer> make_proxy_scorer(const ProxyOptions& options);

}  // namespace hwnas::eval
