// Training throughput of hwnas's trainer (train::train: GraphModule, optimizer, schedule, batching
// and prefetch, per-epoch validation) on examples held in memory, so that only training is timed,
// not a dataset's decoding. bench/run_torch_bench.sh runs it beside bench/train/torch_throughput.py,
// which trains the same graph (read from the JSON this writes) with plain PyTorch the way a
// PyTorch user would: nn.Module, DataLoader over a TensorDataset, the same optimizer and batch.
//
//   hwnas_train_throughput dscnn-mlperf --batch 100 --threads 2 --epochs 3 --graph-out g.json
//
// Prints one JSON line: {"samples_per_s": ..., "epochs": ..., "train_examples": ..., ...}.
#include <cstdio>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "hwnas/core/error.h"
#include "hwnas/core/rng.h"
#include "hwnas/data/dataset.h"
#include "hwnas/ir/serialize.h"
#include "hwnas/ir/stats.h"
#include "hwnas/target/resolver.h"
#include "hwnas/train/trainer.h"

namespace {

using namespace hwnas;

// Examples of N(0, 1) noise with random labels, drawn once: reading one is a copy.
class InMemory : public data::Dataset {
 public:
  InMemory(std::array<int, 3> hwc, int classes, int64_t train, int64_t val) : hwc_(hwc), train_(train), val_(val) {
    for (int c = 0; c < classes; ++c) names_.push_back(fmt::format("c{}", c));
    const size_t per = static_cast<size_t>(hwc[0]) * static_cast<size_t>(hwc[1]) * static_cast<size_t>(hwc[2]);
    Rng rng(7);
    x_.resize(per * static_cast<size_t>(train + val));
    for (float& v : x_) v = static_cast<float>(rng.normal());
    for (int64_t i = 0; i < train + val; ++i) y_.push_back(static_cast<int>(rng.next() % static_cast<uint64_t>(classes)));
  }
  std::string kind() const override { return "in-memory"; }
  const std::string& path() const override { return path_; }
  const std::vector<std::string>& class_names() const override { return names_; }
  std::array<int, 3> input_shape() const override { return hwc_; }
  int64_t size(data::Split s) const override {
    return s == data::Split::train ? train_ : s == data::Split::validation ? val_ : 0;
  }
  int label(data::Split s, int64_t i) const override { return y_[static_cast<size_t>(offset(s) + i)]; }

 protected:
  void example(data::Split s, int64_t i, bool, Rng&, float* out) const override {
    const size_t per = static_cast<size_t>(hwc_[0]) * static_cast<size_t>(hwc_[1]) * static_cast<size_t>(hwc_[2]);
    const float* src = x_.data() + static_cast<size_t>(offset(s) + i) * per;
    std::copy(src, src + per, out);
  }

 private:
  int64_t offset(data::Split s) const { return s == data::Split::train ? 0 : train_; }
  std::array<int, 3> hwc_;
  int64_t train_, val_;
  std::string path_ = "memory";
  std::vector<std::string> names_;
  std::vector<float> x_;
  std::vector<int> y_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("samples/s of hwnas's trainer on in-memory examples");
  std::string model = "dscnn-mlperf", graph_out;
  int batch = 100, threads = 2, epochs = 3, classes = 12;
  int64_t examples = 3000;
  app.add_option("model", model, "a model reference (built-in name, graph JSON, ...)")->capture_default_str();
  app.add_option("--batch", batch)->capture_default_str();
  app.add_option("--threads", threads)->capture_default_str();
  app.add_option("--epochs", epochs)->capture_default_str();
  app.add_option("--examples", examples, "training examples per epoch")->capture_default_str();
  app.add_option("--classes", classes, "classes of a built-in model")->capture_default_str();
  app.add_option("--graph-out", graph_out, "write the graph JSON here (for torch_throughput.py)");
  CLI11_PARSE(app, argc, argv);
  try {
    const ir::Graph g = target::resolve_model(model, {.classes = classes});
    if (!graph_out.empty()) ir::save_graph(g, graph_out);
    const ir::Shape& in = g.node(g.inputs()[0]).shape;
    const int out_classes = static_cast<int>(g.node(g.outputs()[0]).shape[1]);
    const InMemory ds({static_cast<int>(in.h()), static_cast<int>(in.w()), static_cast<int>(in.c())}, out_classes,
                      examples, batch);
    // SGD with Nesterov momentum and weight decay (the trainer's default), no augmentation.
    const train::TrainResult r = train::train(
        g, ds, {.epochs = epochs, .batch_size = batch, .lr = 0.01, .augment = false, .seed = 1, .threads = threads});
    // The first epoch warms up (allocations, thread pool); the rest are timed.
    double seconds = 0;
    for (size_t e = 1; e < r.log.size(); ++e) seconds += r.log[e].seconds;
    const double timed = static_cast<double>(r.log.size() - 1) * static_cast<double>(examples);
    const nlohmann::json j = {{"engine", "hwnas trainer (libtorch, GraphModule)"},
                              {"model", g.name()},
                              {"params", ir::compute_stats(g).params},
                              {"batch", batch},
                              {"threads", threads},
                              {"timed_epochs", r.log.size() - 1},
                              {"train_examples", examples},
                              {"seconds", seconds},
                              {"samples_per_s", timed / seconds}};
    fmt::print("{}\n", j.dump());
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
