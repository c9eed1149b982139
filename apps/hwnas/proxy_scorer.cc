// Wires eval's proxy seam (eval/proxy_scorer.h) to the interop plugin, which holds libtorch and
// train/proxies.h: eval sits below the plugin loader and cannot load it itself. The scorer draws
// one batch of the training split with the seed (the same examples for every network), fits it to
// each network's input and hands it to the plugin. Features computed from raw data are computed
// again for the input (the MFCC frames and coefficients of a dscnn arch, data::fit_front_end), as
// the network's training sees them; stored examples are padded or resized (data/fit_batch.h).
#include <map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/data/fit_batch.h"
#include "hwnas/data/open_dataset.h"
#include "hwnas/eval/proxy_scorer.h"
#include "hwnas/interop/plugin_loader.h"

namespace hwnas::cli {
namespace {

class PluginProxyScorer : public eval::ProxyScorer {
 public:
  explicit PluginProxyScorer(const eval::ProxyOptions& o) : options_(o), api_(interop::plugin().proxies) {
    if (o.dataset.empty()) return;
    const auto ds = data::open_dataset(o.dataset);
    const int64_t size = ds->size(data::Split::train);
    if (size < 2) fail("dataset " + o.dataset, "has {} training examples; the proxies need a batch of 2 or more", size);
    if (o.batch < 2) fail("--batch", "the data-dependent proxies compare examples: use a batch of 2 or more");
    // The first `batch` of a seeded permutation of the training split.
    std::vector<int64_t> idx(static_cast<size_t>(size));
    for (int64_t i = 0; i < size; ++i) idx[static_cast<size_t>(i)] = i;
    Rng rng(o.seed);
    rng.shuffle(idx);
    idx.resize(static_cast<size_t>(std::min<int64_t>(o.batch, size)));
    batch_ = ds->batch(data::Split::train, idx);
    idx_ = std::move(idx);
    dataset_ = fmt::format("{} train, {} examples drawn with seed {}", ds->reference(), idx_.size(), o.seed);
  }

  std::vector<std::string> names() const override { return api_.names(); }
  bool needs_data(const std::string& p) const override { return api_.needs_data(p); }

  std::vector<double> score(const ir::Graph& g, const std::vector<std::string>& proxies) override {
    bool data = false;
    for (const std::string& p : proxies) data = data || api_.needs_data(p);
    interop::ProxyBatch in;
    if (data) {
      if (batch_.x.empty())
        fail("proxies", "some of them read data: give a dataset (--dataset <kind>:<path>, or 'dataset:' in a metric)");
      const std::vector<int> inputs = g.inputs();
      if (inputs.size() != 1)
        fail("graph " + g.name(), "has {} inputs; the proxies score one-input networks", inputs.size());
      const ir::Shape& s = g.node(inputs[0]).shape;
      const std::array<int, 3> hwc = {static_cast<int>(s.h()), static_cast<int>(s.w()), static_cast<int>(s.c())};
      auto it = fitted_.find(hwc);
      if (it == fitted_.end()) {
        const data::OpenOptions front_end = data::fit_front_end(options_.dataset, hwc);
        if (front_end.speech.mfcc != data::OpenOptions{}.speech.mfcc) {
          fit_ = fmt::format("MFCC computed for {}x{} inputs", hwc[0], hwc[1]);
          it = fitted_.emplace(hwc, data::open_dataset(options_.dataset, front_end)->batch(data::Split::train, idx_))
                   .first;
        } else {
          fit_ = data::describe_fit(batch_, hwc);
          it = fitted_.emplace(hwc, data::fit_batch(batch_, hwc)).first;
        }
      }
      in = {it->second.shape, it->second.x.data(), it->second.y.data()};
    }
    return api_.score(g, proxies, in, options_.seed, options_.threads);
  }

  std::string source() const override {
    std::string s = fmt::format("computed (train/proxies.h on libtorch, initial weights seed {}", options_.seed);
    if (!dataset_.empty()) s += fmt::format("; data: {}{}", dataset_, fit_.empty() ? "" : ", " + fit_);
    return s + ")";
  }

 private:
  eval::ProxyOptions options_;
  const interop::ProxyApi& api_;
  data::Batch batch_;         // drawn with the dataset's default front end
  std::vector<int64_t> idx_;  // which training examples batch_ holds
  std::string dataset_, fit_;
  std::map<std::array<int, 3>, data::Batch> fitted_;
};

std::unique_ptr<eval::ProxyScorer> make_plugin_scorer(const eval::ProxyOptions& o) {
  return std::make_unique<PluginProxyScorer>(o);
}

const bool kRegistered = (eval::register_proxy_scorer(&make_plugin_scorer), true);

}  // namespace
}  // namespace hwnas::cli
